"""Workbook generation: a template + options (+ optional content) → a new .xlsx file."""

from __future__ import annotations

import copy
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

from .. import __version__, schema
from ..errors import PacError, TemplateError, UsageError, WriteError
from ..fileio import atomic_output
from ..plandata import PlanData
from ..templates import Template, get_template

MAX_ACTIONS = 1_000_000
#: the Pipeline sheet: its stages table (rows 5–12) and monthly summary above the opportunities
PIPELINE_TOP, STAGE_ROWS = 19, 8
#: the funnel sheet: the business stage (row 4) and a hint above the monthly table
FUNNEL_TOP = 6


@dataclass
class GenerateOptions:
    template: str = "pac"
    lang: str = schema.DEFAULT_LANG
    company: str | None = None
    team: str | None = None
    year: int | None = None
    #: the ISO 4217 code of the plan's amounts (schema.CURRENCIES); None = the content's (EUR by default)
    currency: str | None = None
    actions: int = 50
    protect: bool = False
    force: bool = False
    #: the template's pre-filled rows (the trame's families of actions) under the content;
    #: False when the content is a whole plan already (read back, refreshed)
    prefill: bool = True
    #: fixed creation date: the same inputs then give the same bytes
    created: datetime | None = None

    def check(self) -> None:
        if self.lang not in schema.LANGS:
            raise UsageError("err.lang", lang=self.lang)
        if self.year is not None and not 2000 <= self.year <= 2100:
            raise UsageError("err.year", year=self.year)
        if not 1 <= self.actions <= MAX_ACTIONS:
            raise UsageError("err.actions", max=f"{MAX_ACTIONS:,}".replace(",", " "))


def check_currency(code: str) -> str:
    """``code`` if it is a currency of :data:`schema.CURRENCIES`, else a usage error listing them."""
    if code not in schema.CURRENCIES:
        raise UsageError("err.currency", currency=code, known=", ".join(schema.CURRENCIES))
    return code


def generate(path: str | Path, options: GenerateOptions | None = None, data: PlanData | None = None) -> Path:
    """Write a new PAC workbook at ``path`` and return its path.

    Raises :class:`~pac_excel.errors.UsageError` for a bad request and
    :class:`~pac_excel.errors.OutputExistsError` when ``path`` exists without ``force``.
    """
    options = options or GenerateOptions()
    options.check()
    path = Path(path)
    if path.suffix.lower() != ".xlsx":
        raise UsageError("err.not_xlsx", path=path)
    template = get_template(options.template)
    content = _prepare(template, options, data)
    from xlsxwriter.exceptions import XlsxWriterException

    try:
        with atomic_output(path, force=options.force) as tmp:
            _write(tmp, template, options, content)
    except (OSError, XlsxWriterException) as exc:
        if isinstance(exc, PacError):
            raise
        raise WriteError("err.write", path=path, detail=exc) from exc
    return path


def _prepare(template: Template, options: GenerateOptions, data: PlanData | None) -> PlanData:
    """Copy the content and complete it: CLI fields, template pre-fills, action numbers."""
    d = copy.deepcopy(data) if data else PlanData()
    if options.company is not None:
        d.company = options.company
    if options.team is not None:
        d.team = options.team
    if options.currency is not None:
        d.currency = options.currency
    check_currency(d.currency)  # the option's, or the content's
    # A template's pre-filled rows are the base; the content fills them in, row by row.
    base = [_prefill_row(raw, options.lang) for raw in template.prefill.get("actions", ())] if options.prefill else []
    rows = []
    for i in range(max(len(base), len(d.actions))):
        row = dict(base[i]) if i < len(base) else {}
        if i < len(d.actions):
            row.update({k: v for k, v in d.actions[i].items() if v is not None})
        rows.append(row)
    d.actions = rows
    for i, row in enumerate(d.actions, 1):
        row.setdefault("no", i)
    if template.has("funnel"):  # one row per month, January first; what was typed for each month kept
        d.funnel = [{**(d.funnel[m] if m < len(d.funnel) else {}), "month": schema.MONTHS[m](options.lang)}
                    for m in range(12)]
    if template.has("pipeline") and not d.stages:  # the usual stages, to edit on the sheet
        d.stages = [{"stage": label(options.lang), "probability": p} for label, p in schema.DEFAULT_STAGES]
    return d


def _prefill_row(raw: dict, lang: str) -> dict:
    """A template pre-fill row: texts in the workbook's language, list keys as labels."""
    row = {}
    for key, value in raw.items():
        col = schema.ACTIONS.column(key)
        if isinstance(value, dict):
            value = value.get(lang) or value.get("fr")
        elif col.choices in schema.LIST_BY_KEY:
            value = schema.LIST_BY_KEY[col.choices].label(value, lang)
        row[key] = value
    return row


