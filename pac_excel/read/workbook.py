"""Opening a workbook for reading: values through python-calamine (.xlsx, .xlsm, .ods) and
xlrd (legacy .xls), plus, for the OOXML formats, a light scan of the sheet XML for what calamine
does not give: which cells hold a formula, which hold an error value, and the 1900/1904 date
system.

Nothing here writes: a user's file is only ever read.
"""

from __future__ import annotations

import re
import zipfile
import zlib
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any

from .. import schema
from ..a1 import col_index
from ..errors import PacError

OOXML = (".xlsx", ".xlsm")
PREFETCH_FROM = 256 << 10  # sheet XML size from which a sheet is parsed in a background thread
#: a sheet read as a grid of more cells is refused: python-calamine allocates the whole grid
#: from the first to the farthest cell, and aborts the process when that fails (one value typed
#: at XFD1048576 asks for 17 billion cells: measured)
MAX_CELLS = 20_000_000
SUPPORTED = (".xlsx", ".xlsm", ".xls", ".ods")


#: what reading a damaged zip part can raise (zipfile's NotImplementedError is a RuntimeError)
ZIP_ERRORS = (KeyError, zipfile.BadZipFile, zlib.error, OSError, EOFError, RuntimeError, ValueError)


class PlanReadError(PacError):
    """The file cannot be read as a plan (unreadable, encrypted, no action table…)."""

    exit_code = 1


# Only the cells that matter are matched: a formula cell ("<c …><f"), an error cell (t="e").
_FORMULA_CELL = re.compile(rb'<c r="([A-Z]{1,3})(\d+)"[^>]*>\s*<f[ >/]')
_ERROR_CELL = re.compile(rb'<c r="([A-Z]{1,3})(\d+)"[^>]*?\bt="e"[^>]*>(.*?)</c>', re.S)
_V = re.compile(rb"<v>([^<]*)</v>")
_HIDDEN_ROW = re.compile(rb'<row r="(\d+)"[^>]*?\bhidden="(?:1|true)"')
_DIMENSION = re.compile(rb'<dimension ref="([A-Z]{1,3})(\d{1,7})(?::([A-Z]{1,3})(\d{1,7}))?"')
_VALUE_CELL = re.compile(rb'<c r="([A-Z]{1,3})(\d{1,7})"[^>/]*>')  # not a self-closed (blank) cell


@dataclass
class Sheet:
    name: str
    rows: list[list[Any]]  # raw values; rows[0] is Excel row 1, rows[r][0] column A
    hidden: bool = False
    formulas: set[tuple[int, int]] | None = None  # 0-based cells holding a formula (OOXML only)
    errors: dict[tuple[int, int], str] = field(default_factory=dict)  # 0-based cell → "#DIV/0!"
    scanned: bool = False
    merged: list[tuple[tuple[int, int], tuple[int, int]]] = field(default_factory=list)
    hidden_rows: list[int] = field(default_factory=list)  # 0-based (OOXML)

    def value(self, r: int, c: int) -> Any:
        if r < len(self.rows) and c < len(self.rows[r]):
            return self.rows[r][c]
        return ""


