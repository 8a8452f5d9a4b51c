"""Workbooks of the review history: a diff with its changes highlighted, a trend with native
line charts (sheet Évolution). New files, written atomically."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

from .. import schema
from ..fileio import atomic_output
from ..i18n import figure_label, tx


def _formats(wb: Any, currency: str | None = schema.DEFAULT_CURRENCY) -> dict[str, Any]:
    money = schema.money_format(currency)  # as in the plan
    base = {"font_name": "Calibri", "font_size": 10, "valign": "top"}
    return {
        "title": wb.add_format({**base, "bold": True, "font_size": 14, "font_color": "#1F3864"}),
        "head": wb.add_format({**base, "bold": True, "font_color": "#FFFFFF", "bg_color": "#1F3864", "border": 1,
                               "text_wrap": True}),
        "text": wb.add_format({**base, "border": 1, "border_color": "#C9D3E0", "text_wrap": True}),
        "money": wb.add_format({**base, "border": 1, "border_color": "#C9D3E0", "num_format": money}),
        "int": wb.add_format({**base, "border": 1, "border_color": "#C9D3E0", "num_format": "0"}),
        "pct": wb.add_format({**base, "border": 1, "border_color": "#C9D3E0", "num_format": "0%"}),
        "date": wb.add_format({**base, "border": 1, "border_color": "#C9D3E0", "num_format": "dd/mm/yyyy"}),
        "changed": wb.add_format({**base, "border": 1, "border_color": "#C9D3E0", "bg_color": "#FFF2CC",
                                  "text_wrap": True}),
        "added": wb.add_format({**base, "border": 1, "border_color": "#C9D3E0", "bg_color": "#E2F0D9",
                                "text_wrap": True}),
        "removed": wb.add_format({**base, "border": 1, "border_color": "#C9D3E0", "bg_color": "#FBE5D6",
                                  "font_strikeout": True, "text_wrap": True}),
    }


def _cell(ws: Any, r: int, c: int, v: Any, fm: dict[str, Any], style: str = "text") -> None:
    if v is None or v == "":
        ws.write_blank(r, c, None, fm[style])
    elif isinstance(v, bool):
        from .. import schema

        ws.write_string(r, c, schema.YES_NO.label("yes" if v else "no", "fr"), fm[style])
    elif isinstance(v, date):
        ws.write_datetime(r, c, v, fm["date"] if style == "text" else fm[style])
    elif isinstance(v, (int, float)):
        ws.write_number(r, c, v, fm[style])
    else:
        ws.write_string(r, c, str(v)[:32767], fm[style])


def _field_label(key: str, lang: str) -> str:
    from .. import schema

    if key in {c.key for c in schema.ACTIONS.columns}:
        return schema.ACTIONS.column(key).label(lang)
    if key in {c.key for c in schema.KPIS.columns}:
        return schema.KPIS.column(key).label(lang)
    return key


def write_diff(d: Any, output: Path, lang: str = "fr", force: bool = False, title: str = "") -> Path:
    import xlsxwriter

    with atomic_output(output, force=force) as tmp:
        wb = xlsxwriter.Workbook(str(tmp), {"strings_to_formulas": False, "strings_to_urls": False,
                                            "strings_to_numbers": False})
        fm = _formats(wb, d.currency)
        # Summary: totals before / after / change
        ws = wb.add_worksheet(tx("diff.sheet.summary", lang))
        ws.set_column(0, 0, 34)
        ws.set_column(1, 3, 16)
        ws.write_string(0, 0, title or tx("diff.title", lang), fm["title"])
        for c, h in enumerate((tx("diff.figure", lang), tx("diff.before", lang), tx("diff.after", lang),
                               tx("diff.change", lang))):
            ws.write_string(2, c, h, fm["head"])
        for i, (k, before) in enumerate(d.before.items()):
            after = d.after.get(k)
            style = "int" if k in ("actions", "late", "done") else "money"
            ws.write_string(3 + i, 0, figure_label(k, lang), fm["text"])
            _cell(ws, 3 + i, 1, before, fm, style)
            _cell(ws, 3 + i, 2, after, fm, "changed" if before != after else style)
            delta = after - before if isinstance(before, (int, float)) and isinstance(after, (int, float)) else None
            _cell(ws, 3 + i, 3, delta, fm, style)
        r = 5 + len(d.before)
        for key, n in (("diff.added", len(d.added)), ("diff.removed", len(d.removed)),
                       ("diff.changed", len(d.changed))):
            ws.write_string(r, 0, tx(key, lang), fm["text"])
            ws.write_number(r, 1, n, fm["int"])
            r += 1
        # Changes, one row per field
        ws = wb.add_worksheet(tx("diff.sheet.changes", lang))
        heads = ("N°", tx("diff.action", lang), tx("diff.field", lang), tx("diff.before", lang),
                 tx("diff.after", lang), tx("diff.change", lang))
        for c, (h, w) in enumerate(zip(heads, (6, 40, 20, 22, 22, 14))):
            ws.set_column(c, c, w)
            ws.write_string(0, c, h, fm["head"])
        r = 1
        for a, changes in d.changed:
            for ch in changes:
                x = ch.to_dict()
                ws.write_number(r, 0, a.row, fm["int"])
                ws.write_string(r, 1, a.action or "", fm["text"])
                ws.write_string(r, 2, _field_label(ch.field, lang), fm["text"])
                _cell(ws, r, 3, ch.before, fm)
                _cell(ws, r, 4, ch.after, fm, "changed")
                change = x.get("days", x.get("delta"))
                _cell(ws, r, 5, change, fm, "int" if "days" in x else "money")
                r += 1
        ws.freeze_panes(1, 2)
        ws.autofilter(0, 0, max(r - 1, 1), len(heads) - 1)
        # Added and removed actions
        for key, rows, style in (("diff.sheet.added", d.added, "added"), ("diff.sheet.removed", d.removed, "removed")):
            ws = wb.add_worksheet(tx(key, lang))
            cols = ("action", "owner", "status", "budget_planned", "budget_actual", "start", "end", "target", "result")
            for c, k in enumerate(cols):
                ws.set_column(c, c, 36 if k == "action" else 14)
                ws.write_string(0, c, _field_label(k, lang), fm["head"])
            for i, a in enumerate(rows, 1):
                for c, k in enumerate(cols):
                    v = getattr(a, k)
                    _cell(ws, i, c, v, fm, style if not isinstance(v, (int, float, date)) or isinstance(v, bool)
                          else ("money" if k.startswith("budget") else style if isinstance(v, date) else "int"))
        # Indicators
        ws = wb.add_worksheet(tx("diff.sheet.indicators", lang))
        for c, (h, w) in enumerate(zip((tx("diff.indicator", lang), tx("diff.field", lang), tx("diff.before", lang),
                                        tx("diff.after", lang)), (36, 20, 16, 16))):
            ws.set_column(c, c, w)
            ws.write_string(0, c, h, fm["head"])
        r = 1
        for name, changes in d.indicators:
            for ch in changes:
                ws.write_string(r, 0, name, fm["text"])
                ws.write_string(r, 1, _field_label(ch.field, lang), fm["text"])
                style = "pct" if ch.field == "attainment" else "int"
                _cell(ws, r, 2, ch.before, fm, style if isinstance(ch.before, (int, float)) else "text")
                _cell(ws, r, 3, ch.after, fm, "changed")
                r += 1
        for names, key in ((d.indicators_added, "diff.added"), (d.indicators_removed, "diff.removed")):
            for name in names:
                ws.write_string(r, 0, name, fm["added" if key == "diff.added" else "removed"])
                ws.write_string(r, 1, tx(key, lang), fm["text"])
                r += 1
        wb.close()
    return output


def write_trend(t: Any, output: Path, lang: str = "fr", force: bool = False) -> Path:
    import xlsxwriter

    keys = ("actions", "done", "late", "budget_planned", "budget_actual", "revenue_expected", "revenue_actual",
            "attainment", "kpi_attainment")
    with atomic_output(output, force=force) as tmp:
        wb = xlsxwriter.Workbook(str(tmp), {"strings_to_formulas": False, "strings_to_urls": False,
                                            "strings_to_numbers": False})
        fm = _formats(wb, t.currency)
        ws = wb.add_worksheet(tx("trend.sheet", lang))
        ws.write_string(0, 0, tx("trend.title", lang) + (f" — {t.team}" if t.team else ""), fm["title"])
        ws.set_column(0, 0, 14)
        ws.set_column(1, len(keys), 15)
        ws.write_string(2, 0, tx("trend.review", lang), fm["head"])
        labels = {"attainment": tx("trend.attainment", lang), "kpi_attainment": tx("trend.kpi_attainment", lang)}
        for c, k in enumerate(keys, 1):
            ws.write_string(2, c, labels.get(k) or figure_label(k, lang), fm["head"])
        for i, row in enumerate(t.reviews, 3):
            ws.write_string(i, 0, row["review"], fm["text"])
            for c, k in enumerate(keys, 1):
                style = "int" if k in ("actions", "done", "late") else "pct" if "attainment" in k else "money"
                _cell(ws, i, c, row.get(k), fm, style)
        first, last = 3, 2 + len(t.reviews)
        sheet = ws.name
        charts = ((("budget_planned", "budget_actual"), "trend.chart.budget"),
                  (("revenue_expected", "revenue_actual"), "trend.chart.revenue"),
                  (("actions", "done", "late"), "trend.chart.actions"))
        for n, (series, key) in enumerate(charts):
            chart = wb.add_chart({"type": "line"})
            for k in series:
                c = keys.index(k) + 1
                chart.add_series({"name": [sheet, 2, c], "categories": [sheet, first, 0, last, 0],
                                  "values": [sheet, first, c, last, c], "marker": {"type": "circle"}})
            chart.set_title({"name": tx(key, lang), "name_font": {"size": 11}})
            chart.set_legend({"position": "bottom"})
            chart.set_size({"width": 480, "height": 260})
            ws.insert_chart(last + 3 + 14 * (n // 2), 0 if n % 2 == 0 else 6, chart)
        # Indicators by review
        ks = wb.add_worksheet(tx("trend.sheet.indicators", lang))
        order = [row["review"] for row in t.reviews]
        ks.set_column(0, 0, 40)
        ks.set_column(1, len(order), 12)
        ks.write_string(0, 0, tx("diff.indicator", lang), fm["head"])
        for c, label in enumerate(order, 1):
            ks.write_string(0, c, label, fm["head"])
        for r, ind in enumerate(t.indicators, 1):
            ks.write_string(r, 0, ind["name"], fm["text"])
            values = {v["review"]: v["value"] for v in ind["values"]}
            for c, label in enumerate(order, 1):
                _cell(ks, r, c, values.get(label), fm, "int")
        if t.indicators and order:
            chart = wb.add_chart({"type": "line"})
            for r in range(1, min(len(t.indicators), 8) + 1):
                chart.add_series({"name": [ks.name, r, 0], "categories": [ks.name, 0, 1, 0, len(order)],
                                  "values": [ks.name, r, 1, r, len(order)], "marker": {"type": "circle"}})
            chart.set_title({"name": tx("trend.chart.indicators", lang), "name_font": {"size": 11}})
            chart.set_legend({"position": "bottom"})
            chart.set_size({"width": 640, "height": 320})
            ks.insert_chart(len(t.indicators) + 3, 0, chart)
        ws.activate()
        wb.close()
    return output
