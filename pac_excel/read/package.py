"""An OOXML package read as the standard describes it, and as LibreOffice tolerates it.

Part names are looked up the way LibreOffice finds them: exact first, then without regard to
letter case and with ``\\`` read as ``/`` (files written by some tools on Windows). The workbook
part is the one ``_rels/.rels`` names (it need not live in ``xl/``), sheets are the targets of
the workbook's own relationships, resolved relative to it. A relationship that points nowhere,
a macro sheet, a chart sheet: left out, never a reason to refuse the file.
"""

from __future__ import annotations

import html
import posixpath
import re
import zipfile
from dataclasses import dataclass, field

_ATTR = re.compile(rb'([\w:]+)\s*=\s*"([^"]*)"')
_REL_TEXT = re.compile(r"<(?:\w+:)?Relationship\b([^>]*)>")
_ATTR_TEXT = re.compile(r'([\w:]+)\s*=\s*"([^"]*)"')
#: a relative target whose every segment is a plain name (none empty, none starting with a dot)
_PLAIN = re.compile(r"(?:[^./][^/]*/)*[^./][^/]*\Z")
_SHEET = re.compile(rb"<(?:\w+:)?sheet\b([^>]*)>")
_DATE1904 = re.compile(rb'date1904\s*=\s*"(1|true)"')


def _norm(name: str) -> str:
    return name.replace("\\", "/").lstrip("/").lower()


@dataclass
class Package:
    zf: zipfile.ZipFile
    #: parts already read whole (by the container check): archive name → content
    parts: dict[str, bytes] = field(default_factory=dict)
    _folded: dict[str, str] | None = None

    @property
    def _names(self) -> dict[str, str]:
        """Folded part name → the archive's own name (built on the first name not found as written)."""
        if self._folded is None:
            self._folded = {}
            for info in self.zf.infolist():
                self._folded.setdefault(_norm(info.filename), info.filename)
        return self._folded

    def has(self, name: str) -> bool:
        return self.real(name) is not None

    def real(self, name: str) -> str | None:
        """The archive's own name for a part (exact, else case- and slash-insensitive)."""
        name = name.lstrip("/")
        try:
            self.zf.getinfo(name)
            return name
        except KeyError:
            return self._names.get(_norm(name))

    def read(self, name: str) -> bytes:
        real = self.real(name)
        if real is None:
            raise KeyError(name)
        known = self.parts.get(real)
        return known if known is not None else self.zf.read(real)

    def size(self, name: str) -> int:
        real = self.real(name)
        return self.zf.getinfo(real).file_size if real is not None else 0

    def canonical(self) -> bool:
        """Whether a strict reader (python-calamine) finds its parts: every name as written in
        the standard's own layout (``xl/workbook.xml``, forward slashes)."""
        names = self.zf.namelist()
        return "xl/workbook.xml" in names and not any("\\" in n for n in names)

    def rels(self, part: str) -> dict[str, tuple[str, str]]:
        """Relationship id → (type, target part name) of one part; targets resolved."""
        folder, base = posixpath.split(part.lstrip("/"))
        rels_name = posixpath.join(folder, "_rels", base + ".rels")
        if not self.has(rels_name):
            return {}
        out = {}
        text = self.read(rels_name).decode("utf-8", "replace")
        for m in _REL_TEXT.finditer(text):
            attrs = {k.rpartition(":")[2].lower(): v for k, v in _ATTR_TEXT.findall(m[1])}
            if "id" not in attrs or "target" not in attrs or attrs.get("targetmode", "").lower() == "external":
                continue
            if "&" in m[1]:  # entities resolved only where there are some: most have none
                attrs = {k: html.unescape(v) for k, v in attrs.items()}
            target = attrs["target"].replace("\\", "/")
            if target.startswith("/"):  # absolute: from the package's root
                resolved = target.lstrip("/")
            elif _PLAIN.match(target):  # "worksheets/sheet1.xml": what normpath would give, sooner
                resolved = f"{folder}/{target}" if folder else target
            else:  # "../x", "./x", "a//b"
                resolved = posixpath.normpath(posixpath.join(folder, target))
            out[attrs["id"]] = (attrs.get("type", ""), resolved)
        return out

    def workbook_part(self) -> str:
        for rtype, target in self.rels("").values():
            if rtype.endswith("/officeDocument") and self.has(target):
                return target
        for guess in ("xl/workbook.xml", "workbook.xml"):
            if self.has(guess):
                return guess
        found = [n for n in self._names if n.endswith("workbook.xml")]
        if not found:
            raise KeyError("workbook.xml")
        return found[0]

    def layout(self) -> Layout:
        """The workbook's sheets in order (name → part, worksheets only) and its date system."""
        wb_part = self.workbook_part()
        wb = self.read(wb_part)
        rels = self.rels(wb_part)
        sheets: dict[str, str | None] = {}
        kinds: dict[str, str] = {}
        hidden: set[str] = set()
        for m in _SHEET.finditer(wb):
            attrs = {k.split(b":")[-1].lower(): v for k, v in _ATTR.findall(m[1])}
            name = html.unescape(attrs.get(b"name", b"").decode("utf-8", "replace"))
            if not name:
                continue
            rel = rels.get(attrs.get(b"id", b"").decode("utf-8", "replace"))
            rtype = rel[0].rsplit("/", 1)[-1].lower() if rel else ""
            kinds[name] = rtype
            # a worksheet whose relationship points nowhere is kept as an empty sheet
            sheets[name] = rel[1] if rel and rtype == "worksheet" and self.has(rel[1]) else None
            if attrs.get(b"state", b"visible") != b"visible":
                hidden.add(name)
        strings = next((t for rt, t in rels.values() if rt.endswith("/sharedStrings") and self.has(t)), None)
        styles = next((t for rt, t in rels.values() if rt.endswith("/styles") and self.has(t)), None)
        return Layout(wb_part, {n: p for n, p in sheets.items() if kinds[n] in ("worksheet", "")},
                      hidden, bool(_DATE1904.search(wb)), strings, styles)


@dataclass
class Layout:
    workbook: str
    sheets: dict[str, str | None]  # worksheets in workbook order → part (None: no readable part)
    hidden: set[str]
    date1904: bool
    shared_strings: str | None
    styles: str | None
