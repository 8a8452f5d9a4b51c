"""``pac-excel refresh``: a filled plan rebuilt in the current template — rows typed below the
table inside it, overwritten formulas restored, older versions and home-made trames upgraded.

The refreshed workbooks are recalculated by LibreOffice: their own dashboard must agree with
``analyze`` and with sums computed here from the typed inputs."""

from __future__ import annotations

import hashlib
import json
import shutil
from datetime import date, datetime
from pathlib import Path

import openpyxl
import pytest
import xlsxwriter
from click.testing import CliRunner
from helpers import error_cells, make, table_cells
from libreoffice import convert

from pac_excel import schema
from pac_excel.analysis import analyze
from pac_excel.cli import main
from pac_excel.i18n import figure_label, tx
from pac_excel.planread import read_plan
from pac_excel.refresh import refresh
from pac_excel.templates import get_template

DATA = Path(__file__).parent / "data"
AS_OF = date.today()

#: typed in the table's rows, then one more typed below it (outside the Excel Table)
TYPED = [
    dict(action="Salon régional", owner="Alice", budget_planned=1000, budget_actual=800, status="Terminé",
         target=40, result=46, end=date(2026, 3, 1), revenue_actual=5000),
    dict(action="Mailing clients", owner="Bob", budget_planned=250.5, status="en cours", target=100, result=60,
         end=date(2099, 1, 1)),
]
BELOW = dict(action="Webinaire ajouté en bas", owner="Chloé", budget_planned=500, budget_actual=499.99,
             status="fait", end=date(2026, 6, 30), revenue_actual=1200.25)
OVERWRITTEN_VALUE = 999


def money_sum(rows: list[dict], key: str) -> float:
    return round(sum(r.get(key) or 0 for r in rows), 2)


def type_plan(src: Path, dst: Path) -> None:
    """A person fills a 5-row plan: two actions in the table, one typed below it (no formula,
    no dropdown), a number typed over the first row's Écart formula."""
    wb = openpyxl.load_workbook(src)
    ws = wb[schema.sheet_name("actions", "fr")]
    headers, rows = table_cells(ws, ws.tables["T_Actions"])
    col = {c.key: headers.index(c.label("fr")) for c in schema.ACTIONS.columns if c.label("fr") in headers}
    for row, values in zip(rows, TYPED):
        for key, v in values.items():
            row[col[key]].value = datetime(v.year, v.month, v.day) if isinstance(v, date) else v
    rows[0][col["variance"]].value = OVERWRITTEN_VALUE
    below = rows[-1][0].row + 1
    for key, v in BELOW.items():
        ws.cell(below, col[key] + 1).value = datetime(v.year, v.month, v.day) if isinstance(v, date) else v
    wb.save(dst)


def tiles(ws) -> dict:
    return {ws.cell(r, 1).value: ws.cell(r, 2).value for r in range(1, ws.max_row + 1) if ws.cell(r, 1).value}


def seed_trame(path: Path) -> Path:
    """A home-made trame as seed 004 lays it out: a title, a vision line, then the nine columns."""
    from corpus import plain

    header = ["ACTIONS", "PHASES, ÉTAPES (décrire brièvement et indiquer, selon les cas, les objectifs prévus)",
              "QUI ? (qui réalise l'action ?)", "BUDGET", "DATE DÉBUT", "DATE FIN", "OBJECTIF", "RÉSULTAT OBTENU",
              "ANALYSE ÉCARTS"]
    return plain(path, TRAME, header, sheet="PAC 2026", top=4, above=(
        (0, "PLAN D'ACTION COMMERCIALE SOCIÉTÉ"),
        (2, "Notre vision de l'entreprise à 5 ans : leader régional de la sécurité des piscines")))


