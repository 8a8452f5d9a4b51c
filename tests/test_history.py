"""The review history, on SQLite and on a real PostgreSQL server: a three-review story of four
teams, the same bytes twice, names that would break SQL, migrations, concurrent writers, a
writer killed in the middle of a submission.

Expected lists, diffs and trends are computed here from the plans the test wrote."""

from __future__ import annotations

import json
import signal
import subprocess
import sys
import textwrap
from datetime import date, datetime
from pathlib import Path

import openpyxl
import pytest
from click.testing import CliRunner
from helpers import table_cells

from pac_excel import GenerateOptions, PlanData, consolidate, generate, schema
from pac_excel.cli import main
from pac_excel.store import HEAD, Store, StoreError

ROOT = Path(__file__).resolve().parent.parent
AS_OF = {"2027-T1": date(2027, 3, 31), "2027-T2": date(2027, 6, 30), "2027-T3": date(2027, 9, 30)}
CREATED = datetime(2027, 1, 1)


# ------------------------------------------------------------------------------------ the plans written
def action(no, text, lang="fr", status="in_progress", **kw):
    return dict(no=no, action=text, status=schema.STATUS.label(status, lang), owner=kw.pop("owner", "Alice"),
                category=schema.CATEGORY.label("prospecting", lang), **kw)


def plans() -> dict[str, dict[str, PlanData]]:
    """review → team → plan. Nord: a date slips and a budget is cut, a result is entered; Sud
    sends two versions at T2; Est is late (nothing at T2, then one action dropped, one added);
    West writes in English."""
    nord1 = [action(1, "Salon régional", budget_planned=2000, budget_actual=1500, end=date(2027, 2, 1),
                    status="done", target=40),
             action(2, "Campagne d’e-mails", budget_planned=1000, end=date(2027, 3, 31), target=100),
             action(3, "Prospection téléphonique", budget_planned=500.5, end=date(2027, 12, 31), target=20, result=5)]
    nord2 = [dict(nord1[0], result=30), dict(nord1[1], end=date(2027, 4, 14), budget_planned=800), nord1[2]]
    kpi = dict(name="Clients actifs", direction="Hausse", initial=100, target=150)
    sud1 = [action(1, "Mailing", budget_planned=300, end=date(2027, 5, 1), target=50),
            action(2, "Webinaire", budget_planned=150, end=date(2027, 8, 1), status="todo")]
    sud2a = [dict(sud1[0], budget_actual=250), sud1[1]]
    sud2b = [dict(sud2a[0], result=61), sud1[1]]
    est1 = [action(1, "Étude de marché", budget_planned=4000, end=date(2027, 3, 1), status="done"),
            action(2, "Fichier clients", budget_planned=700, end=date(2027, 3, 15)),
            action(3, "Salon local", budget_planned=1200, end=date(2027, 10, 1))]
    est3 = [est1[0], est1[1], action(4, "Partenariat agence", budget_planned=900, end=date(2027, 11, 1))]
    west1 = [action(1, "Trade show", "en", "todo", budget_planned=5000, end=date(2027, 6, 1), owner="Bob"),
             action(2, "Referral scheme", "en", "in_progress", budget_planned=250, end=date(2027, 12, 1), owner="Bob")]
    west2 = [dict(west1[0], status="In progress"), west1[1]]

    def p(team, actions, kpis=(), lang="fr"):
        return PlanData(team=team, company="ACME", actions=actions, kpis=[dict(k) for k in kpis], year=2027)

    return {
        "2027-T1": {"Nord": p("Nord", nord1, [dict(kpi, m01=110)]), "Sud": p("Sud", sud1), "Est": p("Est", est1),
                    "West": p("West", west1)},
        "2027-T2": {"Nord": p("Nord", nord2, [dict(kpi, m01=110, m04=125)]), "Sud#a": p("Sud", sud2a),
                    "Sud": p("Sud", sud2b), "West": p("West", west2)},
        "2027-T3": {"Nord": p("Nord", nord2, [dict(kpi, m01=110, m04=125, m07=140)]), "Sud": p("Sud", sud2b),
                    "Est": p("Est", est3), "West": p("West", west2)},
    }


