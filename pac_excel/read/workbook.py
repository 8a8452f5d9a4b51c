"""Opening a workbook for reading, in layers.

The format is decided from the file's first bytes (:mod:`.sniff`), never from its extension.
Values come from the fast path where it reads the file — python-calamine for .xlsx, .xlsm and
.ods, xlrd for legacy .xls — and from the tolerant layer of the format where it does not: a
streaming reader of the OOXML package (:mod:`.ooxml`, odd part names and relationships) or of
the OpenDocument content (:mod:`.ods`), python-calamine for a .xls that xlrd cannot read. The
last layer, LibreOffice's own conversion where it is installed, is tried by the analysis
(:mod:`.lo`). For the OOXML formats a light scan of the sheet XML finds what the readers do not
give: which cells hold a formula, which hold an error value; the 1900/1904 date system comes
from the workbook part.

Nothing here writes: a user's file is only ever read.
"""

from __future__ import annotations

import io
import re
import zipfile
import zlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any
from xml.parsers.expat import ExpatError

from .. import schema
from ..a1 import col_index
from ..errors import PlanReadError
from .package import Layout, Package

if TYPE_CHECKING:
    from .ods import Scan

PREFETCH_FROM = 256 << 10  # sheet XML size from which a sheet is parsed in a background thread
#: a sheet read as a grid of more cells is refused: the readers materialise the whole grid from
#: A1 to the farthest value, and python-calamine aborts the process when that fails (one value typed
#: at XFD1048576 asks for 17 billion cells: measured)
MAX_CELLS = 20_000_000
SUPPORTED = (".xlsx", ".xlsm", ".xls", ".ods")


