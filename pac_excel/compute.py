"""The figures of a plan, on plain values: no I/O, no spreadsheet.

Each function mirrors one workbook formula (see generate/formulas.py) and returns ``None``
where the workbook shows a blank cell: an input is missing or the ratio is undefined. The
ones run for every action settle the common cases first (an input missing, two floats), then
make the general test.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import TypeGuard

Number = float | int


def is_number(x: object) -> TypeGuard[float | int]:
    """A number typed in a cell (a bool is not one)."""
    t = type(x)
    return t is float or t is int or (t is not bool and isinstance(x, (int, float)))


def variance(target: Number | None, result: Number | None) -> Number | None:
    """Écart = résultat obtenu − objectif."""
    if target is None or result is None:
        return None
    if (type(target) is float and type(result) is float) or (is_number(target) and is_number(result)):
        return result - target
    return None


def ratio(numerator: Number | None, denominator: Number | None) -> float | None:
    """numerator / denominator; undefined (None) for a missing value or a zero denominator."""
    if is_number(numerator) and is_number(denominator) and denominator != 0:
        return numerator / denominator
    return None


def attainment(target: Number | None, result: Number | None) -> float | None:
    """Taux d'atteinte = résultat obtenu / objectif; undefined for a zero objective (ratio's
    body, inlined: it runs once per action over whole columns)."""
    if target is None or result is None:
        return None
    if ((type(target) is float and type(result) is float) or (is_number(target) and is_number(result))) and target != 0:
        return result / target
    return None


def budget_variance(planned: Number | None, actual: Number | None) -> Number | None:
    """Écart budget = budget réel − budget prévu (positive = overrun)."""
    if planned is None or actual is None:
        return None
    if (type(planned) is float and type(actual) is float) or (is_number(planned) and is_number(actual)):
        return actual - planned
    return None


def roi(revenue_actual: Number | None, budget_actual: Number | None) -> float | None:
    """ROI = (CA réalisé − budget réel) / budget réel; undefined for a zero budget."""
    if revenue_actual is None or budget_actual is None:  # the common case: no revenue entered
        return None
    if is_number(revenue_actual) and is_number(budget_actual) and budget_actual != 0:
        return (revenue_actual - budget_actual) / budget_actual
    return None


def stage_probability(stage: str | None, override: Number | None,
                      stages: Sequence[tuple[str, Number | None]]) -> Number | None:
    """Probabilité of an opportunity: its own (forcée) when typed, else its stage's from the
    stages table (the first row of that name, exact text as MATCH compares it, case aside)."""
    if is_number(override):
        return override
    if not stage:
        return None
    folded = str(stage).casefold()
    for name, probability in stages:
        if str(name).casefold() == folded:
            return probability if is_number(probability) else None
    return None


def weighted(amount: Number | None, probability: Number | None) -> Number | None:
    """Montant pondéré = montant × probabilité."""
    if is_number(amount) and is_number(probability):
        return amount * probability
    return None


def is_stale(next_date: date | None, probability: Number | None, as_of: date) -> bool | None:
    """À relancer: the next step's date is before ``as_of`` and the deal is open (its
    probability is neither 0 %, lost, nor 100 %, won). ``None`` without a next step date."""
    if not isinstance(next_date, date):
        return None
    open_deal = not is_number(probability) or 0 < probability < 1
    return next_date < as_of and open_deal


def is_late(end: date | None, closed: bool | None, as_of: date) -> bool | None:
    """En retard: the end date is before ``as_of`` and the action is not closed (done or
    cancelled). ``None`` when there is no end date, or when the end has passed and whether the
    action is closed is unknown (a status nobody recognises)."""
    if not isinstance(end, date):
        return None
    if end >= as_of:
        return False
    return None if closed is None else not closed


def latest_value(values: Sequence[Number | None]) -> Number | None:
    """Dernière valeur: the last value entered in a series of periods."""
    for v in reversed(values):
        if is_number(v):
            return v
    return None


def kpi_attainment(initial: Number | None, target: Number | None, latest: Number | None) -> float | None:
    """Taux d'atteinte of an indicator = (dernière − initiale) / (cible − initiale).

    The ratio is direction-aware by construction: for a "lower is better" indicator both
    differences are negative, so progress towards a lower target is positive. Undefined (None)
    when the target equals the initial value or an input is missing."""
    if is_number(initial) and is_number(target) and is_number(latest) and target != initial:
        return (latest - initial) / (target - initial)
    return None


def split_target(annual: Number | None, weights: Sequence[Number | None]) -> list[float | None]:
    """The monthly targets: the annual target shared in proportion to the seasonal weights."""
    ws = [w if is_number(w) else 0 for w in weights]
    total = sum(ws)
    if is_number(annual) and total != 0:
        return [annual * w / total for w in ws]
    return [None] * len(ws)