TRAME = [
    ("Études de marché préalables", "Clientèle ; concurrence ; synthèse", "Gérante", 4000, date(2026, 1, 12),
     date(2026, 3, 20), 3, 3, None),
    ("Finalisation de l'offre", "Positionnement ; prix", "Gérante", 2500.5, date(2026, 3, 23), date(2026, 5, 29), 12,
     10, "Deux fournisseurs en retard"),
    ("Salon Piscine Expo", "Stand ; invitations ; relances", "Marc", 6000, date(2026, 9, 1), date(2026, 9, 3), 60,
     None, None),
]


# ------------------------------------------------------------------------------------ the LibreOffice story
@pytest.fixture(scope="module")
def story(lo_available, tmp_path_factory):
    """Filled, saved by LibreOffice, refreshed, recalculated by LibreOffice."""
    d = tmp_path_factory.mktemp("refresh")
    blank = make(d, "blank.xlsx", actions=5, company="Alpes Piscines", team="Agence Nord")
    type_plan(blank, d / "typed.xlsx")
    (filled,) = convert([d / "typed.xlsx"], d / "lo-filled")  # opened and saved in LibreOffice
    (filled_ods,) = convert([d / "typed.xlsx"], d / "lo-filled-ods", fmt="ods")  # … or saved as .ods
    before = hashlib.sha256(filled.read_bytes()).hexdigest()
    runner = CliRunner()
    res = runner.invoke(main, ["refresh", str(filled), "-o", str(d / "refreshed.xlsx"), "--actions", "7"])
    js = runner.invoke(main, ["refresh", str(filled), "-o", str(d / "refreshed2.xlsx"), "--format", "json"])
    en = refresh(filled, d / "refreshed_en.xlsx", lang="en", room=3)
    outs = convert([d / "refreshed.xlsx", d / "refreshed_en.xlsx"], d / "lo-recalc")
    return dict(dir=d, filled=filled, filled_ods=filled_ods, before=before, res=res, json=js, en=en, recalc=outs[0],
                recalc_en=outs[1])


def test_refresh_brings_the_row_typed_below_the_table_inside(story):
    assert story["res"].exit_code == 0, story["res"].output
    # LibreOffice kept the row outside the Table: its own dashboard missed it
    src = openpyxl.load_workbook(story["filled"], data_only=True)
    assert tiles(src[schema.sheet_name("dashboard", "fr")])[tx("kpi.actions", "fr")] == len(TYPED)
    wb = openpyxl.load_workbook(story["dir"] / "refreshed.xlsx")
    ws = wb[schema.sheet_name("actions", "fr")]
    headers, rows = table_cells(ws, ws.tables["T_Actions"])
    actions = [r[headers.index("Action")].value for r in rows if r[headers.index("Action")].value]
    assert actions == [r["action"] for r in [*TYPED, BELOW]]
    assert len(rows) == len(TYPED) + 1 + 7  # the actions, then --actions 7 empty rows
    no = [r[headers.index("N°")].value for r in rows[:3]]
    assert no == [1, 2, 3]


def test_refreshed_dashboard_recalculated_by_libreoffice_agrees_with_analyze(story):
    wb = openpyxl.load_workbook(story["recalc"], data_only=True)
    assert error_cells(wb) == []
    t = tiles(wb[schema.sheet_name("dashboard", "fr")])
    result = analyze(story["dir"] / "refreshed.xlsx", as_of=AS_OF)
    tot = result.totals()
    every = [*TYPED, BELOW]
    assert t[tx("kpi.actions", "fr")] == tot["actions"] == len(every)
    for key in ("budget_planned", "budget_actual", "revenue_actual"):
        assert round(t[figure_label(key, "fr")], 2) == round(tot[key], 2) == money_sum(every, key)
    # "en cours" and "fait" were written as the list says them: the workbook counts them too
    assert t[tx("kpi.done", "fr")] == tot["done"] == 2
    variance = [r["result"] - r["target"] for r in every if "result" in r and "target" in r]
    assert [a.variance for a in result.actions if a.variance is not None] == variance
    assert not [p for p in result.problems if p.code == "computed_overwritten"]


