"""What lists and trends need of a snapshot: its totals and its indicators."""

from __future__ import annotations

from typing import Any

from .. import aggregate


def summarize(snapshot_json: str) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    from ..snapshot import from_json

    a = from_json(snapshot_json).analysis
    return summary_of(a)


def summary_of(a: Any) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    totals = aggregate.totals(a.actions, a.columns)
    atts = [x.attainment for x in a.actions if x.attainment is not None]
    totals["attainment"] = sum(atts) / len(atts) if atts else None
    totals["attainment_sum_n"] = [sum(atts), len(atts)]  # to average over several plans exactly
    katts = [k.attainment for k in a.kpis if k.attainment is not None]
    totals["kpi_attainment"] = sum(katts) / len(katts) if katts else None
    totals["kpi_attainment_sum_n"] = [sum(katts), len(katts)]
    for key in ("category", "status"):  # for boards: breakdowns summed without decoding snapshots
        totals[f"by_{key}"] = aggregate.group(a.actions, a.columns, key)
    totals["currency"] = getattr(a, "currency", None)
    kpis = [{"name": k.name, "latest": k.latest, "attainment": k.attainment, "initial": k.initial,
             "target": k.target} for k in a.kpis]
    return totals, kpis
