"""Plans kept in another currency than the euro (issue 15): ``--currency`` on ``new`` and
``refresh``; every money format of the workbook follows; the reader, the reports, the JSON and
the consolidation know the currency of each plan and never add two currencies together."""

from __future__ import annotations

import io
import json
import math
import re
import subprocess
import sys
import zipfile
from pathlib import Path

import openpyxl
import pytest
import xlsxwriter
from helpers import TEMPLATES
from libreoffice import convert

from pac_excel import GenerateOptions, PlanData, analyze, generate, schema
from pac_excel.consolidation import consolidate
from pac_excel.planread import read_plan
from pac_excel.refresh import refresh
from pac_excel.report.text import render

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "samples" / "formation_rh.toml"
PREVIOUS = Path(__file__).parent / "data" / "previous"


def _plan(tmp_path: Path, currency: str, template: str = "pac", lang: str = "fr", name: str | None = None) -> Path:
    data = PlanData.from_toml(SAMPLE)
    return generate(tmp_path / (name or f"{template}_{lang}_{currency}.xlsx"),
                    GenerateOptions(template=template, lang=lang, currency=currency), data)


def _expected(field: str) -> float:
    """A total of the sample, from its data file."""
    return math.fsum(a.get(field) or 0 for a in PlanData.from_toml(SAMPLE).actions)


def _money_formats(path: Path) -> set[str]:
    """Every number format of the workbook's cells that groups thousands (the amounts)."""
    wb = openpyxl.load_workbook(path)
    return {c.number_format for ws in wb.worksheets for row in ws.iter_rows() for c in row
            if "#,##0" in c.number_format}


@pytest.mark.parametrize("template", TEMPLATES)
@pytest.mark.parametrize("currency", ["CHF", "XOF", "CAD"])
def test_every_amount_of_the_workbook_follows_the_currency(tmp_path, template, currency):
    path = _plan(tmp_path, currency, template)
    mark = schema.CURRENCIES[currency].mark
    formats = _money_formats(path)
    assert formats, "no amount format found"
    assert all(f'"{mark}"' in f for f in formats), formats
    assert not any("€" in f for f in formats)
    with zipfile.ZipFile(path) as z:  # chart data labels too
        codes = {m for n in z.namelist() if n.startswith("xl/charts/chart")
                 for m in re.findall(r'formatCode="([^"]*)"', z.read(n).decode())}
    assert not any("€" in c for c in codes)
    if template == "pac":
        assert any(mark in c for c in codes), codes
    wb = openpyxl.load_workbook(path)
    assert "pac_currency" in wb.defined_names
    texts = [str(c.value) for ws in wb.worksheets for row in ws.iter_rows() for c in row if isinstance(c.value, str)]
    guide = [x for x in texts if "2000" in x and ("pas «" in x or "not “" in x)]
    assert guide and all(f"2 000 {mark}" in x for x in guide)  # the guide's example in the workbook's currency
    assert read_plan(path).data.currency == currency
    a = analyze(path)
    assert a.currency == currency
    if template != "objectif":  # the one-objective sheet has tasks, not budgets
        assert a.totals()["budget_planned"] == _expected("budget_planned")


def test_euro_is_the_default_and_older_workbooks_are_in_euros(tmp_path):
    path = generate(tmp_path / "p.xlsx", GenerateOptions())
    assert all('"€"' in f for f in _money_formats(path))
    assert analyze(path).currency == "EUR"
    for old in sorted(PREVIOUS.glob("*.xlsx")):  # made before the setting existed
        assert analyze(old).currency == "EUR", old.name
        assert read_plan(old).data.currency == "EUR", old.name


def test_an_unknown_currency_is_a_usage_error(tmp_path):
    from pac_excel.errors import UsageError

    with pytest.raises(UsageError) as err:
        generate(tmp_path / "p.xlsx", GenerateOptions(currency="ZZZ"))
    assert "ZZZ" in err.value.message("fr") and "CHF" in err.value.message("fr")
    proc = subprocess.run([sys.executable, "-m", "pac_excel.cli", "new", str(tmp_path / "q.xlsx"), "--currency", "ZZZ"],
                          capture_output=True, text=True)
    assert proc.returncode == 2 and "--currency" in proc.stderr and "Traceback" not in proc.stderr
    assert not (tmp_path / "q.xlsx").exists()


