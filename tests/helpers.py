"""Small helpers shared by the tests."""

from __future__ import annotations

import zipfile
from pathlib import Path

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
