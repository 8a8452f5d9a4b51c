"""The consolidated workbook's writing: XlsxWriter for every sheet, and for the one large sheet
(the Actions of every plan) its rows streamed as SpreadsheetML while the plans are still being
read (:class:`RowStream`), then spliced into what XlsxWriter wrote around them (:func:`splice`).

Issue 17 measured the options side by side (``bench/``, scenario 10): XlsxWriter spends about
4 µs of Python per cell, most of a large consolidation's time; the Rust-backed writers built on
rust_xlsxwriter write the same Table several times faster but hold every cell in memory until
they close the file (about 180 bytes a cell, and a Table adds about 50 bytes per cell of its
range), which their streaming mode cannot do with a Table. The streamed rows cost about a tenth
of XlsxWriter's time and no memory, and XlsxWriter keeps writing everything else: styles,
Tables, charts, page setup. Tests compare the two ways part by part.
"""

from __future__ import annotations

import math
import re
from datetime import date, datetime
from typing import Any


class Book:
    """An XlsxWriter workbook, with the few operations the consolidated workbook uses."""

    def __init__(self, path: str) -> None:
        import xlsxwriter

        # every text from the inputs is written as text: never a formula, a link or a number
        self.wb = xlsxwriter.Workbook(path, {"strings_to_formulas": False, "strings_to_urls": False,
                                             "strings_to_numbers": False})

    def add_format(self, spec: dict[str, Any]) -> Any:
        return self.wb.add_format(spec)

    def add_sheet(self, name: str) -> Sheet:
        return Sheet(self.wb.add_worksheet(name))

    def bar_chart(self, sheet: Sheet, row: int, col: int, *, horizontal: bool, title: str,
                  series: list[dict[str, Any]], num_format: str, width: int, height: int) -> None:
        """A clustered bar (or column) chart; each series is {"name": (r, c), "categories":
        (r1, c1, r2, c2), "values": (r1, c1, r2, c2), "color": "#RRGGBB"} on ``sheet``."""
        chart = self.wb.add_chart({"type": "bar" if horizontal else "column"})
        for s in series:
            chart.add_series({"name": [sheet.name, *s["name"]], "categories": [sheet.name, *s["categories"]],
                              "values": [sheet.name, *s["values"]], "fill": {"color": s["color"]}})
        chart.set_title({"name": title, "name_font": {"size": 11}})
        chart.set_legend({"position": "bottom"})
        (chart.set_x_axis if horizontal else chart.set_y_axis)({"num_format": num_format})
        chart.set_size({"width": width, "height": height})
        sheet.ws.insert_chart(row, col, chart)

    def close(self) -> None:
        self.wb.close()


class Sheet:
    def __init__(self, ws: Any) -> None:
        self.ws, self.name = ws, ws.name
        self.text, self.number = ws.write_string, ws.write_number

    def day(self, r: int, c: int, v: date, fmt: Any) -> None:
        self.ws.write_datetime(r, c, datetime(v.year, v.month, v.day), fmt)

    def write_rows(self, r: int, rows: list[list[Any]], fmts: list[Any]) -> None:
        """Rows from row ``r`` down, column ``c`` in ``fmts[c]``: text, numbers, dates; None and
        "" are no cell; any other value is written as its text. (What :class:`RowStream` writes.)"""
        ws = self.ws
        write_string, write_number = ws.write_string, ws.write_number
        for values in rows:
            for c, v in enumerate(values):
                t = type(v)
                if t is str:
                    if v:
                        write_string(r, c, v, fmts[c])
                elif t is float or t is int:
                    if math.isfinite(v):
                        write_number(r, c, v, fmts[c])
                elif v is not None:
                    if isinstance(v, date):
                        ws.write_datetime(r, c, datetime(v.year, v.month, v.day), fmts[c])
                    else:
                        write_string(r, c, str(v), fmts[c])
            r += 1

    def row_height(self, r: int, height: float) -> None:
        self.ws.set_row(r, height)

    def width(self, c: int, width: float) -> None:
        self.ws.set_column(c, c, width)

    def table(self, last_row: int, name: str, headers: list[str], head_fmt: Any, style: int = 9) -> None:
        """An Excel Table from A1 to ``last_row`` over ``len(headers)`` columns, its header
        row (row 0) written with ``head_fmt``."""
        self.ws.add_table(0, 0, last_row, len(headers) - 1, {
            "name": name, "style": f"Table Style Light {style}",
            "columns": [{"header": h, "header_format": head_fmt} for h in headers]})

    def freeze(self, r: int, c: int) -> None:
        self.ws.freeze_panes(r, c)

    def page(self, *, landscape: bool = True, fit_width: int = 1, repeat_first_row: bool = False,
             paper: int | None = None, area: tuple[int, int, int, int] | None = None) -> None:
        ws = self.ws
        if landscape:
            ws.set_landscape()
        if paper:
            ws.set_paper(paper)
        ws.fit_to_pages(fit_width, 0)
        if repeat_first_row:
            ws.repeat_rows(0)
        if area:
            ws.print_area(*area)

    def activate(self) -> None:
        self.ws.activate()


