"""A plan as the review history keeps it: the analysis (records, indicators, problems, ledger)
and everything typed (:class:`~pac_excel.plandata.PlanData`), read in one pass, as JSON.

JSON, not pickle: a store shared on a server holds data, never code. Dates are written as
``{"$date": "YYYY-MM-DD"}`` inside the plan (its cells may hold text that looks like a date),
as ``YYYY-MM-DD`` in the records (whose date fields are known).
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, fields
from datetime import date, datetime
from pathlib import Path
from typing import Any

from . import schema
from .analysis import _DATE_FIELDS, Analysis, Kpi, record_type
from .errors import PlanReadError
from .plandata import PlanData, Revenue
from .planread import PlanRead
from .problems import Problem

#: the snapshot format; a reader refuses a newer one rather than misread it
FORMAT = 1


@dataclass
class Snapshot:
    analysis: Analysis
    plan: PlanRead


def read_snapshot(path: str | Path, as_of: date, lang: str = "fr", *, bounded: bool = True) -> Snapshot:
    """Analyse and read back a plan, the file opened once, in a bounded process."""
    if bounded:
        from .read import bounded as _bounded

        if _bounded.available():
            return _bounded.run(read_snapshot, path, as_of, lang, bounded=False)
    from .analysis import _analyze, converted, gc_paused
    from .planread import _read
    from .read.workbook import open_workbook

    def both(p: str | Path) -> Snapshot:
        with gc_paused():
            wb = open_workbook(p)
            try:
                return Snapshot(_analyze(wb, p, as_of), _read(wb, p))
            finally:
                wb.close()

    try:
        snap = both(path)
    except PlanReadError as err:
        if not (err.key == "read.unreadable" or (err.key == "read.truncated" and err.params.get("container") ==
                                                 "container.ole")):
            raise
        with converted(Path(path), err) as other:
            snap = both(other)
        snap.analysis.source = snap.plan.source = str(path)
        snap.analysis.problems.insert(0, Problem("read_by_libreoffice"))
    snap.analysis.localize(lang)
    return snap


# ------------------------------------------------------------------------------------ JSON
def _tag(v: Any) -> Any:
    if isinstance(v, datetime):
        return {"$datetime": v.isoformat()}
    if isinstance(v, date):
        return {"$date": v.isoformat()}
    if isinstance(v, dict):
        return {k: _tag(x) for k, x in v.items()}
    if isinstance(v, (list, tuple)):
        return [_tag(x) for x in v]
    return v


def _untag(v: Any) -> Any:
    if isinstance(v, dict):
        if len(v) == 1 and "$date" in v:
            return date.fromisoformat(v["$date"])
        if len(v) == 1 and "$datetime" in v:
            return datetime.fromisoformat(v["$datetime"])
        return {k: _untag(x) for k, x in v.items()}
    if isinstance(v, list):
        return [_untag(x) for x in v]
    return v


def plan_to_json(plan: PlanData) -> dict[str, Any]:
    return _tag(asdict(plan))


def plan_from_json(raw: dict[str, Any]) -> PlanData:
    raw = _untag(raw)
    known = {f.name for f in fields(PlanData)}
    revenue = Revenue(**raw.pop("revenue", {}))
    return PlanData(revenue=revenue, **{k: v for k, v in raw.items() if k in known})


def analysis_to_json(a: Analysis) -> dict[str, Any]:
    return {
        "source": a.source, "template": a.template, "as_of": a.as_of.isoformat(),
        "actions": [x.to_dict() for x in a.actions],
        "kpis": [asdict(k) for k in a.kpis],
        "problems": [{"code": p.code, "sheet": p.sheet, "cell": p.cell, "params": _tag(p.params)} for p in a.problems],
        "columns": sorted(a.columns), "team": a.team, "header_row": a.header_row,
        "ignored_rows": [list(x) for x in a.ignored_rows], "currency": a.currency,
    }


def analysis_from_json(raw: dict[str, Any]) -> Analysis:
    kind = record_type()
    names = {f.name for f in fields(kind)}
    actions = []
    for x in raw["actions"]:
        values = {k: (date.fromisoformat(v) if k in _DATE_FIELDS and v else v) for k, v in x.items() if k in names}
        actions.append(kind(**values))
    kpis = [Kpi(**k) for k in raw["kpis"]]
    problems = [Problem(p["code"], p["sheet"], p["cell"], _untag(p["params"])) for p in raw["problems"]]
    return Analysis(raw["source"], raw["template"], date.fromisoformat(raw["as_of"]), actions, kpis, problems,
                    set(raw["columns"]), raw["team"], raw["header_row"],
                    [tuple(x) for x in raw["ignored_rows"]],
                    # kept before the setting existed: pac-excel's workbooks were in euros, others unknown
                    currency=raw.get("currency", schema.DEFAULT_CURRENCY if raw["template"] else None))


def to_json(snap: Snapshot) -> str:
    p = snap.plan
    return json.dumps({"format": FORMAT, "analysis": analysis_to_json(snap.analysis), "plan": {
        "data": plan_to_json(p.data), "lang": p.lang, "template": p.template, "version": p.version,
        "action_rows": p.action_rows,
    }}, ensure_ascii=False, default=str, separators=(",", ":"))


def analysis_only(text: str) -> Analysis:
    """The analysis of a stored snapshot, without decoding the plan (what consolidating needs)."""
    at = text.find('"analysis":')
    if at < 0 or not text.startswith('{"format":1,'):
        return from_json(text).analysis
    raw, _ = json.JSONDecoder().raw_decode(text, at + len('"analysis":'))
    return analysis_from_json(raw)


def from_json(text: str) -> Snapshot:
    raw = json.loads(text)
    if raw.get("format", 0) > FORMAT:
        raise ValueError(f"snapshot format {raw.get('format')} is newer than this pac-excel ({FORMAT})")
    p = raw["plan"]
    a = analysis_from_json(raw["analysis"])
    plan = PlanRead(a.source, plan_from_json(p["data"]), p["lang"], p["template"], p["version"])
    plan.action_rows = p.get("action_rows", [])
    return Snapshot(a, plan)
