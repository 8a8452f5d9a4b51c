"""The state shared by every sheet writer: the xlsxwriter workbook, named formats, the
language, the template and where things were put (sheet names, table ranges, list names)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from .. import schema
from ..a1 import a1
from ..i18n import tx
from ..plandata import PlanData
from ..schema import Kind
from ..templates import Template

# Palette: input cells cream, computed cells grey-blue, headers dark blue / dark grey.
NAVY = "#1F3864"
BLUE = "#2E5C8A"
GREY_HEADER = "#595959"
INPUT_FILL = "#FFFBEA"
COMPUTED_FILL = "#E9EEF4"
BORDER = "#BFC8D6"
RED_FILL, RED_FONT = "#F8D7D5", "#9C0006"
AMBER_FILL, AMBER_FONT = "#FFE9B3", "#7F5700"
GREEN_FILL, GREEN_FONT = "#D5EFD9", "#1E6B30"
ORANGE_FILL = "#FCD5B4"


def memoize_formulas(ws: Any) -> Any:
    """Prepare each distinct formula text once per worksheet.

    xlsxwriter runs some thirty regular expressions over every formula it writes (about 130 µs
    for ours); a table repeats the same formula on every row, so caching its preparation makes
    large plans several times faster. Uses a private method: without it, nothing changes."""
    prepare = getattr(ws, "_prepare_formula", None)
    if prepare is None:
        return ws
    cache: dict[tuple[str, bool], str] = {}

    def cached(formula: str, expand_future_functions: bool = False) -> str:
        key = (formula, expand_future_functions)
        if key not in cache:
            cache[key] = prepare(formula, expand_future_functions)
        return cache[key]

    ws._prepare_formula = cached
    return ws


def quote_sheet(name: str) -> str:
    """A sheet name as it must appear in a formula."""
    return "'" + name.replace("'", "''") + "'"


def excel_serial(d: date) -> float:
    """A date or datetime as an Excel 1900-system serial number (the cached value of a date formula)."""
    base = datetime(1899, 12, 30)
    dt = d if isinstance(d, datetime) else datetime(d.year, d.month, d.day)
    delta = dt - base
    return delta.days + delta.seconds / 86400


@dataclass
class TablePlace:
    """Where a table was written (0-based)."""

    sheet: str
    header_row: int
    first_col: int
    last_row: int
    columns: tuple[schema.Column, ...]

    def col(self, key: str) -> int:
        for i, c in enumerate(self.columns):
            if c.key == key:
                return self.first_col + i
        raise KeyError(key)

    def has(self, key: str) -> bool:
        return any(c.key == key for c in self.columns)

    def range(self, key: str) -> str:
        """Absolute range of one column's data cells, sheet-qualified."""
        c = self.col(key)
        return f"{quote_sheet(self.sheet)}!{a1(self.header_row + 1, c, True)}:{a1(self.last_row, c, True)}"


