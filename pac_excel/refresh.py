"""``refresh``: a filled plan rebuilt as a new workbook of the current template version.

Everything the person typed is kept (read by :mod:`pac_excel.planread`); everything computed
is rebuilt: rows typed below a table come inside it, overwritten formulas are restored, the
dropdown values take the list's own spelling (in the language asked), owners and categories
typed in the plan join their lists, and cached values are written for readers that do not
recalculate. The input file is never written.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from . import schema
from .errors import UsageError
from .i18n import tx
from .plandata import PlanData
from .planread import PlanRead, read_plan
from .read.values import as_text

#: empty action rows after the plan's actions, unless asked otherwise
ROOM = 20
#: each table → where its values of each list column come from (the dropdown's list)
_LIST_TABLES = ("actions", "tasks", "kpis", "rituals", "obstacles")


@dataclass
class Change:
    """One thing refresh did that the person should know."""

    code: str  # formula_restored, row_into_table, relabelled, listed, numbered, column_dropped
    sheet: str | None = None
    cell: str | None = None
    params: dict[str, Any] = field(default_factory=dict)

    def message(self, lang: str = "fr") -> str:
        return tx(f"refresh.{self.code}", lang).format(**self.params)

    def to_dict(self, lang: str = "fr") -> dict[str, Any]:
        return {"code": self.code, "sheet": self.sheet, "cell": self.cell, "message": self.message(lang)}


@dataclass
class Refreshed:
    source: str
    output: Path
    template: str
    version: str
    lang: str
    actions: int  # actions carried over
    rows: int  # action rows of the new table (actions + room)
    #: the template and version the source was made with (None: a workbook pac-excel did not make)
    from_template: str | None
    from_version: str | None
    changes: list[Change] = field(default_factory=list)

    def to_dict(self, lang: str = "fr") -> dict[str, Any]:
        return {"source": self.source, "output": str(self.output), "template": self.template,
                "version": self.version, "lang": self.lang, "actions": self.actions, "rows": self.rows,
                "from": {"template": self.from_template, "version": self.from_version},
                "changes": [c.to_dict(lang) for c in self.changes]}


def refresh(path: str | Path, output: str | Path, *, room: int = ROOM, lang: str | None = None,
            template: str | None = None, force: bool = False, bounded: bool = True,
            currency: str | None = None) -> Refreshed:
    """Read the plan at ``path`` and write it at ``output`` as a workbook of the current version
    of its template (or of ``template``), in its language (or ``lang``), with ``room`` empty
    action rows after its actions. Raises :class:`~pac_excel.errors.UsageError` for a bad
    request, :class:`~pac_excel.errors.PlanReadError` when ``path`` is not a readable plan and
    :class:`~pac_excel.errors.OutputExistsError` when ``output`` exists without ``force``."""
    from .templates import get_template

    path, output = Path(path), Path(output)
    if lang is not None and lang not in schema.LANGS:
        raise UsageError("err.lang", lang=lang)
    if room < 0:
        raise UsageError("err.room")
    if output.suffix.lower() != ".xlsx":
        raise UsageError("err.not_xlsx", path=output)
    if output.resolve() == path.resolve() or (output.exists() and path.exists() and output.samefile(path)):
        raise UsageError("err.refresh_same", path=output)
    if template is not None:
        get_template(template)  # an unknown template is a usage error, before any reading
    if currency is not None:
        from .generator import check_currency

        check_currency(currency)
    return rebuild(read_plan(path, bounded=bounded), output, room=room, lang=lang, template=template, force=force,
                   currency=currency)


def rebuild(read: PlanRead, output: str | Path, *, room: int = ROOM, lang: str | None = None,
            template: str | None = None, force: bool = False, currency: str | None = None) -> Refreshed:
    """Write a plan already read (a file's, or a stored snapshot's) as a new workbook of the
    current template version: what :func:`refresh` does after reading."""
    from .generator import MAX_ACTIONS, GenerateOptions, generate
    from .templates import all_templates, get_template

    output = Path(output)
    known = {t.id for t in all_templates()}
    target = template or (read.template if read.template in known else None) or _fitting(read.data)
    tpl = get_template(target)
    out_lang = lang or read.lang
    data = copy.deepcopy(read.data)
    changes: list[Change] = []
    changes += [Change("formula_restored", c.sheet, c.cell, {"column": _label(c.column, out_lang),
                                                                   "value": as_text(c.value)})
                for c in read.overwritten]
    changes += [Change("row_into_table", c.sheet, c.cell, {"row": c.cell.lstrip("ABCDEFGHIJKLMNOPQRSTUVWXYZ")})
                for c in read.outside]
    changes += [Change(f"{c.what}_left", c.sheet, c.cell or None, {"column": c.column, "n": c.value, "sheet": c.sheet})
                for c in read.left]
    _team_column(data)
    _drop_columns(data, tpl, changes, out_lang)
    _number_actions(data, read, changes)
    _relabel(data, read.lang, out_lang, changes)
    _complete_lists(data, out_lang, changes)
    rows = len(data.actions) + room
    if not 1 <= rows <= MAX_ACTIONS:
        raise UsageError("err.actions", max=f"{MAX_ACTIONS:,}".replace(",", " "))
    if currency is not None and currency != data.currency:
        changes.append(Change("currency_set", None, None, {"value": data.currency, "expected": currency}))
        data.currency = currency  # the mark shown changes; the amounts are the plan's, never converted
    generate(output, GenerateOptions(template=target, lang=out_lang, actions=max(rows, 1), force=force,
                                     prefill=False), data)
    return Refreshed(read.source, output, target, tpl.version, out_lang, len(data.actions), rows, read.template,
                     read.version, changes)


def _label(key: str, lang: str) -> str:
    for cols in (schema.ACTIONS, schema.KPIS):
        if key in {c.key for c in cols.columns}:
            return cols.column(key).label(lang)
    return next((c.label(lang) for c in schema.REVENUE_COLUMNS if c.key == key), key)


def _fitting(data: PlanData) -> str:
    """The template for a home-made plan: the complete one, the trame when the plan has plan
    phases, the one-objective sheet when it has tasks only."""
    if not data.actions and data.tasks:
        return "objectif"
    if any("phase" in r for r in data.actions):
        return "trame"
    return "pac"


def _drop_columns(data: PlanData, tpl: Any, changes: list[Change], lang: str) -> None:
    """Values of columns the target template does not have: said, never silently lost."""
    for key in _LIST_TABLES:
        rows = data.rows(key)
        if not rows:
            continue
        if not tpl.has(key):
            changes.append(Change("table_dropped", None, None, {"table": schema.TABLE_BY_KEY[key].title(lang),
                                                                "n": len(rows)}))
            setattr(data, key, [])
            continue
        keep = {c.key for c in tpl.columns(key)}
        lost: dict[str, int] = {}
        for r in rows:
            for k in [k for k in r if k not in keep]:
                lost[k] = lost.get(k, 0) + 1
                del r[k]
        for k, n in lost.items():
            changes.append(Change("column_dropped", None, None, {
                "column": schema.TABLE_BY_KEY[key].column(k).label(lang), "n": n}))


def _team_column(data: PlanData) -> None:
    """A home-made plan with an Équipe column holding one team: that is the plan's team."""
    teams = {r["team"].strip() for r in data.actions if isinstance(r.get("team"), str) and r["team"].strip()}
    if len(teams) == 1 and all(isinstance(r.get("team"), str) for r in data.actions) and not data.team.strip():
        data.team = teams.pop()
        for r in data.actions:
            del r["team"]