# ------------------------------------------------------------------------ streamed rows
_CONTROL_ESCAPED = re.compile(r"(_x[0-9a-fA-F]{4}_)")
_CONTROL = re.compile(r"([\x00-\x08\x0b-\x1f])")
_NEEDS_WORK = re.compile(r"[&<>\x00-\x08\x0b-\x1f\ufffe\uffff]|_x[0-9a-fA-F]{4}_|^\s|\s$")
_EDGE_SPACE = re.compile(r"^\s|\s$")
_EPOCH = date(1899, 12, 31).toordinal()


def _text(v: str) -> str:
    """A text as XlsxWriter writes it in a cell: control characters as _xHHHH_ (and a literal
    _xHHHH_ protected), XML escapes, surrounding spaces kept."""
    if not _NEEDS_WORK.search(v):
        return f"<is><t>{v}</t></is>"
    v = _CONTROL_ESCAPED.sub(r"_x005F\1", v)
    v = _CONTROL.sub(lambda m: f"_x{ord(m[1]):04X}_", v).replace("\ufffe", "_xFFFE_").replace("\uffff", "_xFFFF_")
    v = v.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    space = ' xml:space="preserve"' if _EDGE_SPACE.search(v) else ""
    return f"<is><t{space}>{v}</t></is>"


def serial(d: date) -> int:
    """A date's Excel serial number, as XlsxWriter computes it (1900 date system, Excel's
    phantom 29 February 1900 included: the generator's ``excel_serial`` counts January and
    February 1900 one day later, so the streamed cells would differ from XlsxWriter's there)."""
    days = d.toordinal() - _EPOCH
    return days + 1 if days > 59 else days


class RowStream:
    """The rows of one large sheet written straight as SpreadsheetML, to a temporary file, while
    the files are still being read; :func:`splice` then puts them into the workbook XlsxWriter
    wrote around them (its header row, Table, widths, frozen panes, print setup and styles).

    XlsxWriter's own cell writing costs about 4 µs of Python per cell, most of a large
    consolidation's time; this writes the same cells (compared part by part in the tests) for
    about a tenth, and holds nothing in memory. Formats are named by keys here: their style
    numbers exist only once XlsxWriter has written its styles, so :func:`splice` puts them in."""

    def __init__(self, n_columns: int) -> None:
        import tempfile

        from ..a1 import col_letter

        self.fh = tempfile.TemporaryFile()  # noqa: SIM115 -- closed by close(), after splice()
        self.letters = [col_letter(c) for c in range(n_columns)]
        self.keys: dict[str, int] = {}  # format key → its placeholder number, in order of first use
        self.last_row = 0

    def placeholder(self, key: str) -> str:
        """A style attribute value to be replaced by ``key``'s style number (a string that no cell
        content can hold: content is escaped before it is written)."""
        n = self.keys.setdefault(key, len(self.keys))
        return f"\x01{n}\x02"

    def write_rows(self, r: int, rows: list[list[Any]], keys: list[str]) -> None:
        """Rows from (0-based) row ``r`` down; column ``c`` in the format named ``keys[c]``."""
        letters, styles = self.letters, [self.placeholder(k) for k in keys]
        out = []
        for values in rows:
            r += 1  # A1 rows count from 1
            cells = []
            for c, v in enumerate(values):
                t = type(v)
                if t is str:
                    if v:
                        cells.append(f'<c r="{letters[c]}{r}" s="{styles[c]}" t="inlineStr">{_text(v)}</c>')
                elif t is float or t is int:
                    if math.isfinite(v):
                        cells.append(f'<c r="{letters[c]}{r}" s="{styles[c]}"><v>{v:.16G}</v></c>')
                elif v is not None:
                    if isinstance(v, date):
                        cells.append(f'<c r="{letters[c]}{r}" s="{styles[c]}"><v>{serial(v)}</v></c>')
                    else:  # any other value: its text (the workbook never loses it silently)
                        cells.append(f'<c r="{letters[c]}{r}" s="{styles[c]}" t="inlineStr">{_text(str(v))}</c>')
            out.append(f'<row r="{r}">{"".join(cells)}</row>')
        # (a lone surrogate, which only a damaged .xls can give, becomes "?": never an invalid file)
        self.fh.write("".join(out).encode("utf-8", "replace"))
        self.last_row = r

    def close(self) -> None:
        self.fh.close()


