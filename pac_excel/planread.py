"""The whole plan read back: the :class:`~pac_excel.plandata.PlanData` the generator takes,
from a pac-excel workbook of any template version and language, or from a home-made one.

What is read is what a person typed: every input cell of every sheet the templates write
(strategy fields and tables, objectives, actions, tasks, indicators with their monthly values,
revenue target, weights and actuals, rituals, obstacles, owner and category lists). Formulas
are not content: they are rebuilt by the generator. Values are kept as typed — text verbatim,
numbers and dates as such; a number or date typed as text is read when it can be, and kept as
text otherwise (nothing a person typed is dropped).

Tables are found by their headers, fields by their labels, in either language: the reader
does not depend on a layout of one version.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any

from . import schema
from .errors import PlanReadError
from .i18n import pipeline_summary_heads, tx
from .plandata import PlanData, Revenue, Row
from .read.tables import FoundTable, find_table
from .read.values import as_text, parse_date, parse_number
from .read.workbook import Sheet, Workbook, open_workbook
from .schema import Kind, TableDef, normalize_label

#: each table of a plan → the column that names a row (a header must have it)
ANCHORS = {"actions": "action", "tasks": "task", "kpis": "name", "rituals": "what", "obstacles": "obstacle",
           "pipeline": "opportunity", "stages": "stage", "funnel": "month"}
_NUMBER_KINDS = (Kind.MONEY, Kind.NUMBER, Kind.INT, Kind.PERCENT)
_TEXT_KINDS = (Kind.TEXT, Kind.LONG_TEXT, Kind.CHOICE)


@dataclass
class Cell:
    """A cell the reader noticed: a computed cell holding a typed value, a row outside its table."""

    sheet: str
    cell: str
    column: str = ""  # the column's key (a header as written, for what was left)
    value: Any = None
    #: for what was left: "column" (no template has it), "duplicate" (a second column of one
    #: key), "sheet" (a sheet of one's own), "outside" (cells around a home-made table)
    what: str = ""


@dataclass
class PlanRead:
    """A plan read back. ``template``/``version`` are None for a workbook pac-excel did not make."""

    source: str
    data: PlanData
    lang: str
    template: str | None = None
    version: str | None = None
    #: computed cells (formulas of the tables and of the revenue grid) holding a typed value
    overwritten: list[Cell] = field(default_factory=list)
    #: rows of a table typed below its Excel Table: outside it, without formulas (one per row)
    outside: list[Cell] = field(default_factory=list)
    #: the table the actions were read from: sheet and 1-based header row
    actions_at: tuple[str, int] | None = None
    #: the 1-based sheet row of each action of ``data.actions``
    action_rows: list[int] = field(default_factory=list)
    #: what was typed but has no place in a plan, never dropped unsaid (``what`` says which,
    #: ``value`` how many cells)
    left: list[Cell] = field(default_factory=list)


def read_plan(path: str | Path, *, bounded: bool = True, tolerant: bool = False) -> PlanRead:
    """Read everything a person typed in a plan. Raises :class:`PlanReadError` when the file
    cannot be read as a plan (no action or task table). Read in a bounded process, as
    :func:`pac_excel.analyze` does (``bounded=False`` reads in this one)."""
    if bounded:
        from .read import bounded as _bounded

        if _bounded.available():
            return _bounded.run(read_plan, path, bounded=False, tolerant=tolerant)
    from .analysis import converted, gc_paused

    try:
        with gc_paused():
            return _read_file(path, tolerant)
    except PlanReadError as err:
        if not (err.key == "read.unreadable" or (err.key == "read.truncated" and err.params.get("container") ==
                                                 "container.ole")):
            raise
        with converted(Path(path), err) as other:
            result = _read_file(other, tolerant=False)
        result.source = str(path)
        return result


def _read_file(path: str | Path, tolerant: bool) -> PlanRead:
    wb = open_workbook(path, tolerant=tolerant)
    try:
        return _read(wb, path)
    finally:
        wb.close()


def _read(wb: Workbook, path: str | Path) -> PlanRead:
    meta = wb.meta()
    if meta is None:
        return _read_foreign(wb, path)
    lang = meta["lang"] if meta.get("lang") in schema.LANGS else schema.DEFAULT_LANG
    out = PlanRead(str(path), PlanData(), lang, meta.get("template"), meta.get("version"))
    d = out.data
    for key in ANCHORS:
        found = _own_table(wb, schema.TABLE_BY_KEY[key])
        if found is None:
            continue
        setattr(d, key, _rows(found, wb, out.action_rows if key == "actions" else None))
        _unknown_columns(found, out)
        _check_formulas(wb, found, out)
        if key == "actions":
            out.actions_at = (found.sheet.name, found.header_row + 1)
    if not d.actions and not d.tasks and _own_table(wb, schema.ACTIONS) is None \
            and _own_table(wb, schema.TASKS) is None:
        raise PlanReadError("read.no_table", path=path)
    strategy = _own_sheet(wb, "strategy")
    if strategy is not None:
        _read_strategy(wb, strategy, d)
    objective = _own_sheet(wb, "objective")
    if objective is not None:
        _read_objective(wb, objective, d)
    revenue = _own_sheet(wb, "revenue")
    if revenue is not None:
        _read_revenue(wb, revenue, d, out)
    funnel = _own_sheet(wb, "funnel")
    if funnel is not None:  # the business stage chosen above the table
        d.funnel_stage = schema.BUSINESS_STAGE.key_of(as_text(_cell(funnel, 3, 2)) or "") or "startup"
    lists = _own_sheet(wb, "lists")
    if lists is not None:
        _read_lists(lists, d, lang)
    if meta.get("currency") in schema.CURRENCIES:  # made before the setting: in euros, the default
        d.currency = meta["currency"]
    if d.year is None and meta.get("year", "").isdigit():
        d.year = int(meta["year"])
    own = {schema.sheet_name(kind, lang) for kind in schema.SHEET_KINDS for lang in schema.LANGS}
    _other_sheets(wb, own | {schema.META_SHEET_NAME}, out)
    return out


def _unknown_columns(found: FoundTable, out: PlanRead) -> None:
    """Columns of a table no template has (a person added them): how many values each holds.
    The stages table shares its rows with the pipeline's monthly summary, which is ours."""
    from .read.tables import match_header

    header = found.sheet.rows[found.header_row]
    known = set(found.columns.values())
    ours = _pipeline_summary_heads() if found.tdef is schema.STAGES else frozenset()
    for c, v in enumerate(header):
        if c in known or v in ("", None) or (ours and normalize_label(str(v)) in ours):
            continue
        n = sum(1 for dr in found.rows if found.sheet.value(dr.index, c) not in ("", None))
        if n:
            what = "duplicate" if match_header(found.tdef, v) else "column"
            out.left.append(Cell(found.sheet.name, _a1(found.header_row, c), str(v).strip(), n, what))


