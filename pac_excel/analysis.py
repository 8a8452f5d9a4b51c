"""Reading a filled plan back: actions and indicators as typed records, the figures computed
from the inputs (never from cached formula values), and every problem located by sheet and cell.
"""

from __future__ import annotations

import itertools
import math
import re
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field, fields, make_dataclass
from datetime import date
from functools import lru_cache
from operator import attrgetter
from pathlib import Path
from typing import Any

from . import aggregate, compute, schema
from .a1 import MAX_CELL_TEXT, a1, cell_text
from .errors import PlanReadError
from .i18n import money
from .problems import Problem, Report
from .read.tables import FoundTable, RowValues, find_table, is_subtotal_label
from .read.values import as_text, parse_date, parse_number
from .read.workbook import Workbook, open_workbook
from .schema import Kind, normalize_label

#: words of an indicator that counts outcomes (the law of numbers applies)
_OUTCOMES = re.compile(r"\b(rendez-vous|rdv|reponses?|clients?|contrats?|ventes?|signatures?|commandes?|devis signes?|"
                       r"inscriptions?|meetings?|replies|customers?|deals?|orders?|appointments?)\b")
#: "200 appels", "60 mails", "9 SMS"…: a planned volume of actions, optionally per period
_VOLUME = re.compile(r"(\d[\d\s\u00a0\u202f]*)\s*(appels?|coups? de fil|e-?mails?|mails?|sms|messages?|courriers?|"
                     r"relances?|visites?|calls?|emails?|letters?|contacts? a (?:appeler|contacter))"
                     r"(\s*(?:par|/|per)\s*(mois|semaine|month|week))?")
STAGES = {"startup": 3, "growth": 2}


#: what a column of each kind holds in a record: (annotation, default)
_FIELD_TYPES = {Kind.TEXT: ("str", ""), Kind.LONG_TEXT: ("str", ""), Kind.CHOICE: ("str", ""),
                Kind.MONEY: ("float | None", None), Kind.NUMBER: ("float | None", None),
                Kind.PERCENT: ("float | None", None), Kind.INT: ("float | None", None),
                Kind.DATE: ("date | None", None), Kind.FLAG: ("bool | None", None)}
#: the fields every action has besides its columns: where it is, and its list values' keys
_PLACE = (("sheet", "str"), ("row", "int"))
_KEYS = ("status_key", "category_key")
_RECORD_TYPES: dict[int, tuple[schema.TableDef, Any]] = {}


def record_columns(tdef: schema.TableDef | None = None) -> tuple[schema.Column, ...]:
    """The columns of the action table that are fields of its records, in schema order."""
    return tuple(c for c in (tdef or schema.ACTIONS).columns if c.record)


def record_type(tdef: schema.TableDef | None = None) -> Any:
    """The record type of an action, derived from the schema: ``sheet``, ``row`` (1-based), one
    field per record column (its key), then ``status_key`` and ``category_key``. Built once per
    table definition; records are always made by field name."""
    tdef = tdef or schema.ACTIONS
    known = _RECORD_TYPES.get(id(tdef))
    if known is None or known[0] is not tdef:
        spec: list[Any] = list(_PLACE)
        spec += [(c.key, _FIELD_TYPES[c.kind][0], field(default=_FIELD_TYPES[c.kind][1])) for c in record_columns(tdef)]
        spec += [(k, "str | None", field(default=None)) for k in _KEYS]
        names = tuple(name for name, *_ in spec)
        get = attrgetter(*names)

        def to_dict(self: Any) -> dict[str, Any]:
            """The JSON form: every field, dates as YYYY-MM-DD."""
            return {k: v.isoformat() if isinstance(v, date) else v for k, v in zip(names, get(self))}

        cls = make_dataclass("Action", spec, slots=True, namespace={"to_dict": to_dict, "__module__": __name__})
        known = _RECORD_TYPES[id(tdef)] = (tdef, cls)
    return known[1]


_FIELDS: dict[Any, tuple[str, ...]] = {}


def fields_of(kind: Any) -> tuple[str, ...]:
    """The field names of a record type, in order (cached: a type's fields never change)."""
    names = _FIELDS.get(kind)
    if names is None:
        names = _FIELDS[kind] = tuple(f.name for f in fields(kind))
    return names


def json_keys() -> tuple[str, ...]:
    """The keys of an action in the JSON contract and the CSV columns, in order."""
    return fields_of(record_type())


Action = record_type()
#: how the records are annotated: their type is generated from the schema at run time
ActionRecord = Any


@dataclass(slots=True)
class Kpi:
    sheet: str
    row: int
    name: str
    type: str
    direction: str
    initial: float | None
    target: float | None
    latest: float | None
    attainment: float | None

    def to_dict(self) -> dict[str, Any]:
        return {"name": self.name, "type": self.type, "direction": self.direction, "initial": self.initial,
                "target": self.target, "latest": self.latest, "attainment": self.attainment}


