"""Outputs people plug into: CSV in the dialect of its readers, a calendar, tables for BI, and a
command line that speaks one language."""

from __future__ import annotations

import csv
import io
import re
from datetime import date, timedelta
from pathlib import Path

import openpyxl
from click.testing import CliRunner
from libreoffice import convert

from pac_excel import schema
from pac_excel.analysis import analyze, json_keys
from pac_excel.cli import main

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "samples" / "pac_formation_rh.xlsx"
AS_OF = date(2026, 11, 30)


def run_csv(*args: str) -> str:
    r = CliRunner().invoke(main, ["analyze", str(SAMPLE), "--as-of", AS_OF.isoformat(), "--format", "csv", *args])
    assert r.exit_code == 0, r.output
    return r.stdout


def test_french_csv_is_what_a_french_excel_expects():
    text = run_csv()
    assert text.startswith("\ufeff")
    rows = list(csv.reader(io.StringIO(text[1:]), delimiter=";"))
    a = analyze(SAMPLE, as_of=AS_OF)
    keys = list(json_keys())
    assert rows[0][keys.index("action")] == "Action" and rows[0][keys.index("budget_planned")] == "Budget prévu"
    assert len(rows) == 1 + len(a.actions) and all(len(r) == len(keys) for r in rows)
    for row, x in zip(rows[1:], a.actions):
        got = dict(zip(keys, row))
        assert got["action"] == x.action
        assert got["budget_planned"] == ("" if x.budget_planned is None else f"{x.budget_planned:g}".replace(".", ","))
        assert got["revenue_actual"] == ("" if x.revenue_actual is None else f"{x.revenue_actual:g}".replace(".", ","))
        assert got["end"] == (x.end.strftime("%d/%m/%Y") if x.end else "")
        assert got["late"] == {True: "Oui", False: "Non", None: ""}[x.late]
    assert any("," in r[keys.index("attainment")] for r in rows[1:])  # a decimal comma, not a point


def test_english_and_program_dialects():
    en = list(csv.reader(io.StringIO(run_csv("--lang", "en")[1:])))
    assert en[0][list(json_keys()).index("budget_planned")] == "Planned budget"
    assert any(r[list(json_keys()).index("late")] == "Yes" for r in en[1:])
    raw = run_csv("--csv-dialect", "rfc4180")
    assert not raw.startswith("\ufeff")
    rows = list(csv.reader(io.StringIO(raw)))
    assert rows[0] == list(json_keys())
    assert all(len(r[list(json_keys()).index("end")]) in (0, 10) for r in rows[1:])  # ISO dates


def test_french_csv_opened_by_libreoffice_in_french(lo_available, tmp_path):
    """LibreOffice's French import (« ; », UTF-8, French number recognition) reads numbers as
    numbers, dates as dates and accents right."""
    path = tmp_path / "actions.csv"
    path.write_text(run_csv(), encoding="utf-8")
    (out,) = convert([path], tmp_path / "lo", locale="fr-FR", infilter="CSV:59,34,76,1,,1036")
    ws = openpyxl.load_workbook(out).active
    keys = list(json_keys())
    a = analyze(SAMPLE, as_of=AS_OF)
    header = [c.value for c in ws[1]]
    assert header[keys.index("budget_planned")] == "Budget prévu" and header[keys.index("category")] == "Catégorie"
    for r, x in enumerate(a.actions, 2):
        assert ws.cell(r, keys.index("action") + 1).value == x.action
        assert ws.cell(r, keys.index("budget_planned") + 1).value == x.budget_planned
        end = ws.cell(r, keys.index("end") + 1).value
        assert end is None if x.end is None else end.date() == x.end
        assert ws.cell(r, keys.index("category") + 1).value == x.category
        att = ws.cell(r, keys.index("attainment") + 1).value  # a decimal comma read as a number
        assert att is None if x.attainment is None else abs(att - x.attainment) < 1e-12
    assert schema.CATEGORY.label("prospecting", "fr") in {ws.cell(r, keys.index("category") + 1).value
                                                          for r in range(2, 2 + len(a.actions))}


# ------------------------------------------------------------------------------------ calendar
def ics(tmp_path: Path, name: str, *args: str) -> Path:
    out = tmp_path / name
    r = CliRunner().invoke(main, ["calendar", str(SAMPLE), "-o", str(out), *args])
    assert r.exit_code == 0, r.output
    return out