#: what reading a damaged zip part can raise (zipfile's NotImplementedError is a RuntimeError)
ZIP_ERRORS = (KeyError, zipfile.BadZipFile, zlib.error, OSError, EOFError, RuntimeError, ValueError)




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
    kind: str = "ooxml"  # ooxml | ods | xls: how the bytes were read, whatever the extension
    tolerant: bool = False  # read by the tolerant layer (python-calamine refused it, or is not to be used)

    _pkg: Package | None = None
    _pending: dict[str, Any] = field(default_factory=dict)  # sheet → (thread, result box)
    #: sheets scanned while they were parsed in the background: error cells, hidden rows, inline runs
    _prescanned: dict[str, tuple[dict[tuple[int, int], str], list[int], dict[tuple[int, int], str]]] = field(
        default_factory=dict)
    _failed: dict[str, BaseException] = field(default_factory=dict)  # background parses that failed
    _layout: Layout | None = None
    #: OpenDocument: sheet → its error cells, formula cells, hidden rows, merged ranges (one pass for all)
    _ods_scans: dict[str, Scan] | None = None

    def part(self, name: str) -> bytes:
        """One part of the zip package, the archive opened once per workbook."""
        try:
            if self._pkg is None:
                self._pkg = Package(zipfile.ZipFile(self.path))
            return self._pkg.read(name)
        except ZIP_ERRORS as exc:
            raise PlanReadError("read.truncated", path=self.path, container="container.zip") from exc

    def close(self) -> None:
        # a parse still running in the background (reading was cut short: an error, a time
        # limit) is not waited for; its thread ends on its own and its result is dropped
        self._pending.clear()
        if self._pkg is not None:
            self._pkg.zf.close()
            self._pkg = None

    def prefetch(self, name: str) -> None:
        """Start parsing a sheet that is about to be read, in a thread: python-calamine releases
        the GIL while it parses, so the sheet's XML is scanned for error cells meanwhile
        (OOXML). The parse is joined on first use; calamine is never called from two threads."""
        import threading

        if name in self._sheets or name in self._pending or name not in self._xml_paths or self.tolerant:
            return
        if self._pkg is None or self._pkg.size(self._xml_paths[name]) < PREFETCH_FROM:
            return  # a small sheet parses faster than a thread starts
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
        self._prescanned[name] = (_scan_cells(data, formulas=False)[1], _hidden_rows(data), _inline_runs(data))

    def _settle(self) -> None:
        """Wait for sheets being parsed in the background (keeping their result or error)."""
        for name, (thread, box) in list(self._pending.items()):
            thread.join()
            del self._pending[name]
            if "value" in box:
                self._sheets[name] = self._new_sheet(name, box["value"])
            else:
                self._failed[name] = box["error"]

    def _guard_extent(self, name: str) -> None:
        """Refuse an OOXML sheet whose grid of values, from A1 to its farthest value, exceeds
        MAX_CELLS, before a reader allocates it. The sheet's <dimension> (Excel, LibreOffice,
        openpyxl and xlsxwriter write one) is read from the head of its part: a sheet it keeps
        under the limit is read at no further cost. Otherwise (a far cell, or no <dimension>)
        the cells holding something are located: formatted blank cells, which inflate the
        <dimension> but not the grid of values, do not count. A <dimension> that understates the
        grid is believed on the fast path; the tolerant layer counts the cells it reads."""
        part = self._xml_paths.get(name)
        if part is None or self._pkg is None:
            return
        try:
            real = self._pkg.real(part)
            if real is None:
                return
            head = self._pkg.parts.get(real, b"")[:4096]
            if not head:
                with self._pkg.zf.open(real) as fh:
                    head = fh.read(4096)
        except ZIP_ERRORS:
            return  # the parse reports a damaged part
        m = _DIMENSION.search(head)
        if m and _cells(m[3] or m[1], m[4] or m[2]) <= MAX_CELLS:
            return
        refs = _VALUE_CELL.findall(self.part(part))
        if not refs:
            return
        far_row = max(int(r) for _, r in refs)
        far_col = max(col_index(c.decode()) for c in {c for c, _ in refs}) + 1
        if far_row * far_col > MAX_CELLS:
            far = max(refs, key=lambda ref: (int(ref[1]), len(ref[0]), ref[0]))
            raise self._too_large(name, (far[0] + far[1]).decode(), far_row * far_col)

    def _too_large(self, sheet: str, cell: str, cells: int) -> PlanReadError:
        return PlanReadError("read.too_many_cells", path=self.path, sheet=sheet, cell=cell, cells=_grouped(cells),
                             limit=_grouped(MAX_CELLS))

    def _parse(self, name: str) -> tuple[Any, list[list[Any]]]:
        """A sheet's reader object and its rows. When python-calamine refuses the sheet of a
        file it opened (an error string it does not know, a panic), the tolerant layer reads it."""
        from .grid import CellLimit

        try:
            cs = self._cal.get_sheet_by_name(name)
            return cs, cs.to_python(skip_empty_area=False)
        except CellLimit as exc:
            raise self._too_large(exc.sheet, exc.cell, exc.cells) from None
        except BaseException as exc:
            if not reader_failed(exc):
                raise
            if not self.tolerant and self._go_tolerant():
                return self._parse(name)
            raise PlanReadError("read.unreadable", path=self.path, detail=f"{name}: {_detail(exc)}") from exc

    def _go_tolerant(self) -> bool:
        """Switch to the tolerant layer of this kind of file; False when there is none."""
        try:
            self._cal = _tolerant_reader(self.path, self.kind, self._pkg, self._layout)
        except BaseException as exc:
            if not reader_failed(exc):
                raise
            return False
        self.tolerant = True
        return True

    def _new_sheet(self, name: str, parsed: tuple[Any, list[list[Any]]]) -> Sheet:
        cs, rows = parsed
        sh = Sheet(name, rows, hidden=name in self.hidden, merged=list(getattr(cs, "merged_cell_ranges", None) or []))
        if getattr(cs, "errors", None) is not None:  # the tolerant readers find them as they read
            sh.errors, sh.hidden_rows, sh.scanned = cs.errors, cs.hidden_rows, True
        return sh

    def sheet(self, name: str, structure: bool = False, formulas: bool = False) -> Sheet:
        """A sheet's values; with ``structure``, also its error cells, and with ``formulas`` its
        formula cells (OOXML and OpenDocument, our own workbooks: overwritten computed cells are reported)."""
        if self._pending:
            self._settle()
        sh = self._sheets.get(name)
        if sh is None:
            if name in self._failed:
                raise self._failed[name]
            self._guard_extent(name)
            sh = self._sheets[name] = self._new_sheet(name, self._parse(name))
        if structure and not sh.scanned and name in self._prescanned and not formulas:
            sh.scanned = True
            sh.errors, sh.hidden_rows, runs = self._prescanned.pop(name)
            _restore(sh.rows, runs)
        if structure and (not sh.scanned or (formulas and sh.formulas is None and (
                name in self._xml_paths or self.kind == "ods"))):
            sh.scanned = True
            if name in self._xml_paths:
                want = formulas and self.meta() is not None
                data = self.part(self._xml_paths[name])
                found, errors = _scan_cells(data, formulas=want)
                sh.errors = {**errors, **sh.errors}  # with what a tolerant reader found as it read
                sh.formulas = found if want else None  # None: not scanned for formulas
                sh.hidden_rows = _hidden_rows(data)
                if not self.tolerant:
                    _restore(sh.rows, _inline_runs(data))
            elif self.kind == "ods":
                want = formulas and self.meta() is not None
                errors, found, hidden_rows, merged, tabbed = self._ods_scan(name)
                sh.errors = {**errors, **sh.errors}
                sh.formulas = found if want else None
                sh.hidden_rows = hidden_rows
                sh.merged = sh.merged or merged  # (python-calamine gives none for OpenDocument)
                if not self.tolerant:
                    _restore(sh.rows, tabbed)
            elif self.kind == "xls":
                sh.errors = self._cal.errors_of(name)
        return sh

    def _ods_scan(self, name: str) -> Scan:
        """One OpenDocument sheet's error cells, formula cells, hidden rows, merged ranges and
        texts holding a tab. content.xml holds every sheet: it is walked once for all of them.
        Formula cells are looked for in our own workbooks only (the only ones whose computed
        cells are checked)."""
        from .ods import scan_sheets

        if self._ods_scans is None:
            try:
                self._ods_scans = scan_sheets(self.part("content.xml"), formulas=self.meta() is not None)
            except (ExpatError, ValueError) as exc:  # content.xml that calamine read leniently
                raise PlanReadError("read.unreadable", path=self.path, detail=_detail(exc)) from exc
        return self._ods_scans.get(name, ({}, set(), [], [], {}))

    def meta(self) -> dict[str, str] | None:
        """Template id, version and language written by pac-excel, if this is one of ours."""
        if schema.META_SHEET_NAME not in self.sheet_names:
            return None
        rows = self.sheet(schema.META_SHEET_NAME).rows
        meta = {str(r[0]): str(r[1]) for r in rows if len(r) >= 2 and r[0]}
        return meta if "template" in meta else None


