"""Renderers of an Analysis: terminal text, JSON, CSV and a report workbook."""

from __future__ import annotations


def total_figures() -> list[tuple[str, str, str]]:
    """The totals every report shows: (label key in i18n, key of totals(), kind: n number, m
    money), derived from the schema's totalled columns (aggregate.total_keys)."""
    from ..aggregate import total_keys

    return [(f"kpi.{k}", k, "n" if k in ("actions", "late", "done") else "m") for k in total_keys()]


def label(key: str, lang: str) -> str:
    """The label of a figure: its own text (i18n ``kpi.<key>``), else its column's (schema)."""
    from .. import schema
    from ..i18n import TX

    key = key.removeprefix("kpi.")
    text = TX.get(f"kpi.{key}")
    return text(lang) if text is not None else schema.ACTIONS.column(key).label(lang)