@dataclass
class Analysis:
    source: str
    template: dict[str, str] | None
    as_of: date
    actions: list[ActionRecord]
    kpis: list[Kpi]
    problems: list[Problem]
    columns: set[str]  # action columns present in the workbook
    team: str = ""  # the workbook's own team field (Stratégie sheet), if any
    header_row: int = 0  # 1-based row of the action table's header
    ignored_rows: list[tuple[str, int, str]] = field(default_factory=list)  # (sheet, row 1-based, reason)
    lang: str | None = None  # the workbook's language, when pac-excel made it
    #: the Pipeline sheet summed up (opportunities, amounts, weighted by month, stale deals), if any
    pipeline: dict[str, Any] | None = None
    #: the prospecting funnel summed over the months filled (law of numbers), if any
    funnel: dict[str, Any] | None = None
    #: the ISO 4217 code of the plan's amounts: the workbook's own setting (pac-excel), else the
    #: currency its money headers name ("Budget (CHF)"); None when nothing says — never guessed
    currency: str | None = None

    # ---------------------------------------------------------------- figures (aggregate.py)
    def totals(self) -> dict[str, Any]:
        return aggregate.totals(self.actions, self.columns)

    def group(self, key: str) -> dict[str, dict[str, Any]]:
        return aggregate.group(self.actions, self.columns, key)

    def errors(self) -> list[Problem]:
        return self.report.errors

    @property
    def report(self) -> Report:
        return Report(self.problems)

    def localize(self, lang: str) -> None:
        """Recognised statuses and categories as the labels of ``lang`` (a French and an English
        plan then group alike); values that match nothing stay as typed."""
        localize(self.actions, lang, self.kpis)

    # An analysis travels between processes (bounded reading, consolidation workers): its actions
    # go as columns, dates as day numbers — 100,000 actions in ≈ 1 s instead of 3.4 s as objects.
    def __getstate__(self) -> dict[str, Any]:
        state = dict(self.__dict__)
        names = fields_of(type(self.actions[0])) if self.actions else ()
        state["actions"] = (names, [[None if v is None else v.toordinal() for v in map(attrgetter(name), self.actions)]
                                    if name in _DATE_FIELDS else list(map(attrgetter(name), self.actions))
                                    for name in names])
        return state

    def __setstate__(self, state: dict[str, Any]) -> None:
        names, columns = state["actions"]
        by_name = {name: [None if v is None else date.fromordinal(v) for v in values] if name in _DATE_FIELDS
                   else values for name, values in zip(names, columns)}
        kind = record_type()
        state["actions"] = list(map(kind, *(by_name[name] for name in fields_of(kind)))) if names else []
        self.__dict__.update(state)

    def to_dict(self, lang: str = "fr") -> dict[str, Any]:
        return {
            "source": self.source,
            "template": self.template,
            "as_of": _iso(self.as_of),
            "currency": self.currency,
            "totals": self.totals(),
            "by_owner": self.group("owner"),
            "by_category": self.group("category"),
            "by_status": self.group("status"),
            "by_objective": self.group("objective"),
            "actions": [a.to_dict() for a in self.actions],
            "kpis": [k.to_dict() for k in self.kpis],
            "pipeline": self.pipeline,
            "funnel": self.funnel,
            "problems": [p.to_dict(lang) for p in self.problems],
        }

    def actions_frame(self) -> Any:
        """Every field of every action, one row each, with real dtypes: dates datetime64,
        amounts and figures float64, ``late`` nullable boolean, list values categorical."""
        return records_frame(self.actions, record_type())

    def kpis_frame(self) -> Any:
        return records_frame(self.kpis, Kpi)



_CATEGORICAL = ("status", "category", "status_key", "category_key", "type", "direction")


def records_frame(records: list[Any], kind: Any, extra: dict[str, list[Any]] | None = None) -> Any:
    """A DataFrame of dataclass records (``extra`` columns first), dtypes from the field types."""
    import pandas as pd

    columns: dict[str, Any] = dict(extra or {})
    for f in fields(kind):
        values = list(map(attrgetter(f.name), records))
        spec = str(f.type)
        if spec.startswith("date"):
            columns[f.name] = pd.to_datetime(pd.Series(values, dtype="object"))
        elif spec.startswith("float"):
            columns[f.name] = pd.Series(values, dtype="float64")
        elif spec.startswith("bool"):
            columns[f.name] = pd.Series(values, dtype="boolean")
        elif spec == "int":
            columns[f.name] = pd.Series(values, dtype="int64")
        elif f.name in _CATEGORICAL:
            columns[f.name] = pd.Series(values, dtype="category")
        else:
            columns[f.name] = pd.Series(values, dtype="object")
    return pd.DataFrame(columns)


def localize(actions: list[ActionRecord], lang: str, kpis: list[Kpi] | None = None) -> None:
    """Every value of a list column (status, category, horizon, phase, priority; an indicator's type and
    direction) that is recognised, as the label of ``lang``; the rest as typed."""
    status = {k: schema.STATUS.label(k, lang) for k, _ in schema.STATUS.values}
    category = {k: schema.CATEGORY.label(k, lang) for k, _ in schema.CATEGORY.values}
    for a in actions:
        if a.status_key is not None:
            a.status = status[a.status_key]
        if a.category_key is not None:
            a.category = category[a.category_key]
    others = [c for c in record_columns() if c.choices in ("horizon", "phase", "priority")]
    for col in others:
        _relabel(actions, col.key, schema.LIST_BY_KEY[str(col.choices)], lang)
    for col in (schema.KPIS.column("type"), schema.KPIS.column("direction")):
        _relabel(kpis or [], col.key, schema.LIST_BY_KEY[str(col.choices)], lang)


def _relabel(records: list[Any], field_name: str, lst: schema.ListDef, lang: str) -> None:
    labels: dict[str, str] = {}
    for r in records:
        typed = getattr(r, field_name)
        if typed:
            if typed not in labels:
                key = lst.key_of(typed)
                labels[typed] = lst.label(key, lang) if key else typed
            setattr(r, field_name, labels[typed])