def _pipeline_summary_heads() -> frozenset[str]:
    """The headers of the Pipeline sheet's monthly summary, in both languages, folded."""
    return frozenset(normalize_label(h) for lang in schema.LANGS for h in pipeline_summary_heads(lang))


def _other_sheets(wb: Workbook, used: set[str], out: PlanRead) -> None:
    """Sheets a person added, with how many cells they hold."""
    for name in wb.sheet_names:
        if name in used:
            continue
        n = _filled(wb.sheet(name).rows)
        if n:
            out.left.append(Cell(name, "", "", n, "sheet"))


def _outside(tables: list[FoundTable]) -> int:
    """Filled cells of a sheet outside its tables: not in a table's header or data rows, or in
    those rows under a column without a header (columns with one are counted apart)."""
    headed: dict[int, set[int]] = {}
    for t in tables:
        header = t.sheet.rows[t.header_row]
        cols = {c for c, v in enumerate(header) if v not in ("", None)}
        for r in [t.header_row, *(dr.index for dr in t.rows)]:
            headed.setdefault(r, set()).update(cols)
    rows = tables[0].sheet.rows
    return sum(1 for r, row in enumerate(rows) for c, v in enumerate(row)
               if v not in ("", None) and not (isinstance(v, str) and not v.strip()) and c not in headed.get(r, ()))


def _filled(rows: list[list[Any]]) -> int:
    return sum(1 for row in rows for v in row if v not in ("", None) and not (isinstance(v, str) and not v.strip()))


