"""The JSON contract, streamed: one action at a time, so a 100,000-action plan is never held
twice (as dicts, then as one string)."""

from __future__ import annotations

import json
from typing import IO

from ..analysis import Analysis


def _dump(value: object) -> str:
    return json.dumps(value, ensure_ascii=False, indent=2).replace("\n", "\n  ")


def write_analysis(a: Analysis, out: IO[str], lang: str = "fr") -> None:
    head = {"source": a.source, "template": a.template, "as_of": a.as_of.isoformat(), "currency": a.currency,
            "totals": a.totals(),
            "by_owner": a.group("owner"), "by_category": a.group("category"), "by_status": a.group("status"),
            "by_objective": a.group("objective")}
    out.write("{\n")
    for key, value in head.items():
        out.write(f"  {json.dumps(key)}: {_dump(value)},\n")
    out.write('  "actions": [')
    for i, action in enumerate(a.actions):
        out.write(("," if i else "") + "\n    " + json.dumps(action.to_dict(), ensure_ascii=False))
    out.write("\n  ],\n")
    out.write(f'  "kpis": {_dump([k.to_dict() for k in a.kpis])},\n')
    out.write(f'  "pipeline": {_dump(a.pipeline)},\n')
    out.write(f'  "funnel": {_dump(a.funnel)},\n')
    out.write(f'  "problems": {_dump([p.to_dict(lang) for p in a.problems])}\n')
    out.write("}\n")