LANG = {"West": "en"}


def write_all(d: Path) -> dict[str, list[Path]]:
    out: dict[str, list[Path]] = {}
    for review, teams in plans().items():
        for key, plan in teams.items():
            team = key.split("#")[0]
            folder = d / review / key.replace("#", "_")
            folder.mkdir(parents=True)
            path = generate(folder / f"{team.lower()}.xlsx",
                            GenerateOptions(lang=LANG.get(team, "fr"), year=2027, created=CREATED), plan)
            out.setdefault(review, []).append(path)
    return out


# ------------------------------------------------------------------------------------ what the test expects
def closed(a: dict) -> bool:
    return schema.STATUS.key_of(a.get("status", "")) in schema.CLOSED_STATUSES


def late(a: dict, as_of: date) -> bool:
    return a.get("end") is not None and a["end"] < as_of and not closed(a)


def totals(plan: PlanData, as_of: date) -> dict:
    acts = plan.actions
    s = lambda k: round(sum(a.get(k) or 0 for a in acts), 2)  # noqa: E731
    return {"actions": len(acts), "budget_planned": s("budget_planned"), "budget_actual": s("budget_actual"),
            "done": sum(schema.STATUS.key_of(a["status"]) == "done" for a in acts),
            "late": sum(late(a, as_of) for a in acts)}


def current(review: str) -> dict[str, PlanData]:
    return {k: v for k, v in plans()[review].items() if "#" not in k}


# ------------------------------------------------------------------------------------ the story
@pytest.fixture
def story(store_url, tmp_path):
    files = write_all(tmp_path / "plans")
    store = Store(store_url)
    added = {}
    for review, paths in files.items():
        added[review] = []
        for path in paths:  # one add per file, as teams send them; Sud's two T2 versions in order
            added[review] += store.add([path], review, as_of=AS_OF[review])
    yield store, files, added
    store.close()


def test_every_plan_is_kept_and_the_latest_is_current(story):
    store, _files, added = story
    assert all(a.status == "added" for r in added.values() for a in r)
    listing = {(r["review"], r["team"]): r for r in store.listing()}
    expected = {(review, key.split("#")[0]) for review, teams in plans().items() for key in teams}
    assert set(listing) == expected  # Est has nothing at T2
    assert listing["2027-T2", "Sud"]["submissions"] == 2
    for (review, team), row in listing.items():
        plan = current(review)[team]
        assert row["actions"] == len(plan.actions)
        assert row["submissions"] == (2 if (review, team) == ("2027-T2", "Sud") else 1)
    sud = store.submissions("2027-T2", "Sud")
    assert [s.current for s in sud] == [False, True]
    snap = store.current("2027-T2", "Sud")
    assert [a.result for a in snap.analysis.actions] == [61, None]


def test_the_next_review_starts_from_the_team_s_last_plan(story, tmp_path):
    store, *_ = story
    last = store.latest_plan("Est")  # Est skipped T2: its T3 plan is the last
    assert [a["action"] for a in last.actions] == [a["action"] for a in plans()["2027-T3"]["Est"].actions]
    path = generate(tmp_path / "est-T4.xlsx", GenerateOptions(prefill=False), last)
    from pac_excel.planread import read_plan

    assert read_plan(path).data == last
    assert store.latest_plan("Ouest") is None


