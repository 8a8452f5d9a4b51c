"""The actions table as CSV, in a dialect people open with a double-click.

- ``fr`` (French outputs): ``;`` separator, decimal comma, ``dd/mm/yyyy``, ``Oui``/``Non``,
  column titles in French, UTF-8 with a BOM — Excel and LibreOffice in French open it right;
- ``en``: ``,`` and ``.``, ``yyyy-mm-dd``, ``Yes``/``No``, English titles, UTF-8 with a BOM;
- ``rfc4180``: for programs: ``,``, ``.``, ISO dates, ``true``/``false``, the JSON keys as
  column names, no BOM.

Every column of the record, revenue included. A text cell starting with = + - @ TAB or CR is
prefixed with a quote, so a spreadsheet never runs it as a formula (OWASP CSV injection).
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from datetime import date, datetime
from typing import IO, Any

from .. import schema
from ..analysis import Analysis, json_keys

_DANGEROUS = ("=", "+", "-", "@", "\t", "\r")
BOM = "\ufeff"


@dataclass(frozen=True)
class Dialect:
    name: str
    delimiter: str
    decimal: str
    date_format: str
    yes: str
    no: str
    bom: bool
    lang: str | None  # column titles in this language; None: the JSON keys


DIALECTS = {
    "fr": Dialect("fr", ";", ",", "%d/%m/%Y", "Oui", "Non", True, "fr"),
    "en": Dialect("en", ",", ".", "%Y-%m-%d", "Yes", "No", True, "en"),
    "rfc4180": Dialect("rfc4180", ",", ".", "%Y-%m-%d", "true", "false", False, None),
}

#: titles of the fields that are not columns of the action table
_TITLES = {"sheet": schema.Text("Feuille", "Sheet"), "row": schema.Text("Ligne", "Row"),
           "status_key": schema.Text("Clé statut", "Status key"),
           "category_key": schema.Text("Clé catégorie", "Category key"),
           "team": schema.Text("Équipe", "Team"), "source": schema.Text("Fichier", "File")}


def dialect(lang: str = "fr", name: str | None = None) -> Dialect:
    """The dialect asked (``fr``, ``en``, ``rfc4180``), else the one of the output language."""
    return DIALECTS[name or ("en" if lang == "en" else "fr")]


def safe(value: Any) -> Any:
    if isinstance(value, str) and value.startswith(_DANGEROUS):
        return "'" + value
    return value


def cell(value: Any, d: Dialect) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return d.yes if value else d.no
    if isinstance(value, (int, float)):
        text = repr(float(value)) if isinstance(value, float) else str(value)
        if text.endswith(".0"):
            text = text[:-2]
        if "e" in text or "E" in text:
            text = f"{value:.15f}".rstrip("0").rstrip(".")
        return text.replace(".", d.decimal)
    if isinstance(value, (date, datetime)):
        return value.strftime(d.date_format)
    return str(safe(value))


def title(key: str, d: Dialect) -> str:
    if d.lang is None:
        return key
    if key in _TITLES:
        return _TITLES[key](d.lang)
    return schema.ACTIONS.column(key).label(d.lang)


def _writer(out: IO[str], d: Dialect) -> Any:
    if d.bom:
        out.write(BOM)
    return csv.writer(out, delimiter=d.delimiter, lineterminator="\n")


def _values(action: Any, cols: list[str]) -> list[Any]:
    return [getattr(action, c) for c in cols]


def write_actions(a: Analysis, out: IO[str], d: Dialect | None = None) -> None:
    d = d or DIALECTS["rfc4180"]
    cols = list(json_keys())
    w = _writer(out, d)
    w.writerow([title(c, d) for c in cols])
    for action in a.actions:
        w.writerow([cell(v, d) for v in _values(action, cols)])


def write_consolidated_actions(c: Any, out: IO[str], d: Dialect | None = None) -> None:
    """Every consolidated action with its team and source file."""
    d = d or DIALECTS["rfc4180"]
    cols = list(json_keys())
    w = _writer(out, d)
    w.writerow([title(k, d) for k in ("team", "source", *cols)])
    for f, action in c.actions():
        w.writerow([cell(f.team, d), cell(str(f.path), d), *(cell(v, d) for v in _values(action, cols))])