_DATE_FIELDS = {c.key for c in schema.ACTIONS.columns if c.kind is Kind.DATE}


def _iso(d: date | None) -> str | None:
    return d.isoformat() if d else None


# ------------------------------------------------------------------------------------ analysis
def analyze(path: str | Path, as_of: date | None = None, threshold: float = 0.2, stage: str = "startup", *,
            lang: str = "fr", bounded: bool = True, tolerant: bool = False, both_ways: bool = False,
            sheets: bool = True) -> Analysis:
    """Analyse a filled plan. Raises :class:`PlanReadError` when the file cannot be read as a plan.

    Statuses and categories recognised in either language (or as a synonym) are given as the
    labels of ``lang``; what matches nothing stays as typed. The file is read in a process of
    its own, bounded in time and memory (``bounded=False`` reads it in this process: for files
    you trust, or a process that is bounded already). ``tolerant=True`` reads without
    python-calamine (see :mod:`pac_excel.read.workbook`).

    A variance analysis is asked for an action that is due (or done) and short of its target by
    more than ``threshold``; ``both_ways=True`` asks it for an overshoot too. ``sheets=False``
    leaves out the Pipeline and Prospection summaries (a consolidation does not use them)."""
    as_of = as_of or date.today()
    if bounded:
        from .read import bounded as _bounded

        if _bounded.available():
            return _bounded.run(analyze, path, as_of, threshold, stage, lang=lang, bounded=False, tolerant=tolerant,
                                both_ways=both_ways, sheets=sheets)
    checks = (threshold, stage, both_ways, sheets)
    try:
        result = _analyze_file(path, as_of, checks, tolerant)
    except PlanReadError as err:
        if not (err.key == "read.unreadable" or (err.key == "read.truncated" and err.params.get("container") ==
                                                 "container.ole")):  # LibreOffice follows some broken OLE chains
            raise
        result = _analyze_converted(Path(path), err, as_of, checks)
    result.localize(lang)
    return result


#: the checks' settings: variance threshold, stage of the law of numbers, variance both ways, and
#: whether the Pipeline and Prospection sheets are summed up
Checks = tuple[float, str, bool, bool]


def _analyze_file(path: str | Path, as_of: date, checks: Checks, tolerant: bool) -> Analysis:
    with gc_paused():
        wb = open_workbook(path, tolerant=tolerant)
        try:
            return _analyze(wb, path, as_of, checks)
        finally:
            wb.close()


def _analyze_converted(path: Path, err: PlanReadError, as_of: date, checks: Checks) -> Analysis:
    """The last layer: LibreOffice, where installed, saves the file as a new .xlsx (in a
    temporary folder), which is analysed in its place; sheets and cells keep their addresses."""
    with converted(path, err) as other:
        result = _analyze_file(other, as_of, checks, tolerant=False)
    result.source = str(path)
    result.problems.insert(0, Problem("read_by_libreoffice"))
    return result


@contextmanager
def converted(path: Path, err: PlanReadError) -> Iterator[Path]:
    """``path`` saved as .xlsx by LibreOffice in a temporary folder, for the block to read;
    ``err`` (why the file could not be read as it is) when LibreOffice is absent or fails, or
    when the converted file cannot be read either."""
    import tempfile

    from .read import lo

    if lo.soffice() is None:
        raise err
    with tempfile.TemporaryDirectory(prefix="pac-excel-") as tmp:
        other = lo.convert(path, Path(tmp))
        if other is None:
            raise err
        try:
            yield other
        except PlanReadError as again:
            raise (err if again.key in ("read.unreadable", "read.truncated") else again.__class__(again.key, **{
                **again.params, "path": path})) from None


@contextmanager
def gc_paused() -> Iterator[None]:
    """The cycle collector paused while a plan is read: reading allocates many lists and records
    that form no cycle, and each automatic collection would walk them all again (measured:
    7 % of a 1,000-action analysis in a process holding pandas). Collection resumes after."""
    import gc

    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def _analyze(wb: Workbook, path: str | Path, as_of: date, checks: Checks = (0.2, "startup", False, True)) -> Analysis:
    meta = wb.meta()
    prefer = [schema.sheet_name("actions", lang) for lang in schema.LANGS]
    table = find_table(wb, schema.ACTIONS, "action", prefer)
    tasks = False
    if table is None:  # one plan = one objective, or a task tracker: its tasks are the actions
        prefer = [schema.sheet_name("tasks", lang) for lang in schema.LANGS]
        table = find_table(wb, schema.TASKS, "task", prefer)
        if table is not None:
            table, tasks = _tasks_as_actions(table), True
    if table is None:
        raise PlanReadError("read.no_table", path=path)
    problems: list[Problem] = list(table.problems)
    if wb.macros:
        problems.append(Problem("macros_ignored"))
    if meta:
        _check_template(meta, problems)
    own = meta is not None
    actions = _read_actions(table, wb, problems, as_of)
    columns = set(table.columns)
    kind = "tracker" if tasks and "progress" in columns else "tasks" if tasks else "plan"
    for key in (c.key for c in schema.ACTIONS.columns if kind in c.wanted):  # the schema's checks role
        if key not in columns:
            problems.append(Problem("missing_column", table.sheet.name, None,
                                    {"value": schema.ACTIONS.column(key).label("fr")}))
    if own:
        _check_overwritten(table, actions, wb, problems)
        _check_categories(wb, table, actions, problems)
    threshold, stage, both_ways, sheets = checks
    currency = _currency(meta, table, problems)
    _check_actions(table, actions, columns, as_of, threshold, STAGES.get(stage, 3), problems, both_ways, currency)
    _check_totals(table, wb, problems, currency)
    kpis = _read_kpis(wb, problems, own, table)
    pipeline = _read_pipeline(wb, problems, table, as_of) if sheets else None
    funnel = _read_funnel(wb, problems, table) if sheets else None
    _check_objectives(wb, problems, table)
    ignored = [(table.sheet.name, r + 1, why) for r, why in table.ignored]
    ignored += [(table.sheet.name, t.index + 1, "total") for t in table.totals]
    template = {"id": meta["template"], "version": meta.get("version", "")} if meta else None
    return Analysis(str(path), template, as_of, actions, kpis, problems, columns, _team_field(wb), table.header_row + 1,
                    sorted(ignored), meta.get("lang") if meta else None, pipeline, funnel, currency)


