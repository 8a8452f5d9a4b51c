"""OpenDocument spreadsheets read with one streaming (expat) pass over ``content.xml``.

Two uses: the error cells of a sheet (python-calamine reads an error as a blank), and the
tolerant layer for the files python-calamine refuses although LibreOffice opens them — Gnumeric
and KSpread write indented XML (whitespace between cells), Google Sheets leaves out the
``mimetype`` entry. Repeated rows and columns are counted, never materialised when empty (a
sheet of 1,048,576 formatted rows costs nothing).
"""

from __future__ import annotations

import xml.parsers.expat
from datetime import datetime
from typing import Any

from ..a1 import a1
from .grid import CellLimit, rows_of
from .workbook import error_text

_NUMERIC = ("float", "percentage", "currency")


class SheetData:
    def __init__(self, name: str) -> None:
        self.name = name
        self.cells: dict[tuple[int, int], Any] = {}
        self.errors: dict[tuple[int, int], str] = {}
        self.formulas: set[tuple[int, int]] = set()
        self.merged: list[tuple[tuple[int, int], tuple[int, int]]] = []
        self.hidden_rows: list[int] = []
        self.tabbed: dict[tuple[int, int], str] = {}  # cells whose text holds a tab (python-calamine drops it)
        self.style = ""
        self.extent = 0  # cells from A1 to the farthest value


class Walker:
    """One pass over content.xml. With ``values`` False only error cells are kept; with ``only``
    a single sheet is looked at."""

    def __init__(self, values: bool = True, only: str | None = None, max_cells: int = 0) -> None:
        self.values, self.only, self.max_cells = values, only, max_cells
        self.sheets: dict[str, SheetData] = {}
        self.hidden_styles: set[str] = set()
        self._style: str | None = None
        self._sheet: SheetData | None = None
        self._row = -1
        self._row_rep = 1
        self._row_cells: list[tuple[int, int, Any]] = []  # (col, repeat, value) of the current row
        self._row_hidden = False
        self._col = 0
        self._cell: dict[str, Any] | None = None
        self._text: list[str] = []
        self._para = 0
        self._tab = False

    # ------------------------------------------------------------------ expat callbacks
    def start(self, name: str, attrs: dict[str, str]) -> None:
        if name == "style:style":
            self._style = attrs.get("style:name") if attrs.get("style:family") == "table" else None
        elif name == "style:table-properties" and self._style and attrs.get("table:display") == "false":
            self.hidden_styles.add(self._style)
        elif name == "table:table":
            sheet_name = attrs.get("table:name", "")
            if self.only is None or sheet_name == self.only:
                self._sheet = self.sheets.setdefault(sheet_name, SheetData(sheet_name))
                self._sheet.style = attrs.get("table:style-name", "")
                self._row = -1
        elif self._sheet is None:
            return
        elif name == "table:table-row":
            self._row += 1
            self._row_rep = _int(attrs.get("table:number-rows-repeated"))
            self._row_cells, self._col = [], 0
            self._row_hidden = attrs.get("table:visibility", "visible") != "visible"
        elif name in ("table:table-cell", "table:covered-table-cell"):
            self._cell = {"attrs": attrs, "col": self._col, "rep": _int(attrs.get("table:number-columns-repeated"))}
            self._text, self._para, self._tab = [], 0, False
            self._col += self._cell["rep"]
        elif self._cell is not None:
            if name == "text:p":
                if self._para:
                    self._text.append("\n")
                self._para += 1
            elif name == "text:s":
                self._text.append(" " * _int(attrs.get("text:c")))
            elif name == "text:tab":
                self._tab = True
                self._text.append("\t")
            elif name == "text:line-break":
                self._text.append("\n")

    def end(self, name: str) -> None:
        if self._sheet is None:
            return
        if name in ("table:table-cell", "table:covered-table-cell") and self._cell is not None:
            self._end_cell(self._cell)
            self._cell = None
        elif name == "table:table-row":
            self._end_row()
        elif name == "table:table":
            self._sheet = None

    def chars(self, text: str) -> None:
        if self._cell is not None and self._para:
            self._text.append(text)

    # ------------------------------------------------------------------ cells and rows
    def _end_cell(self, cell: dict[str, Any]) -> None:
        attrs, col, rep = cell["attrs"], cell["col"], cell["rep"]
        sheet = self._sheet
        assert sheet is not None
        spanned_c = _int(attrs.get("table:number-columns-spanned"))
        spanned_r = _int(attrs.get("table:number-rows-spanned"))
        if spanned_c > 1 or spanned_r > 1:  # (whatever the cell holds, an error value included)
            sheet.merged.append(((self._row, col), (self._row + spanned_r - 1, col + spanned_c - 1)))
        if "table:formula" in attrs:
            sheet.formulas.update((r, c) for r in range(self._row, self._row + min(self._row_rep, 1000))
                                  for c in range(col, col + min(rep, 1000)))
        if attrs.get("calcext:value-type") == "error":
            text = error_text("".join(self._text))
            for r in range(self._row, self._row + min(self._row_rep, 1000)):
                for c in range(col, col + min(rep, 1000)):
                    sheet.errors[(r, c)] = text
            return
        if not self.values:
            if self._tab and isinstance(text := _value(attrs, self._text), str):
                for r in range(self._row, self._row + min(self._row_rep, 1000)):
                    for c in range(col, col + min(rep, 1000)):
                        sheet.tabbed[(r, c)] = text
            return
        value = _value(attrs, self._text)
        if value != "":
            self._row_cells.append((col, rep, value))

    def _end_row(self) -> None:
        sheet = self._sheet
        assert sheet is not None
        first, reps = self._row, self._row_rep
        if self._row_hidden and reps < 1000:
            sheet.hidden_rows.extend(range(first, first + reps))
        if self._row_cells:
            far_col = max(c + rep for c, rep, _ in self._row_cells)
            far_row = first + reps
            sheet.extent = max(sheet.extent, far_row * far_col)
            if self.max_cells and sheet.extent > self.max_cells:
                raise CellLimit(sheet.name, a1(far_row - 1, far_col - 1), sheet.extent)
            for r in range(first, far_row):
                for c, rep, v in self._row_cells:
                    for cc in range(c, c + rep):
                        sheet.cells[(r, cc)] = v
        self._row = first + reps - 1


