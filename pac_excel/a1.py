"""A1 references at the edges: 0-based (row, col) inside, "B12" in messages and formulas."""

from __future__ import annotations


def col_letter(col: int) -> str:
    """0-based column index → A1 letters (0 → A, 26 → AA)."""
    letters = ""
    col += 1
    while col:
        col, rem = divmod(col - 1, 26)
        letters = chr(65 + rem) + letters
    return letters


def col_index(letters: str) -> int:
    """A1 letters → 0-based column index."""
    n = 0
    for ch in letters:
        n = n * 26 + ord(ch) - 64
    return n - 1


def a1(row: int, col: int, absolute: bool = False) -> str:
    d = "$" if absolute else ""
    return f"{d}{col_letter(col)}{d}{row + 1}"


#: Excel's limit for the text of one cell; xlsxwriter writes nothing (returns -2) past it
MAX_CELL_TEXT = 32_767


def cell_text(text: str) -> str:
    """Text that fits in one cell: longer text is cut and ends with "…"."""
    return text if len(text) <= MAX_CELL_TEXT else text[: MAX_CELL_TEXT - 1] + "…"