def header_currencies(table: FoundTable) -> dict[str, int]:
    """The currencies the money headers of a table name ("Budget (CHF)"), each with the first
    column naming it, left to right."""
    header = table.sheet.rows[table.header_row]
    named: dict[str, int] = {}
    for key, c in sorted(table.columns.items(), key=lambda kv: kv[1]):
        col = table.tdef.column(key)
        if col.kind is schema.Kind.MONEY and c < len(header) and isinstance(header[c], str):
            code = schema.currency_of_header(header[c])
            if code:
                named.setdefault(code, c)
    return named


def _currency(meta: dict[str, str] | None, table: FoundTable, problems: list[Problem]) -> str | None:
    """The plan's currency: a pac-excel workbook's setting (those made before the setting were in
    euros), else the one its money headers name; two headers naming two currencies is a problem."""
    if meta is not None:
        code = meta.get("currency") or schema.DEFAULT_CURRENCY
        if code in schema.CURRENCIES:
            return code
        problems.append(Problem("currency_unknown", None, None, {"value": code}))
        return None
    named = header_currencies(table)
    if len(named) > 1:
        (first, c1), (other, c2) = sorted(named.items(), key=lambda kv: kv[1])[:2]
        problems.append(Problem("currency_mix", table.sheet.name, a1(table.header_row, c2),
                                {"value": other, "expected": f"{first} ({a1(table.header_row, c1)})"}))
        return None
    return next(iter(named), None)


def listed_categories(wb: Workbook) -> dict[str, str] | None:
    """The categories of a pac-excel workbook's Listes sheet, as the user left them (renamed,
    added): folded for matching → as written. None when the workbook has no such list."""
    for name in (schema.sheet_name("lists", lang) for lang in schema.LANGS):
        if name not in wb.sheet_names:
            continue
        rows = wb.sheet(name).rows
        titles = {schema.CATEGORY.title(lang) for lang in schema.LANGS}
        for r, row in enumerate(rows[:10]):
            for c, v in enumerate(row):
                if isinstance(v, str) and v.strip() in titles:
                    return {schema.fold_value(x[c]): x[c].strip() for x in rows[r + 1:]
                            if c < len(x) and isinstance(x[c], str) and x[c].strip()}
    return None


def _check_categories(wb: Workbook, table: FoundTable, actions: list[ActionRecord], problems: list[Problem]) -> None:
    """In a pac-excel workbook, a category is one of the Listes sheet's (the user may rename them
    or add some) or a standard one in either language; anything else is reported at its cell."""
    if "category" not in table.columns or all(a.category_key is not None or not a.category for a in actions):
        return  # every category a standard one: the Listes sheet need not be read
    listed = listed_categories(wb)
    if listed is None:
        return
    for a in actions:
        if a.category and a.category_key is None and schema.fold_value(a.category) not in listed:
            problems.append(Problem("unknown_value", table.sheet.name, table.cell(a.row - 1, "category"),
                                    {"value": a.category, "column": table.tdef.column("category").label("fr"),
                                     "expected": ", ".join(listed.values())}))


def _check_template(meta: dict[str, str], problems: list[Problem]) -> None:
    from .templates import all_templates

    known = {t.id: t.version for t in all_templates()}
    if known.get(meta.get("template", "")) != meta.get("version"):
        problems.append(Problem("template_version", None, None,
                                {"value": f"{meta.get('template')} {meta.get('version', '?')}",
                                 "expected": ", ".join(f"{k} {v}" for k, v in known.items())}))


_TEAM_LABELS = {"equipe", "team", "agence", "branch"}


def _team_field(wb: Workbook) -> str:
    """The value beside an "Équipe" / "Team" label near the top of the strategy (or objective) sheet."""
    names = [schema.sheet_name(kind, lang) for kind in ("strategy", "objective") for lang in schema.LANGS]
    for name in (n for n in names if n in wb.sheet_names):
        for row in wb.sheet(name).rows[:12]:
            for c, v in enumerate(row[:-1]):
                if isinstance(v, str) and normalize_label(v) in _TEAM_LABELS:
                    return as_text(row[c + 1])
    return ""


#: a task column → the action field it stands for (the objectif template)
TASK_AS_ACTION = {"task": "action", "owner": "owner", "start": "start", "deadline": "end", "budget": "budget_planned",
                  "status": "status", "progress": "progress", "means": "means", "comment": "variance_analysis"}


def _tasks_as_actions(t: FoundTable) -> FoundTable:
    """Read a task table with the action schema: columns renamed, other columns dropped."""
    from .read.tables import DataRow

    columns = {TASK_AS_ACTION[k]: c for k, c in t.columns.items() if k in TASK_AS_ACTION}
    rows = [DataRow(r.index, {TASK_AS_ACTION[k]: v for k, v in r.values.items() if k in TASK_AS_ACTION})
            for r in t.rows]
    return FoundTable(schema.ACTIONS, t.sheet, t.header_row, columns, rows, t.totals, t.ignored, t.blank, t.problems)


