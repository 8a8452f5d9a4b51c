"""Checks made on a zip-based workbook (.xlsx, .xlsm, .ods) before anything is decompressed.

- Zip bombs: an entry over 1 MiB that inflates more than 100× its compressed size, or more than
  1 GiB in all, or more than 10,000 entries, is refused (Apache POI refuses ratios over 100×;
  our own 100,000-row blank plan stays at 65×, real plans at 10–21×: measured).
- XML with a DOCTYPE or ENTITY declaration (XXE, "billion laughs") is refused: no spreadsheet
  needs one.
- Macros (vbaProject.bin, macro sheets) are noted: values are read, macros never run, and no
  output ever carries them.
"""

from __future__ import annotations

import struct
import zipfile
import zlib
from collections.abc import Callable
from contextlib import nullcontext
from typing import Any

MAX_RATIO = 100
RATIO_FROM = 1 << 20  # entries smaller than this are not ratio-checked
MAX_TOTAL = 1 << 30
MAX_ENTRIES = 10_000
HEAD = 4096  # a DOCTYPE comes before the root element: the head of each part is enough


class Refusal(Exception):
    def __init__(self, key: str, **params: object) -> None:
        super().__init__(key)
        self.key, self.params = key, params


def check_container(z: zipfile.ZipFile, parts: dict[str, bytes] | None = None, data: bytes | None = None) -> bool:
    """Raise :class:`Refusal` for a dangerous archive; return whether it holds macros.

    ``parts``, when given, receives the XML parts small enough to be decompressed whole while
    their head is checked (name → content, CRC checked): the reader then reads them from there
    instead of opening them again (one pass over the package). ``data``: the archive's bytes,
    when they are in memory already (else the entries are read from its file)."""
    infos = z.infolist()
    if len(infos) > MAX_ENTRIES:
        raise Refusal("read.bomb", detail=f"{len(infos)} entries")
    total = sum(i.file_size for i in infos)
    if total > MAX_TOTAL:
        raise Refusal("read.bomb", detail=f"{total / 2**20:.0f} MiB once decompressed")
    for i in infos:
        if i.file_size > RATIO_FROM and i.file_size > MAX_RATIO * max(i.compress_size, 1):
            raise Refusal("read.bomb", detail=f"{i.filename}: {i.file_size / 2**20:.0f} MiB from "
                                              f"{i.compress_size / 2**10:.0f} KiB")
    # a sheet's part is kept when it is the only one (a one-sheet trame: it will be read); in a
    # workbook of many sheets, only those the analysis asks for are decompressed, later
    one_sheet = sum("worksheets/" in i.filename.lower() for i in infos) <= 1
    if data is None and not z.filename:
        raise ValueError("check_container: the archive's bytes or file name are needed")
    with nullcontext(data) if data is not None else open(z.filename or "", "rb") as source:
        read = _reader(source)
        for i in infos:
            if i.filename.endswith((".xml", ".rels")) and i.file_size:
                keep = parts if parts is not None and _kept(i.filename, one_sheet) else None
                head = _head(z, read, i, keep)
                if head is not None and (b"<!DOCTYPE" in head or b"<!ENTITY" in head):
                    raise Refusal("read.unsafe", part=i.filename)
    names = [i.filename.lower() for i in infos]
    return any(n.endswith("vbaproject.bin") or "/macrosheets/" in n or n.startswith("basic/") for n in names)


#: parts up to this size (decompressed) are read whole by the check and kept for the reader:
#: those it reads (relationships, workbook, the sheet of a one-sheet workbook; not styles,
#: themes, properties)
WHOLE = 64 << 10


def _kept(name: str, one_sheet: bool) -> bool:
    name = name.lower()
    return name.endswith((".rels", "workbook.xml")) or (one_sheet and "worksheets/" in name)


def _reader(source: bytes | Any) -> Callable[[int, int], bytes]:
    """``read(offset, size)`` over the archive's bytes in memory, or over its open file."""
    if isinstance(source, bytes):
        return lambda offset, size: source[offset:offset + size]

    def read(offset: int, size: int) -> bytes:
        source.seek(offset)
        return source.read(size)
    return read


_LOCAL = struct.Struct("<4s22xHH")  # a local file header: signature, …, name and extra lengths


def _head(z: zipfile.ZipFile, read: Callable[[int, int], bytes], info: zipfile.ZipInfo,
          parts: dict[str, bytes] | None = None) -> bytes | None:
    """The first HEAD bytes of one entry, or None for a damaged one (the reader reports it).
    Deflated and stored entries are read straight from their local header: opening each
    entry through zipfile costs more than the check itself on a 40-part workbook. A small
    entry is read whole into ``parts`` when its CRC matches (else the reader's zipfile says so)."""
    try:
        if info.compress_type in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED) and not info.flag_bits & 1:
            local = read(info.header_offset, 30)
            if len(local) < 30:
                return None
            signature, name_len, extra_len = _LOCAL.unpack(local)
            if signature != b"PK\x03\x04":
                return None
            start = info.header_offset + 30 + name_len + extra_len
            if parts is not None and info.file_size <= WHOLE and info.compress_size <= WHOLE + 1024:
                raw = read(start, info.compress_size)
                whole = raw if info.compress_type == zipfile.ZIP_STORED else zlib.decompressobj(-15).decompress(
                    raw, WHOLE + 1)
                if len(whole) == info.file_size and zlib.crc32(whole) == info.CRC:
                    parts[info.filename] = whole
                return whole[:HEAD]
            raw = read(start, min(info.compress_size, HEAD + 64))
            if info.compress_type == zipfile.ZIP_STORED:
                return raw[:HEAD]
            return zlib.decompressobj(-15).decompress(raw, HEAD)
        with z.open(info) as entry:
            return entry.read(HEAD)
    except (zipfile.BadZipFile, zlib.error, struct.error, OSError, EOFError, ValueError, RuntimeError):
        return None
