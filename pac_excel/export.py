"""Tidy tables for BI tools (Power BI, Tableau, DuckDB, pandas): a small star schema of one or
many plans, with stable column names and types.

- ``plans``: one row per plan read (plan_id, review, team, source, template, version, lang, as_of,
  currency — the ISO 4217 code of the plan's amounts, empty when nothing names it);
- ``actions``: one per action (plan_id, team, then every field of analyze's action records);
- ``indicators``: one per indicator (plan_id, team, indicator_id, name, type and type_key,
  direction and direction_key, objective, initial, target, latest, attainment, data_source,
  frequency and frequency_key);
- ``indicator_values``: indicator × month with a value (plan_id, team, indicator_id, name,
  month, month_start, value);
- ``revenue``: month of a plan with revenue targets (plan_id, team, month, month_start, weight,
  target, actual);
- ``opportunities``: one per opportunity of a Pipeline sheet (plan_id, team, client, opportunity,
  owner, stage, probability — the override, else the stage's —, amount, weighted, close,
  next_step, next_date, updated, stale), figured as the workbook does;
- ``funnel``: month of a Prospection sheet with a figure typed (plan_id, team, month,
  month_start, contacts, meetings, proposals, signed, target);
- ``problems``: one per problem (plan_id, team, source, severity, code, sheet, cell, message);
- ``ledger``: one per input file (source, team, status, code, reason, detected, consolidated,
  ignored, rejected).

Types: dates are dates, amounts and figures floats, counts integers, flags booleans; a dropdown
value is given as written (its label) and as its canonical key (``status``/``status_key``…).
"""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path
from typing import Any

from . import compute, schema
from .analysis import fields_of, record_type

_ACTION_TYPES = {"str": "str", "int": "int", "float | None": "float", "date | None": "date", "bool | None": "bool",
                 "str | None": "str"}


def _action_columns() -> dict[str, str]:
    from dataclasses import fields

    kind = record_type()
    return {f.name: _ACTION_TYPES.get(str(f.type), "str") for f in fields(kind)}


#: every table's columns and their types: str, int, float, date, bool
COLUMNS: dict[str, dict[str, str]] = {
    "plans": {"plan_id": "int", "review": "str", "team": "str", "source": "str", "template": "str", "version": "str",
              "lang": "str", "as_of": "date", "currency": "str"},
    "actions": {"plan_id": "int", "team": "str", **_action_columns()},
    "indicators": {"plan_id": "int", "team": "str", "indicator_id": "int", "name": "str", "type": "str",
                   "type_key": "str", "direction": "str", "direction_key": "str", "objective": "str",
                   "initial": "float", "target": "float", "latest": "float", "attainment": "float",
                   "data_source": "str", "frequency": "str", "frequency_key": "str"},
    "indicator_values": {"plan_id": "int", "team": "str", "indicator_id": "int", "name": "str", "month": "int",
                         "month_start": "date", "value": "float"},
    "revenue": {"plan_id": "int", "team": "str", "month": "int", "month_start": "date", "weight": "float",
                "target": "float", "actual": "float"},
    "opportunities": {"plan_id": "int", "team": "str", "client": "str", "opportunity": "str", "owner": "str",
                      "stage": "str", "probability": "float", "amount": "float", "weighted": "float", "close": "date",
                      "next_step": "str", "next_date": "date", "updated": "date", "stale": "bool"},
    "funnel": {"plan_id": "int", "team": "str", "month": "int", "month_start": "date", "contacts": "float",
               "meetings": "float", "proposals": "float", "signed": "float", "target": "float"},
    "problems": {"plan_id": "int", "team": "str", "source": "str", "severity": "str", "code": "str", "sheet": "str",
                 "cell": "str", "message": "str"},
    "ledger": {"source": "str", "team": "str", "status": "str", "code": "str", "reason": "str", "detected": "int",
               "consolidated": "int", "ignored": "int", "rejected": "int"},
}
TABLES = tuple(COLUMNS)


def _num(v: Any) -> float | None:
    return float(v) if isinstance(v, (int, float)) and not isinstance(v, bool) else None


def _day(v: Any) -> date | None:
    if isinstance(v, datetime):
        return v.date()
    return v if isinstance(v, date) else None


def _text(v: Any) -> str | None:
    return None if v is None or v == "" else str(v)


