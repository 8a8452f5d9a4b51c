"""What changed between two versions of a plan (``diff``), and how plans move over reviews
(``trend``): data first, the CLI and workbooks render it.

Actions are matched by N° when both plans have one and their texts agree, else by their
normalised text; indicators by their normalised name. Dropdown values are compared by their
list entry (a French and an English plan say the same "Terminé" / "Done").
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from . import aggregate, schema
from .analysis import ActionRecord, Analysis
from .schema import normalize_label

#: the fields compared, in the order a reader expects them
DIFF_FIELDS = tuple(c.key for c in schema.ACTIONS.columns if c.record and not c.computed) + ("late",)
_KEYED = {"status": "status_key", "category": "category_key"}


@dataclass
class Change:
    field: str
    before: Any
    after: Any

    def to_dict(self) -> dict[str, Any]:
        out = {"field": self.field, "before": _json(self.before), "after": _json(self.after)}
        if isinstance(self.before, date) and isinstance(self.after, date):
            out["days"] = (self.after - self.before).days
        elif _num(self.before) and _num(self.after):
            out["delta"] = aggregate.cents(self.after - self.before)
        return out


@dataclass
class Diff:
    added: list[ActionRecord] = field(default_factory=list)
    removed: list[ActionRecord] = field(default_factory=list)
    changed: list[tuple[ActionRecord, list[Change]]] = field(default_factory=list)
    #: indicators: (name, changes) for those in both, and the names added / removed
    indicators: list[tuple[str, list[Change]]] = field(default_factory=list)
    indicators_added: list[str] = field(default_factory=list)
    indicators_removed: list[str] = field(default_factory=list)
    before: dict[str, Any] = field(default_factory=dict)
    after: dict[str, Any] = field(default_factory=dict)
    #: the currency of the amounts (the newer plan's; None when it names none)
    currency: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return {
            "currency": self.currency,
            "added": [a.to_dict() for a in self.added],
            "removed": [a.to_dict() for a in self.removed],
            "changed": [{"action": a.to_dict(), "changes": [c.to_dict() for c in cs]} for a, cs in self.changed],
            "indicators": {"changed": [{"name": n, "changes": [c.to_dict() for c in cs]} for n, cs in self.indicators],
                           "added": self.indicators_added, "removed": self.indicators_removed},
            "totals": {"before": self.before, "after": self.after},
        }


def _num(v: Any) -> bool:
    return isinstance(v, (int, float)) and not isinstance(v, bool)


def _json(v: Any) -> Any:
    return v.isoformat() if isinstance(v, date) else v


def _text(a: ActionRecord) -> str:
    return normalize_label(a.action or "")


def _agree(x: str, y: str) -> bool:
    """Two action texts under one N° are the same action when equal once normalised, or close
    (a word fixed, a precision added)."""
    return x == y or (bool(x) and bool(y) and difflib.SequenceMatcher(None, x, y).ratio() >= 0.6)


def match(old: list[ActionRecord], new: list[ActionRecord], old_no: dict[int, Any] | None = None,
          new_no: dict[int, Any] | None = None) -> tuple[list[tuple[ActionRecord, ActionRecord]], list[ActionRecord],
                                                       list[ActionRecord]]:
    """(pairs, added, removed). ``*_no`` map an action's sheet row to its N°."""
    old_no, new_no = old_no or {}, new_no or {}
    pairs: list[tuple[ActionRecord, ActionRecord]] = []
    free_old = list(range(len(old)))
    taken_new: set[int] = set()
    by_no: dict[Any, list[int]] = {}
    for i in free_old:
        n = old_no.get(old[i].row)
        if n is not None:
            by_no.setdefault(n, []).append(i)
    for j, b in enumerate(new):
        n = new_no.get(b.row)
        for i in by_no.get(n, []) if n is not None else []:
            if i in free_old and _agree(_text(old[i]), _text(b)):
                pairs.append((old[i], b))
                free_old.remove(i)
                taken_new.add(j)
                break
    for j, b in enumerate(new):  # then by text, in order
        if j in taken_new:
            continue
        t = _text(b)
        found = next((i for i in free_old if _text(old[i]) == t and t), None)
        if found is not None:
            pairs.append((old[found], b))
            free_old.remove(found)
            taken_new.add(j)
    added = [b for j, b in enumerate(new) if j not in taken_new]
    removed = [old[i] for i in free_old]
    pairs.sort(key=lambda p: p[1].row)
    return pairs, added, removed


