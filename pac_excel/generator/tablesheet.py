"""Writes one schema table as an Excel Table: headers, typed input cells, computed columns,
dropdowns and validation, conditional formatting."""

from __future__ import annotations

import math
from datetime import date, datetime
from typing import Any

from .. import schema
from ..a1 import cell_text, col_letter
from ..schema import Column, Kind, TableDef
from .book import Book, TablePlace
from .formulas import FORMULAS, cached_values

MIN_DATE, MAX_DATE = date(2000, 1, 1), date(2100, 12, 31)
#: above this many rows a table is written in "large plan" mode (see write_table)
LARGE_TABLE_ROWS = 5000


class _NoOverlapCheck(dict):
    """xlsxwriter records every cell of a Table's range to detect overlaps: 415 MiB for
    100,000 × 28 cells (measured). Our tables never overlap, so large tables skip the record."""

    def __setitem__(self, key: Any, value: Any) -> None:
        pass


def write_table(
    book: Book,
    ws: Any,
    tdef: TableDef,
    columns: tuple[Column, ...],
    top: int,
    first_col: int,
    n_rows: int,
    rows: list[dict[str, Any]],
    sheet_widths: tuple[float, ...] | None = None,
) -> TablePlace:
    """Write ``tdef`` with its header at row ``top``; ``n_rows`` data rows (at least the rows
    given). Column widths come from the schema, unless the table shares a sheet whose widths
    are ``sheet_widths``. Returns where it is.

    Large plans (more than LARGE_TABLE_ROWS rows) keep memory bounded: empty input cells take
    their column's format instead of one formatted blank cell each (the tint then continues
    below the table), and xlsxwriter's per-cell overlap record is skipped."""
    lang = book.lang
    n_rows = max(n_rows, len(rows), 1)
    last_row = top + n_rows
    last_col = first_col + len(columns) - 1
    formulas = FORMULAS[tdef.key](lang, frozenset(c.key for c in columns)) if tdef.key in FORMULAS else {}
    large = n_rows > LARGE_TABLE_ROWS

    opts_cols = []
    for c in columns:
        role = "computed" if c.computed else "input"
        col_opt: dict[str, Any] = {
            "header": c.label(lang),
            "header_format": book.fmt("header_c" if c.computed else "header"),
            "format": book.fmt(role, c.kind),
        }
        if c.computed:
            col_opt["formula"] = formulas[c.key]
        opts_cols.append(col_opt)
        col_fmt = book.fmt(role, c.kind) if large else None
        if sheet_widths is None or large:
            width = sheet_widths[first_col + len(opts_cols) - 1] if sheet_widths else c.width
            ws.set_column(first_col + len(opts_cols) - 1, first_col + len(opts_cols) - 1, width, col_fmt)
    widths = sheet_widths[first_col:] if sheet_widths else tuple(c.width for c in columns)
    if large and hasattr(ws, "table_cells"):
        ws.table_cells = _NoOverlapCheck()

    ws.add_table(top, first_col, last_row, last_col, {
        "name": tdef.table_name,
        "columns": opts_cols,
        "style": "Table Style Light 1",
        "autofilter": True,
    })
    ws.set_row(top, 32)
    place = TablePlace(ws.name, top, first_col, last_row, columns)

    # Cells: typed values for filled rows, formatted blanks otherwise, formulas with cached values.
    # An empty action row numbers itself: its N° cell shows its number as soon as an action is
    # typed on the row (a constant in the formula, so the number stays with the action when the
    # table is sorted: the history and the tasks refer to actions by it).
    self_numbered = tdef.key == "actions" and any(c.key == "no" for c in columns) and "action" in \
        {c.key for c in columns}
    next_no = 1 + max((int(r["no"]) for r in rows if isinstance(r.get("no"), (int, float))
                       and not isinstance(r.get("no"), bool)), default=0)
    action_ref = f"{tdef.table_name}[[#This Row],[{tdef.column('action').label(lang)}]]" if self_numbered else ""
    for i in range(n_rows):
        r = top + 1 + i
        row = rows[i] if i < len(rows) else {}
        cached = cached_values(tdef.key, row, lang, book.as_of, book.data.stages,
                               schema.FUNNEL_FACTORS.get(book.data.funnel_stage, 3)) if row and formulas else {}
        tallest = 1
        for j, c in enumerate(columns):
            col = first_col + j
            if c.computed:
                ws.write_formula(r, col, formulas[c.key], book.fmt("computed", c.kind), cached.get(c.key, ""))
                continue
            value = row.get(c.key)
            if self_numbered and c.key == "no" and (value is None or value == "") and not large:
                ws.write_formula(r, col, f'=IF({action_ref}="","",{next_no})', book.fmt("input", c.kind), "")
                next_no += 1
                continue
            if large and (value is None or value == ""):
                continue  # the column's format applies
            fmt = book.fmt("input", c.kind)
            write_value(ws, r, col, value, fmt)
            if isinstance(value, str) and c.kind in (Kind.LONG_TEXT, Kind.TEXT, Kind.CHOICE):
                tallest = max(tallest, math.ceil(len(value) / max(widths[j] * 1.15, 1)))
        if row and tallest > 1:
            ws.set_row(r, 13.5 * min(tallest, 8))

    _validations(book, ws, place)
    _conditional_formats(book, ws, tdef, place)
    return place


