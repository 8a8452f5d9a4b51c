"""The content of a filled plan, used to write pre-filled workbooks (samples, tests).

Rows are dicts keyed by the schema's column keys. Values of dropdown columns are written as
given: labels in the workbook's language, as a person would type them.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field, fields
from datetime import date
from pathlib import Path
from typing import Any

from .errors import UsageError

Row = dict[str, Any]


@dataclass
class Revenue:
    annual_target: float | None = None
    weights: list[float | None] = field(default_factory=lambda: [1.0] * 12)
    actuals: list[float | None] = field(default_factory=lambda: [None] * 12)


@dataclass
class PlanData:
    company: str = ""
    team: str = ""
    period: str = ""
    vision: str = ""
    #: the plan's year (revenue grid, schedule); None = the generator's option or this year
    year: int | None = None
    #: the reference date of the cached "late" values (None = today)
    as_of: date | None = None
    owners: list[str] = field(default_factory=list)
    #: the category list when it is not the standard one (renamed or completed entries)
    categories: list[str] = field(default_factory=list)
    objectives: list[Row] = field(default_factory=list)
    segments: list[Row] = field(default_factory=list)
    mix: dict[str, str] = field(default_factory=dict)
    swot: dict[str, str] = field(default_factory=dict)
    review: list[Row] = field(default_factory=list)
    actions: list[Row] = field(default_factory=list)
    tasks: list[Row] = field(default_factory=list)
    kpis: list[Row] = field(default_factory=list)
    revenue: Revenue = field(default_factory=Revenue)
    rituals: list[Row] = field(default_factory=list)
    obstacles: list[Row] = field(default_factory=list)
    #: opportunities (Pipeline sheet) and the sales stages with their probability of signature
    pipeline: list[Row] = field(default_factory=list)
    stages: list[Row] = field(default_factory=list)
    #: the prospecting funnel, one row per month (January first), and the business stage
    #: ("startup": ×3, "growth": ×2) that sets the volumes needed upstream
    funnel: list[Row] = field(default_factory=list)
    funnel_stage: str = "startup"
    #: the ISO 4217 code of the currency every amount of the plan is kept in (schema.CURRENCIES)
    currency: str = "EUR"
    #: the one-objective sheet: strategy reminder, objective, deadline
    objective_sheet: dict[str, Any] = field(default_factory=dict)

    def rows(self, table_key: str) -> list[Row]:
        return getattr(self, table_key, None) or []

    @classmethod
    def from_toml(cls, path: Path) -> PlanData:
        try:
            raw = tomllib.loads(Path(path).read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
            raise UsageError("err.data", path=path, detail=exc) from exc
        known = {f.name for f in fields(cls)}
        unknown = set(raw) - known
        if unknown:
            raise UsageError("err.data", path=path, detail=f"unknown keys {sorted(unknown)}")
        revenue = Revenue(**raw.pop("revenue", {}))
        return cls(revenue=revenue, **raw)