def events(path: Path) -> list:
    from icalendar import Calendar

    return list(Calendar.from_ical(path.read_bytes()).walk("VEVENT"))


def sample_data() -> dict:
    import tomllib

    return tomllib.loads((ROOT / "samples" / "formation_rh.toml").read_text(encoding="utf-8"))


def test_the_sample_plan_in_a_calendar(tmp_path):
    from dateutil.rrule import rrulestr
    from icalendar import Calendar

    raw = sample_data()
    path = ics(tmp_path, "plan.ics")
    cal = Calendar.from_ical(path.read_bytes())
    assert [tz["tzid"] for tz in cal.walk("VTIMEZONE")] == ["Europe/Paris"]
    evs = list(cal.walk("VEVENT"))
    dated = [a for a in raw["actions"] if a.get("start") or a.get("end")]
    deadlines = [t for t in raw.get("tasks", []) if t.get("deadline")]
    assert len(evs) == len(dated) + len(deadlines) + len(raw["rituals"])
    by_summary = {str(e["summary"]): e for e in evs}
    for a in dated:
        e = by_summary[a["action"]]
        assert e.decoded("dtstart") == (a.get("start") or a["end"])
        assert e.decoded("dtend") == (a.get("end") or a["start"]) + timedelta(days=1)  # all-day, end exclusive
        assert a["owner"] in str(e["description"])

    def expand(e):
        return [d.date() if hasattr(d, "date") else d
                for d in rrulestr(e["rrule"].to_ical().decode(), dtstart=e.decoded("dtstart"))]

    weekly, monthly, last_friday, quarterly = (by_summary[r["what"]] for r in raw["rituals"])
    r0 = raw["rituals"][0]  # "Lundi 9 h", every week from its start to its end
    mondays = [r0["start"] + timedelta(days=7 * i) for i in range(60)
               if r0["start"] + timedelta(days=7 * i) <= r0["end"]]
    assert expand(weekly) == mondays and weekly.decoded("dtstart").hour == 9
    assert str(weekly.decoded("dtstart").tzinfo) == "Europe/Paris"
    r1 = raw["rituals"][1]  # "Premier mardi du mois"
    first_tuesdays = []
    for m in range(1, 13):
        d = date(2026, m, 1)
        d += timedelta(days=(1 - d.weekday()) % 7)
        if r1["start"] <= d <= r1["end"]:
            first_tuesdays.append(d)
    assert expand(monthly) == first_tuesdays
    fridays = []
    for m in range(1, 13):
        d = date(2026 + m // 12, m % 12 + 1, 1) - timedelta(days=1)
        d -= timedelta(days=(d.weekday() - 4) % 7)
        fridays.append(d)
    assert expand(last_friday) == [d for d in fridays if raw["rituals"][2]["start"] <= d <= raw["rituals"][2]["end"]]
    assert expand(quarterly) == [date(2026, 3, 31), date(2026, 6, 30), date(2026, 9, 30), date(2026, 12, 31)]


def test_a_second_export_has_the_same_uids(tmp_path):
    one, two = ics(tmp_path, "a.ics"), ics(tmp_path, "b.ics")
    assert sorted(str(e["uid"]) for e in events(one)) == sorted(str(e["uid"]) for e in events(two))
    assert len({str(e["uid"]) for e in events(one)}) == len(events(one))
    assert one.read_bytes() == two.read_bytes()  # an export is a function of the plan


def test_calendar_of_one_owner(tmp_path):
    raw = sample_data()
    who = "Service marketing"
    mine = [e for e in events(ics(tmp_path, "m.ics", "--owner", who))]
    expected = sum(1 for a in raw["actions"] if a.get("owner") == who and (a.get("start") or a.get("end")))
    expected += sum(1 for t in raw.get("tasks", []) if t.get("owner") == who and t.get("deadline"))
    expected += sum(1 for r in raw["rituals"] if r.get("owner") == who)
    assert len(mine) == expected > 0
    bad = CliRunner().invoke(main, ["calendar", str(SAMPLE), "-o", str(tmp_path / "x.xlsx")])
    assert bad.exit_code == 2


# ------------------------------------------------------------------------------------ tables for BI
def test_export_to_parquet_reads_back_in_pandas_and_duckdb(tmp_path):
    import duckdb
    import pandas as pd

    from pac_excel import consolidate
    from pac_excel.export import COLUMNS

    out = tmp_path / "bi"
    r = CliRunner().invoke(main, ["export", str(ROOT / "samples"), "--to", "parquet", "--out", str(out)])
    assert r.exit_code == 0, r.output
    cons = consolidate([ROOT / "samples"])
    actions = pd.read_parquet(out / "actions.parquet")
    assert list(actions.columns) == list(COLUMNS["actions"])
    assert len(actions) == cons.totals()["actions"]
    assert round(actions["budget_planned"].sum(), 2) == cons.totals()["budget_planned"]
    assert {t: round(v, 2) for t, v in actions.groupby("team")["budget_planned"].sum().items()} == \
        {t: v["budget_planned"] for t, v in cons.by_team().items()}
    types = {row[0]: row[1] for row in duckdb.sql(f"DESCRIBE SELECT * FROM '{out / 'actions.parquet'}'").fetchall()}
    assert (types["end"], types["budget_planned"], types["row"], types["late"], types["status_key"]) == \
        ("DATE", "DOUBLE", "BIGINT", "BOOLEAN", "VARCHAR")
    total = duckdb.sql(f"SELECT SUM(budget_planned) FROM '{out / 'actions.parquet'}'").fetchall()[0][0]
    assert round(total, 2) == cons.totals()["budget_planned"]
    # indicators month by month, revenue month by month: from the sample's own data file
    raw = sample_data()
    values = pd.read_parquet(out / "indicator_values.parquet")
    ours = values[values.team == raw["team"]]
    assert len(ours) == sum(1 for k in raw["kpis"] for m in range(1, 13) if f"m{m:02d}" in k)
    revenue = pd.read_parquet(out / "revenue.parquet")
    assert list(revenue["month"]) == list(range(1, 13))
    assert round(revenue["target"].sum(), 2) == raw["revenue"]["annual_target"]
    assert revenue["actual"].sum() == sum(x for x in raw["revenue"]["actuals"] if x is not None)
    ledger = pd.read_parquet(out / "ledger.parquet")
    assert sorted(ledger["status"]) == ["ok", "ok"] and ledger["consolidated"].sum() == len(actions)


def test_export_to_csv_and_xlsx_and_as_dataframes(tmp_path):
    import pandas as pd

    from pac_excel.export import COLUMNS, from_files

    for to in ("csv", "xlsx"):
        r = CliRunner().invoke(main, ["export", str(SAMPLE), "--to", to, "--out", str(tmp_path / to)])
        assert r.exit_code == 0, r.output
    for name, cols in COLUMNS.items():
        assert list(pd.read_csv(tmp_path / "csv" / f"{name}.csv").columns) == list(cols)
    assert set(pd.ExcelFile(tmp_path / "xlsx" / "tables.xlsx", engine="calamine").sheet_names) == set(COLUMNS)
    frames = from_files([SAMPLE]).frames()
    a = frames["actions"]
    assert str(a["end"].dtype).startswith("datetime64") and str(a["budget_planned"].dtype) == "float64"
    assert str(a["late"].dtype) == "boolean" and str(frames["plans"]["plan_id"].dtype) == "Int64"
    assert list(frames["plans"]["currency"]) == ["EUR"]


def test_export_carries_the_pipeline_and_the_funnel_as_the_plan_has_them(tmp_path):
    import math
    import tomllib

    import pandas as pd

    from pac_excel import compute
    from pac_excel.export import from_files

    raw = tomllib.loads((ROOT / "samples" / "formation_rh.toml").read_text(encoding="utf-8"))
    assert "stages" not in raw  # the sample keeps the usual stages
    stages = [(label("fr"), p) for label, p in schema.DEFAULT_STAGES]
    frames = from_files([SAMPLE], as_of=AS_OF).frames()
    opp = frames["opportunities"]
    assert list(opp["client"]) == [o["client"] for o in raw["pipeline"]]
    for got, o in zip(opp.to_dict("records"), raw["pipeline"]):
        p = o.get("probability_override", dict(stages).get(o["stage"]))
        assert got["probability"] == p and got["weighted"] == o["amount"] * p
        stale = None if "next_date" not in o else o["next_date"] < AS_OF and 0 < p < 1
        assert (None if pd.isna(got["stale"]) else bool(got["stale"])) == stale
    weighted = math.fsum(o["amount"] * o.get("probability_override", dict(stages).get(o["stage"]))
                         for o in raw["pipeline"])
    assert round(opp["weighted"].sum(), 2) == round(weighted, 2) == analyze(SAMPLE, as_of=AS_OF).pipeline["weighted"]
    fun = frames["funnel"]
    typed = [m for m in raw["funnel"] if any(k in m for k in ("contacts", "meetings", "proposals", "signed", "target"))]
    assert len(fun) == len(typed)
    for k in ("contacts", "meetings", "proposals", "signed"):
        assert fun[k].sum() == sum(m.get(k, 0) for m in raw["funnel"])
    assert compute.is_number(fun["target"].iloc[0])


def test_export_refuses_a_missing_input(tmp_path):
    missing = CliRunner().invoke(main, ["export", str(tmp_path / "nope"), "--out", str(tmp_path / "none")])
    assert missing.exit_code == 2 and "introuvable" in missing.output and not (tmp_path / "none").exists()


def test_export_of_a_review_from_the_history(tmp_path):
    import pandas as pd

    db = f"sqlite:///{tmp_path / 'h.db'}"
    runner = CliRunner()
    added = runner.invoke(main, ["history", "add", str(ROOT / "samples"), "--review", "2027-T1", "--db", db])
    assert added.exit_code == 0
    r = runner.invoke(main, ["export", "--review", "2027-T1", "--db", db, "--to", "csv",
                             "--out", str(tmp_path / "h")])
    assert r.exit_code == 0, r.output
    stored = pd.read_csv(tmp_path / "h" / "actions.csv")
    runner.invoke(main, ["export", str(ROOT / "samples"), "--to", "csv", "--out", str(tmp_path / "f")])
    files = pd.read_csv(tmp_path / "f" / "actions.csv")
    assert stored.drop(columns="plan_id").sort_values(["team", "row"]).reset_index(drop=True).equals(
        files.drop(columns="plan_id").sort_values(["team", "row"]).reset_index(drop=True))
    assert set(pd.read_csv(tmp_path / "h" / "plans.csv")["review"]) == {"2027-T1"}


# ------------------------------------------------------------------------------------ one language
def _click_english() -> list[str]:
    """click's own messages (its gettext msgids), the words a French run must not show."""
    from pac_excel.clicat import CATALOG

    words = []
    for key in CATALOG:
        for text in key if isinstance(key, tuple) else (key,):
            literal = re.split(r"\{[^}]*\}|%\([^)]*\)s", text)
            words += [w.strip(" .:!?()'") for w in literal if len(w.strip(" .:!?()'")) >= 5]
    return sorted(set(words) - {"Options", "Option", "Argument", "version", "UUID"})  # the same words in French


def _commands() -> list[list[str]]:
    import click

    out = [[]]

    def walk(cmd, path):
        if isinstance(cmd, click.Group):
            for name, c in cmd.commands.items():
                out.append([*path, name])
                walk(c, [*path, name])

    walk(main, [])
    return out


_RUNS = """
import json, sys
from click.testing import CliRunner
from pac_excel.cli import main
out = []
for args in json.loads(sys.argv[1]):
    r = CliRunner().invoke(main, args)
    out.append([args, r.exit_code, r.output])
print(json.dumps(out))
"""


def test_a_french_run_says_no_english_word(tmp_path):
    """Every command's help and the common errors, in a process of their own (as a person runs
    them: one language per process)."""
    import json
    import subprocess
    import sys

    english = _click_english()
    assert "Show this message and exit" in english and "Missing argument" in english
    runs = [[*c, "--help"] for c in _commands()]
    runs += [["nosuch"], ["new"], ["analyze", str(tmp_path / "nope.xlsx")],
             ["analyze", str(SAMPLE), "--threshold", "-1"], ["analyze", str(SAMPLE), "--threshold", "x"],
             ["analyze", str(SAMPLE), "--lang", "de"], ["new", "a.xlsx", "--actions", "abc"],
             ["consolidate", str(tmp_path / "nope"), "-o", str(tmp_path / "o.xlsx")],
             ["analyze", str(SAMPLE), "--bogus"], ["history", "diff", "--team"], ["export"],
             ["refresh", str(SAMPLE), "-o", str(tmp_path / "r.xlsx"), "--lang", "de"],
             ["refresh", str(SAMPLE), "-o", str(tmp_path / "r.xlsx"), "--actions", "-3"]]
    r = subprocess.run([sys.executable, "-c", _RUNS, json.dumps(runs)], capture_output=True, text=True,
                       cwd=tmp_path, timeout=300)
    assert r.returncode == 0, r.stderr[-2000:]
    for args, code, text in json.loads(r.stdout):
        found = [w for w in english if w in text]
        assert not found, (args, found, text)
        assert "Usage:" not in text and "Error:" not in text and "Traceback" not in text, (args, text)
        if "nope" in " ".join(args):  # a missing input: one line naming it
            assert code in (1, 2) and "nope" in text and len(text.strip().splitlines()) == 1, (args, text)
        elif args[-1] != "--help":
            assert code == 2, (args, code, text)  # an invalid request
    assert not (tmp_path / "o.xlsx").exists()  # a missing input: nothing written


def test_english_when_asked_and_the_catalogue_is_in_step():
    from pac_excel.clicat import mo_bytes, mo_path

    assert mo_path().read_bytes() == mo_bytes()  # python -m pac_excel.clicat after changing the catalogue
    r = CliRunner().invoke(main, ["analyze", str(SAMPLE), "--lang", "en", "--threshold", "x"])
    assert r.exit_code == 2 and "Usage:" in r.output and "Invalid value" in r.output
    fr = CliRunner().invoke(main, ["analyze", str(SAMPLE), "--threshold", "x"])
    assert "Utilisation :" in fr.output and "Valeur invalide" in fr.output


def test_every_lang_option_is_a_choice_of_the_two_languages():
    import click

    found = []

    def walk(cmd, path):
        found.extend((path, p.type) for p in cmd.params if isinstance(p, click.Option) and "--lang" in p.opts)
        if isinstance(cmd, click.Group):
            for name, c in cmd.commands.items():
                walk(c, f"{path} {name}")

    walk(main, "pac-excel")
    assert len(found) >= 15
    assert [path for path, t in found if not (isinstance(t, click.Choice) and set(t.choices) == {"fr", "en"})] == []


def test_every_option_has_help():
    import click

    missing = []

    def walk(cmd, path):
        missing.extend(f"{path} {p.opts}" for p in cmd.params if isinstance(p, click.Option) and not p.help)
        if isinstance(cmd, click.Group):
            for name, c in cmd.commands.items():
                walk(c, f"{path} {name}")

    walk(main, "pac-excel")
    assert missing == []


def test_an_english_workbook_is_analysed_in_english_unless_asked(tmp_path):
    from pac_excel import GenerateOptions, PlanData, generate

    plan = generate(tmp_path / "en.xlsx", GenerateOptions(lang="en"),
                    PlanData(actions=[dict(action="Fair", owner="Ann")]))
    r = CliRunner().invoke(main, ["check", str(plan)])
    assert "Action not linked to a strategic objective" in r.output and "warning" in r.output
    fr = CliRunner().invoke(main, ["check", str(plan), "--lang", "fr"])
    assert "Action non rattachée à un objectif stratégique" in fr.output and "Action not linked" not in fr.output
    assert "avertissement" in fr.output and "warning" not in fr.output  # the severity too


def test_consolidation_says_problems_and_a_team_twice(tmp_path):
    import shutil

    from pac_excel import GenerateOptions, PlanData, generate

    folder = tmp_path / "in"
    folder.mkdir()
    generate(folder / "lyon.xlsx", GenerateOptions(team="Lyon"), PlanData(team="Lyon", actions=[dict(action="A")]))
    shutil.copy(folder / "lyon.xlsx", folder / "lyon-copie.ods.xlsx")
    generate(folder / "lyon2.xlsx", GenerateOptions(team="Lyon"), PlanData(team="Lyon", actions=[dict(action="B")]))
    r = CliRunner().invoke(main, ["consolidate", str(folder), "-o", str(tmp_path / "c.xlsx")])
    assert r.exit_code == 1 and "problème(s)" in r.output and "Lyon (2)" in r.output
    ok = CliRunner().invoke(main, ["consolidate", str(folder), "-o", str(tmp_path / "d.xlsx"),
                                   "--allow-duplicate-teams"])
    assert ok.exit_code == 0, ok.output