def write_value(ws: Any, r: int, col: int, value: Any, fmt: Any) -> None:
    """One typed value; text from people is always written as text."""
    if value is None or value == "":
        ws.write_blank(r, col, None, fmt)
    elif isinstance(value, bool):
        ws.write_string(r, col, str(value), fmt)
    elif isinstance(value, (datetime, date)):
        ws.write_datetime(r, col,
                          value if isinstance(value, datetime) else datetime(value.year, value.month, value.day),
                          fmt)
    elif isinstance(value, (int, float)):
        ws.write_number(r, col, value, fmt)
    else:
        # Text from people is always text: "=..." never becomes a formula.
        ws.write_string(r, col, cell_text(str(value)), fmt)


def _validations(book: Book, ws: Any, place: TablePlace) -> None:
    t = book.t
    first, last = place.header_row + 1, place.last_row
    for c in place.columns:
        if c.computed:
            continue
        col = place.col(c.key)
        v: dict[str, Any] | None = None
        if c.kind is Kind.CHOICE:
            src = "=" + book.source_of(c.choices or "")
            v = {"validate": "list", "source": src, "input_title": t("val.list.title"),
                 "input_message": t("val.list.msg"), "error_title": t("val.list.title"),
                 "error_message": t("val.list.err")}
            if c.choices == "owner":
                v.update(error_type="warning", input_message=t("val.owner.msg"), error_message=t("val.owner.err"))
            elif c.choices == schema.OBJECTIVE_IDS:
                v.update(error_type="warning", input_message=t("val.objective.msg"),
                         error_message=t("val.objective.err"))
            elif c.choices == schema.ACTION_NUMBERS:
                v.update(error_type="warning")
        elif c.kind is Kind.DATE:
            v = {"validate": "date", "criteria": "between",
                 "minimum": datetime(MIN_DATE.year, 1, 1), "maximum": datetime(MAX_DATE.year, 12, 31),
                 "input_title": t("val.date.title"), "input_message": t("val.date.msg"),
                 "error_title": t("val.date.title"), "error_message": t("val.date.err")}
            if c.key == "end" and place.has("start"):
                e = f"${col_letter(col)}{first + 1}"
                s = f"${col_letter(place.col('start'))}{first + 1}"
                v = {"validate": "custom",
                     "value": f"=AND(ISNUMBER({e}),{e}>=DATE(2000,1,1),{e}<=DATE(2100,12,31),"
                              f"OR(NOT(ISNUMBER({s})),{e}>={s}))",
                     "input_title": t("val.date.title"), "input_message": t("val.end.msg"),
                     "error_title": t("val.date.title"), "error_message": t("val.end.err")}
        elif c.kind is Kind.MONEY:
            v = {"validate": "decimal", "criteria": ">=", "value": 0,
                 "input_title": t("val.money.title"), "input_message": t("val.money.msg"),
                 "error_title": t("val.money.title"), "error_message": t("val.money.err")}
        elif c.kind is Kind.PERCENT:
            v = {"validate": "decimal", "criteria": "between", "minimum": 0, "maximum": 1,
                 "input_title": t("val.percent.title"), "input_message": t("val.percent.msg"),
                 "error_title": t("val.percent.title"), "error_message": t("val.percent.err")}
        elif c.kind is Kind.INT:
            v = {"validate": "integer", "criteria": ">=", "value": 0,
                 "error_title": t("val.number.title"), "error_message": t("val.int.err")}
        elif c.kind is Kind.NUMBER:
            v = {"validate": "decimal", "criteria": "between", "minimum": -1e15, "maximum": 1e15,
                 "error_title": t("val.number.title"), "error_message": t("val.number.err")}
            if c.key in ("target", "result") and place.has("result"):
                v.update(input_title=t("val.number.title"), input_message=t("val.target.msg"))
        if v:
            v.setdefault("ignore_blank", True)
            ws.data_validation(first, col, last, col, v)