@dataclass
class Book:
    wb: Any  # xlsxwriter.Workbook
    template: Template
    lang: str
    year: int
    protect_inputs: bool
    data: PlanData
    as_of: date
    tables: dict[str, TablePlace] = field(default_factory=dict)
    list_names: dict[str, str] = field(default_factory=dict)  # list key → defined name
    _formats: dict[tuple, Any] = field(default_factory=dict)

    # ---------------------------------------------------------------- names and texts
    def t(self, key: str) -> str:
        return tx(key, self.lang)

    def sheet_name(self, kind: str) -> str:
        return schema.sheet_name(kind, self.lang)

    def label(self, list_key: str, value_key: str) -> str:
        return schema.LIST_BY_KEY[list_key].label(value_key, self.lang)

    def categories(self) -> list[str]:
        """The category list of the workbook: the plan's own, or the standard one."""
        return list(self.data.categories) or schema.CATEGORY.labels(self.lang)

    @property
    def currency(self) -> schema.Currency:
        return schema.CURRENCIES[self.data.currency]

    @property
    def money_format(self) -> str:
        return self.currency.number_format

    def source_of(self, choices: str) -> str:
        """The defined name feeding a dropdown."""
        return self.list_names.get(choices, choices)

    # ---------------------------------------------------------------- formats
    def fmt(self, role: str, kind: Kind | None = None, **extra: Any) -> Any:
        """A format by role ('input', 'computed', 'header', 'header_c', 'title', …) and kind."""
        key = (role, kind, tuple(sorted(extra.items())))
        if key not in self._formats:
            props = dict(_ROLES[role])
            if kind is not None:
                nf = self.money_format if kind is Kind.MONEY else schema.NUMBER_FORMATS.get(kind)
                if nf:
                    props["num_format"] = nf
                if kind in (Kind.LONG_TEXT, Kind.TEXT, Kind.CHOICE):
                    props["text_wrap"] = True
                if kind in (Kind.FLAG, Kind.CHOICE, Kind.DATE, Kind.INT, Kind.PERCENT):
                    props.setdefault("align", "center")
            props.update(extra)
            self._formats[key] = self.wb.add_format(props)
        return self._formats[key]

    def dxf(self, name: str) -> Any:
        """A conditional-format style."""
        key = ("dxf", name)
        if key not in self._formats:
            self._formats[key] = self.wb.add_format(_DXF[name])
        return self._formats[key]

    # ---------------------------------------------------------------- common sheet parts
    def sheet_header(self, ws: Any, title: str, subtitle: str | None = None) -> None:
        """Title row, subtitle row (company · team · period when a Strategy sheet exists)."""
        ws.set_row(0, 28)
        ws.write_string(0, 0, title, self.fmt("title"))
        if subtitle is not None:
            ws.write_string(1, 0, subtitle, self.fmt("subtitle"))
        elif self.template.has("strategy"):
            st = quote_sheet(self.sheet_name("strategy"))
            c, tm, p = (f"{st}!$B${r}" for r in (4, 5, 6))
            sep = '"  ·  "'
            formula = (f'=IF(AND({c}="",{tm}=""),"{self.t("subtitle.blank")}",'
                       f'{c}&IF(AND({c}<>"",{tm}<>""),{sep},"")&{tm}&IF({p}="","",{sep}&{p}))')
            d = self.data
            cached = "  ·  ".join(v for v in (d.company, d.team, d.period or str(self.year)) if v)
            if not (d.company or d.team):
                cached = self.t("subtitle.blank")
            ws.write_formula(1, 0, formula, self.fmt("subtitle"), cached)
        ws.hide_gridlines(2)

    def print_setup(self, ws: Any, header_row: int | None, last_col: int, last_row: int, a3: bool = False,
                    pages_tall: int = 0) -> None:
        """Landscape, one page wide (and ``pages_tall`` high, 0: as many as needed), header row
        repeated; A3 for the widest tables."""
        ws.set_landscape()
        ws.set_paper(8 if a3 else 9)
        ws.fit_to_pages(1, pages_tall)
        ws.set_margins(left=0.4, right=0.4, top=0.6, bottom=0.6)
        ws.set_header("&L&\"Calibri,Bold\"&A&R&D")
        ws.set_footer("&L&F&RPage &P / &N")
        ws.print_area(0, 0, last_row, last_col)
        if header_row is not None:
            ws.repeat_rows(header_row)

    def protect(self, ws: Any, inputs: bool) -> None:
        """Protect a sheet, without password; input sheets only with --protect."""
        if inputs and not self.protect_inputs:
            return
        ws.protect("", {
            "format_cells": False, "format_columns": True, "format_rows": True, "autofilter": True,
            "sort": True, "select_locked_cells": True, "select_unlocked_cells": True, "objects": True,
        })


_BASE = {"font_name": "Calibri", "font_size": 10, "valign": "top"}
_CELL = {**_BASE, "border": 1, "border_color": BORDER}

