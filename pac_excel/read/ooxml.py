"""The tolerant OOXML reader: a streaming (expat) pass over each sheet part, used when
python-calamine refuses a workbook that LibreOffice opens — odd part names, parts outside
``xl/``, a dangling relationship, an Excel 4 macro sheet, a cell holding an error string no
standard knows (Gnumeric writes one for each formula it cannot convert).

It gives what python-calamine gives (rows of values from A1, dates as dates where the cell's
number format is a date, an error cell as a blank, merged ranges), so the rest of the reader
does not know which layer read the sheet. Error and formula cells are found by the same scan of
the sheet XML as on the fast path.
"""

from __future__ import annotations

import contextlib
import re
import xml.parsers.expat
from datetime import datetime, timedelta
from typing import Any

from ..a1 import col_index
from .grid import rows_of
from .package import Layout, Package
from .values import EPOCH_1900, EPOCH_1904

#: built-in number formats that show a date or a time (ECMA-376, 18.8.30)
DATE_FORMAT_IDS = {*range(14, 23), *range(27, 37), *range(45, 48), *range(50, 59)}
_QUOTED = re.compile(r'"[^"]*"|\[[^\]]*\]|\\.|_.|\*.')
_REF = re.compile(r"([A-Za-z]{1,3})(\d+)")
#: a character the XML could not hold as it is, written as its code (ECMA-376, 22.9.2.19
#: ST_Xstring): "_x000D_" is a carriage return, "_x005F_" the underscore that keeps a typed
#: "_x0041_" from being read as "A"
_XSTRING = re.compile(r"_x([0-9A-Fa-f]{4})_")


def unescape(text: str) -> str:
    """A string as the person typed it, its ``_xHHHH_`` escapes decoded (as python-calamine
    does); a code that is half of a surrogate pair is not a character: it is left as written."""
    if "_x" not in text:
        return text
    return _XSTRING.sub(lambda m: m[0] if 0xD800 <= int(m[1], 16) <= 0xDFFF else chr(int(m[1], 16)), text)


def _local(name: str) -> str:
    return name.rsplit(" ", 1)[-1]


def _parser() -> Any:
    p = xml.parsers.expat.ParserCreate(namespace_separator=" ")
    p.SetParamEntityParsing(xml.parsers.expat.XML_PARAM_ENTITY_PARSING_NEVER)
    p.buffer_text = True
    return p


def is_date_format(code: str) -> bool:
    bare = _QUOTED.sub("", code).lower()
    if "general" in bare:
        return False
    return any(ch in bare for ch in "dmyhs")


def formatted_date(serial: float, date1904: bool) -> Any:
    """What a cell with a date format shows, as python-calamine gives it: a date (whole days)
    or a datetime; the number itself for a bare time of day or out of range."""
    if (serial < 1 and not date1904) or serial < 0 or serial > 2_958_465:
        return serial
    epoch = datetime.combine(EPOCH_1904 if date1904 else EPOCH_1900, datetime.min.time())
    if not date1904 and serial < 60:
        serial += 1  # Excel's phantom 29 February 1900
    value = epoch + timedelta(days=serial)
    value = value.replace(microsecond=0) if value.microsecond < 500_000 else \
        (value + timedelta(microseconds=1_000_000 - value.microsecond))
    return value.date() if value.time() == datetime.min.time() else value


class OoxmlBook:
    """A workbook read by the tolerant layer, in python-calamine's shape."""

    def __init__(self, pkg: Package, layout: Layout, max_cells: int) -> None:
        self.pkg, self.layout, self.max_cells = pkg, layout, max_cells
        self.sheet_names = list(layout.sheets)
        self.hidden = set(layout.hidden)
        self._strings: list[str] | None = None
        self._date_styles: set[int] | None = None

    def get_sheet_by_name(self, name: str) -> OoxmlSheet:
        if name not in self.layout.sheets:
            raise KeyError(name)
        return OoxmlSheet(self, name)

    # --------------------------------------------------------------- shared strings, styles
    def strings(self) -> list[str]:
        if self._strings is None:
            self._strings = _shared_strings(self.pkg.read(self.layout.shared_strings)) \
                if self.layout.shared_strings else []
        return self._strings

    def date_styles(self) -> set[int]:
        """Indexes of the cell formats (``s=``) whose number format shows a date."""
        if self._date_styles is None:
            self._date_styles = _date_styles(self.pkg.read(self.layout.styles)) if self.layout.styles else set()
        return self._date_styles


class OoxmlSheet:
    def __init__(self, book: OoxmlBook, name: str) -> None:
        self.book, self.name = book, name
        self.merged_cell_ranges: list[tuple[tuple[int, int], tuple[int, int]]] = []
        self.errors: dict[tuple[int, int], str] = {}  # error cells, and cells whose value cannot be decoded
        self.hidden_rows: list[int] = []

    def to_python(self, skip_empty_area: bool = False) -> list[list[Any]]:
        part = self.book.layout.sheets[self.name]
        if part is None:
            return []
        found = _sheet_cells(self.book.pkg.read(part), self.book)
        cells, self.merged_cell_ranges, self.errors, self.hidden_rows = found
        return rows_of(cells, self.name, self.book.max_cells)


