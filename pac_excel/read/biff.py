"""Merged ranges of a legacy .xls, read from its BIFF records: xlrd gives them only when asked for
formatting, which also makes it build a cell for every formatted blank (see :mod:`.xls`).

The workbook stream's BOUNDSHEET records (0x0085) give each sheet's name and where its records
start; a sheet's MERGEDCELLS records (0x00E5) list its merged ranges (BIFF8: first row, last row,
first column, last column, 16 bits each).
"""

from __future__ import annotations

import io
import struct
from pathlib import Path

from .sniff import OLE_MAGIC

BOUNDSHEET, MERGEDCELLS, EOF, BOF = 0x0085, 0x00E5, 0x000A, 0x0809

Range = tuple[tuple[int, int], tuple[int, int]]


def workbook_stream(data: bytes) -> bytes:
    """The BIFF stream: the "Workbook" (or "Book") stream of a compound file, or the file itself."""
    if not data.startswith(OLE_MAGIC):
        return data
    from xlrd.compdoc import CompDoc

    doc = CompDoc(data, logfile=io.StringIO())
    for name in ("Workbook", "Book"):
        mem, base, size = doc.locate_named_stream(name)
        if mem is not None:
            return bytes(mem[base:base + size])
    return b""


def _records(stream: bytes, pos: int):
    while pos + 4 <= len(stream):
        rtype, length = struct.unpack_from("<HH", stream, pos)
        yield rtype, stream[pos + 4:pos + 4 + length]
        if rtype == EOF:
            return
        pos += 4 + length


def merged_ranges(path: Path) -> dict[str, list[Range]]:
    stream = workbook_stream(Path(path).read_bytes())
    biff8 = True
    sheets: list[tuple[str, int]] = []
    for rtype, body in _records(stream, 0):
        if rtype == BOF and len(body) >= 2:
            biff8 = struct.unpack_from("<H", body)[0] >= 0x0600
        elif rtype == BOUNDSHEET and len(body) >= 8:
            offset, nlen = struct.unpack_from("<I", body)[0], body[6]
            if biff8:
                wide = body[7] & 1
                raw = body[8:8 + nlen * (2 if wide else 1)]
                name = raw.decode("utf-16-le" if wide else "latin-1", "replace")
            else:
                name = body[7:7 + nlen].decode("cp1252", "replace")
            sheets.append((name, offset))
    out: dict[str, list[Range]] = {}
    for name, offset in sheets:
        ranges = []
        for rtype, body in _records(stream, offset):
            if rtype == MERGEDCELLS and len(body) >= 2:
                count = min(struct.unpack_from("<H", body)[0], (len(body) - 2) // 8)
                for i in range(count):
                    r0, r1, c0, c1 = struct.unpack_from("<HHHH", body, 2 + 8 * i)
                    ranges.append(((r0, c0), (r1, c1)))
        if ranges:
            out[name] = ranges
    return out