def _write(tmp: Path, template: Template, options: GenerateOptions, data: PlanData) -> None:
    import xlsxwriter

    from .book import Book, memoize_formulas
    from .dashboard import write_dashboard
    from .sheets import (
        define_list_names,
        write_funnel_stage,
        write_guide,
        write_lists,
        write_meta,
        write_objective,
        write_pipeline_summary,
        write_planning,
        write_revenue,
        write_strategy,
    )
    from .tablesheet import write_table

    year = options.year or data.year or (data.as_of.year if data.as_of else date.today().year)
    wb = xlsxwriter.Workbook(str(tmp), {"strings_to_formulas": False, "strings_to_urls": False,
                                        "strings_to_numbers": False})
    lang = options.lang
    book = Book(wb=wb, template=template, lang=lang, year=year,
                protect_inputs=options.protect, data=data, as_of=data.as_of or date.today())
    title = schema.ACTIONS.title(lang) + (f" — {data.company}" if data.company else "")
    wb.set_properties({"title": title, "subject": template.name(lang), "author": "pac-excel",
                       "comments": f"pac-excel {__version__}, template {template.id} {template.version}",
                       "created": options.created or datetime.now()})
    sheets = {spec.kind: memoize_formulas(wb.add_worksheet(book.sheet_name(spec.kind))) for spec in template.sheets}
    meta = wb.add_worksheet(schema.META_SHEET_NAME)
    if "lists" in sheets:
        define_list_names(book)

    # Tables first: the other sheets point at them.
    # Tables grow by themselves when someone types below them: only the action table follows --actions.
    sizes = {"actions": options.actions, "tasks": max(30, min(options.actions, 500)), "kpis": 20, "rituals": 12,
             "obstacles": 12, "pipeline": 40, "funnel": 12}
    for kind in ("actions", "tasks", "kpis", "rituals", "obstacles", "pipeline", "funnel"):
        if kind not in sheets:
            continue
        ws, tdef = sheets[kind], schema.TABLE_BY_KEY[kind]
        columns = template.columns(kind)
        book.sheet_header(ws, tdef.title(lang))
        # the pipeline's stages and monthly summary, the funnel's business stage: above the table
        top = PIPELINE_TOP if kind == "pipeline" else FUNNEL_TOP if kind == "funnel" else 3
        place = write_table(book, ws, tdef, columns, top, 0, sizes[kind], data.rows(kind))
        if kind == "pipeline":
            stages = write_table(book, ws, schema.STAGES, schema.STAGES.columns, 4, 0,
                                 max(len(data.stages), STAGE_ROWS), data.stages,
                                 sheet_widths=tuple(c.width for c in columns))
            book.tables["stages"] = stages
            wb.define_name(schema.PIPELINE_STAGES, "=" + stages.range("stage"))
        if kind == "funnel":
            write_funnel_stage(book, ws)
        book.tables[kind] = place
        key_col = place.col("action") if place.has("action") else place.first_col
        ws.freeze_panes(place.header_row + 1, key_col + 1 if kind == "actions" else 1)
        book.print_setup(ws, place.header_row, place.first_col + len(columns) - 1, place.last_row,
                         a3=len(columns) > 14)
        book.protect(ws, inputs=True)
        if kind == "actions":
            wb.define_name(schema.ACTION_NUMBERS, "=" + place.range("no"))

    revenue_cells = None
    if "strategy" in sheets:
        write_strategy(book, sheets["strategy"])
    if "objective" in sheets:
        write_objective(book, sheets["objective"])
    if "revenue" in sheets:
        revenue_cells = write_revenue(book, sheets["revenue"])
    if "pipeline" in sheets:
        write_pipeline_summary(book, sheets["pipeline"], revenue_cells)
    if "planning" in sheets:
        write_planning(book, sheets["planning"])
    if "dashboard" in sheets:
        if "actions" not in sheets:
            raise TemplateError("err.template_bad", name=template.id, detail="a dashboard needs the actions sheet")
        write_dashboard(book, sheets["dashboard"], revenue_cells)
    if "lists" in sheets:
        write_lists(book, sheets["lists"])
    if "guide" in sheets:
        write_guide(book, sheets["guide"])
    write_meta(book, meta)
    _check_names(book, template)
    first = next(iter(sheets.values()))
    first.activate()
    wb.close()


def _check_names(book, template: Template) -> None:
    """Every dropdown source must be a defined name, or Excel refuses the file."""
    defined = {name for name, *_ in book.wb.defined_names}
    for place in book.tables.values():
        for c in place.columns:
            if c.choices and not c.computed and book.source_of(c.choices) not in defined:
                raise TemplateError("err.template_bad", name=template.id,
                                    detail=f"column {c.key!r} needs the list {c.choices!r}, which it lacks")