def _changes(a: ActionRecord, b: ActionRecord) -> list[Change]:
    out = []
    for f in DIFF_FIELDS:
        x, y = getattr(a, f), getattr(b, f)
        key = _KEYED.get(f)
        if key and getattr(a, key) and getattr(b, key):  # the same list entry, in any language
            if getattr(a, key) != getattr(b, key):
                out.append(Change(f, x, y))
            continue
        if _num(x) and _num(y):
            if abs(x - y) > 1e-9 * max(1.0, abs(x)):
                out.append(Change(f, x, y))
        elif (x if x not in ("", None) else None) != (y if y not in ("", None) else None):
            out.append(Change(f, x, y))
    return out


def diff(old: Analysis, new: Analysis, old_no: dict[int, Any] | None = None,
         new_no: dict[int, Any] | None = None) -> Diff:
    pairs, added, removed = match(old.actions, new.actions, old_no, new_no)
    d = Diff(added=added, removed=removed, before=old.totals(), after=new.totals(),
             currency=getattr(new, "currency", None) or getattr(old, "currency", None))
    for a, b in pairs:
        cs = _changes(a, b)
        if cs:
            d.changed.append((b, cs))
    ok = {normalize_label(k.name): k for k in old.kpis}
    nk = {normalize_label(k.name): k for k in new.kpis}
    for name, k in nk.items():
        if name not in ok:
            d.indicators_added.append(k.name)
            continue
        o = ok[name]
        cs = [Change(f, getattr(o, f), getattr(k, f)) for f in ("initial", "target", "latest", "attainment")
              if getattr(o, f) != getattr(k, f)]
        if cs:
            d.indicators.append((k.name, cs))
    d.indicators_removed = [k.name for n, k in ok.items() if n not in nk]
    return d


def numbers_of(plan: Any) -> dict[int, Any]:
    """Sheet row → N° of a plan read back (PlanRead)."""
    return {row: a.get("no") for row, a in zip(plan.action_rows, plan.data.actions) if a.get("no") is not None}


def diff_files(old_path: Any, new_path: Any, as_of: date | None = None, lang: str = "fr") -> Diff:
    """The diff of two plan files, no store involved."""
    from .snapshot import read_snapshot

    day = as_of or date.today()
    a, b = read_snapshot(old_path, day, lang), read_snapshot(new_path, day, lang)
    return diff(a.analysis, b.analysis, numbers_of(a.plan), numbers_of(b.plan))


# ------------------------------------------------------------------------------------ trend
TREND_KEYS = ("actions", "done", "late", "budget_planned", "budget_actual", "revenue_expected", "revenue_actual")


@dataclass
class Trend:
    team: str | None
    reviews: list[dict[str, Any]] = field(default_factory=list)
    indicators: list[dict[str, Any]] = field(default_factory=list)
    #: the one currency of the plans summed; None when none names one, or several do (their
    #: amounts are then not summed)
    currency: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return {"team": self.team, "currency": self.currency, "reviews": self.reviews, "indicators": self.indicators}


def trend(submissions: list[Any], review_order: list[str], team: str | None = None) -> Trend:
    """Per review, the sums over the teams' current plans (or one team's); per indicator, its
    latest value at each review."""
    current = [s for s in submissions if s.current and (team is None or s.team == team)]
    currencies = aggregate.currencies(s.totals.get("currency") for s in current)
    out = Trend(team, currency=currencies[0] if len(currencies) == 1 else None)
    by_review: dict[str, list[Any]] = {}
    for s in current:
        by_review.setdefault(s.review, []).append(s)
    names: dict[str, dict[str, Any]] = {}
    for label in review_order:
        subs = by_review.get(label)
        if not subs:
            continue
        row: dict[str, Any] = {"review": label, "teams": len(subs)}
        for k in TREND_KEYS:
            vals = [s.totals.get(k) for s in subs if s.totals.get(k) is not None]
            money = k.startswith(("budget", "revenue"))
            if money and len(currencies) > 1:
                vals = []  # amounts in several currencies are never added together
            row[k] = (aggregate.cents(sum(vals)) if money else sum(vals)) if vals else None
        for k in ("attainment", "kpi_attainment"):  # averages over every action / indicator, not of averages
            pairs = [s.totals.get(f"{k}_sum_n") for s in subs if s.totals.get(f"{k}_sum_n")]
            total, n = sum(p[0] for p in pairs), sum(p[1] for p in pairs)
            row[k] = total / n if n else None
        out.reviews.append(row)
        for s in subs:
            for k in s.kpis:
                name = k["name"] if team is not None else f"{s.team} — {k['name']}"
                entry = names.setdefault(normalize_label(name), {"name": name, "values": []})
                entry["values"].append({"review": label, "value": k["latest"], "attainment": k["attainment"]})
    out.indicators = list(names.values())
    return out