@dataclass
class Workbook:
    path: Path
    sheet_names: list[str]
    hidden: set[str]
    date1904: bool
    _cal: Any
    _xml_paths: dict[str, str]
    _sheets: dict[str, Sheet] = field(default_factory=dict)
    macros: bool = False

    _zip: zipfile.ZipFile | None = None
    _pending: dict[str, Any] = field(default_factory=dict)  # sheet → (thread, result box)
    _prescanned: dict[str, tuple[dict[tuple[int, int], str], list[int]]] = field(default_factory=dict)
    _failed: dict[str, BaseException] = field(default_factory=dict)  # background parses that failed

    def part(self, name: str) -> bytes:
        """One part of the OOXML package, the archive opened once per workbook."""
        try:
            if self._zip is None:
                self._zip = zipfile.ZipFile(self.path)
            return self._zip.read(name)
        except ZIP_ERRORS as exc:
            raise PlanReadError("read.truncated", path=self.path) from exc

    def close(self) -> None:
        # a parse still running in the background (reading was cut short: an error, a time
        # limit) is not waited for; its thread ends on its own and its result is dropped
        self._pending.clear()
        if self._zip is not None:
            self._zip.close()
            self._zip = None

    def prefetch(self, name: str) -> None:
        """Start parsing a sheet that is about to be read, in a thread: python-calamine releases
        the GIL while it parses, so the sheet's XML is scanned for error cells meanwhile
        (OOXML). The parse is joined on first use; calamine is never called from two threads."""
        import threading

        if name in self._sheets or name in self._pending or name not in self._xml_paths:
            return
        try:
            if self._zip is None or self._zip.getinfo(self._xml_paths[name]).file_size < PREFETCH_FROM:
                return  # a small sheet parses faster than a thread starts
        except KeyError:
            return
        self._guard_extent(name)
        box: dict[str, Any] = {}

        def run() -> None:
            try:
                box["value"] = self._parse(name)
            except BaseException as exc:  # handed to the reading thread
                box["error"] = exc

        thread = threading.Thread(target=run, name=f"pac-excel read {name}", daemon=True)
        thread.start()
        self._pending[name] = (thread, box)
        try:
            data = self.part(self._xml_paths[name])
        except PlanReadError:
            return  # the parse reports it
        self._prescanned[name] = (_scan_cells(data, formulas=False)[1], _hidden_rows(data))

    def _settle(self) -> None:
        """Wait for sheets being parsed in the background (keeping their result or error)."""
        for name, (thread, box) in list(self._pending.items()):
            thread.join()
            del self._pending[name]
            if "value" in box:
                rows, merged = box["value"]
                self._sheets[name] = Sheet(name, rows, hidden=name in self.hidden, merged=merged)
            else:
                self._failed[name] = box["error"]

    def _guard_extent(self, name: str) -> None:
        """Refuse an OOXML sheet whose grid of values, from its first to its farthest value,
        exceeds MAX_CELLS, before calamine allocates it. The sheet's <dimension> (Excel,
        LibreOffice, openpyxl and xlsxwriter write one) is read from the head of its part: a
        sheet it keeps under the limit is read at no further cost. Otherwise (a far cell, or no
        <dimension>) the cells holding something are located: formatted blank cells, which
        inflate the <dimension> but not calamine's grid, do not count. A <dimension> that
        understates the grid is believed: no spreadsheet application writes one (README, limits)."""
        part = self._xml_paths.get(name)
        if part is None or self._zip is None:
            return
        try:
            with self._zip.open(part) as fh:
                head = fh.read(4096)
        except ZIP_ERRORS:
            return  # the parse reports a damaged part
        m = _DIMENSION.search(head)
        if m and _cells(m[1], m[2], m[3] or m[1], m[4] or m[2]) <= MAX_CELLS:
            return
        refs = _VALUE_CELL.findall(self.part(part))
        if not refs:
            return
        rows = [int(r) for _, r in refs]
        cols = [col_index(c.decode()) for c in {c for c, _ in refs}]
        cells = (max(rows) - min(rows) + 1) * (max(cols) - min(cols) + 1)
        if cells > MAX_CELLS:
            far = max(refs, key=lambda ref: (int(ref[1]), len(ref[0]), ref[0]))
            raise PlanReadError("read.too_many_cells", path=self.path, sheet=name, cell=(far[0] + far[1]).decode(),
                                cells=_grouped(cells), limit=_grouped(MAX_CELLS))

    def _parse(self, name: str) -> tuple[list[list[Any]], list[Any]]:
        try:
            cs = self._cal.get_sheet_by_name(name)
            rows = cs.to_python(skip_empty_area=False)
            merged = list(getattr(cs, "merged_cell_ranges", None) or [])
        except BaseException as exc:
            if not reader_failed(exc):
                raise
            raise PlanReadError("read.unreadable", path=self.path, detail=f"{name}: {exc}") from exc
        return rows, merged

    def sheet(self, name: str, structure: bool = False, formulas: bool = False) -> Sheet:
        """A sheet's values; with ``structure``, also its error cells, and with ``formulas`` its
        formula cells (OOXML, our own workbooks: overwritten computed cells are reported)."""
        if self._pending:
            self._settle()
        sh = self._sheets.get(name)
        if sh is None:
            if name in self._failed:
                raise self._failed[name]
            self._guard_extent(name)
            rows, merged = self._parse(name)
            sh = self._sheets[name] = Sheet(name, rows, hidden=name in self.hidden, merged=merged)
        if structure and not sh.scanned and name in self._prescanned and not formulas:
            sh.scanned = True
            sh.errors, sh.hidden_rows = self._prescanned.pop(name)
        if structure and (not sh.scanned or (formulas and sh.formulas is None)):
            sh.scanned = True
            suffix = self.path.suffix.lower()
            if name in self._xml_paths:
                want = formulas and self.meta() is not None
                data = self.part(self._xml_paths[name])
                found, sh.errors = _scan_cells(data, formulas=want)
                sh.formulas = found if want else None  # None: not scanned for formulas
                sh.hidden_rows = _hidden_rows(data)
            elif suffix == ".ods":
                sh.errors = self._ods_errors(name)
            elif isinstance(self._cal, XlsBook):
                sh.errors = self._cal.errors.get(name, {})
        return sh

    def _ods_errors(self, name: str) -> dict[tuple[int, int], str]:
        import xml.parsers.expat

        try:
            return _scan_ods_errors(self.part("content.xml"), name)
        except (xml.parsers.expat.ExpatError, ValueError) as exc:  # content.xml that calamine read leniently
            raise PlanReadError("read.truncated", path=self.path) from exc

    def meta(self) -> dict[str, str] | None:
        """Template id, version and language written by pac-excel, if this is one of ours."""
        if schema.META_SHEET_NAME not in self.sheet_names:
            return None
        rows = self.sheet(schema.META_SHEET_NAME).rows
        meta = {str(r[0]): str(r[1]) for r in rows if len(r) >= 2 and r[0]}
        return meta if "template" in meta else None