def _progress_bar(ws: Any, first: int, last: int, col: int) -> None:
    """% done as a data bar from 0 to 100 %, whatever the values typed (the Excel 2007 form: every
    reader knows it, no extension part)."""
    ws.conditional_format(first, col, last, col, {"type": "data_bar", "bar_color": "#9BCB7F", "data_bar_2010": False,
                                                  "min_type": "num", "min_value": 0, "max_type": "num",
                                                  "max_value": 1})


def _conditional_formats(book: Book, ws: Any, tdef: TableDef, place: TablePlace) -> None:
    first, last = place.header_row + 1, place.last_row
    row1 = first + 1  # 1-based row of the first data row, for relative formulas

    def ref(key: str) -> str:
        return f"${col_letter(place.col(key))}{row1}"

    def cf(key: str, formula: str, style: str, whole_row: bool = False) -> None:
        if whole_row:
            c0, c1 = place.first_col, place.first_col + len(place.columns) - 1
        else:
            c0 = c1 = place.col(key)
        ws.conditional_format(first, c0, last, c1, {"type": "formula", "criteria": formula,
                                                    "format": book.dxf(style)})

    def rag(key: str) -> None:
        x = ref(key)
        cf(key, f"=AND(ISNUMBER({x}),{x}<0.8)", "red")
        cf(key, f"=AND(ISNUMBER({x}),{x}>=0.8,{x}<1)", "amber")
        cf(key, f"=AND(ISNUMBER({x}),{x}>=1)", "green")

    yes = book.label("yes_no", "yes")
    closed = [book.label("status", k) for k in schema.CLOSED_STATUSES]
    if tdef.key == "actions":
        rag("attainment")
        over = f'=AND(ISNUMBER({ref("budget_actual")}),ISNUMBER({ref("budget_planned")}),' \
               f'{ref("budget_actual")}>{ref("budget_planned")})'
        cf("budget_actual", over, "overrun")
        cf("budget_variance", over, "overrun")
        cf("roi", f'=AND(ISNUMBER({ref("roi")}),{ref("roi")}<0)', "red")
        cf("status", f'={ref("status")}="{closed[0]}"', "done_font")
        cf("late", f'={ref("late")}="{yes}"', "late", whole_row=True)
        if place.has("progress"):
            _progress_bar(ws, first, last, place.col("progress"))
        if place.has("priority"):
            cf("priority", f'={ref("priority")}="{book.label("priority", "high")}"', "priority_high")
    elif tdef.key == "funnel":
        for done, needed in (("contacts", "need_contacts"), ("meetings", "need_meetings"),
                             ("proposals", "need_proposals"), ("signed", "target")):
            cf(done, f"=AND(ISNUMBER({ref(done)}),ISNUMBER({ref(needed)}),{ref(done)}<{ref(needed)})", "warn")
    elif tdef.key == "pipeline":
        cf("stale", f'={ref("stale")}="{yes}"', "late")
        cf("next_date", f'={ref("stale")}="{yes}"', "late")
    elif tdef.key == "kpis":
        rag("attainment")
        up, down = book.label("direction", "up"), book.label("direction", "down")
        d, i, c = ref("direction"), ref("initial"), ref("target")
        cf("target", f'=AND(ISNUMBER({i}),ISNUMBER({c}),OR(AND({d}="{up}",{c}<{i}),AND({d}="{down}",{c}>{i})))',
           "warn")
    elif tdef.key == "tasks" and place.has("deadline") and place.has("status"):
        dl, st = ref("deadline"), ref("status")
        cf("deadline", f'=AND(ISNUMBER({dl}),{dl}<TODAY(),{st}<>"{closed[0]}",{st}<>"{closed[1]}")', "late")