_ROLES: dict[str, dict[str, Any]] = {
    "input": {**_CELL, "bg_color": INPUT_FILL, "locked": False},
    "computed": {**_CELL, "bg_color": COMPUTED_FILL, "locked": True, "font_color": "#1F2D3D"},
    "header": {**_BASE, "bold": True, "font_color": "#FFFFFF", "bg_color": NAVY, "text_wrap": True,
               "valign": "vcenter", "align": "center", "border": 1, "border_color": "#FFFFFF"},
    "header_c": {**_BASE, "bold": True, "font_color": "#FFFFFF", "bg_color": GREY_HEADER, "text_wrap": True,
                 "valign": "vcenter", "align": "center", "border": 1, "border_color": "#FFFFFF"},
    "title": {"font_name": "Calibri", "font_size": 16, "bold": True, "font_color": NAVY, "valign": "vcenter"},
    "subtitle": {**_BASE, "italic": True, "font_color": "#6B7785"},
    "section": {"font_name": "Calibri", "font_size": 12, "bold": True, "font_color": BLUE, "bottom": 2,
                "bottom_color": BLUE, "valign": "bottom"},
    "label": {**_BASE, "bold": True, "font_color": "#1F2D3D", "text_wrap": True},
    "text": {**_BASE, "text_wrap": True},
    "note": {**_BASE, "italic": True, "font_color": "#6B7785", "text_wrap": True},
    "big_input": {**_CELL, "bg_color": INPUT_FILL, "locked": False, "text_wrap": True},
    "tile_label": {**_BASE, "font_color": "#44546A", "bg_color": "#F3F6FA", "border": 1, "border_color": BORDER,
                   "valign": "vcenter", "text_wrap": True},
    "tile_value": {"font_name": "Calibri", "font_size": 14, "bold": True, "font_color": NAVY, "bg_color": COMPUTED_FILL,
                   "border": 1, "border_color": BORDER, "align": "right", "valign": "vcenter", "locked": True},
    "list_value": {**_CELL, "bg_color": "#F3F6FA", "locked": True},
    "meta": {**_BASE},
}

#: the Gantt's today line: the current month's column framed in dark red (thin: the only border
#: weight Excel allows in a conditional format)
_TODAY_LINE = {"left": 1, "left_color": "#C00000", "right": 1, "right_color": "#C00000"}
_DXF: dict[str, dict[str, Any]] = {
    "late": {"bg_color": RED_FILL, "font_color": RED_FONT},
    "red": {"bg_color": RED_FILL, "font_color": RED_FONT},
    "amber": {"bg_color": AMBER_FILL, "font_color": AMBER_FONT},
    "green": {"bg_color": GREEN_FILL, "font_color": GREEN_FONT},
    "overrun": {"bg_color": ORANGE_FILL, "font_color": "#843C0C", "bold": True},
    "warn": {"bg_color": ORANGE_FILL},
    "done_font": {"font_color": GREEN_FONT},
    "priority_high": {"font_color": "#C00000", "bold": True},
    "gantt_plan": {"bg_color": "#5B9BD5", "font_color": "#5B9BD5"},
    "gantt_done": {"bg_color": "#70AD47", "font_color": "#70AD47"},
    "gantt_late": {"bg_color": "#E15759", "font_color": "#E15759"},
    "gantt_cancelled": {"bg_color": "#D0D0D0", "font_color": "#D0D0D0"},
    **{f"{k}_today": {"bg_color": c, "font_color": c, **_TODAY_LINE}
       for k, c in (("gantt_plan", "#5B9BD5"), ("gantt_done", "#70AD47"), ("gantt_late", "#E15759"),
                    ("gantt_cancelled", "#D0D0D0"))},
    "today": {"bg_color": "#FFD966", "font_color": "#1F2D3D", "bold": True, **_TODAY_LINE},  # dark on yellow
    "today_column": {"bg_color": "#FFF2CC", **_TODAY_LINE},
}