def open_workbook(path: str | Path, tolerant: bool = False) -> Workbook:
    """Open a workbook for reading. The format is decided from the file's bytes. python-calamine
    reads what it can (the fast path); what it refuses, the tolerant layer of that format reads
    (``tolerant=True``: python-calamine is not used at all — after it aborted a process)."""
    path = Path(path)
    from .sniff import Empty, NotSpreadsheet, sniff_bytes

    try:
        data, head = _load(path)
        container = sniff_bytes(head)
    except Empty:
        raise PlanReadError("read.empty", path=path) from None
    except NotSpreadsheet as exc:
        if exc.kind == "spreadsheetml":  # a spreadsheet nothing here parses: the LibreOffice layer's
            raise PlanReadError("read.unreadable", path=path, detail="XML Spreadsheet 2003") from None
        raise PlanReadError("read.not_spreadsheet", path=path, kind=f"kind.{exc.kind}") from None
    except OSError:
        raise PlanReadError("read.missing", path=path) from None
    if container == "zip":
        return _open_zip(path, tolerant, data)
    return _open_biff(path, container, tolerant, data)


#: a file up to this size is read once into memory: the container check and python-calamine
#: then read the same bytes (a file replaced between the check and the parse cannot slip
#: through), without opening it again for each; a larger one is read where it lies
IN_MEMORY = 8 << 20


