"""A plan in the calendar people live in (iCalendar, RFC 5545, with the ``icalendar`` library):

- each action with dates: an all-day event from its start to its end (owner, linked objective,
  budget, status, target in the description);
- each task with a deadline: an all-day event that day;
- each ritual: a recurring event — its frequency as an RRULE, its day ("lundi", "Monday") and
  time ("9h30", "14:00") when it says them, from its start to its end (else over the plan's
  year), in Europe/Paris time.

UIDs are derived from the plan (company, team) and the item (action N° or text, task, ritual),
never from the time of export: importing a second export updates the events, not duplicates.
"""

from __future__ import annotations

import hashlib
import re
from datetime import date, datetime, time, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from . import schema
from .i18n import money, tx
from .plandata import PlanData
from .schema import normalize_label

TZ = "Europe/Paris"
_DAYS = {"lundi": "MO", "mardi": "TU", "mercredi": "WE", "jeudi": "TH", "vendredi": "FR", "samedi": "SA",
         "dimanche": "SU", "monday": "MO", "tuesday": "TU", "wednesday": "WE", "thursday": "TH", "friday": "FR",
         "saturday": "SA", "sunday": "SU", "lun": "MO", "mar": "TU", "mer": "WE", "jeu": "TH", "ven": "FR",
         "sam": "SA", "dim": "SU", "mon": "MO", "tue": "TU", "wed": "WE", "thu": "TH", "fri": "FR", "sat": "SA",
         "sun": "SU"}
_ORDINALS = {"premier": 1, "1er": 1, "first": 1, "1st": 1, "deuxieme": 2, "second": 2, "2e": 2, "2nd": 2,
             "troisieme": 3, "third": 3, "3e": 3, "3rd": 3, "quatrieme": 4, "fourth": 4, "4e": 4, "4th": 4,
             "dernier": -1, "derniere": -1, "last": -1}
_WEEKDAY = {"MO": 0, "TU": 1, "WE": 2, "TH": 3, "FR": 4, "SA": 5, "SU": 6}
_TIME = re.compile(r"\b(\d{1,2})\s*(?:h|:)\s*(\d{2})?\b")
_RULES: dict[str, dict[str, Any]] = {
    "daily": {"FREQ": "DAILY"}, "weekly": {"FREQ": "WEEKLY"}, "monthly": {"FREQ": "MONTHLY"},
    "quarterly": {"FREQ": "MONTHLY", "INTERVAL": 3}, "yearly": {"FREQ": "YEARLY"}}


def _uid(*parts: Any) -> str:
    key = "|".join(normalize_label(str(p)) for p in parts)
    return hashlib.sha256(key.encode()).hexdigest()[:32] + "@pac-excel"


def _day(v: Any) -> date | None:
    if isinstance(v, datetime):
        return v.date()
    return v if isinstance(v, date) else None


def ritual_rule(ritual: dict[str, Any], year: int) -> tuple[datetime | date, dict[str, Any], date] | None:
    """(first occurrence, RRULE, last day) of a ritual, or None when its frequency is unknown."""
    key = schema.FREQUENCY.key_of(str(ritual.get("frequency") or ""))
    if key is None:
        return None
    rule = dict(_RULES[key])
    start = _day(ritual.get("start")) or date(year, 1, 1)
    end = _day(ritual.get("end")) or date(year, 12, 31)
    when = normalize_label(str(ritual.get("when") or ""))
    words = re.findall(r"[a-z0-9]+", when)
    byday = next((_DAYS[w] for w in words if w in _DAYS), None)
    nth = next((_ORDINALS[w] for w in words if w in _ORDINALS), None)
    if byday and key == "weekly":
        rule["BYDAY"] = byday
        start += timedelta(days=(_WEEKDAY[byday] - start.weekday()) % 7)  # the first such day
    elif key in ("monthly", "quarterly", "yearly") and byday and nth:  # "premier mardi", "last Friday"
        rule["BYDAY"] = f"{nth}{byday}"
    elif key in ("monthly", "quarterly") and ({"fin", "end"} & set(words) or start.day > 28):
        rule["BYMONTHDAY"] = -1  # "fin de trimestre", or a day some months lack: the month's last day
    m = _TIME.search(when)
    first: datetime | date = start
    if m and 0 <= int(m[1]) <= 23:
        first = datetime.combine(start, time(int(m[1]), int(m[2] or 0)), ZoneInfo(TZ))
        last = datetime.combine(end, time(23, 59, 59), ZoneInfo(TZ)).astimezone(ZoneInfo("UTC"))
        rule["UNTIL"] = last
    else:
        rule["UNTIL"] = end
    return first, rule, end