def test_diff_between_two_reviews_says_what_changed(story):
    store, *_ = story
    d = store.diff("Nord", "2027-T1", "2027-T2").to_dict()
    before, after = plans()["2027-T1"]["Nord"], plans()["2027-T2"]["Nord"]
    assert d["added"] == [] and d["removed"] == []
    want = {}
    for a, b in zip(before.actions, after.actions):
        changes = []
        for key in ("budget_planned", "end", "result"):
            if a.get(key) != b.get(key):
                x, y = a.get(key), b.get(key)
                c = {"field": key, "before": x.isoformat() if isinstance(x, date) else x,
                     "after": y.isoformat() if isinstance(y, date) else y}
                if isinstance(x, date):
                    c["days"] = (y - x).days
                elif x is not None and y is not None:
                    c["delta"] = round(y - x, 2)
                changes.append(c)
        was, now = late(a, AS_OF["2027-T1"]), late(b, AS_OF["2027-T2"])
        if was != now:
            changes.append({"field": "late", "before": was, "after": now})
        if changes:
            want[b["action"]] = sorted(changes, key=lambda c: c["field"])
    got = {c["action"]["action"]: sorted(c["changes"], key=lambda x: x["field"]) for c in d["changed"]}
    assert got == want
    assert got["Campagne d’e-mails"][1] == {"field": "end", "before": "2027-03-31", "after": "2027-04-14", "days": 14}
    assert d["totals"]["before"] == {**d["totals"]["before"], **totals(before, AS_OF["2027-T1"])}
    assert d["totals"]["after"] == {**d["totals"]["after"], **totals(after, AS_OF["2027-T2"])}
    kpi = d["indicators"]["changed"]
    assert kpi[0]["name"] == "Clients actifs"
    latest = next(c for c in kpi[0]["changes"] if c["field"] == "latest")
    assert (latest["before"], latest["after"]) == (110, 125)


def test_diff_of_a_late_team_lists_added_and_removed_actions(story):
    store, *_ = story
    d = store.diff("Est", "2027-T1", "2027-T3").to_dict()
    assert [a["action"] for a in d["added"]] == ["Partenariat agence"]
    assert [a["action"] for a in d["removed"]] == ["Salon local"]
    with pytest.raises(StoreError):
        store.diff("Est", "2027-T1", "2027-T2")  # nothing from Est at T2


def test_an_english_plan_compares_by_list_entry(story):
    store, *_ = story
    d = store.diff("West", "2027-T1", "2027-T2").to_dict()
    a, b = plans()["2027-T1"]["West"].actions[0], plans()["2027-T2"]["West"].actions[0]
    fr = {k: schema.STATUS.label(schema.STATUS.key_of(x["status"]), "fr") for k, x in (("a", a), ("b", b))}
    expected = [("status", fr["a"], fr["b"])]  # the history speaks the language it was asked (French here)
    if late(a, AS_OF["2027-T1"]) != late(b, AS_OF["2027-T2"]):
        expected.append(("late", late(a, AS_OF["2027-T1"]), late(b, AS_OF["2027-T2"])))
    assert [(c["action"]["action"], [(x["field"], x["before"], x["after"]) for x in c["changes"]])
            for c in d["changed"]] == [("Trade show", expected)]
    assert d["changed"][0]["action"]["status_key"] == "in_progress"


def test_trend_sums_the_current_plans_of_each_review(story):
    store, *_ = story
    t = store.trend().to_dict()
    assert [r["review"] for r in t["reviews"]] == list(AS_OF)
    for row in t["reviews"]:
        review = row["review"]
        teams = current(review)
        exp = [totals(p, AS_OF[review]) for p in teams.values()]
        assert row["teams"] == len(teams)
        for k in ("actions", "budget_planned", "budget_actual", "done", "late"):
            assert row[k] == pytest.approx(sum(e[k] for e in exp)), (review, k)
    nord = store.trend("Nord").to_dict()
    values = nord["indicators"][0]["values"]
    assert [(v["review"], v["value"]) for v in values] == [("2027-T1", 110), ("2027-T2", 125), ("2027-T3", 140)]