def test_the_command_line_writes_and_reads_the_currency(tmp_path):
    out = tmp_path / "chf.xlsx"
    run = lambda *a: subprocess.run([sys.executable, "-m", "pac_excel.cli", *a], capture_output=True,  # noqa: E731
                                    text=True, check=True).stdout
    run("new", str(out), "--currency", "chf")
    assert json.loads(run("analyze", str(out), "--format", "json"))["currency"] == "CHF"
    src = tmp_path / "sample_chf.xlsx"
    _plan(tmp_path, "CHF", name=src.name)
    text = run("analyze", str(src))
    planned = f"{_expected('budget_planned'):,.0f}".replace(",", "\u202f")
    assert f"{planned} CHF" in text and "€" not in text.split("Problèmes")[0]


def test_libreoffice_keeps_the_currency_and_recalculates_the_same_figures(lo_available, tmp_path):
    src = _plan(tmp_path, "CHF")
    xlsx, = convert([src], tmp_path / "lo", "xlsx")
    ods, = convert([src], tmp_path / "lo", "ods")
    for saved in (xlsx, ods):
        a = analyze(saved)
        assert a.currency == "CHF", saved.name
        assert a.totals()["budget_planned"] == _expected("budget_planned")
        assert a.totals()["budget_actual"] == _expected("budget_actual")
    wb = openpyxl.load_workbook(xlsx, data_only=True)
    ws = wb[schema.sheet_name("dashboard", "fr")]
    shown = [c for row in ws.iter_rows() for c in row
             if isinstance(c.value, (int, float)) and "#,##0" in c.number_format]
    assert shown and all("CHF" in c.number_format for c in shown)
    # the recalculated planned budget tile equals the data's sum
    assert any(c.value == pytest.approx(_expected("budget_planned")) for c in shown)


def _trame(path: Path, headers: list[str], rows: list[list]) -> Path:
    wb = xlsxwriter.Workbook(str(path))
    ws = wb.add_worksheet("Plan")
    ws.write_row(0, 0, ["Plan d'action commercial 2027"])
    ws.write_row(2, 0, headers)
    for i, r in enumerate(rows, 3):
        ws.write_row(i, 0, r)
    wb.close()
    return path


ROWS = [["Salon Genève", "Léa", 12000, 9000], ["Mailing", "Marc", 3500, 4100], ["Webinaire", "Léa", 800, None]]


def test_a_home_made_file_names_its_currency_in_its_headers(tmp_path):
    chf = analyze(_trame(tmp_path / "chf.xlsx", ["Action", "Responsable", "Budget (CHF)", "Dépenses CHF"], ROWS))
    assert chf.currency == "CHF"
    assert chf.totals()["budget_planned"] == math.fsum(r[2] for r in ROWS)
    assert chf.totals()["budget_actual"] == math.fsum(r[3] for r in ROWS if r[3] is not None)
    plain = analyze(_trame(tmp_path / "plain.xlsx", ["Action", "Responsable", "Budget", "Dépenses"], ROWS))
    assert plain.currency is None  # nothing says: not guessed
    out = io.StringIO()
    render(plain, "fr", out, terminal=False)
    assert "€" not in out.getvalue()
    out = io.StringIO()
    render(chf, "fr", out, terminal=False)
    assert f"{math.fsum(r[2] for r in ROWS):,.0f}".replace(",", "\u202f") + " CHF" in out.getvalue()
    mixed = analyze(_trame(tmp_path / "mixed.xlsx", ["Action", "Responsable", "Budget (€)", "Dépenses (CHF)"], ROWS))
    assert mixed.currency is None
    p = next(p for p in mixed.problems if p.code == "currency_mix")
    assert (p.sheet, p.cell) == ("Plan", "D3") and "CHF" in p.message("fr") and "EUR" in p.message("fr")
    # refresh makes a pac-excel plan in the currency the headers name
    out_path = tmp_path / "refreshed.xlsx"
    refresh(tmp_path / "chf.xlsx", out_path)
    assert analyze(out_path).currency == "CHF"