_TEXT_KINDS = (Kind.TEXT, Kind.LONG_TEXT, Kind.CHOICE)
_NUMBER_KINDS = (Kind.MONEY, Kind.NUMBER, Kind.INT, Kind.PERCENT)


def _read_value(table: FoundTable, row: int, key: str, raw: Any, wb: Workbook, problems: list[Problem]) -> Any:
    """Parse one cell by its column kind, reporting what cannot be read."""
    col = table.tdef.column(key)
    if table.sheet.errors:
        err = table.sheet.errors.get((row, table.columns[key]))
        if err:
            problems.append(Problem("error_value", table.sheet.name, table.cell(row, key), {"value": err}))
            return None
    if raw is None or raw == "":
        return "" if col.kind in _TEXT_KINDS else None
    params = {"column": col.label("fr")}
    value: Any
    if col.kind in _NUMBER_KINDS:
        value, prob = parse_number(raw, percent_ok=col.kind is not Kind.MONEY)
    elif col.kind is Kind.DATE:
        value, prob = parse_date(raw, wb.date1904)
    else:
        return as_text(raw)
    if prob:
        problems.append(Problem(prob[0], table.sheet.name, table.cell(row, key), {**params, **prob[1]}))
    return value


#: each computed column of the action table → how it is derived from the inputs (compute.py,
#: the twin of the workbook's formulas); "late" needs the as-of date and is derived apart
DERIVED = {"variance": (compute.variance, ("target", "result")),
           "attainment": (compute.attainment, ("target", "result")),
           "budget_variance": (compute.budget_variance, ("budget_planned", "budget_actual")),
           "roi": (compute.roi, ("revenue_actual", "budget_actual"))}


def _raw_rows(table: FoundTable) -> list[list[Any]] | None:
    """The calamine rows under the table's data rows, when every row is a view over one."""
    if all(type(dr.values) is RowValues for dr in table.rows):
        return [dr.values.row for dr in table.rows]  # type: ignore[union-attr]
    return None


def _raw_column(table: FoundTable, key: str, rows: list[list[Any]] | None,
                grid: list[tuple[Any, ...]] | None = None) -> Sequence[Any]:
    """The raw values of one column over the table's data rows (``grid``: those rows' columns,
    when they are all of one width)."""
    c = table.columns.get(key)
    if c is None:
        return [""] * len(table.rows)
    if grid is not None and c < len(grid):
        return grid[c]
    if rows is None:
        return [dr.values.get(key, "") for dr in table.rows]
    if not rows or min(map(len, rows)) > c:
        return [row[c] for row in rows]
    return [row[c] if c < len(row) else "" for row in rows]


def _raw_grid(rows: list[list[Any]] | None) -> list[tuple[Any, ...]] | None:
    """The columns of the data rows, transposed at once, when the rows are all of one width
    (python-calamine's grid: every row as wide as the sheet)."""
    if not rows or len(set(map(len, rows))) != 1:
        return None
    return list(zip(*rows))


