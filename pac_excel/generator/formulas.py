"""Formulas of the computed table columns, and their values for pre-filled rows.

Measured constraints (shared/PITFALLS.md and our own probes):
- structured references are fully qualified (``T_Actions[[#This Row],[Col]]``): LibreOffice
  returns #N/A for the ``[@Col]`` shorthand;
- every input is tested with ISNUMBER before use, so a blank or a typed text gives a blank
  result, never an error value nor a misleading 0;
- LibreOffice's LOOKUP/MATCH "last value" idiom returns #N/A, so the latest monthly value of an
  indicator is a chain of IF from December back to January.

Each formula has a twin in :mod:`pac_excel.compute`: the value written as the cell's cached
result for readers that do not recalculate.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime
from typing import Any

from .. import compute, schema
from ..schema import MONTH_KEYS, TableDef


class Refs:
    """Structured references to the current row of one table."""

    def __init__(self, table: TableDef, lang: str) -> None:
        self.table = table
        self.lang = lang

    def __call__(self, key: str) -> str:
        label = self.table.column(key).label(self.lang)
        return f"{self.table.table_name}[[#This Row],[{label}]]"

    def label(self, key: str) -> str:
        return self.table.column(key).label(self.lang)


def _both(a: str, b: str) -> str:
    return f"AND(ISNUMBER({a}),ISNUMBER({b}))"


def actions_formulas(lang: str, keys: frozenset[str] = frozenset()) -> dict[str, str]:
    """The formulas of the action table whose columns are ``keys`` (a % done column makes an
    action at 100 % done for lateness, whatever its status)."""
    r = Refs(schema.ACTIONS, lang)
    yes, no = schema.YES_NO.label("yes", lang), schema.YES_NO.label("no", lang)
    closed = ",".join(f'{r("status")}="{schema.STATUS.label(k, lang)}"' for k in schema.CLOSED_STATUSES)
    if "progress" in keys:
        closed += f',AND(ISNUMBER({r("progress")}),{r("progress")}>=1)'
    return {
        "variance": f'=IF({_both(r("target"), r("result"))},{r("result")}-{r("target")},"")',
        "attainment": f'=IF({_both(r("target"), r("result"))},IF({r("target")}=0,"",{r("result")}/{r("target")}),"")',
        "budget_variance": (f'=IF({_both(r("budget_planned"), r("budget_actual"))},'
                            f'{r("budget_actual")}-{r("budget_planned")},"")'),
        "roi": (f'=IF({_both(r("revenue_actual"), r("budget_actual"))},IF({r("budget_actual")}=0,"",'
                f'({r("revenue_actual")}-{r("budget_actual")})/{r("budget_actual")}),"")'),
        "late": (f'=IF(ISNUMBER({r("end")}),IF(OR({closed}),"{no}",'
                 f'IF({r("end")}<TODAY(),"{yes}","{no}")),"")'),
    }


def kpis_formulas(lang: str, keys: frozenset[str] = frozenset()) -> dict[str, str]:
    r = Refs(schema.KPIS, lang)
    chain = '""'
    for key in MONTH_KEYS:  # January innermost, December tested first
        chain = f"IF(ISNUMBER({r(key)}),{r(key)},{chain})"
    ini, cib, last = r("initial"), r("target"), r("latest")
    return {
        "latest": "=" + chain,
        "attainment": (f'=IF(AND(ISNUMBER({ini}),ISNUMBER({cib}),ISNUMBER({last})),'
                       f'IF({cib}={ini},"",({last}-{ini})/({cib}-{ini})),"")'),
    }


def pipeline_formulas(lang: str, keys: frozenset[str] = frozenset()) -> dict[str, str]:
    """Probability from the stages table unless forced; weighted amount; stale deals."""
    r = Refs(schema.PIPELINE, lang)
    st = schema.STAGES
    yes, no = schema.YES_NO.label("yes", lang), schema.YES_NO.label("no", lang)
    names = f"{st.table_name}[{st.column('stage').label(lang)}]"
    probs = f"{st.table_name}[{st.column('probability').label(lang)}]"
    p, nd = r("probability"), r("next_date")
    return {
        "probability": (f'=IF(ISNUMBER({r("probability_override")}),{r("probability_override")},'
                        f'IF({r("stage")}="","",IFERROR(INDEX({probs},MATCH({r("stage")},{names},0)),"")))'),
        "weighted": f'=IF({_both(r("amount"), p)},{r("amount")}*{p},"")',
        "stale": (f'=IF(ISNUMBER({nd}),IF(AND({nd}<TODAY(),OR(NOT(ISNUMBER({p})),AND({p}>0,{p}<1))),'
                  f'"{yes}","{no}"),"")'),
    }


#: the cell of the funnel sheet holding the law-of-numbers factor (3 or 2), from the business stage
FUNNEL_FACTOR_CELL = "$F$4"


def funnel_formulas(lang: str, keys: frozenset[str] = frozenset()) -> dict[str, str]:
    """Conversion rates between stages of the month; the volumes needed upstream of its signing
    target by the law of numbers (× the factor at each stage)."""
    r = Refs(schema.FUNNEL, lang)
    f = FUNNEL_FACTOR_CELL

    def rate(num: str, den: str) -> str:
        return f'=IF({_both(r(num), r(den))},IF({r(den)}=0,"",{r(num)}/{r(den)}),"")'

    def need(power: int) -> str:
        return f'=IF(ISNUMBER({r("target")}),{r("target")}*{f}^{power},"")'

    return {"rate_meetings": rate("meetings", "contacts"), "rate_proposals": rate("proposals", "meetings"),
            "rate_signed": rate("signed", "proposals"), "need_proposals": need(1), "need_meetings": need(2),
            "need_contacts": need(3)}


FORMULAS: dict[str, Callable[[str, frozenset[str]], dict[str, str]]] = {"actions": actions_formulas,
                                                                        "kpis": kpis_formulas,
                                                                        "pipeline": pipeline_formulas,
                                                                        "funnel": funnel_formulas}


def _as_date(v: Any) -> date | None:
    if isinstance(v, datetime):
        return v.date()
    return v if isinstance(v, date) else None


def cached_values(table_key: str, row: dict[str, Any], lang: str, as_of: date,
                  stages: list[dict[str, Any]] | None = None, factor: int = 3) -> dict[str, Any]:
    """The values the computed cells of a filled row show (``""`` for a blank result);
    ``stages``: the rows of the stages table, for the pipeline; ``factor``: the funnel's."""
    out: dict[str, Any] = {}
    if table_key == "actions":
        status = schema.STATUS.key_of(row["status"]) if row.get("status") else None
        progress = row.get("progress")
        finished = status in schema.CLOSED_STATUSES or (compute.is_number(progress) and progress >= 1)
        late = compute.is_late(_as_date(row.get("end")), finished, as_of)
        out = {
            "variance": compute.variance(row.get("target"), row.get("result")),
            "attainment": compute.attainment(row.get("target"), row.get("result")),
            "budget_variance": compute.budget_variance(row.get("budget_planned"), row.get("budget_actual")),
            "roi": compute.roi(row.get("revenue_actual"), row.get("budget_actual")),
            "late": None if late is None else schema.YES_NO.label("yes" if late else "no", lang),
        }
    elif table_key == "pipeline":
        probability = compute.stage_probability(row.get("stage"), row.get("probability_override"),
                                                [(str(s.get("stage") or ""), s.get("probability"))
                                                 for s in stages or ()])
        stale = compute.is_stale(_as_date(row.get("next_date")), probability, as_of)
        out = {"probability": probability, "weighted": compute.weighted(row.get("amount"), probability),
               "stale": None if stale is None else schema.YES_NO.label("yes" if stale else "no", lang)}
    elif table_key == "funnel":
        target = row.get("target")
        out = {"rate_meetings": compute.ratio(row.get("meetings"), row.get("contacts")),
               "rate_proposals": compute.ratio(row.get("proposals"), row.get("meetings")),
               "rate_signed": compute.ratio(row.get("signed"), row.get("proposals")),
               **{f"need_{k}": target * factor ** p if compute.is_number(target) else None
                  for k, p in (("proposals", 1), ("meetings", 2), ("contacts", 3))}}
    elif table_key == "kpis":
        latest = compute.latest_value([row.get(k) for k in MONTH_KEYS])
        out = {"latest": latest, "attainment": compute.kpi_attainment(row.get("initial"), row.get("target"), latest)}
    return {k: ("" if v is None else v) for k, v in out.items()}