def test_refresh_changes_the_mark_never_the_amounts(tmp_path):
    src = _plan(tmp_path, "EUR")
    done = refresh(src, tmp_path / "xof.xlsx", currency="XOF")
    assert [c.code for c in done.changes].count("currency_set") == 1
    a = analyze(tmp_path / "xof.xlsx")
    assert a.currency == "XOF" and a.totals() == analyze(src).totals()
    kept = refresh(tmp_path / "xof.xlsx", tmp_path / "again.xlsx")  # carried without being asked
    assert analyze(tmp_path / "again.xlsx").currency == "XOF"
    assert "currency_set" not in [c.code for c in kept.changes]


def test_consolidating_two_currencies_adds_counts_never_amounts(tmp_path):
    d = tmp_path / "in"
    d.mkdir()
    _plan(d, "CHF", name="geneve.xlsx")
    _plan(d, "EUR", name="lyon.xlsx")
    _trame(d / "annecy.xlsx", ["Action", "Responsable", "Budget", "Dépenses"], ROWS)  # names none
    c = consolidate([d], jobs=1)
    assert len(c.ok) == 3 and c.mixed and c.currency is None
    planned = _expected("budget_planned")
    tot = c.totals()
    assert tot["actions"] == 2 * len(PlanData.from_toml(SAMPLE).actions) + len(ROWS)
    assert tot["budget_planned"] is None and tot["budget_actual"] is None
    by = c.totals_by_currency()
    first = c.currencies()[0]  # the plan naming none is counted with the first currency named
    assert set(by) == {"CHF", "EUR"}
    other = ({"CHF", "EUR"} - {first}).pop()
    assert by[other]["budget_planned"] == planned
    assert by[first]["budget_planned"] == planned + math.fsum(r[2] for r in ROWS)
    assert any(p.code == "currencies_differ" for p in c.problems)
    assert all(g["budget_planned"] is None for g in c.group("category").values())
    assert sorted(str(g["currency"]) for g in c.by_team().values()) == ["CHF", "EUR", "None"]
    # the consolidated workbook: each action's amounts in its own plan's currency
    out = tmp_path / "conso.xlsx"
    proc = subprocess.run([sys.executable, "-m", "pac_excel.cli", "consolidate", str(d), "-o", str(out),
                           "--allow-duplicate-teams", "--jobs", "1"], capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr
    assert "CHF" in proc.stdout and "€" in proc.stdout and "plusieurs devises" in proc.stdout
    wb = openpyxl.load_workbook(out)
    ws = wb[schema.ACTIONS.sheet("fr")]
    head = [c.value for c in ws[1]]
    col_team, col_budget = head.index(schema.ACTIONS.column("team").label("fr")), \
        head.index(schema.ACTIONS.column("budget_planned").label("fr"))
    seen = {}
    for row in ws.iter_rows(min_row=2):
        if row[col_budget].value is not None:
            seen.setdefault(row[col_team].value, set()).add(row[col_budget].number_format)
    teams = {f.team: f.analysis.currency for f in c.ok}
    for team, fmts in seen.items():
        assert fmts == {schema.money_format(teams[team])}, (team, fmts)
    summary = wb.worksheets[0]
    cells = {(r, c.value) for r, row in enumerate(summary.iter_rows(), 1) for c in row if c.value is not None}
    assert any(v == "Totaux par devise" for _, v in cells)
    numbers = [c.value for row in summary.iter_rows() for c in row if isinstance(c.value, (int, float))]
    assert pytest.approx(planned) in numbers


def test_one_currency_consolidates_as_before(tmp_path):
    d = tmp_path / "in"
    d.mkdir()
    _plan(d, "CHF", name="geneve.xlsx")
    _trame(d / "annecy.xlsx", ["Action", "Responsable", "Budget", "Dépenses"], ROWS)
    c = consolidate([d], jobs=1)
    assert c.currency == "CHF" and not c.mixed
    assert c.totals()["budget_planned"] == _expected("budget_planned") + math.fsum(r[2] for r in ROWS)
    assert not any(p.code == "currencies_differ" for p in c.all_problems())


@pytest.mark.parametrize("typed, value", [("1 500 CHF", 1500.0), ("12 000 FCFA", 12000.0), ("300 DH", 300.0),
                                          ("$1,500.00", 1500.0), ("2 000 €", 2000.0), ("EUR 12", 12.0),
                                          ("1 000 Fr.", 1000.0), ("250,50 $ CA", 250.5)])
def test_amounts_typed_with_their_currency_are_read(typed, value):
    from pac_excel.read.values import parse_number

    assert parse_number(typed) == (value, None)


@pytest.mark.parametrize("typed", ["2 k€", "3 keur", "CHF", "abc CHF"])
def test_thousands_and_marks_alone_are_not_amounts(typed):
    """"2 k€" is 2,000 euros: read as 2 it would be a thousand times wrong — never guessed."""
    from pac_excel.read.values import parse_number

    value, problem = parse_number(typed)
    assert value is None and problem is not None and problem[0] == "invalid_number"


def test_a_header_in_thousands_names_no_currency(tmp_path):
    a = analyze(_trame(tmp_path / "k.xlsx", ["Action", "Responsable", "Budget (k€)", "Dépenses (k€)"], ROWS))
    assert a.currency is None and a.totals()["budget_planned"] == math.fsum(r[2] for r in ROWS)
    typed = [[r[0], r[1], f"{r[2]:,.0f} CHF".replace(",", " "), None] for r in ROWS]
    b = analyze(_trame(tmp_path / "t.xlsx", ["Action", "Responsable", "Budget (CHF)", "Dépenses"], typed))
    assert b.currency == "CHF" and b.totals()["budget_planned"] == math.fsum(r[2] for r in ROWS)
    assert not [p for p in b.problems if p.code == "invalid_number"]


def test_the_review_history_keeps_each_plans_currency_and_never_adds_two(tmp_path):
    from pac_excel.history import diff_files
    from pac_excel.report.history import write_diff, write_trend
    from pac_excel.store import Store

    def plan(name: str, currency: str, team: str, budgets: list[float]) -> Path:
        return generate(tmp_path / name, GenerateOptions(currency=currency, force=True),
                        PlanData(team=team, actions=[dict(no=i, action=f"A{i}", budget_planned=b)
                                                     for i, b in enumerate(budgets, 1)]))

    gen1, gen2 = plan("g1.xlsx", "CHF", "Genève", [1000, 500]), plan("g2.xlsx", "CHF", "Genève", [1200, 500, 300])
    lyon = plan("l1.xlsx", "EUR", "Lyon", [700])
    d = diff_files(gen1, gen2)
    assert d.currency == "CHF" and d.to_dict()["currency"] == "CHF"
    write_diff(d, tmp_path / "diff.xlsx")
    assert any('"CHF"' in f for f in _money_formats(tmp_path / "diff.xlsx"))
    with Store(f"sqlite:///{tmp_path / 'h.db'}") as store:
        store.add([gen1], "R1")
        store.add([gen2, lyon], "R2")
        one = store.trend("Genève")
        assert one.currency == "CHF"
        assert [r["budget_planned"] for r in one.reviews] == [1500.0, 2000.0]
        write_trend(one, tmp_path / "trend.xlsx")
        assert any('"CHF"' in f for f in _money_formats(tmp_path / "trend.xlsx"))
        both = store.trend()
        assert both.currency is None
        r2 = next(r for r in both.reviews if r["review"] == "R2")
        assert r2["actions"] == 4 and r2["budget_planned"] is None  # francs and euros never added