class Builder:
    """Rows of every table, one plan at a time."""

    def __init__(self, lang: str = "fr") -> None:
        self.lang = lang
        self.rows: dict[str, list[dict[str, Any]]] = {t: [] for t in TABLES}

    def add(self, analysis: Any, plan: Any, team: str, source: str, review: str | None = None) -> None:
        pid = len(self.rows["plans"]) + 1
        template = analysis.template or {}
        self.rows["plans"].append({"plan_id": pid, "review": review, "team": team, "source": source,
                                   "template": template.get("id"), "version": template.get("version"),
                                   "lang": plan.lang if plan else None, "as_of": analysis.as_of,
                                   "currency": analysis.currency})
        names = fields_of(record_type())
        for a in analysis.actions:
            self.rows["actions"].append({"plan_id": pid, "team": team, **{n: getattr(a, n) for n in names}})
        for p in analysis.problems:
            self.rows["problems"].append({"plan_id": pid, "team": team, "source": source, "severity": p.severity,
                                          "code": p.code, "sheet": p.sheet, "cell": p.cell,
                                          "message": p.message(self.lang)})
        if plan is None:
            return
        data = plan.data
        year = data.year or analysis.as_of.year
        for i, k in enumerate(data.kpis, 1):
            months = [_num(k.get(m)) for m in schema.MONTH_KEYS]
            initial, target = _num(k.get("initial")), _num(k.get("target"))
            latest = compute.latest_value(months)
            row = {"plan_id": pid, "team": team, "indicator_id": i, "name": _text(k.get("name")),
                   "objective": _text(k.get("objective")), "initial": initial, "target": target, "latest": latest,
                   "attainment": compute.kpi_attainment(initial, target, latest),
                   "data_source": _text(k.get("source"))}
            for key, lst in (("type", schema.KPI_TYPE), ("direction", schema.DIRECTION),
                             ("frequency", schema.FREQUENCY)):
                text = _text(k.get(key))
                row[key], row[f"{key}_key"] = text, lst.key_of(text) if text else None
            self.rows["indicators"].append(row)
            for m, v in enumerate(months, 1):
                if v is not None:
                    self.rows["indicator_values"].append({"plan_id": pid, "team": team, "indicator_id": i,
                                                          "name": row["name"], "month": m,
                                                          "month_start": date(year, m, 1), "value": v})
        rev = data.revenue
        weights = [_num(w) for w in (list(rev.weights) + [None] * 12)[:12]]
        actuals = [_num(x) for x in (list(rev.actuals) + [None] * 12)[:12]]
        annual = _num(rev.annual_target)
        if annual is not None or any(x is not None for x in actuals):
            targets = compute.split_target(annual, weights)
            for m in range(12):
                self.rows["revenue"].append({"plan_id": pid, "team": team, "month": m + 1,
                                             "month_start": date(year, m + 1, 1), "weight": weights[m],
                                             "target": targets[m], "actual": actuals[m]})

        stages = [(str(st.get("stage") or ""), st.get("probability")) for st in data.stages]
        for o in data.pipeline:
            if not any(v not in (None, "") for v in o.values()):
                continue
            probability = compute.stage_probability(o.get("stage"), o.get("probability_override"), stages)
            next_date = _day(o.get("next_date"))
            self.rows["opportunities"].append({
                "plan_id": pid, "team": team, **{k: _text(o.get(k)) for k in ("client", "opportunity", "owner",
                                                                                "stage", "next_step")},
                "probability": _num(probability), "amount": _num(o.get("amount")),
                "weighted": _num(compute.weighted(o.get("amount"), probability)), "close": _day(o.get("close")),
                "next_date": next_date, "updated": _day(o.get("updated")),
                "stale": compute.is_stale(next_date, probability, analysis.as_of)})
        for m, f in enumerate(data.funnel[:12], 1):
            figures = {k: _num(f.get(k)) for k in ("contacts", "meetings", "proposals", "signed", "target")}
            if any(v is not None for v in figures.values()):
                self.rows["funnel"].append({"plan_id": pid, "team": team, "month": m,
                                            "month_start": date(year, m, 1), **figures})

    def ledger(self, source: str, team: str, status: str, code: str | None, reason: str | None,
               rows: dict[str, int]) -> None:
        self.rows["ledger"].append({"source": source, "team": team, "status": status, "code": code, "reason": reason,
                                    **rows})

    # ---------------------------------------------------------------- outputs
    def arrow(self, name: str) -> Any:
        import pyarrow as pa

        types = {"str": pa.string(), "int": pa.int64(), "float": pa.float64(), "date": pa.date32(),
                 "bool": pa.bool_()}
        cols = COLUMNS[name]
        schema_ = pa.schema([(c, types[t]) for c, t in cols.items()])
        return pa.Table.from_pylist([{c: r.get(c) for c in cols} for r in self.rows[name]], schema=schema_)

    def frames(self) -> dict[str, Any]:
        """Every table as a pandas DataFrame with its documented dtypes (dates datetime64)."""
        import pandas as pd

        out = {}
        for name, cols in COLUMNS.items():
            data = {}
            for c, t in cols.items():
                values = [r.get(c) for r in self.rows[name]]
                data[c] = (pd.Series(values, dtype="string") if t == "str" else
                           pd.Series(values, dtype="Int64") if t == "int" else
                           pd.Series(values, dtype="float64") if t == "float" else
                           pd.Series(values, dtype="boolean") if t == "bool" else
                           pd.to_datetime(pd.Series(values, dtype="object")))
            out[name] = pd.DataFrame(data, columns=list(cols))
        return out