def test_restored_formulas_are_listed_on_stderr_and_in_json(story):
    text = story["res"].stderr if story["res"].stderr_bytes is not None else story["res"].output
    sheet = schema.sheet_name("actions", "fr")
    assert f"{sheet}!" in text and f"« {OVERWRITTEN_VALUE} »" in text
    assert "saisie sous le tableau" in text
    js = json.loads(story["json"].stdout)
    codes = [c["code"] for c in js["changes"]]
    assert codes.count("formula_restored") == 1 and codes.count("row_into_table") == 1
    restored = next(c for c in js["changes"] if c["code"] == "formula_restored")
    assert restored["sheet"] == sheet and restored["cell"].startswith(_letter(schema.ACTIONS, "variance"))
    assert js["template"] == "pac" and js["version"] == get_template("pac").version
    assert js["actions"] == 3 and js["rows"] == 3 + 20


def test_an_ods_saved_by_libreoffice_refreshes_alike(story, tmp_path):
    done = refresh(story["filled_ods"], tmp_path / "from_ods.xlsx")
    codes = sorted(c.code for c in done.changes if c.code in ("formula_restored", "row_into_table"))
    assert codes == ["formula_restored", "row_into_table"]
    restored = next(c for c in done.changes if c.code == "formula_restored")
    assert restored.cell.startswith(_letter(schema.ACTIONS, "variance"))
    a = analyze(tmp_path / "from_ods.xlsx", as_of=AS_OF)
    b = analyze(story["dir"] / "refreshed.xlsx", as_of=AS_OF)
    assert a.totals() == b.totals() and [x.action for x in a.actions] == [x.action for x in b.actions]


def test_readers_that_do_not_recalculate_see_the_right_figures(story):
    """The refreshed workbook's cached values, as written (no spreadsheet application opened it)."""
    wb = openpyxl.load_workbook(story["dir"] / "refreshed.xlsx", data_only=True)
    t = tiles(wb[schema.sheet_name("dashboard", "fr")])
    every = [*TYPED, BELOW]
    assert t[tx("kpi.actions", "fr")] == len(every) and t[tx("kpi.done", "fr")] == 2
    for key in ("budget_planned", "budget_actual", "revenue_actual"):
        assert round(t[figure_label(key, "fr")], 2) == money_sum(every, key)
    ws = wb[schema.sheet_name("actions", "fr")]
    headers, rows = table_cells(ws, ws.tables["T_Actions"])
    variance = [r[headers.index("Écart")].value for r in rows[:3]]
    assert variance == [r["result"] - r["target"] if "result" in r else None for r in every]


def _letter(tdef, key: str) -> str:
    from pac_excel.a1 import col_letter

    return col_letter([c.key for c in get_template("pac").columns("actions")].index(key))


def test_the_input_is_never_written(story):
    assert hashlib.sha256(story["filled"].read_bytes()).hexdigest() == story["before"]
    res = CliRunner().invoke(main, ["refresh", str(story["filled"]), "-o", str(story["filled"])])
    assert res.exit_code == 2 and "jamais" in res.output
    assert hashlib.sha256(story["filled"].read_bytes()).hexdigest() == story["before"]


def test_refresh_in_english_translates_the_lists_and_keeps_the_figures(story):
    en = story["en"]
    assert en.lang == "en" and en.rows == 3 + 3
    wb = openpyxl.load_workbook(story["recalc_en"], data_only=True)
    assert error_cells(wb) == []
    t = tiles(wb[schema.sheet_name("dashboard", "en")])
    assert t[tx("kpi.done", "en")] == 2
    every = [*TYPED, BELOW]
    assert round(t[figure_label("budget_planned", "en")], 2) == money_sum(every, "budget_planned")
    plan = read_plan(story["dir"] / "refreshed_en.xlsx")
    assert [a["status"] for a in plan.data.actions] == ["Done", "In progress", "Done"]
    assert plan.data.company == "Alpes Piscines" and plan.data.team == "Agence Nord"
    assert plan.data.owners == ["Alice", "Bob", "Chloé"]  # typed owners joined the list


