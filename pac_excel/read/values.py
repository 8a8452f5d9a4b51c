"""Reading cell values as people type them: amounts and dates in text, French or English.

Each parser returns ``(value, problem)`` where ``problem`` is ``None`` or ``(code, params)``.
An ambiguous or unreadable value gives ``None`` and a problem: never a guess, never a 0.
"""

from __future__ import annotations

import math
import re
from datetime import date, datetime, timedelta
from typing import Any

from ..schema import CURRENCIES

Problem = tuple[str, dict[str, Any]] | None

_SPACES = re.compile(r"[\s\u00a0\u202f\u2009\u2007']")
#: a currency typed with an amount, before or after it: "2 000 €", "1 500 CHF", "12 000 FCFA",
#: "$1,500", "300 DH" — every currency of schema.CURRENCIES, by its code, its mark or its words
_MARKS = sorted({w for c in CURRENCIES.values() for w in (c.code, c.mark, *c.words)} | {"f cfa", "euro"},
                key=len, reverse=True)
_MARK = "|".join(re.escape(m) for m in _MARKS)
_CURRENCY = re.compile(rf"(?<![a-z])(?:{_MARK})\s*$|^\s*(?:{_MARK})(?![a-z])\s*", re.I)
_CORE = re.compile(r"^[0-9.,]+$")
_GROUPED = re.compile(r"^\d{1,3}(?:[.,]\d{3})+$")


def _fmt(v: float) -> str:
    return f"{v:,.3f}".rstrip("0").rstrip(".").replace(",", " ")


def parse_number(raw: Any, percent_ok: bool = True) -> tuple[float | None, Problem]:
    """A number from a cell: numbers pass through; text such as "2 000 €", "12 500,50 €",
    "1,234.56", "1.234,56", "15 %", "(300)" is read; "1,234" and "1.234" are ambiguous."""
    if raw is None or raw == "":
        return None, None
    if isinstance(raw, (bool, date, datetime, timedelta)):
        return None, ("invalid_number", {"value": str(raw)})
    if isinstance(raw, (int, float)):
        if isinstance(raw, float) and not math.isfinite(raw):
            return None, ("invalid_number", {"value": str(raw)})
        return float(raw), None
    text = str(raw).strip()
    if not text:
        return None, None
    bad = ("invalid_number", {"value": text})
    s = text
    negative = False
    if s.startswith("(") and s.endswith(")"):
        negative, s = True, s[1:-1]
    s = _CURRENCY.sub("", s).strip()
    percent = s.endswith("%")
    if percent:
        if not percent_ok:
            return None, bad
        s = s[:-1]
    s = _SPACES.sub("", s)
    if s[:1] in ("-", "\u2212", "+"):
        negative = negative or s[0] != "+"
        s = s[1:]
    if not s or not _CORE.match(s) or not any(ch.isdigit() for ch in s):
        return None, bad
    has_c, has_d = "," in s, "." in s
    if has_c and has_d:
        dec = "," if s.rfind(",") > s.rfind(".") else "."
        thou = "." if dec == "," else ","
        whole, _, frac = s.rpartition(dec)
        if whole.count(dec) or (thou in whole and not _GROUPED.match(whole)):
            return None, bad
        value = float(whole.replace(thou, "") + "." + frac)
    elif has_c or has_d:
        sep = "," if has_c else "."
        if s.count(sep) > 1:
            if not _GROUPED.match(s):
                return None, bad
            value = float(s.replace(sep, ""))
        else:
            whole, frac = s.split(sep)
            if len(frac) == 3 and 1 <= len(whole) <= 3 and whole != "0":
                a, b = float(whole + "." + frac), float(whole + frac)
                return None, ("ambiguous_number", {"value": text, "a": _fmt(a), "b": _fmt(b)})
            if not frac:
                return None, bad
            value = float((whole or "0") + "." + frac)
    else:
        value = float(s)
    if negative:
        value = -value
    if percent:
        value = value / 100
    return value, None