def from_files(inputs: list[Path], as_of: date | None = None, lang: str = "fr", recursive: bool = False) -> Builder:
    """Read plans (files and folders) into the tables, every file in the ledger."""
    from .consolidation import FileEntry, _digest, collect, is_lock_file
    from .errors import PacError, rejection_code
    from .snapshot import read_snapshot

    day = as_of or date.today()
    b = Builder(lang)
    seen: dict[str, str] = {}
    used: dict[str, int] = {}
    for path in collect(list(inputs), recursive):
        e = FileEntry(path)
        if is_lock_file(path):
            b.ledger(str(path), path.stem, "skipped", "lock_file", None, e.rows())
            continue
        try:
            digest = _digest(path)
            if digest in seen:
                b.ledger(str(path), path.stem, "skipped", "duplicate", seen[digest], e.rows())
                continue
            seen[digest] = str(path)
            snap = read_snapshot(path, day, lang)
        except (PacError, OSError) as err:
            code = rejection_code(err.key) if isinstance(err, PacError) else "missing"
            reason = err.message(lang) if isinstance(err, PacError) else str(err)
            b.ledger(str(path), path.stem, "rejected", code, reason, e.rows())
            continue
        e.analysis = snap.analysis
        base = snap.analysis.team or path.stem
        used[base] = used.get(base, 0) + 1
        team = base if used[base] == 1 else f"{base} ({used[base]})"  # as consolidate names them
        b.add(snap.analysis, snap.plan, team, str(path))
        b.ledger(str(path), team, "ok", None, None, e.rows())
    return b


def from_store(store: Any, review: str | None = None, lang: str = "fr") -> Builder:
    """The current plans of one review (or of every review) of the history."""
    b = Builder(lang)
    for s in store.submissions(review):
        if not s.current:
            continue
        snap = store.snapshot(s.id)
        b.add(snap.analysis, snap.plan, s.team, s.source, review=s.review)
        consolidated = len(snap.analysis.actions)
        ignored = len(snap.analysis.ignored_rows)
        b.ledger(s.source, s.team, "ok", None, None, {"detected": consolidated + ignored,
                                                      "consolidated": consolidated, "ignored": ignored,
                                                      "rejected": 0})
    return b


def write(b: Builder, out_dir: Path, to: str, csv_dialect: str | None = None, force: bool = False) -> list[Path]:
    """Write every table in ``out_dir`` (created if needed): ``<table>.csv`` / ``.parquet``, or
    one ``tables.xlsx`` with a sheet per table. Each file is written atomically."""
    from .errors import UsageError
    from .fileio import atomic_output

    out_dir.mkdir(parents=True, exist_ok=True)
    written = []
    if to == "parquet":
        try:
            import pyarrow.parquet as pq
        except ImportError:
            raise UsageError("err.parquet") from None
        for name in TABLES:
            target = out_dir / f"{name}.parquet"
            with atomic_output(target, force=force, suffix=".parquet") as tmp:
                pq.write_table(b.arrow(name), str(tmp))
            written.append(target)
    elif to == "csv":
        from .report.csvout import DIALECTS, cell

        d = DIALECTS[csv_dialect or "rfc4180"]
        import csv

        for name, cols in COLUMNS.items():
            target = out_dir / f"{name}.csv"
            with atomic_output(target, force=force, suffix=".csv") as tmp, \
                    open(tmp, "w", encoding="utf-8", newline="") as fh:
                if d.bom:
                    fh.write("\ufeff")
                w = csv.writer(fh, delimiter=d.delimiter, lineterminator="\n")
                w.writerow(list(cols))
                for r in b.rows[name]:
                    w.writerow([cell(r.get(c), d) for c in cols])
            written.append(target)
    elif to == "xlsx":
        target = out_dir / "tables.xlsx"
        frames = b.frames()
        with atomic_output(target, force=force) as tmp:
            import pandas as pd

            with pd.ExcelWriter(tmp, engine="xlsxwriter",
                                engine_kwargs={"options": {"strings_to_formulas": False, "strings_to_urls": False}}
                                ) as xw:
                for name, df in frames.items():
                    df.to_excel(xw, sheet_name=name, index=False)
        written.append(target)
    else:
        raise UsageError("err.export_to", to=to)
    return written