def _read_actions(table: FoundTable, wb: Workbook, problems: list[Problem], as_of: date) -> list[ActionRecord]:
    """Every action of the table, read a column at a time: clean values (text in a text
    column, a number in a number column, a date in a date column) take a fast path; anything
    else goes through the full parsers, which report what they cannot read. Problems are
    listed in reading order (row, then column). The computed figures are derived from the
    inputs (compute.py), never taken from the workbook."""
    index = [dr.index for dr in table.rows]
    rows = _raw_rows(table)
    grid = _raw_grid(rows)
    found: list[tuple[int, int, Problem]] = []
    sink: list[Problem] = []

    def slow(r: int, key: str, raw: Any) -> Any:
        value = _read_value(table, r, key, raw, wb, sink)
        found.extend((r, table.columns[key], p) for p in sink)
        sink.clear()
        return value

    tdef = table.tdef
    n = len(index)
    values: dict[str, list[Any]] = {}  # column key → its values over the rows: records are built by name
    for col in record_columns(tdef):
        key, kind = col.key, col.kind
        if col.computed:
            continue
        if key not in table.columns:
            values[key] = [""] * n if kind in _TEXT_KINDS else [None] * n
            continue
        raws = _raw_column(table, key, rows, grid)
        if kind in _TEXT_KINDS:
            vals = [v.strip() if type(v) is str else "" if v is None else slow(r, key, v)
                    for r, v in zip(index, raws)]
            if max(map(len, filter(None, vals)), default=0) > MAX_CELL_TEXT:
                for i, v in enumerate(vals):
                    if v and len(v) > MAX_CELL_TEXT:
                        vals[i] = cell_text(v)
                        found.append((index[i], table.columns[key],
                                      Problem("text_too_long", table.sheet.name, table.cell(index[i], key),
                                              {"value": str(len(raws[i]))})))
        elif kind in _NUMBER_KINDS:
            vals = [v if type(v) is float else None if v == "" or v is None else slow(r, key, v)
                    for r, v in zip(index, raws)]
        elif kind is Kind.DATE:
            vals = [v if type(v) is date else None if v == "" or v is None else slow(r, key, v)
                    for r, v in zip(index, raws)]
        else:
            vals = [slow(r, key, v) for r, v in zip(index, raws)]
        values[key] = vals
    if table.sheet.errors:  # calamine reads an error value as a blank: each one is reported
        _read_errors(table, index, values, found)
    found.sort(key=lambda f: (f[0], f[1]))
    problems.extend(p for _, _, p in found)
    f = values
    if "progress" in table.columns:  # "100" typed in a % column means 100 %
        f["progress"] = [p / 100 if p is not None and p > 1 else p for p in f["progress"]]
    status_keys = _keys_of(schema.STATUS, f["status"])
    category_keys = _keys_of(schema.CATEGORY, f["category"])
    unknown = [i for i, (text, k) in enumerate(zip(f["status"], status_keys)) if text and k is None]
    for i in list(unknown):  # "80 %" in a Statut / Avancement column is a progress
        number, _ = parse_number(f["status"][i])
        if number is not None and 0 <= number <= 100 and f["progress"][i] is None:
            f["progress"][i] = number / 100 if number > 1 else number
            unknown.remove(i)
    if "progress" in table.columns or "status" in table.columns:  # 100 % is done, whatever the status says
        status_keys = [k if k or p is None or p < 1 else "done" for k, p in zip(status_keys, f["progress"])]
        closed: list[bool | None] = [k in schema.CLOSED_STATUSES or (p is not None and p >= 1)
                                     for k, p in zip(status_keys, f["progress"])]
        for i in unknown:  # a status nobody recognises: reported, and lateness not guessed
            closed[i] = None
            problems.append(Problem("unknown_value", table.sheet.name, table.cell(index[i], "status"),
                                    {"value": f["status"][i], "column": tdef.column("status").label("fr"),
                                     "expected": ", ".join(schema.STATUS.labels("fr"))}))
    else:  # no status column: an action with a result entered is done
        closed = [r is not None for r in f["result"]]
    for col in record_columns(tdef):
        how = DERIVED.get(col.key) if col.computed else None
        if col.computed:
            values[col.key] = list(map(how[0], *(values[k] for k in how[1]))) if how else [None] * n
    values["late"] = list(map(compute.is_late, f["end"], closed, [as_of] * n))
    values.update(sheet=[table.sheet.name] * n, row=[r + 1 for r in index], status_key=status_keys,
                  category_key=category_keys)
    kind = record_type(tdef)
    return list(map(kind, *(values[name] for name in fields_of(kind))))


def _keys_of(lst: schema.ListDef, texts: list[str]) -> list[str | None]:
    """The stable key of each value of a list column (None: blank or not recognised)."""
    keys: dict[str, str | None] = {}
    return [keys[t] if t in keys else keys.setdefault(t, lst.key_of(t) if t else None) for t in texts]


def _read_errors(table: FoundTable, index: list[int], values: dict[str, list[Any]],
                 found: list[tuple[int, int, Problem]]) -> None:
    """Error values (#DIV/0!, #N/A…) in the table's input and computed columns: reported by
    cell; an input holding one is read as missing."""
    position = {r: i for i, r in enumerate(index)}
    field_of = {table.columns[key]: key for key in values if key in table.columns}
    keys = {c: k for k, c in table.columns.items()}
    computed = {table.columns[c.key] for c in table.tdef.columns if c.computed and c.key in table.columns}
    for (r, c), err in table.sheet.errors.items():
        if r not in position or (c not in field_of and c not in computed):
            continue
        found.append((r, c, Problem("error_value", table.sheet.name, table.cell(r, keys[c]), {"value": err})))
        if c in field_of:
            values[field_of[c]][position[r]] = None


def _differs(stored: Any, computed: Any) -> bool:
    if stored in ("", None):
        return computed is not None
    if isinstance(stored, (int, float)) and isinstance(computed, (int, float)):
        return abs(stored - computed) > 1e-9 * max(1.0, abs(computed))
    return True


def _check_overwritten(table: FoundTable, actions: list[ActionRecord], wb: Workbook, problems: list[Problem]) -> None:
    """Computed cells a person typed over. Only a cell whose stored value differs from what the
    inputs give can have been overwritten: the sheet's formula cells are scanned only then."""
    keys = [k for k in ("variance", "attainment", "budget_variance", "roi", "late") if k in table.columns]
    rows = _raw_rows(table)
    suspects = []
    for k in keys:
        stored = _raw_column(table, k, rows)
        computed = [getattr(a, k) for a in actions]
        for dr, s, v in zip(table.rows, stored, computed):
            if s == v or (v is None and (s == "" or s is None)):
                continue  # the common cases: equal, or blank where the inputs give nothing
            if (s not in ("", None) and v is None) if k == "late" else _differs(s, v):
                suspects.append((dr.index, k))
    if not suspects:
        return
    sheet = wb.sheet(table.sheet.name, structure=True, formulas=True)
    if not sheet.formulas:
        return  # not an OOXML file, or no formula at all: nothing to tell
    for r, k in suspects:
        pos = (r, table.columns[k])
        if pos not in sheet.formulas and pos not in sheet.errors and table.sheet.value(*pos) not in ("", None):
            problems.append(Problem("computed_overwritten", table.sheet.name, table.cell(r, k),
                                    {"column": table.tdef.column(k).label("fr")}))


