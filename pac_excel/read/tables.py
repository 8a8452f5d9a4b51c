"""Finding a schema table in a sheet by its header labels, wherever it starts, and sorting
the rows below it: data, blank, a repeated header block, a TOTAL row, notes."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from ..a1 import a1
from ..problems import Problem
from ..schema import CURRENCIES, MONEY_MARK, Kind, TableDef, currency_of_header, normalize_label, without_currency
from .workbook import Sheet, Workbook

HEADER_SCAN_ROWS = 80
_TOTAL = re.compile(r"^(sous[- ]?totaux?|sous[- ]?total|totaux|total|grand total|subtotal)\b.{0,24}$")


_WORDS: dict[int, tuple[TableDef, dict[str, str]]] = {}


def header_words(tdef: TableDef) -> dict[str, str]:
    """normalised header text → column key, cached per table definition (by identity: hashing
    a TableDef is costly; the entry keeps it alive, so its id is never reused)."""
    known = _WORDS.get(id(tdef))
    if known is None or known[0] is not tdef:
        words = {w: c.key for c in tdef.columns for w in c.header_words()}
        known = _WORDS[id(tdef)] = (tdef, words)
        # a header cell starts as the word it names: its first 4 folded letters, or the whole
        # word when it is shorter ("N°\n(précisez)" names "n°")
        plain = [w.removeprefix(MONEY_MARK) for w in words]
        _PREFIXES[id(tdef)] = (frozenset(_prefix(w) for w in plain if len(w) >= 4),
                               tuple(sorted({w for w in plain if len(w) < 4})))
    return known[1]


_PREFIXES: dict[int, tuple[frozenset[str], tuple[str, ...]]] = {}


def _candidates(text: str) -> list[str]:
    """A header cell read several ways: whole, its first line, without a parenthetical hint."""
    out = [normalize_label(text)]
    first = text.split("\n")[0]
    out.append(normalize_label(first))
    out.append(normalize_label(text.split("(")[0]))
    if currency_of_header(text):  # "Dépenses CHF", "Coût en euros": the words without the currency
        out.append(normalize_label(without_currency(text)))
    return [c for c in out if c]


#: per table definition (by id, kept alive by _WORDS): header text → column key or None
_MATCHES: dict[int, dict[str, str | None]] = {}
_MATCHES_MAX = 100_000
#: a currency in a header: "(€)", "k€", "EUR", "euros", "CHF", "$"… (the codes of schema.CURRENCIES)
_MONEY = re.compile(r"[€$£¤]|\b(?:k?eur|euros?|" + "|".join(c.lower() for c in CURRENCIES) + r")\b", re.I)


def match_header(tdef: TableDef, value: Any) -> str | None:
    """The column key a header text names, or None. Results are cached per table and text:
    a batch of team files repeats the same few labels thousands of times."""
    if not isinstance(value, str):
        return None
    header_words(tdef)  # first: it keeps tdef alive, so id(tdef) names it
    cache = _MATCHES.setdefault(id(tdef), {})
    found = cache.get(value, _UNSEEN)
    if found is _UNSEEN:
        found = _match(tdef, value)
        if len(cache) < _MATCHES_MAX:
            cache[value] = found
    return found  # type: ignore[return-value]


_UNSEEN = object()


def _match(tdef: TableDef, value: str) -> str | None:
    if not value.strip() or len(value) > 200:
        return None
    longer, short = _PREFIXES[id(tdef)]
    start = normalize_label(value.lstrip()[:8])
    if start[:4] not in longer and not start.startswith(short) and not _MONEY.match(value.lstrip()):
        return None  # every reading of a header starts as it does: no known header starts so (most cells)
    words = header_words(tdef)
    candidates = _candidates(value)
    if _MONEY.search(value) or currency_of_header(value):  # "Réalisé (€)": first the words a currency mark qualifies
        candidates = [MONEY_MARK + c for c in candidates] + candidates
    return next((words[c] for c in candidates if c in words), None)


_TOTAL_PREFIXES = ("tota", "sous", "gran", "subt")


def _prefix(value: str) -> str:
    """The folded first letters of a text: a cheap, cached first test before a full match."""
    head = value[:4]
    if head.isalpha() and head.isascii():  # most texts: four plain letters fold to themselves
        return head.lower()
    # 8 characters folded, then 4 kept: an accent typed as a combining mark ("E\u0301cart")
    # takes a character of its own before folding
    return normalize_label(value[:8])[:4]


_ANCHORS: dict[tuple[int, str], frozenset[str]] = {}


def _anchor_prefixes(tdef: TableDef, anchor: str) -> frozenset[str]:
    """The prefixes of the header words naming ``anchor`` (cached: header_words keeps tdef alive)."""
    words = header_words(tdef)
    known = _ANCHORS.get((id(tdef), anchor))
    if known is None:
        known = _ANCHORS[(id(tdef), anchor)] = frozenset(_prefix(w) for w, k in words.items() if k == anchor)
    return known


def is_subtotal_label(label: str) -> bool:
    """A "Sous-total" closes a block; a "TOTAL" closes the table."""
    return normalize_label(label).startswith(("sous", "subtotal"))


def is_total_label(value: Any) -> bool:
    return (isinstance(value, str) and _prefix(value) in _TOTAL_PREFIXES
            and bool(_TOTAL.match(normalize_label(value))))


_TYPED_KINDS = (Kind.MONEY, Kind.NUMBER, Kind.INT, Kind.PERCENT, Kind.DATE)
_TYPED_VALUES = (float, int, date, datetime)


class RowValues:
    """A row's raw values by column key: a view over calamine's row, nothing copied (a
    100,000-row plan would otherwise hold a dict per row)."""

    __slots__ = ("columns", "row")

    def __init__(self, row: list[Any], columns: dict[str, int]) -> None:
        self.row, self.columns = row, columns

    def get(self, key: str, default: Any = "") -> Any:
        c = self.columns.get(key)
        return self.row[c] if c is not None and c < len(self.row) else default

    def __getitem__(self, key: str) -> Any:
        return self.get(key)

    def items(self) -> Any:
        return ((k, self.get(k)) for k in self.columns)


@dataclass(slots=True)
class DataRow:
    index: int  # 0-based sheet row
    values: RowValues | dict[str, Any]  # column key → raw value


@dataclass
class TotalRow:
    index: int
    label: str
    values: RowValues | dict[str, Any]
    block: list[DataRow]  # the rows since the previous total or header
    before: list[DataRow]  # every row above it


@dataclass
class FoundTable:
    tdef: TableDef
    sheet: Sheet
    header_row: int
    columns: dict[str, int]  # key → 0-based column
    rows: list[DataRow] = field(default_factory=list)
    totals: list[TotalRow] = field(default_factory=list)
    ignored: list[tuple[int, str]] = field(default_factory=list)  # (row, reason): repeated_header, note
    blank: int = 0
    problems: list[Problem] = field(default_factory=list)

    def cell(self, row: int, key: str) -> str:
        return a1(row, self.columns[key])


def _score_row(tdef: TableDef, texts: list[tuple[int, str]]) -> dict[str, int]:
    """The columns a row's texts name, if it were ``tdef``'s header (the hot loop of table
    detection: every row of every sheet scanned goes through it, so cached texts are looked up
    inline)."""
    found: dict[str, int] = {}
    header_words(tdef)
    cache = _MATCHES.setdefault(id(tdef), {})
    for c, v in texts:
        key = cache.get(v, _UNSEEN)
        if key is _UNSEEN:
            key = match_header(tdef, v)
        if key and key not in found:
            found[key] = c  # type: ignore[index]
    return found


def find_table(wb: Workbook, tdef: TableDef, anchor: str, prefer: list[str] | None = None,
               min_columns: int = 3, exclude: FoundTable | None = None,
               stop_at_blank: bool = False, only_preferred: bool = False) -> FoundTable | None:
    """The best header row for ``tdef`` in the workbook: it must name the ``anchor`` column and
    at least ``min_columns`` columns; preferred sheets win ties. ``exclude`` is a table already
    found, whose header row is not a candidate (an action table also says "Indicateur").
    ``stop_at_blank`` ends the table at its first blank row (tables sharing a sheet);
    ``only_preferred`` looks at the preferred sheets alone."""
    order = [n for n in (prefer or []) if n in wb.sheet_names]
    if not only_preferred:
        order += [n for n in wb.sheet_names if n not in order and not n.startswith("_")]
    if order and order[0] in (prefer or []):
        wb.prefetch(order[0])
    best: tuple[int, int, str, int] | None = None  # (score, preference, sheet, row)
    # the rows the excluded table took (its header and repeated headers, its actions, its totals)
    # are no other table's header: not scanned again (a note below it may be one)
    taken: set[int] = set()
    if exclude is not None:
        taken = {exclude.header_row, *(d.index for d in exclude.rows), *(t.index for t in exclude.totals),
                 *(i for i, why in exclude.ignored if why == "repeated_header")}
    for rank, name in enumerate(order):
        sheet = wb.sheet(name)
        skip = taken if exclude is not None and exclude.sheet.name == name else ()
        for r, row in enumerate(sheet.rows[:HEADER_SCAN_ROWS]):
            if r in skip or (best is not None and len(row) <= best[0]):
                continue  # a row of no more cells than the best header has names cannot beat it
            texts = [(c, v) for c, v in enumerate(row) if type(v) is str and v]
            if len(texts) < min_columns or (best is not None and len(texts) <= best[0]):
                continue  # a row names at most one column per text: this one cannot beat the best
            found = _score_row(tdef, texts)
            if anchor in found and len(found) >= min_columns:
                key = (len(found), -rank, name, r)
                if best is None or key[:2] > best[:2]:
                    best = key
                if name in (prefer or []) and len(found) >= 0.6 * len(tdef.columns):
                    break  # a clear header on a preferred sheet: the first one is the table's
        if best is not None and name in (prefer or []) and best[0] >= 0.6 * len(tdef.columns):
            break  # … and no need to load the other sheets
    if best is None:
        return None
    _, _, name, r = best
    return _read_table(wb, tdef, name, r, anchor, stop_at_blank)


def _blank(value: Any) -> bool:
    """Nothing, or only spaces: a cell where a space was typed is as empty as one left alone
    (python-calamine reads some of those as empty, the tolerant layer as they are written)."""
    return value is None or (type(value) is str and not value.strip())


def _fill_merged(found: FoundTable, header_row: int) -> None:
    """A value merged over several rows of the table (an owner over two actions) belongs to
    each of them: it is copied down, and a warning names the range."""
    sheet = found.sheet
    cols = set(found.columns.values())
    for (r0, c0), (r1, c1) in sheet.merged:
        if r1 <= header_row or r1 == r0 or not any(c0 <= c <= c1 for c in cols):
            continue
        top = sheet.value(r0, c0)
        for r in range(max(r0, header_row + 1), r1 + 1):
            row = sheet.rows[r] if r < len(sheet.rows) else None
            if row is None:
                continue
            for c in range(c0, c1 + 1):
                if c < len(row) and row[c] in ("", None):
                    row[c] = top
        found.problems.append(Problem("merged_cells", sheet.name, f"{a1(r0, c0)}:{a1(r1, c1)}",
                                      {"value": str(top).strip()}))


def _read_table(wb: Workbook, tdef: TableDef, name: str, header_row: int, anchor: str,
                stop_at_blank: bool = False, formulas: bool = False) -> FoundTable:
    sheet = wb.sheet(name, structure=True, formulas=formulas)
    header = sheet.rows[header_row]
    columns: dict[str, int] = {}
    found = FoundTable(tdef, sheet, header_row, columns)
    for c, v in enumerate(header):
        if v == "" or v is None:
            continue
        key = match_header(tdef, v)
        if key is None:
            found.problems.append(Problem("unknown_column", name, a1(header_row, c), {"value": str(v).strip()}))
        elif key in columns:
            found.problems.append(Problem("duplicate_column", name, a1(header_row, c),
                                          {"value": str(v).strip(), "first": a1(header_row, columns[key])}))
        else:
            columns[key] = c
    _fill_merged(found, header_row)
    computed = {c.key for c in tdef.columns if c.computed}
    meaningful = [k for k in columns if k not in computed and k != "no"]
    block: list[DataRow] = []
    after_total = False  # below a grand total, a row of text only is a note, not an action
    anchor_prefixes = _anchor_prefixes(tdef, anchor)
    anchor_col = columns.get(anchor, -1)
    # a header cell never holds a number or a date: such a value rules out a repeated header
    typed = [c for k, c in columns.items() if k in meaningful and tdef.column(k).kind in _TYPED_KINDS]
    t0 = typed[0] if typed else -1  # the first typed column, tried alone first
    for r, row in enumerate(sheet.rows[header_row + 1:], header_row + 1):
        values = RowValues(row, columns)
        if not after_total and 0 <= anchor_col < len(row):  # the common case, decided by the anchor cell
            a = row[anchor_col]
            if type(a) is str and a.strip():
                first = a[:4]  # _prefix(a), inlined for four plain letters (most texts)
                first = first.lower() if first.isalpha() and first.isascii() else _prefix(a)
                if first not in _TOTAL_PREFIXES and (
                        first not in anchor_prefixes  # "Action 1" starts as the header "Action" does:
                        or (0 <= t0 < len(row) and type(row[t0]) in _TYPED_VALUES)  # a typed value tells
                        or any(c < len(row) and type(row[c]) in _TYPED_VALUES for c in typed)):
                    dr = DataRow(r, values)
                    found.rows.append(dr)
                    block.append(dr)
                    continue
        first_text = next((v for v in row if isinstance(v, str) and v.strip()), "")
        if all(_blank(values[k]) for k in meaningful):
            if stop_at_blank and all(_blank(v) for v in row):
                break
            if not is_total_label(first_text):  # "TOTAL" alone (first column, numbering column) is a total
                if not all(_blank(v) for v in row) and all(_blank(values[k]) for k in columns):
                    found.ignored.append((r, "note"))
                else:
                    found.blank += 1
                continue
            label = first_text
        else:
            a = values.get(anchor)
            if (isinstance(a, str) and _prefix(a) in anchor_prefixes and match_header(tdef, a) == anchor
                    and len(_score_row(tdef, [(c, v) for c, v in enumerate(row) if type(v) is str and v])) >= 3):
                found.ignored.append((r, "repeated_header"))
                block = []
                after_total = False
                continue
            label = a if not _blank(a) else first_text
        if is_total_label(label):
            found.totals.append(TotalRow(r, str(label).strip(), values, list(block), list(found.rows)))
            block = []
            after_total = after_total or not is_subtotal_label(str(label))
            continue
        if after_total and not any(isinstance(values[k], (int, float)) or hasattr(values[k], "year")
                                   for k in meaningful):
            found.ignored.append((r, "note"))
            continue
        dr = DataRow(r, values)
        found.rows.append(dr)
        block.append(dr)
    first_last = (found.rows[0].index, found.rows[-1].index) if found.rows else (0, -1)
    hidden = [r for r in sheet.hidden_rows if first_last[0] <= r <= first_last[1]]
    if hidden:
        found.problems.append(Problem("hidden_rows", sheet.name, a1(hidden[0], found.columns.get(anchor, 0)),
                                      {"value": str(len(hidden))}))
    return found