def _number_actions(data: PlanData, read: PlanRead, changes: list[Change]) -> None:
    """An action without a number takes the next free one; said when others had theirs (a row
    typed below the table), not for a home-made plan that numbers nothing."""
    numbers = [r["no"] for r in data.actions if isinstance(r.get("no"), (int, float))]
    nxt = int(max(numbers, default=0)) + 1
    for r in data.actions:
        if "no" not in r:
            r["no"] = nxt
            if numbers:
                changes.append(Change("numbered", None, None, {"action": _short(r.get("action", "")), "no": nxt}))
            nxt += 1


def _short(text: Any) -> str:
    text = str(text).replace("\n", " ")
    return text if len(text) <= 40 else text[:39] + "…"


def _relabel(data: PlanData, src_lang: str, lang: str, changes: list[Change]) -> None:
    """Each dropdown value recognised in either language (or as a synonym) written as the list's
    label in ``lang``: the workbook's own formulas then count it (COUNTIFS compares text)."""
    counts: dict[tuple[str, str], int] = {}
    custom = {schema.fold_value(c): c for c in data.categories}
    if data.categories:  # the standard entries of a custom list follow the language too
        data.categories = [_as_label(schema.CATEGORY, c, lang) or c for c in data.categories]
        custom = {schema.fold_value(c): c for c in data.categories}
    for key in _LIST_TABLES:
        tdef = schema.TABLE_BY_KEY[key]
        lists = {c.key: schema.LIST_BY_KEY[c.choices] for c in tdef.columns
                 if c.choices in schema.LIST_BY_KEY and c.choices != "owner"}
        for r in data.rows(key):
            for col, lst in lists.items():
                v = r.get(col)
                if not isinstance(v, str):
                    continue
                new = _as_label(lst, v, lang)
                if new is None and lst is schema.CATEGORY:
                    new = custom.get(schema.fold_value(v))
                if new is not None and new != v:
                    r[col] = new
                    counts[key, col] = counts.get((key, col), 0) + 1
    if lang == src_lang:  # a change of language relabels them all: that goes without saying
        for (key, col), n in counts.items():
            changes.append(Change("relabelled", schema.TABLE_BY_KEY[key].sheet(lang), None,
                                  {"column": schema.TABLE_BY_KEY[key].column(col).label(lang), "n": n}))


