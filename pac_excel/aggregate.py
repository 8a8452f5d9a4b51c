"""Totals and breakdowns of actions: the one aggregation every output uses (analysis,
consolidation, text, JSON, CSV, report workbooks).

One rule for amounts: a column absent from the workbook (from every workbook, in a
consolidation) is unknown — ``None``, never 0 —; a column present sums the values entered.

Budget figures read together: ``budget_variance`` (Écart budget) covers the actions that have
both a planned and an actual budget; ``budget_unspent`` is the planned budget of the actions
with no actual budget yet — what is not yet spent. With every action planned,
``budget_actual − budget_planned = budget_variance − budget_unspent``.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from typing import Any

from . import schema

GROUP_AMOUNTS = ("budget_planned", "budget_actual")
#: the figures of a total that count actions; every other one is an amount
COUNTS = ("actions", "late", "done")


def amounts() -> tuple[str, ...]:
    """The amount columns of an action that are typed in (schema: money, input): summed in
    every total, breakdown and report."""
    return tuple(c.key for c in schema.ACTIONS.columns if c.totalled)


def total_keys() -> tuple[str, ...]:
    """The figures of a total, in the order every report shows them."""
    amount = amounts()
    budget = [k for k in amount if k.startswith("budget_")]
    return ("actions", *budget, "budget_variance", "budget_unspent", *(k for k in amount if k not in budget),
            "late", "done")


def cents(v: float) -> float:
    """An amount rounded to the cent (sums of floats drift by 1e-12)."""
    return round(v, 2) + 0.0


def _sum(actions: Sequence[Any], key: str, columns: set[str]) -> float | None:
    if key not in columns:
        return None  # an absent column is unknown, not 0
    return cents(math.fsum(v for v in map(lambda a: getattr(a, key), actions) if v is not None))


def totals(actions: Sequence[Any], columns: set[str]) -> dict[str, Any]:
    """The totals of some actions read from workbooks whose action tables had ``columns``."""
    both = "budget_planned" in columns and "budget_actual" in columns
    out: dict[str, Any] = {"actions": len(actions)}
    for key in amounts():
        out[key] = _sum(actions, key, columns)
    out["budget_variance"] = cents(math.fsum(a.budget_variance for a in actions if a.budget_variance is not None)) \
        if both else None
    out["budget_unspent"] = cents(math.fsum(a.budget_planned for a in actions
                                            if a.budget_planned is not None and a.budget_actual is None)) \
        if both else None
    out["late"] = sum(1 for a in actions if a.late)
    out["done"] = sum(1 for a in actions if a.status_key == "done")
    return {k: out[k] for k in total_keys()}


def group(actions: Iterable[Any], columns: set[str], key: str) -> dict[str, dict[str, Any]]:
    """Actions grouped by one field (owner, category, status…): count and budgets per value."""
    rows: dict[str, list[Any]] = {}
    for a in actions:
        rows.setdefault(getattr(a, key), []).append(a)
    return {name: {"actions": len(grp), **{k: _sum(grp, k, columns) for k in GROUP_AMOUNTS}}
            for name, grp in rows.items()}


def currencies(codes: Iterable[str | None]) -> list[str]:
    """The currencies named, in order of first appearance (``None``, a plan naming none, left
    out): more than one, and amounts are never added together."""
    return list(dict.fromkeys(c for c in codes if c))


def combine(parts: Sequence[dict[str, Any]]) -> dict[str, Any]:
    """Totals of several plans: counts added, amounts added over the plans that know them
    (``None`` when none does)."""
    out: dict[str, Any] = {}
    for key in total_keys():
        values = [p[key] for p in parts if p.get(key) is not None]
        if key in COUNTS:
            out[key] = sum(values)
        else:
            out[key] = cents(math.fsum(values)) if values else None
    return out