def test_export_equals_consolidate_on_the_same_files(story, tmp_path):
    store, files, _ = story
    review = "2027-T3"
    result = store.export(review, tmp_path / "export.xlsx")
    direct = consolidate(files[review], as_of=AS_OF[review])
    assert result.totals() == direct.totals()

    def rows(path: Path) -> list[tuple]:
        wb = openpyxl.load_workbook(path)
        ws = next(ws for ws in wb.worksheets if "T_Consolidation" in ws.tables)
        _, cells = table_cells(ws, ws.tables["T_Consolidation"])
        return sorted(tuple(c.value for c in r) for r in cells)

    from pac_excel.report.consolidated import ConsolidatedWriter

    with ConsolidatedWriter(tmp_path / "direct.xlsx", "fr") as w:
        for e in direct.files:
            w.add(e)
        w.finish(direct)
    assert rows(tmp_path / "export.xlsx") == rows(tmp_path / "direct.xlsx")


# ------------------------------------------------------------------------------------ bytes, names, errors
def test_same_bytes_twice_are_recorded_once_and_bad_files_nowhere(store_url, tmp_path):
    plan = generate(tmp_path / "lyon.xlsx", GenerateOptions(team="Lyon"), PlanData(actions=[action(1, "Salon")]))
    (tmp_path / "notes.txt").write_text("pas un classeur", encoding="utf-8")
    with Store(store_url) as store:
        first = store.add([plan], "R1")
        again = store.add([plan, tmp_path / "notes.txt"], "R1")
        assert [a.status for a in first] == ["added"]
        assert [(a.status, a.code) for a in again] == [("duplicate", None), ("rejected", "unsupported_format")]
        assert [(r["team"], r["submissions"]) for r in store.listing()] == [("Lyon", 1)]
        assert store.file_bytes(store.submissions()[0].sha256) == plan.read_bytes()  # the original bytes, kept


NASTY = ["L'équipe \"Nord\"; DROP TABLE submissions;--", "100 % Sud\nligne 2", "x" * 200, "Ü'%_\\;"]


def test_names_that_would_break_sql_round_trip_exactly(store_url, tmp_path):
    plan = generate(tmp_path / "p.xlsx", GenerateOptions(), PlanData(actions=[action(1, "Salon")]))
    with Store(store_url) as store:
        for i, name in enumerate(NASTY):
            assert store.add([plan], NASTY[-1 - i], team=name)[0].status == "added"
        got = {(r["review"], r["team"]) for r in store.listing()}
        assert got == {(NASTY[-1 - i], name) for i, name in enumerate(NASTY)}
        assert store.submissions(NASTY[0], NASTY[-1])[0].team == NASTY[-1]
    with pytest.raises(Exception, match="200"):
        Store(store_url).add([plan], "R", team="y" * 201)


# ------------------------------------------------------------------------------------ migrations
def test_a_store_of_the_first_schema_is_upgraded(store_url, tmp_path):
    import sqlalchemy as sa
    from alembic import command

    from pac_excel.snapshot import read_snapshot, to_json
    from pac_excel.store import _migrations

    engine = sa.create_engine(store_url)
    cfg = _migrations()
    with engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, "0001")
    plan = generate(tmp_path / "p.xlsx", GenerateOptions(team="Nord"),
                    PlanData(actions=[action(1, "Salon", budget_planned=1234.5)]))
    snap = to_json(read_snapshot(plan, date(2027, 1, 1)))
    with engine.begin() as conn:  # a submission as the first schema stored it
        conn.execute(sa.text("INSERT INTO blobs (sha256, size, data) VALUES ('ab', 2, :d)"), {"d": b"xy"})
        conn.execute(sa.text("INSERT INTO reviews (label, created_at) VALUES ('R1', :t)"), {"t": datetime(2027, 1, 1)})
        conn.execute(sa.text("INSERT INTO submissions (review_id, team, source, sha256, submitted_at, lang, actions, "
                             "problems, errors, snapshot) VALUES (1, 'Nord', 'p.xlsx', 'ab', :t, 'fr', 1, 0, 0, :s)"),
                     {"t": datetime(2027, 1, 1), "s": snap})
    engine.dispose()
    with Store(store_url) as store:
        assert store.revision() == HEAD
        (sub,) = store.submissions()
        assert sub.totals["budget_planned"] == 1234.5 and sub.totals["actions"] == 1