def _as_label(lst: schema.ListDef, value: str, lang: str) -> str | None:
    key = lst.key_of(value)
    return lst.label(key, lang) if key else None


def _complete_lists(data: PlanData, lang: str, changes: list[Change]) -> None:
    """Owners and categories typed in the plan but missing from its lists join them (while the
    lists have room), so the dropdowns offer them and the dashboard counts them."""
    owners = list(data.owners)
    seen = {schema.fold_value(o) for o in owners}
    for key in ("actions", "tasks", "rituals"):
        for r in data.rows(key):
            v = r.get("owner")
            if isinstance(v, str) and v.strip() and schema.fold_value(v) not in seen:
                seen.add(schema.fold_value(v))
                owners.append(v.strip())
    added = owners[len(data.owners):]
    room = schema.OWNERS.cells - len(data.owners)
    if added:
        data.owners = owners[:schema.OWNERS.cells]
        changes.append(Change("listed", None, None, {"list": schema.OWNERS.title(lang),
                                                     "values": ", ".join(added[:room])}))
        if len(added) > room:
            changes.append(Change("list_full", None, None, {"list": schema.OWNERS.title(lang),
                                                            "values": ", ".join(added[room:])}))
    categories = [r["category"] for r in data.actions if isinstance(r.get("category"), str) and r["category"].strip()]
    standard = schema.CATEGORY.labels(lang)
    known = {schema.fold_value(c) for c in (data.categories or standard)}
    extra: list[str] = []
    for c in categories:
        if schema.fold_value(c) not in known and schema.CATEGORY.key_of(c) is None:
            known.add(schema.fold_value(c))
            extra.append(c.strip())
    if extra:
        base = list(data.categories or standard)
        room = schema.CATEGORY.cells - len(base)
        data.categories = base + extra[:room]
        changes.append(Change("listed", None, None, {"list": schema.CATEGORY.title(lang),
                                                     "values": ", ".join(extra[:room])}))
        if len(extra) > room:
            changes.append(Change("list_full", None, None, {"list": schema.CATEGORY.title(lang),
                                                            "values": ", ".join(extra[room:])}))