def open_workbook(path: str | Path) -> Workbook:
    from python_calamine import CalamineWorkbook

    path = Path(path)
    if not path.is_file():
        raise PlanReadError("read.missing", path=path)
    if path.suffix.lower() not in SUPPORTED:
        raise PlanReadError("read.format", path=path, suffix=path.suffix or "?")
    from .guard import Refusal, check_container

    try:
        z: zipfile.ZipFile | None = zipfile.ZipFile(path)
    except ZIP_ERRORS as exc:
        z = None  # not a zip (.xls, or not a workbook at all): calamine or the classifier tells…
        if _starts_like_zip(path):  # … but an archive the guard cannot inspect is never decompressed
            raise PlanReadError("read.truncated", path=path) from exc
    try:
        macros = check_container(z) if z is not None else False
        date1904, xml_paths = False, {}
        if path.suffix.lower() == ".xls" and z is None:
            cal: Any = XlsBook(path)
            names, hidden, date1904 = cal.sheet_names, cal.hidden, cal.date1904
        else:
            cal = CalamineWorkbook.from_path(str(path))
            names = list(cal.sheet_names)
            hidden = set()
            try:
                hidden = {m.name for m in cal.sheets_metadata if "Visible" not in str(m.visible)}
            except BaseException as exc:  # metadata is optional
                if not reader_failed(exc):
                    raise
        if path.suffix.lower() in OOXML and z is not None:
            try:
                date1904, xml_paths = _ooxml_layout(z)
            except (*ZIP_ERRORS, UnicodeError) as exc:
                raise PlanReadError("read.truncated", path=path) from exc
    except BaseException as exc:
        if z is not None:
            z.close()
        if isinstance(exc, Refusal):
            raise PlanReadError(exc.key, path=path, **exc.params) from None
        if isinstance(exc, PlanReadError) or not reader_failed(exc):
            raise
        raise _classify_failure(path, exc) from exc  # the reading library could not open it
    return Workbook(path, names, hidden, date1904, cal, xml_paths, macros=macros, _zip=z)


def _cells(c0: bytes, r0: bytes, c1: bytes, r1: bytes) -> int:
    """The number of cells of the box from (c0, r0) to (c1, r1), A1 parts as bytes."""
    return (abs(int(r1) - int(r0)) + 1) * (abs(col_index(c1.decode()) - col_index(c0.decode())) + 1)


def _grouped(n: int) -> str:
    """12345678 → "12 345 678" (narrow no-break spaces, as in French; clear in English too)."""
    return f"{n:,}".replace(",", "\u202f")


def reader_failed(exc: BaseException) -> bool:
    """Whether an exception is a reading library failing on the file: its errors, and a Rust
    panic inside python-calamine (pyo3 raises PanicException, a BaseException: a damaged .xls
    made calamine index out of range, found by fuzzing). Interrupts and exits are not."""
    return isinstance(exc, Exception) or type(exc).__name__ == "PanicException"


OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


def _starts_like_zip(path: Path) -> bool:
    try:
        with open(path, "rb") as fh:
            return fh.read(2) == b"PK"
    except OSError:
        return False