def _load(path: Path) -> tuple[bytes | None, bytes]:
    """The whole file when it is small (else None), and its first 4 KiB (to tell its format).
    One open and one status call: what is not a regular file (a folder, a pipe) is missing, a
    name whose extension is not a workbook's is refused before anything is read."""
    import os
    import stat

    # O_NONBLOCK: opening a named pipe must not wait for a writer (no effect on a regular file)
    fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0))
    try:
        status = os.fstat(fd)
        if not stat.S_ISREG(status.st_mode):
            raise IsADirectoryError(str(path))
        size = status.st_size
        if path.suffix.lower() not in SUPPORTED:
            raise PlanReadError("read.format", path=path, suffix=path.suffix or "?")
        want = size + 1 if size <= IN_MEMORY else 4096  # (a read of IN_MEMORY bytes would allocate them all)
        chunks = [os.read(fd, want)]
        got = len(chunks[0])
        while chunks[-1] and got < want:  # a short read (a signal, a network file system)
            chunks.append(os.read(fd, want - got))
            got += len(chunks[-1])
    finally:
        os.close(fd)
    data = chunks[0] if len(chunks) == 1 else b"".join(chunks)
    if size <= IN_MEMORY and len(data) <= size:  # else it grew meanwhile: read where it lies
        return data, data[:4096]
    return None, data[:4096]


def _open_zip(path: Path, tolerant: bool, data: bytes | None = None) -> Workbook:
    from .guard import Refusal, check_container
    from .sniff import NotSpreadsheet, zip_kind

    try:
        z = zipfile.ZipFile(path if data is None else io.BytesIO(data))
    except ZIP_ERRORS as exc:  # an archive the guard cannot inspect is never decompressed
        raise PlanReadError("read.truncated", path=path, container="container.zip") from exc
    try:
        parts: dict[str, bytes] = {}
        macros = check_container(z, parts, data)
        kind = zip_kind(z.namelist())
        pkg = Package(z, parts)
        if kind == "ods":
            return _open_ods(path, pkg, macros, tolerant)
        try:
            layout = pkg.layout()
        except KeyError:
            raise PlanReadError("read.not_spreadsheet", path=path, kind="kind.archive") from None
        except (*ZIP_ERRORS, UnicodeError) as exc:
            raise PlanReadError("read.truncated", path=path, container="container.zip") from exc
        xml_paths = {name: part for name, part in layout.sheets.items() if part is not None}
        cal = None if tolerant or not pkg.canonical() else _calamine(path, data)
        if cal is None:
            try:
                cal = _tolerant_reader(path, "ooxml", pkg, layout)
            except (*ZIP_ERRORS, UnicodeError, ExpatError) as exc:
                raise PlanReadError("read.unreadable", path=path, detail=_detail(exc)) from exc
            return Workbook(path, list(cal.sheet_names), set(cal.hidden), layout.date1904, cal, xml_paths,
                            macros=macros, kind="ooxml", tolerant=True, _pkg=pkg, _layout=layout)
        return Workbook(path, list(cal.sheet_names), _calamine_hidden(cal), layout.date1904, cal, xml_paths,
                        macros=macros, kind="ooxml", _pkg=pkg, _layout=layout)
    except BaseException as exc:
        z.close()
        if isinstance(exc, Refusal):
            raise PlanReadError(exc.key, path=path, **exc.params) from None
        if isinstance(exc, NotSpreadsheet):
            raise PlanReadError("read.not_spreadsheet", path=path, kind=f"kind.{exc.kind}") from None
        raise