def test_the_head_revision_is_the_last_migration():
    from alembic.script import ScriptDirectory

    from pac_excel.store import HEAD, _migrations

    assert ScriptDirectory.from_config(_migrations()).get_current_head() == HEAD


def test_a_store_from_a_newer_version_is_refused_and_left_untouched(store_url):
    import sqlalchemy as sa

    Store(store_url).close()
    engine = sa.create_engine(store_url)
    with engine.begin() as conn:
        conn.execute(sa.text("UPDATE alembic_version SET version_num = '9999'"))
    with pytest.raises(StoreError) as err:
        Store(store_url)
    assert "9999" in err.value.message("fr") and "plus récente" in err.value.message("fr")
    with engine.connect() as conn:
        assert conn.execute(sa.text("SELECT version_num FROM alembic_version")).scalar() == "9999"
        assert "totals" in {c["name"] for c in sa.inspect(conn).get_columns("submissions")}
    engine.dispose()


# ------------------------------------------------------------------------------------ concurrency, kills
WRITER = textwrap.dedent("""
    import sys
    from pathlib import Path
    from pac_excel.store import Store
    url, plan, who, n = sys.argv[1], Path(sys.argv[2]), sys.argv[3], int(sys.argv[4])
    store = Store(url)
    for i in range(n):
        (a,) = store.add([plan], "R1", team=f"{who}-{i}")
        assert a.status == "added", a
    print("ok")
""")


def test_two_writers_at_once_lose_nothing_and_double_nothing(store_url, tmp_path):
    plan = generate(tmp_path / "p.xlsx", GenerateOptions(), PlanData(actions=[action(1, "Salon")]))
    procs = [subprocess.Popen([sys.executable, "-c", WRITER, store_url, str(plan), who, "50"], stdout=subprocess.PIPE,
                              stderr=subprocess.PIPE, text=True, cwd=ROOT) for who in ("a", "b")]
    outs = [p.communicate(timeout=300) for p in procs]
    for p, (out, err) in zip(procs, outs):
        assert p.returncode == 0 and out.strip() == "ok", err[-2000:]
        assert "locked" not in err
    with Store(store_url) as store:
        subs = store.submissions()
        assert len(subs) == 100 and len({s.team for s in subs}) == 100
        assert len({s.sha256 for s in subs}) == 1  # the bytes, stored once


KILLER = textwrap.dedent("""
    import os, signal, sys
    from pathlib import Path
    from pac_excel import store as st
    url, plan = sys.argv[1], Path(sys.argv[2])
    store = st.Store(url)
    real = st.Store._review_id
    def review_then_die(self, conn, *a):
        rid = real(self, conn, *a)
        from sqlalchemy import text
        conn.execute(st.Store._insert(self, conn, st.blobs).values(sha256="f" * 64, size=1, data=b"x"))
        os.kill(os.getpid(), signal.SIGKILL)  # killed inside the submission's transaction
    st.Store._review_id = review_then_die
    store.add([plan], "R1")
""")


def test_a_writer_killed_during_add_leaves_no_partial_submission(store_url, tmp_path):
    plan = generate(tmp_path / "p.xlsx", GenerateOptions(team="Nord"), PlanData(actions=[action(1, "Salon")]))
    Store(store_url).close()
    proc = subprocess.run([sys.executable, "-c", KILLER, store_url, str(plan)], capture_output=True, timeout=120,
                          cwd=ROOT)
    assert proc.returncode == -signal.SIGKILL
    import sqlalchemy as sa

    engine = sa.create_engine(store_url)
    with engine.connect() as conn:
        counts = [conn.execute(sa.text(f"SELECT COUNT(*) FROM {t}")).scalar() for t in ("reviews", "blobs",
                                                                                          "submissions")]
    engine.dispose()
    assert counts == [0, 0, 0]
    with Store(store_url) as store:  # the next add works
        assert [a.status for a in store.add([plan], "R1")] == ["added"]