# ------------------------------------------------------------------------------------ older versions, home-made trames
PREVIOUS = sorted((DATA / "previous").glob("*.xlsx"))


@pytest.mark.parametrize("old", PREVIOUS, ids=[p.stem for p in PREVIOUS])
def test_refresh_upgrades_a_plan_of_a_previous_version(tmp_path, old):
    source = read_plan(old)
    assert source.version != get_template(source.template).version  # really an older one
    done = refresh(old, tmp_path / "new.xlsx")
    assert done.version == get_template(done.template).version and done.template == source.template
    before, after = analyze(old, as_of=AS_OF), analyze(tmp_path / "new.xlsx", as_of=AS_OF)
    assert [a.action for a in after.actions] == [a.action for a in before.actions]
    assert after.totals() == before.totals()
    assert not [p for p in after.problems if p.code == "template_version"]
    again = read_plan(tmp_path / "new.xlsx").data
    for key in ("company", "team", "vision", "objectives", "revenue", "mix", "swot"):
        assert getattr(again, key) == getattr(source.data, key), key
    for key in ("actions", "kpis", "tasks", "obstacles"):  # dropdown values may be relabelled: same list entry
        tdef = schema.TABLE_BY_KEY[key]
        assert canon(getattr(again, key), tdef) == canon(getattr(source.data, key), tdef), key


def canon(rows: list[dict], tdef) -> list[dict]:
    """Rows with each dropdown value as its list entry's key (a label in either language, or a
    synonym, is the same entry)."""
    def key_of(col, v):
        lst = schema.LIST_BY_KEY.get(tdef.column(col).choices or "")
        return (lst.key_of(v) or v) if lst is not None and lst.key != "owner" and isinstance(v, str) else v
    return [{k: key_of(k, v) for k, v in r.items()} for r in rows]


@pytest.mark.parametrize("fmt", ["xlsx", "ods"])
def test_refresh_makes_a_home_made_trame_a_pac_excel_plan(tmp_path, fmt):
    src = seed_trame(tmp_path / "trame.xlsx")
    if fmt == "ods":
        (src,) = convert([src], tmp_path / "ods", fmt="ods")
    done = refresh(src, tmp_path / "plan.xlsx", room=10)
    assert (done.from_template, done.template) == (None, "pac")
    result = analyze(tmp_path / "plan.xlsx", as_of=AS_OF)
    assert result.template["id"] == "pac"
    assert [a.action for a in result.actions] == [r[0] for r in TRAME]
    assert [a.result for a in result.actions] == [r[7] for r in TRAME]
    assert result.totals()["budget_planned"] == round(sum(r[3] for r in TRAME), 2)
    assert result.totals()["actions"] == len(TRAME)
    plan = read_plan(tmp_path / "plan.xlsx").data
    assert plan.owners == ["Gérante", "Marc"]
    assert [r["no"] for r in plan.actions] == [1, 2, 3]
    # the title and the vision line above the table are not plan content: said, with their count
    assert [(c.code, c.params["n"]) for c in done.changes if c.code.endswith("_left")] == [("outside_left", 2)]
    assert not [c for c in done.changes if c.code == "numbered"]  # a home-made plan numbers nothing


