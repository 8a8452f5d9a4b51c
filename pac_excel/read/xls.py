"""Legacy .xls workbooks (BIFF in an OLE compound file, or a bare BIFF stream) read with xlrd,
in the shape python-calamine gives: rows of values from A1, dates as dates, error cells apart.

xlrd is pure Python: a damaged file raises an exception, where python-calamine can abort the
whole process (one flipped byte made it allocate 38 GB, found by fuzzing). It is asked for
values only (``formatting_info=False``): with formatting, xlrd fails on some files that it reads
without, and builds a cell for every formatted blank (a 113 KiB file of formatted blank cells
took 697 MiB) — without it, only cells that hold something exist. Merged ranges, which xlrd
gives only with formatting, are read from the sheets' MERGEDCELLS records (:mod:`.biff`).
"""

from __future__ import annotations

import io
from datetime import date, datetime
from pathlib import Path
from typing import Any


class XlsBook:
    def __init__(self, path: Path) -> None:
        import xlrd

        # xlrd writes its diagnostics to stdout unless told otherwise: they would mix with a report
        self.book = xlrd.open_workbook(str(path), formatting_info=False, ragged_rows=True, logfile=io.StringIO(),
                                       verbosity=0)
        self.sheet_names = self.book.sheet_names()
        self.hidden = {sh.name for sh in self.book.sheets() if sh.visibility}
        self.date1904 = self.book.datemode == 1
        self.errors: dict[str, dict[tuple[int, int], str]] = {}
        self.merged: dict[str, list[Any]] = {}
        try:
            from .biff import merged_ranges

            self.merged = merged_ranges(path)
        except Exception:  # merged ranges are a nicety: a record they cannot parse costs only them
            self.merged = {}

    def get_sheet_by_name(self, name: str) -> XlsSheet:
        return XlsSheet(self, self.book.sheet_by_name(name))

    def errors_of(self, name: str) -> dict[tuple[int, int], str]:
        return self.errors.get(name, {})


class XlsSheet:
    def __init__(self, owner: XlsBook, sheet: Any) -> None:
        self.owner, self.sheet = owner, sheet
        self.merged_cell_ranges = owner.merged.get(sheet.name, [])

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