def _open_ods(path: Path, pkg: Package, macros: bool, tolerant: bool) -> Workbook:
    mimetype = pkg.read("mimetype").decode("ascii", "replace").strip() if pkg.has("mimetype") else ""
    if mimetype and "spreadsheet" not in mimetype:
        from .sniff import NotSpreadsheet

        raise NotSpreadsheet("document")
    # from its path: python-calamine tells an OpenDocument file by its name (from bytes, it
    # guesses the format, and an error such as its cell limit becomes "Cannot detect file format")
    cal = None if tolerant or not mimetype else _calamine(path)
    if cal is None:
        try:
            cal = _tolerant_reader(path, "ods", pkg, None)
        except (*ZIP_ERRORS, UnicodeError, ExpatError) as exc:
            raise PlanReadError("read.unreadable", path=path, detail=_detail(exc)) from exc
        return Workbook(path, list(cal.sheet_names), set(cal.hidden), False, cal, {}, macros=macros, kind="ods",
                        tolerant=True, _pkg=pkg)
    return Workbook(path, list(cal.sheet_names), _calamine_hidden(cal), False, cal, {}, macros=macros, kind="ods",
                    _pkg=pkg)


def _open_biff(path: Path, container: str, tolerant: bool, data: bytes | None = None) -> Workbook:
    """A legacy workbook: xlrd first (pure Python, values only); python-calamine when xlrd
    cannot read an intact file (it runs in a bounded process: an abort costs that process)."""
    from .xls import XlsBook

    if data is not None:  # read once already (the file is small)
        sample = data[:1 << 16]
    else:
        with open(path, "rb") as fh:
            sample = fh.read(1 << 16)
    if container == "ole" and (b"E\x00n\x00c\x00r\x00y\x00p\x00t\x00e\x00d\x00P" in sample or
                               b"E\x00n\x00c\x00r\x00y\x00p\x00t\x00i\x00o\x00n\x00I" in sample):
        raise PlanReadError("read.password", path=path)
    try:
        book = XlsBook(path)
        return Workbook(path, book.sheet_names, book.hidden, book.date1904, book, {}, kind="xls")
    except BaseException as exc:
        if not reader_failed(exc):
            raise
        text = str(exc).lower()
        if "encrypt" in text:
            raise PlanReadError("read.password", path=path) from None
        if "can't find workbook" in text:
            raise PlanReadError("read.not_spreadsheet", path=path, kind="kind.ole") from None
        damaged_container = container == "ole" and not _intact_ole(path)
        failure = exc
    # python-calamine reads the same container: on a broken one it is not tried (it can abort)
    cal = None if tolerant or damaged_container else _calamine(path)
    if cal is None:
        if damaged_container:
            raise PlanReadError("read.truncated", path=path, container="container.ole") from failure
        raise PlanReadError("read.unreadable", path=path, detail=_detail(failure)) from failure
    return Workbook(path, list(cal.sheet_names), _calamine_hidden(cal), False, cal, {}, kind="xls")


def _intact_ole(path: Path) -> bool:
    """Whether a compound file's sector chains can be followed (xlrd's reader of the container
    alone): a damaged one is ``truncated``, a damaged workbook inside an intact one ``unreadable``."""
    import io

    from xlrd.compdoc import CompDoc

    try:
        CompDoc(path.read_bytes(), logfile=io.StringIO())
    except Exception:
        return False
    return True


def _calamine(path: Path, data: bytes | None = None) -> Any:
    """python-calamine's workbook (of ``data``, the bytes of an OOXML file, when read already), or
    None when it refuses the file (the tolerant layer then reads it)."""
    from python_calamine import CalamineWorkbook

    try:
        if data is not None:
            return CalamineWorkbook.from_filelike(io.BytesIO(data))
        return CalamineWorkbook.from_path(str(path))
    except BaseException as exc:
        if not reader_failed(exc):
            raise
        if "Password" in type(exc).__name__ or "encrypted" in str(exc).lower():
            raise PlanReadError("read.password", path=path) from None
        limit = re.search(r"Cell limit exceeded \((\d+) cells requested, max (\d+)\)", str(exc))
        if limit:  # calamine's own bound (OpenDocument): a sheet spread over too many cells
            raise PlanReadError("read.too_many_cells_any", path=path, cells=_grouped(int(limit[1])),
                                limit=_grouped(int(limit[2]))) from None
        return None


def _calamine_hidden(cal: Any) -> set[str]:
    try:
        return {m.name for m in cal.sheets_metadata if "Visible" not in str(m.visible)}
    except BaseException as exc:  # metadata is optional
        if not reader_failed(exc):
            raise
        return set()