def test_what_has_no_place_in_a_plan_is_listed_never_dropped_unsaid(tmp_path):
    """A person added a column to the action table and a sheet of notes to a pac-excel plan."""
    blank = make(tmp_path, "blank.xlsx", actions=4)
    wb = openpyxl.load_workbook(blank)
    ws = wb[schema.sheet_name("actions", "fr")]
    headers, rows = table_cells(ws, ws.tables["T_Actions"])
    extra = rows[0][-1].column + 2  # one empty column, then the person's own
    ws.cell(rows[0][0].row - 1, extra).value = "Client visé"
    for row, (action, client) in zip(rows, [("Salon", "Dupont"), ("Mailing", "Martin")]):
        row[headers.index("Action")].value = action
        ws.cell(row[0].row, extra).value = client
    notes = wb.create_sheet("Mes notes")
    notes["A1"], notes["B3"], notes["C4"] = "À voir", "relancer Dupont", 12
    wb.save(tmp_path / "typed.xlsx")
    done = refresh(tmp_path / "typed.xlsx", tmp_path / "new.xlsx")
    left = {c.code: (c.sheet, c.params["n"]) for c in done.changes if c.code.endswith("_left")}
    assert left == {"column_left": (schema.sheet_name("actions", "fr"), 2), "sheet_left": ("Mes notes", 3)}
    column = next(c for c in done.changes if c.code == "column_left")
    assert "Client visé" in column.message("fr") and column.cell == f"{_col(extra)}{rows[0][0].row - 1}"


def _col(n: int) -> str:
    from openpyxl.utils import get_column_letter

    return get_column_letter(n)


def test_a_team_column_holding_one_team_becomes_the_plan_team(tmp_path):
    src = tmp_path / "agence.xlsx"
    wb = xlsxwriter.Workbook(src)
    ws = wb.add_worksheet("Plan")
    ws.write_row(0, 0, ["Action", "Équipe", "Qui", "Budget", "Date fin"])
    ws.write_row(1, 0, ["Salon", "Agence Lyon", "Ann", 2000])
    ws.write_row(2, 0, ["Mailing", "Agence Lyon", "Bo", 450.5])
    wb.close()
    done = refresh(src, tmp_path / "new.xlsx")
    assert not [c for c in done.changes if c.code == "column_dropped"]
    assert read_plan(tmp_path / "new.xlsx").data.team == "Agence Lyon"


def test_a_refreshed_plan_refreshes_to_itself(tmp_path):
    first = tmp_path / "first.xlsx"
    refresh(DATA / "previous" / "pac_first_formation_rh.xlsx", first)
    second = refresh(first, tmp_path / "second.xlsx")
    assert second.changes == []
    assert read_plan(tmp_path / "second.xlsx").data == read_plan(first).data


def test_refresh_errors_are_clear(tmp_path):
    runner = CliRunner()
    missing = runner.invoke(main, ["refresh", str(tmp_path / "nope.xlsx"), "-o", str(tmp_path / "o.xlsx")])
    assert missing.exit_code == 1 and "introuvable" in missing.output and "Traceback" not in missing.output
    js = runner.invoke(main, ["refresh", str(tmp_path / "nope.xlsx"), "-o", str(tmp_path / "o.xlsx"),
                              "--format", "json"])
    assert json.loads(js.stdout)["error"]["code"] == "missing"
    plan = shutil.copy(DATA / "previous" / "pac_1.0_formation_rh.xlsx", tmp_path / "p.xlsx")
    bad = runner.invoke(main, ["refresh", str(plan), "-o", str(tmp_path / "o.ods")])
    assert bad.exit_code == 2
    neg = runner.invoke(main, ["refresh", str(plan), "-o", str(tmp_path / "o.xlsx"), "--actions", "-1"])
    assert neg.exit_code == 2
    lang = runner.invoke(main, ["refresh", str(plan), "-o", str(tmp_path / "o.xlsx"), "--lang", "de"])
    assert lang.exit_code == 2 and not (tmp_path / "o.xlsx").exists()
    ok = runner.invoke(main, ["refresh", str(plan), "-o", str(tmp_path / "o.xlsx")])
    assert ok.exit_code == 0
    exists = runner.invoke(main, ["refresh", str(plan), "-o", str(tmp_path / "o.xlsx")])
    assert exists.exit_code != 0 and "--force" in exists.output