# ------------------------------------------------------------------------------------ values
def typed_value(raw: Any, kind: Kind, date1904: bool = False) -> Any:
    """A cell as the plan holds it: None for a blank; numbers and dates as such; a number or a
    date typed as text read when it can be, else the text kept as typed."""
    if raw is None or raw == "":
        return None
    if kind in _TEXT_KINDS:
        return raw
    if kind in _NUMBER_KINDS:
        if isinstance(raw, bool):
            return raw
        if isinstance(raw, (int, float)):
            return raw
        if isinstance(raw, str):
            number, problem = parse_number(raw, percent_ok=kind is not Kind.MONEY)
            return number if number is not None and not problem else raw
        return raw
    if kind is Kind.DATE:
        if isinstance(raw, datetime):
            return raw.date() if raw.time() == datetime.min.time() else raw
        if isinstance(raw, (date, bool)):
            return raw
        value, problem = parse_date(raw, date1904)
        return value if value is not None and not problem else raw
    return raw


def _rows(found: FoundTable, wb: Workbook, where: list[int] | None = None) -> list[Row]:
    """The input cells of each data row of a table, blanks left out (``where`` receives the
    1-based sheet row of each row kept)."""
    inputs = [c for c in found.tdef.columns if not c.computed and c.key in found.columns]
    errors = found.sheet.errors
    out = []
    for dr in found.rows:
        row: Row = {}
        for c in inputs:
            if errors and (dr.index, found.columns[c.key]) in errors:
                continue  # an error value is not something a person typed
            v = typed_value(dr.values.get(c.key, ""), c.kind, wb.date1904)
            if v is not None:
                row[c.key] = v
        if row:
            out.append(row)
            if where is not None:
                where.append(dr.index + 1)
    return out


# ------------------------------------------------------------------------------------ finding things
def _names(kind: str) -> list[str]:
    return [schema.sheet_name(kind, lang) for lang in schema.LANGS]


def _own_sheet(wb: Workbook, kind: str) -> Sheet | None:
    for name in _names(kind):
        if name in wb.sheet_names:
            return wb.sheet(name, structure=True)
    return None


def _own_table(wb: Workbook, tdef: TableDef) -> FoundTable | None:
    """A table of a pac-excel workbook, on its own sheet only."""
    names = [n for n in _names(tdef.key) if n in wb.sheet_names]
    if not names:
        return None
    return find_table(wb, tdef, ANCHORS[tdef.key], names, min_columns=2, only_preferred=True)


def _labels(*texts: schema.Text | str) -> set[str]:
    """The normalised labels of texts in every language (an i18n key or a schema Text)."""
    out = set()
    for t in texts:
        for lang in schema.LANGS:
            out.add(normalize_label(tx(t, lang) if isinstance(t, str) else t(lang)))
    return out


def _first_text(row: list[Any]) -> str:
    return normalize_label(row[0]) if row and isinstance(row[0], str) else ""


def _right_of(row: list[Any], c: int) -> Any:
    """The first non-blank value right of column ``c`` (a label may be merged over columns)."""
    return next((v for v in row[c + 1:] if v not in ("", None)), None)


def _cell(sheet: Sheet, r: int, c: int) -> Any:
    v = sheet.value(r, c)
    return None if v in ("", None) or (r, c) in sheet.errors else v


# ------------------------------------------------------------------------------------ strategy
_SECTIONS = (schema.OBJECTIVES.title, schema.SEGMENTS.title, schema.REVIEW.title)


def _read_strategy(wb: Workbook, sheet: Sheet, d: PlanData) -> None:
    rows = sheet.rows
    fields = {normalize_label(label(lang)): key for key, label in schema.STRATEGY_FIELDS for lang in schema.LANGS}
    for row in rows[:12]:
        key = fields.get(_first_text(row))
        if key and len(row) > 1 and row[1] not in ("", None):
            setattr(d, key, as_text(row[1]) if not isinstance(row[1], str) else row[1])
    titles = _labels("strategy.vision", "strategy.mix", "strategy.swot", *_SECTIONS)
    vision, mix, swot = _labels("strategy.vision"), _labels("strategy.mix"), _labels("strategy.swot")
    mix_labels = {normalize_label(label(lang)): key for key, label in schema.MARKETING_MIX for lang in schema.LANGS}
    swot_labels = {normalize_label(label(lang)): key for key, label in schema.SWOT for lang in schema.LANGS}
    section: set[str] = set()  # the labels of the section being read
    for r, row in enumerate(rows):
        first = _first_text(row)
        if first in titles:
            section = mix if first in mix else swot if first in swot else set()
            if first in vision:
                v = _cell(sheet, r + 1, 0)
                if v is not None:
                    d.vision = as_text(v) if not isinstance(v, str) else v
            continue
        if section is mix and first in mix_labels:
            v = _right_of(row, 0)
            if v is not None:
                d.mix[mix_labels[first]] = v if isinstance(v, str) else as_text(v)
        elif section is swot:
            for c, v in enumerate(row):
                key = swot_labels.get(normalize_label(v)) if isinstance(v, str) else None
                text = _cell(sheet, r + 1, c) if key else None
                if key and text is not None:
                    d.swot[key] = text if isinstance(text, str) else as_text(text)
    for tdef, anchor in ((schema.OBJECTIVES, "objective"), (schema.SEGMENTS, "segment"), (schema.REVIEW, "action")):
        found = find_table(wb, tdef, anchor, [sheet.name], min_columns=2, only_preferred=True)
        if found is None:
            continue
        rows_read = _rows(_until_section(found, titles), wb)
        if tdef is schema.OBJECTIVES:  # the IDs written ahead (OBJ-6, OBJ-7…) are not objectives
            while rows_read and set(rows_read[-1]) == {"id"}:
                rows_read.pop()
        setattr(d, tdef.key, rows_read)