def _tolerant_reader(path: Path, kind: str, pkg: Package | None, layout: Layout | None) -> Any:
    if kind == "ooxml" and pkg is not None:
        from .ooxml import OoxmlBook

        return OoxmlBook(pkg, layout or pkg.layout(), MAX_CELLS)
    if kind == "ods" and pkg is not None:
        from .ods import OdsBook

        return OdsBook(pkg.read("content.xml"), MAX_CELLS)
    raise PlanReadError("read.unreadable", path=path, detail="no tolerant reader")


def _detail(exc: BaseException) -> str:
    """The technical reason, for the JSON's ``detail`` (never in a message a person reads)."""
    text = str(exc).strip().splitlines()[0] if str(exc).strip() else ""
    return f"{type(exc).__name__}: {text}"[:300] if text else type(exc).__name__


def _cells(c: bytes, r: bytes) -> int:
    """The number of cells from A1 to the cell (c, r), A1 parts as bytes: what a reader
    materialises (rows from row 1, columns from column A)."""
    return int(r) * (col_index(c.decode()) + 1)


def _grouped(n: int) -> str:
    """12345678 → "12 345 678" (narrow no-break spaces, as in French; clear in English too)."""
    return f"{n:,}".replace(",", "\u202f")


def reader_failed(exc: BaseException) -> bool:
    """Whether an exception is a reading library failing on the file: its errors, and a Rust
    panic inside python-calamine (pyo3 raises PanicException, a BaseException: a damaged .xls
    made calamine index out of range, found by fuzzing). Interrupts and exits are not, nor is
    running out of memory: that is the reading's memory bound, said as such (``too_large``),
    never an unreadable file nor a reason to read it again another way."""
    if isinstance(exc, MemoryError):
        return False
    return isinstance(exc, Exception) or type(exc).__name__ == "PanicException"


def error_text(text: str) -> str:
    """An error value as shown in a message: a standard one (#DIV/0!) as it is; the
    non-standard strings some applications write (Gnumeric puts a whole formula there) cut short."""
    text = text.strip() or "#ERROR"
    return text if len(text) <= 24 else text[:23] + "…"


def _hidden_rows(data: bytes) -> list[int]:
    """0-based rows marked hidden in one sheet part."""
    return [int(m) - 1 for m in _HIDDEN_ROW.findall(data)] if b'hidden="' in data else []


_INLINE_RICH = re.compile(rb'<c r="([A-Z]{1,3})(\d+)"[^>]*?\bt="inlineStr"[^>]*>\s*<is>(\s*<r>.*?)</is>', re.S)
_RUN_TEXT = re.compile(rb"<t(?:\s[^>]*)?>([^<]*)</t>")
_PHONETIC = re.compile(rb"<rPh\b.*?</rPh>", re.S)


def _inline_runs(data: bytes) -> dict[tuple[int, int], str]:
    """The cells of a sheet part holding an inline string made of formatted runs (Gnumeric writes
    rich text so, indented) → their text: every run's text joined, spaces at a run's edge
    included ("Salon " + "Paris"). python-calamine trims each run of such a string ("SalonParis")."""
    if b"inlineStr" not in data:
        return {}
    import html

    from .ooxml import unescape

    found = {}
    for m in _INLINE_RICH.finditer(data):
        if b"<![CDATA[" not in m[3]:
            runs = _RUN_TEXT.findall(_PHONETIC.sub(b"", m[3]))
            text = unescape(html.unescape(b"".join(runs).decode("utf-8", "replace")))
            found[(int(m[2]) - 1, col_index(m[1].decode()))] = text
    return found


def _restore(rows: list[list[Any]], texts: dict[tuple[int, int], str]) -> None:
    """Put back the text of the cells python-calamine read otherwise (see _inline_runs)."""
    for (r, c), text in texts.items():
        if r < len(rows) and c < len(rows[r]):
            rows[r][c] = text


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
            errors[(int(m[2]) - 1, col_index(m[1].decode()))] = error_text(html.unescape(v[1].decode()) if v else "")
    return found, errors
