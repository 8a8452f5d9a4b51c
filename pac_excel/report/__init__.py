"""Renderers of an Analysis: terminal text, JSON, CSV and a report workbook."""

#: the totals every report shows: (label key in i18n, key of totals(), kind: n number, m money)
TOTAL_FIGURES = (
    ("kpi.actions", "actions", "n"), ("kpi.done", "done", "n"), ("kpi.late", "late", "n"),
    ("kpi.budget_planned", "budget_planned", "m"), ("kpi.budget_actual", "budget_actual", "m"),
    ("kpi.budget_variance", "budget_variance", "m"), ("kpi.budget_unspent", "budget_unspent", "m"),
    ("kpi.revenue_expected", "revenue_expected", "m"),
    ("kpi.revenue_actual", "revenue_actual", "m"),
)
