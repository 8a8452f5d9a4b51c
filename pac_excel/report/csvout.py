"""The actions table as CSV. A text cell starting with = + - @ TAB or CR is prefixed with a
quote, so a spreadsheet opening the CSV never runs it as a formula (OWASP CSV injection)."""

from __future__ import annotations

import csv
from typing import IO, Any

from ..analysis import Analysis, json_keys

_DANGEROUS = ("=", "+", "-", "@", "\t", "\r")


def safe(value: Any) -> Any:
    if isinstance(value, str) and value.startswith(_DANGEROUS):
        return "'" + value
    return value


def write_actions(a: Analysis, out: IO[str]) -> None:
    cols = list(json_keys())
    w = csv.writer(out, lineterminator="\n")
    w.writerow(cols)
    for action in a.actions:
        d = action.to_dict()
        w.writerow(["" if d[c] is None else safe(d[c]) for c in cols])


def write_consolidated_actions(c: Any, out: IO[str]) -> None:
    """Every consolidated action with its team and source file."""
    cols = ["team", "source", *json_keys()]
    w = csv.writer(out, lineterminator="\n")
    w.writerow(cols)
    for f, action in c.actions():
        d = {"team": f.team, "source": str(f.path), **action.to_dict()}
        w.writerow(["" if d[k] is None else safe(d[k]) for k in cols])