def _classify_failure(path: Path, exc: BaseException) -> PlanReadError:
    """Why a file could not be opened, from its first bytes: one reason per class."""
    try:
        with open(path, "rb") as fh:
            head = fh.read(8)
            fh.seek(0)
            sample = fh.read(1 << 16)
    except OSError:
        return PlanReadError("read.missing", path=path)
    if not head:
        return PlanReadError("read.empty", path=path)
    limit = re.search(r"Cell limit exceeded \((\d+) cells requested, max (\d+)\)", str(exc))
    if limit:  # calamine's own bound (OpenDocument): a sheet spread over too many cells
        return PlanReadError("read.too_many_cells_any", path=path, cells=_grouped(int(limit[1])),
                             limit=_grouped(int(limit[2])))
    if "Password" in type(exc).__name__ or "encrypted" in str(exc).lower() or (
            head == OLE_MAGIC and b"E\x00n\x00c\x00r\x00y\x00p\x00t" in sample):
        return PlanReadError("read.password", path=path)
    if head.startswith(b"PK"):
        return PlanReadError("read.truncated", path=path)
    if head == OLE_MAGIC:  # a damaged legacy workbook: say what the reader tripped on
        return PlanReadError("read.unreadable", path=path, detail=str(exc) or f"{type(exc).__name__}, damaged file")
    text = sample.lstrip().lower()
    kind = "HTML" if text.startswith((b"<!doctype html", b"<html")) else "XML" if text.startswith(b"<?xml") \
        else "PDF" if text.startswith(b"%pdf") else "texte / CSV"
    return PlanReadError("read.not_spreadsheet", path=path, kind=kind)


def _ooxml_layout(z: zipfile.ZipFile) -> tuple[bool, dict[str, str]]:
    """The 1904 flag and sheet name → XML part, from workbook.xml and its relationships."""
    import html

    wb = z.read("xl/workbook.xml").decode("utf-8", "replace")
    rels = z.read("xl/_rels/workbook.xml.rels").decode("utf-8", "replace")
    date1904 = bool(re.search(r'date1904="(1|true)"', wb))
    targets = {m[0]: m[1] for m in re.findall(r'<Relationship [^>]*?Id="([^"]+)"[^>]*?Target="([^"]+)"', rels)}
    targets.update({m[1]: m[0] for m in re.findall(r'<Relationship [^>]*?Target="([^"]+)"[^>]*?Id="([^"]+)"', rels)})
    out = {}
    for tag in re.findall(r"<sheet\b[^>]*>", wb):
        name = re.search(r'name="([^"]*)"', tag)
        rid = re.search(r'r:id="([^"]*)"', tag) or re.search(r'\bid="([^"]*)"', tag)
        if name and rid and rid[1] in targets:
            t = targets[rid[1]].lstrip("/")
            out[html.unescape(name[1])] = t if t.startswith("xl/") else "xl/" + t
    return date1904, out


def _hidden_rows(data: bytes) -> list[int]:
    """0-based rows marked hidden in one sheet part."""
    return [int(m) - 1 for m in _HIDDEN_ROW.findall(data)] if b'hidden="' in data else []


def _scan_cells(data: bytes, formulas: bool = True) -> tuple[set[tuple[int, int]], dict[tuple[int, int], str]]:
    """Formula cells (if asked) and error cells of one sheet part (a regex scan: no object per cell)."""
    import html

    found: set[tuple[int, int]] = set()
    errors: dict[tuple[int, int], str] = {}
    cols: dict[bytes, int] = {}
    for m in _FORMULA_CELL.finditer(data) if formulas else ():
        c = cols.get(m[1])
        if c is None:
            c = cols[m[1]] = col_index(m[1].decode())
        found.add((int(m[2]) - 1, c))
    if b't="e"' in data:
        for m in _ERROR_CELL.finditer(data):
            v = _V.search(m[3])
            errors[(int(m[2]) - 1, col_index(m[1].decode()))] = html.unescape(v[1].decode()) if v else "#ERROR"
    return found, errors