def _until_section(found: FoundTable, titles: set[str]) -> FoundTable:
    """The table's rows before the next section title of its sheet."""
    rows = found.sheet.rows
    end = next((r for r in range(found.header_row + 1, len(rows)) if _first_text(rows[r]) in titles), len(rows))
    found.rows = [dr for dr in found.rows if dr.index < end]
    return found


# ------------------------------------------------------------------------------------ other sheets
def _read_objective(wb: Workbook, sheet: Sheet, d: PlanData) -> None:
    labels = {}
    for key, i18n_key in (("strategy", "objective.reminder"), ("objective", "objective.objective"),
                          ("deadline", "objective.deadline")):
        labels.update({label: key for label in _labels(i18n_key)})
    fields = {normalize_label(label(lang)): key for key, label in schema.STRATEGY_FIELDS for lang in schema.LANGS}
    for row in sheet.rows[:20]:
        first = _first_text(row)
        v = _right_of(row, 0)
        if v is None:
            continue
        if first in fields:
            setattr(d, fields[first], v if isinstance(v, str) else as_text(v))
        elif first in labels:
            key = labels[first]
            d.objective_sheet[key] = typed_value(v, Kind.DATE if key == "deadline" else Kind.LONG_TEXT, wb.date1904)


def _read_revenue(wb: Workbook, sheet: Sheet, d: PlanData, out: PlanRead) -> None:
    rows = sheet.rows
    annual, year = _labels("revenue.annual"), _labels("revenue.year")
    d.revenue = Revenue()
    for row in rows[:10]:
        first = _first_text(row)
        if first in annual:
            d.revenue.annual_target = typed_value(_right_of(row, 0), Kind.MONEY)
        elif first in year:
            y = typed_value(_right_of(row, 0), Kind.INT)
            if isinstance(y, float) and y.is_integer() and 2000 <= y <= 2100:
                d.year = int(y)
    cols = {c.key: c for c in schema.REVENUE_COLUMNS}
    month_words = {normalize_label(cols["month"].label(lang)) for lang in schema.LANGS}
    for h, row in enumerate(rows[:30]):
        if _first_text(row) not in month_words:
            continue
        where = {}
        for c, v in enumerate(row):
            for col in schema.REVENUE_COLUMNS:
                if isinstance(v, str) and normalize_label(v) in {normalize_label(col.label(lang))
                                                                   for lang in schema.LANGS}:
                    where[col.key] = c
        if "weight" in where:
            d.revenue.weights = [typed_value(_cell(sheet, h + 1 + m, where["weight"]), Kind.NUMBER)
                                 for m in range(12)]
        if "actual" in where:
            d.revenue.actuals = [typed_value(_cell(sheet, h + 1 + m, where["actual"]), Kind.MONEY)
                                 for m in range(12)]
        computed = [k for k, c in cols.items() if c.computed and k in where]
        if computed:
            grid = wb.sheet(sheet.name, structure=True, formulas=True)
            if grid.formulas:
                for m in range(12):
                    for k in computed:
                        pos = (h + 1 + m, where[k])
                        v = grid.value(*pos)
                        if v not in ("", None) and pos not in grid.formulas and pos not in grid.errors:
                            out.overwritten.append(Cell(sheet.name, _a1(*pos), k, v))
        break