def _shared_strings(data: bytes) -> list[str]:
    out: list[str] = []
    st: dict[str, Any] = {"text": [], "in_t": False, "skip": 0}

    def start(name: str, attrs: dict[str, str]) -> None:
        tag = _local(name)
        if tag == "si":
            st["text"] = []
        elif tag in ("rPh", "phoneticPr"):
            st["skip"] += 1
        elif tag == "t" and not st["skip"]:
            st["in_t"] = True

    def end(name: str) -> None:
        tag = _local(name)
        if tag == "si":
            out.append(unescape("".join(st["text"])))
        elif tag in ("rPh", "phoneticPr"):
            st["skip"] -= 1
        elif tag == "t":
            st["in_t"] = False

    def chars(text: str) -> None:
        if st["in_t"]:
            st["text"].append(text)

    p = _parser()
    p.StartElementHandler, p.EndElementHandler, p.CharacterDataHandler = start, end, chars
    p.Parse(data, True)
    return out


def _date_styles(data: bytes) -> set[int]:
    formats: dict[int, str] = {}
    xfs: list[int] = []
    st = {"in_xfs": False}

    def start(name: str, attrs: dict[str, str]) -> None:
        tag = _local(name)
        if tag == "numFmt":
            with contextlib.suppress(ValueError):
                formats[int(attrs.get("numFmtId", "-1"))] = attrs.get("formatCode", "")
        elif tag == "cellXfs":
            st["in_xfs"] = True
        elif tag == "xf" and st["in_xfs"]:
            try:
                xfs.append(int(attrs.get("numFmtId", "0")))
            except ValueError:
                xfs.append(0)

    def end(name: str) -> None:
        if _local(name) == "cellXfs":
            st["in_xfs"] = False

    p = _parser()
    p.StartElementHandler, p.EndElementHandler = start, end
    p.Parse(data, True)
    return {i for i, fmt in enumerate(xfs)
            if (fmt in formats and is_date_format(formats[fmt])) or (fmt not in formats and fmt in DATE_FORMAT_IDS)}


def _sheet_cells(data: bytes, book: OoxmlBook) -> tuple[dict[tuple[int, int], Any], list[Any],
                                                         dict[tuple[int, int], str], list[int]]:
    """Every cell holding a value (0-based row, col → value), the merged ranges, the error cells
    (a shared-string index that points nowhere counts as #REF!: never a silent blank) and the
    hidden rows of a sheet."""
    from .workbook import error_text

    cells: dict[tuple[int, int], Any] = {}
    merged: list[tuple[tuple[int, int], tuple[int, int]]] = []
    errors: dict[tuple[int, int], str] = {}
    hidden: list[int] = []
    date1904 = book.layout.date1904
    st: dict[str, Any] = {"row": -1, "col": -1, "cell": None, "type": "n", "style": 0, "text": [], "in": None,
                          "values": 0}

    def start(name: str, attrs: dict[str, str]) -> None:
        tag = _local(name)
        if tag == "c":
            m = _REF.fullmatch(attrs.get("r", ""))
            if m:
                st["row"], st["col"] = int(m[2]) - 1, col_index(m[1].upper())
            else:  # no reference: the next cell of the row
                st["col"] += 1
            st["cell"] = (st["row"], st["col"])
            st["type"] = attrs.get("t", "n")
            try:
                st["style"] = int(attrs.get("s", "0"))
            except ValueError:
                st["style"] = 0
            st["text"] = []
        elif tag == "row":
            r = attrs.get("r")
            st["row"] = int(r) - 1 if r and r.isdigit() else st["row"] + 1
            st["col"] = -1
            if attrs.get("hidden") in ("1", "true"):
                hidden.append(st["row"])
        elif tag in ("v", "t") and st["cell"] is not None:
            st["in"] = tag
        elif tag == "mergeCell":
            ref = attrs.get("ref", "").split(":")
            ends = [_REF.fullmatch(x) for x in ref]
            if len(ends) == 2 and all(ends):
                (c0, r0), (c1, r1) = [(col_index(m[1].upper()), int(m[2]) - 1) for m in ends if m]
                merged.append(((r0, c0), (r1, c1)))

    def end(name: str) -> None:
        tag = _local(name)
        if tag in ("v", "t"):
            st["in"] = None
        elif tag == "c" and st["cell"] is not None:
            text = "".join(st["text"])
            if st["type"] == "e":  # as python-calamine: a blank, the error reported apart
                errors[st["cell"]] = error_text(text)
            else:
                value = _value(st["type"], text, st["style"])
                if value is _MISSING:
                    errors[st["cell"]] = "#REF!"
                elif value != "":
                    cells[st["cell"]] = value
            st["cell"] = None

    def chars(text: str) -> None:
        if st["in"] is not None:
            st["text"].append(text)

    def _value(kind: str, text: str, style: int) -> Any:
        if kind == "s":
            try:
                return book.strings()[int(text)]
            except (ValueError, IndexError):
                return _MISSING
        if kind in ("str", "inlineStr"):
            return unescape(text)
        if kind == "b":
            return text.strip() in ("1", "true")
        if kind == "d":
            try:
                value = datetime.fromisoformat(text.strip())
            except ValueError:
                return text
            return value.date() if value.time() == datetime.min.time() else value
        text = text.strip()
        if not text:
            return ""
        try:
            number = float(text)
        except ValueError:
            return text
        if style and style in book.date_styles():
            return formatted_date(number, date1904)
        return number

    p = _parser()
    p.StartElementHandler, p.EndElementHandler, p.CharacterDataHandler = start, end, chars
    p.Parse(data, True)
    return cells, merged, errors, hidden


_MISSING = object()  # a value that points nowhere