def _check_actions(table: FoundTable, actions: list[ActionRecord], columns: set[str], as_of: date, threshold: float,
                   factor: int, problems: list[Problem], both_ways: bool = False,
                   currency: str | None = None) -> None:
    sheet = table.sheet.name
    has_owner, has_objective = "owner" in columns, "objective" in columns
    has_result, has_analysis = "result" in columns, "variance_analysis" in columns
    for a in actions:
        r, start, end = a.row - 1, a.start, a.end
        if start and end and end < start:
            problems.append(Problem("end_before_start", sheet, table.cell(r, "end"),
                                    {"value": end.strftime("%d/%m/%Y"), "expected": start.strftime("%d/%m/%Y")}))
        if has_owner and not a.owner and (a.budget_planned or a.budget_actual):
            problems.append(Problem("budget_without_owner", sheet, table.cell(r, "owner"),
                                    {"value": money(a.budget_planned or a.budget_actual, currency)}))
        if has_objective and not a.objective and a.action and (  # planned: a title alone is not yet an action
                a.owner or a.budget_planned or a.budget_actual or start or end or a.target is not None):
            problems.append(Problem("no_objective_link", sheet, table.cell(r, "objective")))
        if end and end < as_of and a.result is None and a.status_key != "cancelled" and has_result:
            problems.append(Problem("past_end_no_result", sheet, table.cell(r, "result"),
                                    {"value": end.strftime("%d/%m/%Y")}))
        target, variance = a.target, a.variance
        due = a.status_key == "done" or end is None or end < as_of  # not yet due: a shortfall is work to do
        if (variance is not None and target and due and has_analysis and not a.variance_analysis
                and (-variance if not both_ways else abs(variance)) > threshold * abs(target)):
            pct = variance / abs(target)
            problems.append(Problem("variance_unexplained", sheet, table.cell(r, "variance_analysis"),
                                    {"value": f"{pct:+.0%}".replace("%", " %")}))
        if target and target > 0:
            _check_law_of_numbers(table, a, factor, problems)


def _months(a: ActionRecord) -> int:
    if a.start and a.end and a.end >= a.start:
        return max(1, (a.end.year - a.start.year) * 12 + a.end.month - a.start.month + 1)
    return 1


@lru_cache(maxsize=4096)
def _counts_outcomes(indicator: str) -> bool:
    return bool(_OUTCOMES.search(normalize_label(indicator)))


def _check_law_of_numbers(table: FoundTable, a: ActionRecord, factor: int, problems: list[Problem]) -> None:
    """When the target counts outcomes (meetings, replies, clients), the planned volume of
    actions written in the steps or means ("200 appels par mois") should be ≥ factor × target."""
    if not a.target or a.target <= 0 or not _counts_outcomes(a.indicator or ""):
        return
    text = normalize_label(f"{a.steps} ; {a.means}")
    volume = 0.0
    for m in _VOLUME.finditer(text):
        n = float(re.sub(r"\D", "", m[1]) or 0)
        if m[4]:
            n *= _months(a) if m[4] in ("mois", "month") else max(1, round(_months(a) * 4.33))
        volume = max(volume, n)
    if volume and volume < factor * a.target:
        key = "steps" if "steps" in table.columns else "means" if "means" in table.columns else "target"
        problems.append(Problem("law_of_numbers", table.sheet.name, table.cell(a.row - 1, key),
                                {"value": f"{volume:g}", "expected": f"{a.target:g}",
                                 "column": f"{factor * a.target:g}"}))


def _check_totals(table: FoundTable, wb: Workbook, problems: list[Problem], currency: str | None = None) -> None:
    """A TOTAL row is never an action; where it states amounts, they must equal the true sum."""
    for t in table.totals:
        for key in aggregate.amounts():
            if key not in table.columns:
                continue
            stated, _prob = parse_number(t.values.get(key))
            if stated is None:
                continue
            sums = []
            for rows in (t.block, t.before):
                vals = [parse_number(r.values.get(key))[0] for r in rows]
                sums.append(aggregate.cents(math.fsum(v for v in vals if v is not None)))
            if not any(abs(stated - s) < 0.005 for s in sums):
                expected = sums[0] if is_subtotal_label(t.label) else sums[1]
                problems.append(Problem("total_mismatch", table.sheet.name, table.cell(t.index, key),
                                        {"value": money(stated, currency), "expected": money(expected, currency),
                                         "column": table.tdef.column(key).label("fr")}))


def _read_kpis(wb: Workbook, problems: list[Problem], own: bool, actions: FoundTable) -> list[Kpi]:
    prefer = [schema.sheet_name("kpis", lang) for lang in schema.LANGS]
    table = find_table(wb, schema.KPIS, "name", prefer, min_columns=3, exclude=actions)
    if table is None or not ({"initial", "target"} & set(table.columns)):
        return []
    problems.extend(p for p in table.problems if p.code != "unknown_column")
    out = []
    for dr in table.rows:
        r = dr.index

        def get(key: str, r: int = r, dr: Any = dr) -> Any:
            if key not in table.columns:
                return None
            return _read_value(table, r, key, dr.values.get(key, ""), wb, problems)

        name = as_text(dr.values.get("name", ""))
        if not name:
            continue
        initial, target = get("initial"), get("target")
        latest = compute.latest_value([get(m) for m in schema.MONTH_KEYS])
        if latest is None and "latest" in table.columns and not own:
            latest = get("latest")  # a home-made table with only a "current value" column
        for key, val in (("initial", initial), ("target", target)):
            if val is None:
                problems.append(Problem("kpi_missing_values", table.sheet.name,
                                        a1(r, table.columns[key]) if key in table.columns else None,
                                        {"value": name, "column": schema.KPIS.column(key).label("fr").lower()}))
        out.append(Kpi(table.sheet.name, r + 1, name, as_text(dr.values.get("type", "")),
                       as_text(dr.values.get("direction", "")), initial, target, latest,
                       compute.kpi_attainment(initial, target, latest)))
    return out