# ------------------------------------------------------------------------------------ the command line
def test_history_commands_and_their_json_contract(tmp_path):
    files = write_all(tmp_path / "plans")
    db = f"sqlite:///{tmp_path / 'h.db'}"
    run = CliRunner().invoke
    for review, paths in files.items():
        res = run(main, ["history", "add", *map(str, paths), "--review", review, "--as-of", AS_OF[review].isoformat(),
                         "--db", db])
        assert res.exit_code == 0, res.output
    listing = json.loads(run(main, ["history", "list", "--db", db, "--format", "json"]).stdout)
    assert all(set(r) == {"review", "team", "submissions", "submitted_at", "actions", "problems"} for r in listing)
    assert {(r["review"], r["team"], r["submissions"]) for r in listing} == {
        (review, key.split("#")[0], 2 if key.startswith("Sud") and review == "2027-T2" else 1)
        for review, teams in plans().items() for key in teams}
    d = json.loads(run(main, ["history", "diff", "--team", "Nord", "--from", "2027-T1", "--to", "2027-T2", "--db", db,
                              "--format", "json", "-o", str(tmp_path / "diff.xlsx")]).stdout)
    assert set(d) >= {"added", "removed", "changed", "totals"} and set(d["totals"]) == {"before", "after"}
    assert {"action", "changes"} == set(d["changed"][0])
    t = json.loads(run(main, ["history", "trend", "--db", db, "--format", "json",
                              "-o", str(tmp_path / "t.xlsx")]).stdout)
    keys = {"review", "actions", "done", "late", "budget_planned", "budget_actual", "revenue_expected",
            "revenue_actual"}
    assert all(keys <= set(r) for r in t["reviews"]) and all({"name", "values"} <= set(i) for i in t["indicators"])
    trend_wb = openpyxl.load_workbook(tmp_path / "t.xlsx")
    assert [row[0].value for row in trend_wb.worksheets[0].iter_rows(min_row=4, max_col=1)][:3] == list(AS_OF)
    import zipfile

    with zipfile.ZipFile(tmp_path / "t.xlsx") as z:
        charts = [n for n in z.namelist() if n.startswith("xl/charts/chart")]
        assert charts and all(b"<c:lineChart>" in z.read(n) for n in charts)
    wb = openpyxl.load_workbook(tmp_path / "diff.xlsx")
    ws = wb["Modifications"]
    changed = [ws.cell(r, 5) for r in range(2, ws.max_row + 1)]
    assert changed and all(c.fill.fgColor.rgb.endswith("FFF2CC") for c in changed)  # the new values highlighted
    text = run(main, ["history", "list", "--db", db])
    assert "2027-T2" in text.stdout and "Sud" in text.stdout
    exp = run(main, ["history", "export", "--review", "2027-T3", "-o", str(tmp_path / "c.xlsx"), "--db", db])
    assert exp.exit_code == 0 and (tmp_path / "c.xlsx").exists()
    bad = run(main, ["history", "diff", "--team", "Nord", "--from", "2027-T9", "--to", "2027-T2", "--db", db])
    assert bad.exit_code == 1 and "2027-T9" in bad.output and "Traceback" not in bad.output


def test_diff_of_two_files_without_a_store(tmp_path):
    files = write_all(tmp_path / "plans")
    old = next(p for p in files["2027-T1"] if p.stem == "nord")
    new = next(p for p in files["2027-T2"] if p.stem == "nord")
    res = CliRunner().invoke(main, ["diff", str(old), str(new), "--format", "json", "--as-of", "2027-06-30"])
    d = json.loads(res.stdout)
    fields = sorted(c["field"] for ch in d["changed"] for c in ch["changes"])
    assert fields == ["budget_planned", "end", "result"]  # late at the same date in both versions
    text = CliRunner().invoke(main, ["diff", str(old), str(new), "--as-of", "2027-06-30"])
    assert "+14 j" in text.stdout and "Campagne d’e-mails" in text.stdout


def test_the_store_url_errors_are_clear(tmp_path):
    res = CliRunner().invoke(main, ["history", "list", "--db", "nosuchdb://x"])
    assert res.exit_code == 1 and "sqlite:////" in res.output and "Traceback" not in res.output
