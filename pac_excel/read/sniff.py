"""What a file is, decided from its bytes — never from its extension, nor from what ``zipfile``
happens to find (it finds the end record of a zip embedded anywhere, e.g. the theme zip that
Excel writes inside a legacy .xls).

``sniff_bytes(head)``, given a file's first 4 KiB, returns one of the container kinds the
readers take — ``"zip"`` (OOXML or OpenDocument, told apart from the package's parts), ``"ole"``
(a compound file: legacy .xls, or an encrypted OOXML workbook), ``"biff"`` (a bare BIFF stream,
Excel 2–4 style) — or raises :class:`NotSpreadsheet` naming what the file is when it can tell.
"""

from __future__ import annotations

OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
ZIP_MAGICS = (b"PK\x03\x04", b"PK\x05\x06", b"PK\x07\x08")
#: a bare BIFF stream starts with a BOF record: 0x0009 (BIFF2), 0x0209 (3), 0x0409 (4), 0x0809 (5-8)
BIFF_BOF = (b"\x09\x00", b"\x09\x02", b"\x09\x04", b"\x09\x08")

#: first bytes → what the file is (the kind key of the i18n message ``kind.*``)
SIGNATURES: tuple[tuple[bytes, str], ...] = (
    (b"BM", "image"), (b"\x89PNG", "image"), (b"\xff\xd8\xff", "image"), (b"GIF8", "image"),
    (b"II*\x00", "image"), (b"MM\x00*", "image"), (b"\x00\x00\x01\x00", "image"),
    (b"%PDF", "pdf"),
    (b"\x1f\x8b", "archive"), (b"7z\xbc\xaf\x27\x1c", "archive"), (b"Rar!\x1a\x07", "archive"),
    (b"BZh", "archive"), (b"\xfd7zXZ\x00", "archive"), (b"\x28\xb5\x2f\xfd", "archive"),
    (b"{\\rtf", "rtf"),
)


#: Excel's XML Spreadsheet 2003 format, which web exporters often save as .xls: a spreadsheet that
#: only the LibreOffice layer reads
SPREADSHEETML = b"urn:schemas-microsoft-com:office:spreadsheet"


class NotSpreadsheet(Exception):
    """The file is something else; ``kind`` says what (image, pdf, archive, html, xml, text…)."""

    def __init__(self, kind: str) -> None:
        super().__init__(kind)
        self.kind = kind


class Empty(Exception):
    """The file has no bytes at all."""


def sniff_bytes(head: bytes) -> str:
    if not head:
        raise Empty
    if head.startswith(ZIP_MAGICS):
        return "zip"
    if head.startswith(OLE_MAGIC):
        return "ole"
    if head[:2] in BIFF_BOF and len(head) >= 8 and 4 <= int.from_bytes(head[2:4], "little") <= 20:
        return "biff"
    for magic, kind in SIGNATURES:
        if head.startswith(magic):
            raise NotSpreadsheet(kind)
    # RIFF....WEBP is an image
    if head.startswith(b"RIFF") and head[8:12] == b"WEBP":
        raise NotSpreadsheet("image")
    raise NotSpreadsheet(_text_kind(head))


def _text_kind(head: bytes) -> str:
    """Text of some sort, or binary data that nothing here recognises."""
    if b"\x00" in head and not head.startswith((b"\xff\xfe", b"\xfe\xff")):
        return "binary"
    text = head.lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if SPREADSHEETML in head:
        return "spreadsheetml"
    if text.startswith((b"<!doctype html", b"<html")) or b"<table" in text[:2048]:
        return "html"
    if text.startswith(b"<?xml") or text.startswith(b"<"):
        return "xml"
    return "text"


def zip_kind(names: list[str]) -> str:
    """What a zip archive holds, from its part names: ``"ooxml"`` (a workbook, maybe with odd
    part names), ``"ods"`` (OpenDocument spreadsheet, with or without its ``mimetype``
    entry), or raises :class:`NotSpreadsheet` (a Word or PowerPoint document, a plain archive)."""
    norm = {n.replace("\\", "/").lstrip("/").lower() for n in names}
    if any(n.endswith("workbook.xml") or n.endswith("workbook.bin") for n in norm):
        return "ooxml"
    if "content.xml" in norm and ("mimetype" in norm or "meta-inf/manifest.xml" in norm):
        return "ods"
    if "[content_types].xml" in norm:
        if any(n.startswith("word/") for n in norm):
            raise NotSpreadsheet("word")
        if any(n.startswith("ppt/") for n in norm):
            raise NotSpreadsheet("presentation")
        return "ooxml"
    raise NotSpreadsheet("archive")