def _scan_ods_errors(data: bytes, sheet: str) -> dict[tuple[int, int], str]:
    """Error cells of one sheet of an OpenDocument spreadsheet (calamine reads them as blanks):
    a streaming parse of its content.xml, repeated rows and columns counted."""
    import xml.parsers.expat

    errors: dict[tuple[int, int], str] = {}
    st: dict[str, Any] = {"in": False, "row": -1, "rep": 1, "col": 0, "cell": None, "text": []}

    def start(name: str, attrs: dict[str, str]) -> None:
        if name == "table:table":
            st["in"], st["row"] = attrs.get("table:name") == sheet, -1
        elif not st["in"]:
            return
        elif name == "table:table-row":
            st["row"] += 1
            st["rep"], st["col"] = int(attrs.get("table:number-rows-repeated", "1")), 0
        elif name in ("table:table-cell", "table:covered-table-cell"):
            if attrs.get("calcext:value-type") == "error":
                st["cell"], st["text"] = (st["row"], st["col"]), []
            st["col"] += int(attrs.get("table:number-columns-repeated", "1"))

    def end(name: str) -> None:
        if not st["in"]:
            return
        if name == "table:table-row":
            st["row"] += st["rep"] - 1
        elif name == "table:table-cell" and st["cell"] is not None:
            errors[st["cell"]] = "".join(st["text"]).strip() or "#ERROR"
            st["cell"] = None
        elif name == "table:table":
            st["in"] = False

    def text(chars: str) -> None:
        if st["cell"] is not None:
            st["text"].append(chars)

    parser = xml.parsers.expat.ParserCreate()
    parser.SetParamEntityParsing(xml.parsers.expat.XML_PARAM_ENTITY_PARSING_NEVER)
    parser.StartElementHandler, parser.EndElementHandler, parser.CharacterDataHandler = start, end, text
    parser.Parse(data, True)
    return errors


class XlsBook:
    """A legacy .xls workbook read with xlrd, in the shape calamine gives (rows of values, dates
    as dates, merged ranges, error cells apart). xlrd is pure Python: a damaged file raises an
    exception, where python-calamine can abort the whole process (one flipped byte made it
    allocate 38 GB, found by fuzzing)."""

    def __init__(self, path: Path) -> None:
        import io

        import xlrd

        # xlrd writes its diagnostics to stdout unless told otherwise: they would mix with a report
        self.book = xlrd.open_workbook(str(path), formatting_info=True, logfile=io.StringIO(), verbosity=0)
        self.sheet_names = self.book.sheet_names()
        self.hidden = {sh.name for sh in self.book.sheets() if sh.visibility}
        self.date1904 = self.book.datemode == 1
        self.errors: dict[str, dict[tuple[int, int], str]] = {}

    def get_sheet_by_name(self, name: str) -> Any:
        return _XlsSheet(self, self.book.sheet_by_name(name))


class _XlsSheet:
    def __init__(self, owner: XlsBook, sheet: Any) -> None:
        self.owner, self.sheet = owner, sheet
        # xlrd: (first row, row after, first col, col after) → calamine: ((r0, c0), (r1, c1)) inclusive
        self.merged_cell_ranges = [((r0, c0), (r1 - 1, c1 - 1)) for r0, r1, c0, c1 in sheet.merged_cells]

    def to_python(self, skip_empty_area: bool = False) -> list[list[Any]]:
        import xlrd

        sh, datemode = self.sheet, self.owner.book.datemode
        errors = self.owner.errors.setdefault(sh.name, {})
        rows = []
        for r in range(sh.nrows):
            types, values = sh.row_types(r), sh.row_values(r)
            row: list[Any] = []
            for c, (t, v) in enumerate(zip(types, values)):
                if t in (xlrd.XL_CELL_TEXT, xlrd.XL_CELL_NUMBER):
                    row.append(v)
                elif t == xlrd.XL_CELL_DATE:
                    row.append(_xls_date(v, datemode))
                elif t == xlrd.XL_CELL_BOOLEAN:
                    row.append(bool(v))
                elif t == xlrd.XL_CELL_ERROR:
                    errors[(r, c)] = xlrd.error_text_from_code.get(v, "#ERROR")
                    row.append("")  # as calamine: the error is reported apart
                else:
                    row.append("")
            row.extend([""] * (sh.ncols - len(row)))
            rows.append(row)
        return rows


def _xls_date(serial: float, datemode: int) -> Any:
    """A date cell: a date, or a datetime when it has a time; the serial when it is no date."""
    import xlrd

    try:
        y, m, d, hh, mm, ss = xlrd.xldate_as_tuple(serial, datemode)
    except xlrd.xldate.XLDateError:
        return serial
    if y == 0:
        return serial  # a time of day alone: not a date
    return date(y, m, d) if (hh, mm, ss) == (0, 0, 0) else datetime(y, m, d, hh, mm, ss)