def _read_pipeline(wb: Workbook, problems: list[Problem], actions: FoundTable, as_of: date) -> dict[str, Any] | None:
    """The opportunities of a Pipeline sheet, figured as the workbook does: probability from the
    stages table unless forced, weighted amount, stale deals, weighted amount by close month."""
    prefer = [schema.sheet_name("pipeline", lang) for lang in schema.LANGS]
    table = find_table(wb, schema.PIPELINE, "opportunity", prefer, min_columns=3, exclude=actions,
                       only_preferred=True)  # other sheets are not read for it
    if table is None or "amount" not in table.columns:
        return None
    problems.extend(p for p in table.problems if p.code != "unknown_column")
    stages_table = find_table(wb, schema.STAGES, "stage", [table.sheet.name], min_columns=2, exclude=actions,
                              stop_at_blank=True)
    stages: list[tuple[str, Any]] = []
    if stages_table is not None and stages_table.sheet.name == table.sheet.name:
        for dr in stages_table.rows:
            name = as_text(dr.values.get("stage", ""))
            if name:
                stages.append((name, _read_value(stages_table, dr.index, "probability",
                                                 dr.values.get("probability", ""), wb, problems)
                               if "probability" in stages_table.columns else None))
    rows = []
    for dr in table.rows:
        def get(key: str, dr: Any = dr) -> Any:
            if key not in table.columns:
                return None
            return _read_value(table, dr.index, key, dr.values.get(key, ""), wb, problems)

        if not (as_text(dr.values.get("opportunity", "")) or as_text(dr.values.get("client", ""))):
            continue
        p = compute.stage_probability(as_text(dr.values.get("stage", "")), get("probability_override"), stages)
        rows.append((get("amount"), p, get("close"), compute.is_stale(get("next_date"), p, as_of)))
    amounts = [a for a, *_ in rows if compute.is_number(a)]
    weighted = [(compute.weighted(a, p), close) for a, p, close, _ in rows]
    by_month: dict[str, float] = {}
    for w, close in weighted:
        if compute.is_number(w) and isinstance(close, date):
            key = f"{close.year:04d}-{close.month:02d}"
            by_month[key] = aggregate.cents(by_month.get(key, 0.0) + w)
    known = [w for w, _ in weighted if compute.is_number(w)]
    return {
        "sheet": table.sheet.name,
        "opportunities": len(rows),
        "open": sum(1 for _, p, *_ in rows if not compute.is_number(p) or 0 < p < 1),
        "amount": aggregate.cents(math.fsum(amounts)) if amounts else None,
        "weighted": aggregate.cents(math.fsum(known)) if known else None,
        "stale": sum(1 for *_, s in rows if s),
        "by_month": [{"month": k, "weighted": v} for k, v in sorted(by_month.items())],
    }


_FUNNEL_STEPS = ("contacts", "meetings", "proposals", "signed")


def _read_funnel(wb: Workbook, problems: list[Problem], actions: FoundTable) -> dict[str, Any] | None:
    """The Prospection sheet: each stage's total over the months, the conversion rates between
    stages, and the volumes the signing target needs upstream with the sheet's factor (×3 when
    starting out, ×2 when developing)."""
    prefer = [schema.sheet_name("funnel", lang) for lang in schema.LANGS]
    table = find_table(wb, schema.FUNNEL, "month", prefer, min_columns=3, exclude=actions, only_preferred=True)
    if table is None:
        return None
    problems.extend(p for p in table.problems if p.code != "unknown_column")
    stage_cell = table.sheet.value(3, 2) if table.header_row > 3 else ""
    stage = schema.BUSINESS_STAGE.key_of(as_text(stage_cell) or "") or "startup"
    factor = schema.FUNNEL_FACTORS[stage]
    sums: dict[str, list[float]] = {k: [] for k in (*_FUNNEL_STEPS, "target")}
    months = 0
    for dr in table.rows:
        values = {k: _read_value(table, dr.index, k, dr.values.get(k, ""), wb, problems)
                  for k in sums if k in table.columns}
        if any(compute.is_number(v) for v in values.values()):
            months += 1
        for k, v in values.items():
            if compute.is_number(v):
                sums[k].append(v)
    total = {k: math.fsum(v) if v else None for k, v in sums.items()}
    target = total["target"]
    return {
        "sheet": table.sheet.name,
        "stage": stage,
        "factor": factor,
        "months": months,
        **{k: total[k] for k in (*_FUNNEL_STEPS, "target")},
        "rates": {f"{a}_to_{b}": compute.ratio(total[b], total[a])
                  for a, b in itertools.pairwise(_FUNNEL_STEPS)},
        "needed": None if target is None else {"proposals": target * factor, "meetings": target * factor ** 2,
                                               "contacts": target * factor ** 3},
    }


def _check_objectives(wb: Workbook, problems: list[Problem], actions: FoundTable) -> None:
    prefer = [schema.sheet_name("strategy", lang) for lang in schema.LANGS]
    table = find_table(wb, schema.OBJECTIVES, "objective", prefer, min_columns=3, exclude=actions, stop_at_blank=True)
    if table is None or "indicator" not in table.columns:
        return
    for dr in table.rows:
        text = as_text(dr.values.get("objective", ""))
        if text and not as_text(dr.values.get("indicator", "")):
            problems.append(Problem("objective_without_indicator", table.sheet.name,
                                    table.cell(dr.index, "indicator"), {"value": text}))