def _int(text: str | None) -> int:
    try:
        return max(1, int(text)) if text else 1
    except ValueError:
        return 1


def _value(attrs: dict[str, str], text: list[str]) -> Any:
    kind = attrs.get("office:value-type") or attrs.get("calcext:value-type")
    if kind in _NUMERIC:
        try:
            return float(attrs.get("office:value", ""))
        except ValueError:
            return "".join(text)
    if kind == "date":
        raw = attrs.get("office:date-value", "")
        try:
            value = datetime.fromisoformat(raw)
        except ValueError:
            return "".join(text) or raw
        return value.date() if value.time() == datetime.min.time() else value
    if kind == "boolean":
        return attrs.get("office:boolean-value", "").lower() in ("true", "1")
    if kind == "string" and "office:string-value" in attrs:
        return attrs["office:string-value"]
    return "".join(text)


def walk(data: bytes, values: bool = True, only: str | None = None, max_cells: int = 0) -> Walker:
    w = Walker(values, only, max_cells)
    p = xml.parsers.expat.ParserCreate()
    p.SetParamEntityParsing(xml.parsers.expat.XML_PARAM_ENTITY_PARSING_NEVER)
    p.buffer_text = True
    p.StartElementHandler, p.EndElementHandler, p.CharacterDataHandler = w.start, w.end, w.chars
    p.Parse(data, True)
    return w


#: what one pass finds of a sheet: error cells (0-based row, col → "#DIV/0!"), formula cells,
#: hidden rows (0-based), merged ranges ((top, left), (bottom, right)), texts holding a tab
Scan = tuple[dict[tuple[int, int], str], set[tuple[int, int]], list[int], list[tuple[tuple[int, int], tuple[int, int]]],
             dict[tuple[int, int], str]]


def scan_sheets(data: bytes, formulas: bool = True) -> dict[str, Scan]:
    """What python-calamine does not give of the sheets of an OpenDocument file, in one pass over
    content.xml (which holds every sheet): sheet name → its error cells, formula cells, hidden
    rows, merged ranges, and the text of the cells holding a tab (python-calamine drops
    ``<text:tab/>``: "Salon<tab>Paris" would read "SalonParis").

    A content.xml that holds none of what the walk looks for is not walked (on a 50-row sheet
    saved by LibreOffice, a walk costs about five times calamine's own parse), and the result is
    empty: an error value needs the letters "error" (or a character reference, which could
    spell them), a formula the attribute ``table:formula`` (looked for only when ``formulas``),
    a hidden row the attribute ``table:visibility``, a merged range ``table:number-…-spanned``,
    a tab the element ``text:tab``."""
    if (b"error" not in data and b"&#" not in data and b"table:visibility" not in data
            and b"-spanned" not in data and b"<text:tab" not in data
            and not (formulas and b"table:formula" in data)):
        return {}
    return {name: (found.errors, found.formulas, found.hidden_rows, found.merged, found.tabbed)
            for name, found in walk(data, values=False).sheets.items()}


class OdsBook:
    """An OpenDocument spreadsheet read by the tolerant layer, in python-calamine's shape."""

    def __init__(self, content: bytes, max_cells: int) -> None:
        w = walk(content, max_cells=max_cells)
        self.data = w.sheets
        self.sheet_names = list(w.sheets)
        self.hidden = {n for n, s in w.sheets.items() if s.style in w.hidden_styles}

    def get_sheet_by_name(self, name: str) -> OdsSheet:
        return OdsSheet(self.data[name])


class OdsSheet:
    def __init__(self, data: SheetData) -> None:
        self.data = data
        self.merged_cell_ranges = data.merged
        self.errors = data.errors
        self.hidden_rows = data.hidden_rows

    def to_python(self, skip_empty_area: bool = False) -> list[list[Any]]:
        return rows_of(self.data.cells, self.data.name, 0)  # bounded as it was read (Walker)
