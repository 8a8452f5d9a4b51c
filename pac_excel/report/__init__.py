"""Renderers of an Analysis: terminal text, JSON, CSV and a report workbook."""

from __future__ import annotations


def total_figures() -> list[tuple[str, str, str]]:
    """The totals every report shows: (label key in i18n, key of totals(), kind: n number, m
    money), derived from the schema's totalled columns (aggregate.total_keys)."""
    from ..aggregate import total_keys

    return [(f"kpi.{k}", k, "n" if k in ("actions", "late", "done") else "m") for k in total_keys()]