#: the rows are copied into the workbook by chunks of this many bytes (cut after a whole row)
SPLICE_CHUNK = 1 << 20
_DIMENSION = re.compile(rb'<dimension ref="[^"]*"/>')
_FIRST_ROW = re.compile(rb'<row r="1"[ >].*?</row>', re.S)
_CELL_STYLE = re.compile(rb'<c r="([A-Z]+)(\d+)" s="(\d+)"')
_TABLE_REF = re.compile(rb'(<(?:table|autoFilter)\b[^>]*?\sref=")[^"]*"')


def splice(frame: str, out: str, sheet: str, stream: RowStream, probes: dict[str, tuple[int, int]],
           n_columns: int, table: tuple[str, int]) -> None:
    """Write ``out``: the workbook ``frame`` (written by XlsxWriter) with the rows of ``sheet``
    taken from ``stream``. In the frame, that sheet holds its header row, then one probe cell
    per format key (``probes``: key → (row, col)) from which each key's style number is read;
    the probe rows are not copied. ``table``: the name of the sheet's Excel Table and its last
    (0-based) row, set in the Table's part (XlsxWriter's own check that Tables do not overlap
    costs a dictionary entry per cell of the range: the frame's Table covers the probes only)."""
    import zipfile
    from concurrent.futures import ThreadPoolExecutor

    from ..a1 import col_letter
    from ..read.package import Package

    with zipfile.ZipFile(frame) as zin:
        part = Package(zin).layout().sheets[sheet]
        assert part is not None
        xml = zin.read(part)
        head, rest = xml.split(b"<sheetData>", 1)
        data, tail = rest.split(b"</sheetData>", 1)
        styles = {(c.decode(), int(r) - 1): s for c, r, s in _CELL_STYLE.findall(data)}
        # (no s attribute: the default style, 0)
        number = {stream.keys[k]: styles.get((col_letter(c), r), b"0") for k, (r, c) in probes.items()
                  if k in stream.keys}
        header = _FIRST_ROW.search(data)
        last = max(stream.last_row, 1)
        head = _DIMENSION.sub(f'<dimension ref="A1:{col_letter(n_columns - 1)}{last}"/>'.encode(), head, count=1)
        name, last_row = table
        ref = f"A1:{col_letter(n_columns - 1)}{last_row + 1}".encode()
        with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zout:
            for info in zin.infolist():
                if info.filename != part:
                    content = zin.read(info.filename)
                    if info.filename.startswith("xl/tables/") and f' name="{name}"'.encode() in content:
                        content = _TABLE_REF.sub(lambda m: m[1] + ref + b'"', content)  # the table and its filter
                    zout.writestr(info, content)
                    continue
                size = stream.fh.seek(0, 2) + len(head) + len(tail) + len(header[0] if header else b"")
                # (Zip64 records only for a part that needs them: some readers trip over them)
                with zout.open(info.filename, "w", force_zip64=size >= zipfile.ZIP64_LIMIT) as fh, \
                        ThreadPoolExecutor(1) as compressing:
                    # the style numbers go in while the previous chunk is compressed (zlib lets go
                    # of the interpreter): the two take about as long
                    fh.write(head + b"<sheetData>" + (header[0] if header else b""))
                    stream.fh.seek(0)
                    carry, pending = b"", None
                    while chunk := stream.fh.read(SPLICE_CHUNK):
                        chunk = carry + chunk
                        cut = chunk.rfind(b"</row>") + 6 if b"</row>" in chunk else 0
                        chunk, carry = chunk[:cut], chunk[cut:]
                        for n, s in number.items():
                            chunk = chunk.replace(f"\x01{n}\x02".encode(), s)
                        if pending is not None:
                            pending.result()
                        pending = compressing.submit(fh.write, chunk)
                    if pending is not None:
                        pending.result()
                    assert not carry  # the stream ends with a whole row
                    fh.write(b"</sheetData>" + tail)
