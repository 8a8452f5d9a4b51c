"""Sheets read by the tolerant layers: cells found one by one, laid out as python-calamine lays
a sheet out — rows from row 1, each from column A — within a bound on the grid's size."""

from __future__ import annotations

from typing import Any

from ..a1 import a1


class CellLimit(Exception):
    """A sheet whose values spread over more cells, from A1, than a reader may lay out."""

    def __init__(self, sheet: str, cell: str, cells: int) -> None:
        super().__init__(sheet)
        self.sheet, self.cell, self.cells = sheet, cell, cells


def rows_of(cells: dict[tuple[int, int], Any], sheet: str, max_cells: int) -> list[list[Any]]:
    """The rows of a sheet from its cells (0-based row, col → value); blanks are ""."""
    if not cells:
        return []
    height = max(r for r, _ in cells) + 1
    width = max(c for _, c in cells) + 1
    if max_cells and height * width > max_cells:
        raise CellLimit(sheet, a1(*max(cells)), height * width)
    rows: list[list[Any]] = [[""] * width for _ in range(height)]
    for (r, c), v in cells.items():
        rows[r][c] = v
    return rows