def build(plan: PlanData, lang: str = "fr", owner: str | None = None) -> Any:
    """The iCalendar of a plan (only ``owner``'s items, when given)."""
    from icalendar import Calendar, Event, Timezone

    cal = Calendar()
    cal.add("prodid", "-//pac-excel//Plan d'action commercial//FR")
    cal.add("version", "2.0")
    cal.add("x-wr-calname", " — ".join(x for x in (plan.company, plan.team) if x) or tx("cal.name", lang))
    cal.add("x-wr-timezone", TZ)
    cal.add_component(Timezone.from_tzid(TZ))
    who = normalize_label(owner) if owner else None
    stamp = datetime(2000, 1, 1, tzinfo=ZoneInfo("UTC"))  # fixed: an export is a function of the plan
    year = plan.year or date.today().year

    def mine(row: dict[str, Any]) -> bool:
        return who is None or normalize_label(str(row.get("owner") or "")) == who

    col = schema.ACTIONS.column
    for a in plan.actions:
        start, end = _day(a.get("start")), _day(a.get("end"))
        if not (start or end) or not mine(a):
            continue
        first, last = start or end, end or start
        assert first is not None and last is not None
        if last < first:
            first, last = last, first
        e = Event()
        e.add("uid", _uid(plan.company, plan.team, "action", a.get("no") or a.get("action")))
        e.add("dtstamp", stamp)
        e.add("summary", str(a.get("action") or ""))
        e.add("dtstart", first)
        e.add("dtend", last + timedelta(days=1))
        lines = [f"{col(k).label(lang)} : {money(a[k]) if col(k).kind is schema.Kind.MONEY else a[k]}"
                 for k in ("owner", "objective", "budget_planned", "status", "indicator", "target") if a.get(k)]
        e.add("description", "\n".join(lines))
        if a.get("category"):
            e.add("categories", [str(a["category"])])
        cal.add_component(e)
    for t in plan.tasks:
        day = _day(t.get("deadline"))
        if day is None or not mine(t):
            continue
        e = Event()
        e.add("uid", _uid(plan.company, plan.team, "task", t.get("action_no"), t.get("task")))
        e.add("dtstamp", stamp)
        e.add("summary", f"{tx('cal.task', lang)} {t.get('task') or ''}".strip())
        e.add("dtstart", day)
        e.add("dtend", day + timedelta(days=1))
        if t.get("owner"):
            e.add("description", f"{schema.TASKS.column('owner').label(lang)} : {t['owner']}")
        cal.add_component(e)
    for r in plan.rituals:
        rule = ritual_rule(r, year)
        if rule is None or not mine(r):
            continue
        first, rrule, _end = rule
        e = Event()
        e.add("uid", _uid(plan.company, plan.team, "ritual", r.get("what")))
        e.add("dtstamp", stamp)
        e.add("summary", str(r.get("what") or ""))
        e.add("dtstart", first)
        if isinstance(first, datetime):
            e.add("dtend", first + timedelta(hours=1))
        else:
            e.add("dtend", first + timedelta(days=1))
        e.add("rrule", rrule)
        if r.get("owner"):
            e.add("description", f"{schema.RITUALS.column('owner').label(lang)} : {r['owner']}")
        cal.add_component(e)
    return cal


def write(plan: PlanData, output: Path, lang: str = "fr", owner: str | None = None, force: bool = False) -> int:
    """Write the plan's calendar as a new .ics file; the number of events."""
    from .fileio import atomic_output

    cal = build(plan, lang, owner)
    with atomic_output(output, force=force, suffix=".ics") as tmp:
        Path(tmp).write_bytes(cal.to_ical())
    return sum(1 for c in cal.walk("VEVENT"))
