"""Small helpers shared by the tests."""

from __future__ import annotations

import zipfile
from pathlib import Path

import openpyxl
from openpyxl.utils.cell import range_boundaries, range_to_tuple

from pac_excel import GenerateOptions, generate

TEMPLATES = ("pac", "trame", "objectif")
LANGS = ("fr", "en")


def make(tmp_path: Path, name: str = "plan.xlsx", **kw) -> Path:
    kw.setdefault("force", True)
    return generate(tmp_path / name, GenerateOptions(**kw))


def resolve_name(wb, name: str):
    """A defined name → (worksheet, list of cells)."""
    dn = wb.defined_names[name]
    sheet, (c0, r0, c1, r1) = range_to_tuple(dn.attr_text)
    ws = wb[sheet]
    return ws, [ws.cell(r, c) for r in range(r0, r1 + 1) for c in range(c0, c1 + 1)]


def table_cells(ws, table):
    """Header labels and data rows (lists of cells) of an openpyxl table."""
    c0, r0, c1, r1 = range_boundaries(table.ref)
    headers = [ws.cell(r0, c).value for c in range(c0, c1 + 1)]
    rows = [[ws.cell(r, c) for c in range(c0, c1 + 1)] for r in range(r0 + 1, r1 + 1)]
    return headers, rows


def error_cells(wb) -> list[tuple[str, str, object]]:
    """Every cell holding an error value (#DIV/0!, #N/A, #VALUE!…) in a data_only workbook."""
    return [(ws.title, c.coordinate, c.value) for ws in wb.worksheets for row in ws.iter_rows() for c in row
            if c.data_type == "e"]


def zip_text(path: Path, member: str) -> str:
    with zipfile.ZipFile(path) as z:
        return z.read(member).decode("utf-8")


#: widths of Calibri bold characters in units of the digit "0" (a column's width unit), grouped
_NARROW, _WIDE = set("iljtfrI'’.,:;!|() "), set("mwMW%@")


def text_width(text: str) -> float:
    """An estimate of a header text's width in column units (Calibri 11 bold)."""
    return sum(0.55 if ch in _NARROW else 1.45 if ch in _WIDE else 1.08 if ch.isupper() else 0.95 for ch in text)


def clipped_headers(path) -> list[tuple[str, str, str, str]]:
    """Header cells (bold on a solid fill) whose text does not fit: a word wider than its
    column(s), or more wrapped lines than the row's height holds. (sheet, cell, text, why)"""
    out = []
    wb = openpyxl.load_workbook(path)
    for ws in wb:
        widths = {}
        for dim in ws.column_dimensions.values():
            if dim.min and dim.max and dim.width:
                for k in range(dim.min, dim.max + 1):
                    widths[k] = dim.width
        merged = {(m.min_row, m.min_col): m for m in ws.merged_cells.ranges}
        for row in ws.iter_rows():
            for c in row:
                if not (isinstance(c.value, str) and c.font.b and c.fill.fill_type == "solid") or c.value[:1] == "=":
                    continue
                m = merged.get((c.row, c.column))
                width = sum(widths.get(k, 8.43) for k in range(c.column, (m.max_col if m else c.column) + 1)) - 0.8
                height = sum(ws.row_dimensions[r].height or 15 for r in range(c.row, (m.max_row if m else c.row) + 1))
                scale = (c.font.sz or 11) / 11
                lines, current = 1, 0.0
                for word in c.value.split():
                    w = text_width(word) * scale
                    if w > width:
                        out.append((ws.title, c.coordinate, c.value, f"a word wider than {width:.1f}"))
                        break
                    if current and current + 0.55 + w > width:
                        lines, current = lines + 1, w
                    else:
                        current += (0.55 if current else 0) + w
                else:
                    room = int((height + 1) // (14 * scale)) if c.alignment.wrap_text else 1
                    if lines > room:
                        out.append((ws.title, c.coordinate, c.value, f"{lines} lines, room for {room}"))
    return out