def _read_lists(sheet: Sheet, d: PlanData, lang: str) -> None:
    titles = {normalize_label(lst.title(la)): lst.key for lst in (schema.OWNERS, schema.CATEGORY)
              for la in schema.LANGS}
    for r, row in enumerate(sheet.rows[:10]):
        found = {titles[normalize_label(v)]: c for c, v in enumerate(row)
                 if isinstance(v, str) and normalize_label(v) in titles}
        if not found:
            continue
        for key, c in found.items():
            values = [as_text(x[c]) if not isinstance(x[c], str) else x[c] for x in sheet.rows[r + 1:]
                      if c < len(x) and x[c] not in ("", None) and str(x[c]).strip()]
            if key == "owner":
                d.owners = values
            elif values != schema.CATEGORY.labels(lang):
                d.categories = values
        return


def _a1(r: int, c: int) -> str:
    from .a1 import a1

    return a1(r, c)


# ------------------------------------------------------------------------------------ formulas
def _check_formulas(wb: Workbook, found: FoundTable, out: PlanRead) -> None:
    """Computed cells holding a typed value (a formula overwritten), and rows typed below the
    Excel Table (no formula in any computed cell while the rows above have them)."""
    computed = [c.key for c in found.tdef.columns if c.computed and c.key in found.columns]
    if not computed or not found.rows:
        return
    sheet = wb.sheet(found.sheet.name, structure=True, formulas=True)
    if not sheet.formulas:
        return  # a file whose formulas cannot be seen (.xls), or no formula at all
    cols = [found.columns[k] for k in computed]
    for dr in found.rows:
        has = [(dr.index, c) in sheet.formulas for c in cols]
        if not any(has):
            out.outside.append(Cell(sheet.name, _a1(dr.index, found.columns.get(ANCHORS[found.tdef.key], 0))))
        for k, c, f in zip(computed, cols, has):
            v = sheet.value(dr.index, c)
            if not f and v not in ("", None) and (dr.index, c) not in sheet.errors:
                out.overwritten.append(Cell(sheet.name, _a1(dr.index, c), k, v))


# ------------------------------------------------------------------------------------ home-made workbooks
def _read_foreign(wb: Workbook, path: str | Path) -> PlanRead:
    """A workbook pac-excel did not make: its action table (or task table), its indicator
    table when it has one, its team field."""
    from .analysis import _team_field, header_currencies

    prefer = _names("actions")
    found = find_table(wb, schema.ACTIONS, "action", prefer)
    out = PlanRead(str(path), PlanData(), schema.DEFAULT_LANG)
    if found is None:
        found = find_table(wb, schema.TASKS, "task", _names("tasks"))
        if found is None:
            raise PlanReadError("read.no_table", path=path)
        out.data.tasks = _rows(found, wb)
    else:
        out.data.actions = _rows(found, wb, out.action_rows)
        out.actions_at = (found.sheet.name, found.header_row + 1)
    out.lang = _language(found)
    named = header_currencies(found)
    if len(named) == 1:  # "Budget (CHF)": a plan in francs; none named, or two: the default, --currency decides
        out.data.currency = next(iter(named))
    _unknown_columns(found, out)
    tables = [found]
    kpis = find_table(wb, schema.KPIS, "name", _names("kpis"), min_columns=3, exclude=found)
    if kpis is not None and {"initial", "target"} & set(kpis.columns):
        out.data.kpis = _rows(kpis, wb)
        _unknown_columns(kpis, out)
        tables.append(kpis)
    out.data.team = _team_field(wb)
    for name in {t.sheet.name for t in tables}:  # titles, notes, anything beside the tables
        n = _outside([t for t in tables if t.sheet.name == name])
        if n:
            out.left.append(Cell(name, "", "", n, "outside"))
    _other_sheets(wb, {t.sheet.name for t in tables}, out)
    return out


def _language(found: FoundTable) -> str:
    """English when the table's headers are more often the English labels than the French."""
    header = found.sheet.rows[found.header_row]
    score = {lang: 0 for lang in schema.LANGS}
    for key, c in found.columns.items():
        text = normalize_label(header[c]) if isinstance(header[c], str) else ""
        for lang in schema.LANGS:
            label = normalize_label(found.tdef.column(key).label(lang))
            if text == label and normalize_label(found.tdef.column(key).label("fr")) != \
                    normalize_label(found.tdef.column(key).label("en")):
                score[lang] += 1
    return "en" if score["en"] > score["fr"] else "fr"