# ------------------------------------------------------------------------------------ dates
EPOCH_1900 = date(1899, 12, 30)
EPOCH_1904 = date(1904, 1, 1)
#: serial numbers accepted as dates: 1 Jan 1990 to 31 Dec 2100 (a typed "2026" is not a date)
_SERIAL_MIN, _SERIAL_MAX = 32874, 73415

_MONTHS = {
    "janvier": 1, "janv": 1, "jan": 1, "january": 1, "fevrier": 2, "fevr": 2, "fev": 2, "feb": 2, "february": 2,
    "mars": 3, "mar": 3, "march": 3, "avril": 4, "avr": 4, "apr": 4, "april": 4, "mai": 5, "may": 5,
    "juin": 6, "jun": 6, "june": 6, "juillet": 7, "juil": 7, "jul": 7, "july": 7, "aout": 8, "aug": 8,
    "august": 8, "septembre": 9, "sept": 9, "sep": 9, "september": 9, "octobre": 10, "oct": 10, "october": 10,
    "novembre": 11, "nov": 11, "november": 11, "decembre": 12, "dec": 12, "december": 12,
}
_ISO = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})(?:[ T]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?$")
_DMY = re.compile(r"^(\d{1,2})[/.\-](\d{1,2})[/.\-](\d{4}|\d{2})$")
_WORDS = re.compile(r"^(\d{1,2})(?:er)?\s+([a-z]+)\.?\s+(\d{4})$")
_WORDS_US = re.compile(r"^([a-z]+)\.?\s+(\d{1,2}),?\s+(\d{4})$")


def _fold(text: str) -> str:
    import unicodedata

    t = unicodedata.normalize("NFD", text.casefold())
    return "".join(c for c in t if not unicodedata.combining(c)).strip()


def serial_to_date(serial: float, date1904: bool = False) -> date:
    return (EPOCH_1904 if date1904 else EPOCH_1900) + timedelta(days=int(serial))


def parse_date(raw: Any, date1904: bool = False) -> tuple[date | None, Problem]:
    """A date from a cell: real dates; serial numbers (in the workbook's own 1900/1904 system);
    text dd/mm/yyyy, dd-mm-yy, yyyy-mm-dd, "15 mars 2026", "March 15, 2026"."""
    if raw is None or raw == "":
        return None, None
    if isinstance(raw, datetime):
        return raw.date(), None
    if isinstance(raw, date):
        return raw, None
    text = str(raw).strip()
    if isinstance(raw, bool):
        return None, ("invalid_date", {"value": text})
    if isinstance(raw, (int, float)):
        if math.isfinite(raw) and _SERIAL_MIN <= raw <= _SERIAL_MAX:
            return serial_to_date(raw, date1904), None
        return None, ("invalid_date", {"value": text})
    if not text:
        return None, None
    bad = ("invalid_date", {"value": text})
    t = _fold(text)
    try:
        if m := _ISO.match(t):
            return date(int(m[1]), int(m[2]), int(m[3])), None
        if m := _DMY.match(t):
            a, b, y = int(m[1]), int(m[2]), int(m[3])
            if len(m[3]) == 2:
                y += 2000
            if a <= 12 < b:
                return None, ("ambiguous_date", {"value": text})
            return date(y, b, a), None
        if m := _WORDS.match(t):
            month = _MONTHS.get(m[2])
            return (date(int(m[3]), month, int(m[1])), None) if month else (None, bad)
        if m := _WORDS_US.match(t):
            month = _MONTHS.get(m[1])
            return (date(int(m[3]), month, int(m[2])), None) if month else (None, bad)
    except ValueError:
        return None, bad
    return None, bad


def as_text(raw: Any) -> str:
    """A cell as text: numbers without a useless '.0'; text kept verbatim ("NA", "00123")."""
    if raw is None:
        return ""
    if isinstance(raw, float) and raw.is_integer():
        return str(int(raw))
    if isinstance(raw, (datetime, date)):
        return raw.strftime("%d/%m/%Y")
    return str(raw).strip()
