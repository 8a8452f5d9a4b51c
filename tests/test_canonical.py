"""One plan whatever the language and spelling: statuses and categories typed in French, in
English or as people actually type them land on the same keys; outputs show the labels of the
output language; a value that matches nothing stays as typed and is reported at its cell."""

from __future__ import annotations

import math
from datetime import date, datetime
from pathlib import Path

import pytest
import xlsxwriter

from pac_excel import GenerateOptions, PlanData, generate, schema
from pac_excel.analysis import analyze
from pac_excel.consolidation import consolidate

AS_OF = date(2026, 11, 16)
PAST = date(2026, 6, 30)  # every action below ends before AS_OF

#: what people type → the key it must land on (the issue's list, and the labels themselves)
TYPED = {"Terminée": "done", "Réalisé": "done", "Fait": "done", "OK": "done", "Clôturé": "done",
         "Completed": "done", "Finished": "done", "Terminé": "done", "Done": "done", "terminées": "done",
         "Annulé": "cancelled", "Abandonnée": "cancelled", "Cancelled": "cancelled",
         "En attente": "postponed", "Reporté": "postponed", "On hold": "postponed",
         "En cours": "in_progress", "In progress": "in_progress", "À faire": "todo", "To do": "todo"}


def trame(path: Path, rows: list[tuple[str, str, str, float, date]], header=("Action", "Qui", "Statut", "Budget",
                                                                            "Catégorie", "Date fin")) -> Path:
    wb = xlsxwriter.Workbook(path)
    ws = wb.add_worksheet("Plan")
    day = wb.add_format({"num_format": "dd/mm/yyyy"})
    ws.write_row(0, 0, list(header))
    for r, (action, status, category, budget, end) in enumerate(rows, 1):
        ws.write_row(r, 0, [action, "Ann", status, budget, category])
        ws.write_datetime(r, 5, datetime.combine(end, datetime.min.time()), day)
    wb.close()
    return path


@pytest.mark.parametrize("text,key", TYPED.items())
def test_status_as_people_type_it(text, key):
    assert schema.STATUS.key_of(text) == key


def test_finished_actions_are_not_late_and_an_unknown_status_is_reported(tmp_path):
    """Nine statuses typed as people type them, all past their end date: the finished and
    cancelled ones are not late, the others are; "Bof" is reported at its cell and counts as
    neither done nor late (its lateness is unknown, not guessed)."""
    typed = ["Terminée", "Réalisé", "Fait", "OK", "Clôturé", "Annulé", "Abandonnée", "Completed", "Finished",
             "En attente", "Bof"]
    rows = [(f"A{i}", s, "Prospection", 100.0, PAST) for i, s in enumerate(typed)]
    a = analyze(trame(tmp_path / "plan.xlsx", rows), as_of=AS_OF)
    keys = [TYPED.get(s) for s in typed]
    closed = sum(k in schema.CLOSED_STATUSES for k in keys)
    assert a.totals()["done"] == sum(k == "done" for k in keys)
    assert a.totals()["late"] == sum(1 for k in keys if k is not None and k not in schema.CLOSED_STATUSES)
    assert closed == 9 and [x.late for x in a.actions][-1] is None
    unknown = [(p.cell, p.params["value"]) for p in a.problems if p.code == "unknown_value"]
    assert unknown == [(f"C{len(typed) + 1}", "Bof")]
    assert a.actions[-1].status == "Bof"  # kept as typed


def test_labels_follow_the_output_language(tmp_path):
    rows = [("A", "Terminée", "Fidélisation", 10.0, PAST), ("B", "in progress", "Loyalty", 20.0, PAST)]
    path = trame(tmp_path / "plan.xlsx", rows)
    fr, en = analyze(path, as_of=AS_OF), analyze(path, as_of=AS_OF, lang="en")
    assert [(x.status, x.category) for x in fr.actions] == [("Terminé", "Fidélisation"), ("En cours", "Fidélisation")]
    assert [(x.status, x.category) for x in en.actions] == [("Done", "Loyalty"), ("In progress", "Loyalty")]
    assert en.to_dict()["actions"][0]["status_key"] == "done" and en.group("category") == {
        "Loyalty": {"actions": 2, "budget_planned": 30.0, "budget_actual": None}}


def test_a_french_and_an_english_plan_consolidate_onto_the_same_keys(tmp_path):
    """Our own template generated in French and in English, filled with the same categories
    and statuses, each picked from its workbook's dropdown (so in its language): one group per
    category and per status, in the output language."""
    folder = tmp_path / "teams"
    folder.mkdir()
    picked = [("prospecting", "done"), ("loyalty", "in_progress"), ("prospecting", "cancelled")]
    for lang in ("fr", "en"):
        actions = [dict(action=f"Action {i}", owner="Ann", category=schema.CATEGORY.label(cat, lang),
                        status=schema.STATUS.label(st, lang), budget_planned=100.0 * (i + 1), objective="OBJ-1",
                        start=date(2026, 1, 5), end=date(2026, 3, 1)) for i, (cat, st) in enumerate(picked)]
        generate(folder / f"{lang}.xlsx", GenerateOptions(lang=lang, team=f"Équipe {lang}", year=2026),
                 PlanData(actions=actions))
    for lang in ("fr", "en"):
        res = consolidate([folder], as_of=AS_OF, jobs=1, lang=lang)
        by_category = res.group("category")
        want = {schema.CATEGORY.label(k, lang) for k in ("prospecting", "loyalty")}
        assert set(by_category) == want
        prospecting = by_category[schema.CATEGORY.label("prospecting", lang)]
        assert prospecting["actions"] == 4  # two per plan
        assert prospecting["budget_planned"] == math.fsum([100.0, 300.0] * 2)
        assert set(res.group("status")) == {schema.STATUS.label(k, lang) for k in ("done", "in_progress", "cancelled")}


def test_the_python_api_works_as_the_readme_shows(tmp_path):
    """``from pac_excel import analyze, consolidate, generate`` are functions with typed results
    (it gave a module, so ``analyze("plan.xlsx")`` raised TypeError)."""
    import subprocess
    import sys

    path = trame(tmp_path / "plan.xlsx", [("A", "Terminé", "Offre", 100.0, PAST), ("B", "En cours", "Offre", 50.0,
                                                                                  PAST)])
    code = ("from pac_excel import analyze, consolidate, generate, Analysis, Consolidation\n"
            f"a = analyze({str(path)!r}, as_of=__import__('datetime').date(2026, 11, 16))\n"
            "assert isinstance(a, Analysis) and callable(generate)\n"
            f"c = consolidate([{str(path)!r}])\n"
            "assert isinstance(c, Consolidation)\n"
            "print(a.totals()['budget_planned'], a.totals()['late'], list(c.actions_frame()['team']))")
    r = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert r.returncode == 0, r.stderr
    assert r.stdout.split(maxsplit=2) == ["150.0", "1", "['plan', 'plan']\n"]


def test_categories_renamed_or_added_in_the_listes_sheet_are_kept(tmp_path):
    """In our own workbook a person renames "Offre" to "Offre premium" and adds "Salons" on the
    Listes sheet: actions in those categories keep them, with no problem; a category that is in
    neither the sheet nor the standard list is reported at its cell."""
    import openpyxl
    from helpers import table_cells

    actions = [dict(action=f"A{i}", owner="Ann", budget_planned=100.0, objective="OBJ-1") for i in range(4)]
    path = generate(tmp_path / "plan.xlsx", GenerateOptions(year=2026, force=True), PlanData(actions=actions))
    wb = openpyxl.load_workbook(path)
    lists = wb[schema.sheet_name("lists", "fr")]
    col = next(c for c in lists[4] if c.value == schema.CATEGORY.title("fr")).column
    cells = [lists.cell(r, col) for r in range(5, 5 + schema.CATEGORY.cells)]
    next(c for c in cells if c.value == schema.CATEGORY.label("offer", "fr")).value = "Offre premium"
    lists.cell(5 + len(cells), col).value = "Salons"  # typed just below the list
    ws = wb[schema.sheet_name("actions", "fr")]
    headers, rows = table_cells(ws, ws.tables["T_Actions"])
    typed = ["Prospection", "Offre premium", "Salons", "Divers"]
    for row, text in zip(rows, typed):
        row[headers.index(schema.ACTIONS.column("category").label("fr"))].value = text
    wb.save(tmp_path / "filled.xlsx")
    a = analyze(tmp_path / "filled.xlsx", as_of=AS_OF)
    assert [x.category for x in a.actions] == typed
    unknown = [(p.params["value"], p.row) for p in a.problems if p.code == "unknown_value"]
    assert unknown == [("Divers", a.actions[3].row)]
    expected = next(p.params["expected"] for p in a.problems if p.code == "unknown_value")
    assert "Offre premium" in expected and "Salons" in expected  # as the user wrote them
    assert set(a.group("category")) == set(typed)


def test_every_list_follows_the_output_language(tmp_path):
    """The sample plan generated in English, read in French: horizons, indicator types and
    directions come back as the French labels, the same as from the French workbook."""
    from pathlib import Path as P

    data = PlanData.from_toml(P(__file__).resolve().parent.parent / "samples" / "formation_rh.toml")
    fr = generate(tmp_path / "fr.xlsx", GenerateOptions(lang="fr", year=2026, force=True), data)
    en = generate(tmp_path / "en.xlsx", GenerateOptions(lang="en", year=2026, force=True), data)
    a_fr, a_en = analyze(fr, as_of=AS_OF), analyze(en, as_of=AS_OF, lang="fr")
    assert [k.direction for k in a_en.kpis] == [k.direction for k in a_fr.kpis]
    assert {k.direction for k in a_en.kpis} <= set(schema.DIRECTION.labels("fr"))
    assert [k.type for k in a_en.kpis] == [k.type for k in a_fr.kpis]
    assert [x.horizon for x in a_en.actions] == [x.horizon for x in a_fr.actions]
    assert {x.horizon for x in a_en.actions} - {""} <= set(schema.HORIZON.labels("fr"))
    back = analyze(fr, as_of=AS_OF, lang="en")
    assert {k.direction for k in back.kpis} <= set(schema.DIRECTION.labels("en"))


@pytest.mark.parametrize("lst,typed,key", [
    (schema.HORIZON, "Court terme", "short"), (schema.HORIZON, "long term", "long"),
    (schema.KPI_TYPE, "Résultats", "result"), (schema.DIRECTION, "À la hausse", "up"),
    (schema.DIRECTION, "Lower is better", "down"), (schema.FREQUENCY, "Hebdo", "weekly"),
    (schema.FREQUENCY, "tous les 3 mois", "quarterly"), (schema.PHASE, "Opérationnelles", "operational")])
def test_every_list_has_synonyms(lst, typed, key):
    assert lst.key_of(typed) == key


#: headers people give the money spent on an action (issue 15, defect 8) and the other columns
#: of the same tables; "Réalisé" without a currency is a result
SPENT_HEADERS = ["Budget dépensé", "Dépenses", "Coût réel", "Réalisé (€)", "Budget consommé", "Montant dépensé",
                 "Réel (EUR)", "Dépenses réelles"]


@pytest.mark.parametrize("spent", SPENT_HEADERS)
def test_the_money_spent_is_read_whatever_its_header(tmp_path, spent):
    rows = [("Salon", 2000.0, 1850.5, 40, 35), ("Mailing", 450.0, None, 10, 12)]
    wb = xlsxwriter.Workbook(tmp_path / "t.xlsx")
    ws = wb.add_worksheet("Plan")
    ws.write_row(0, 0, ["Action", "Responsable de l’opération", "Prévu (€)", spent, "Objectif", "Réalisé"])
    for r, (action, planned, actual, target, result) in enumerate(rows, 1):
        ws.write_row(r, 0, [action, "Ann", planned])
        if actual is not None:
            ws.write_number(r, 3, actual)
        ws.write_row(r, 4, [target, result])
    wb.close()
    a = analyze(tmp_path / "t.xlsx", as_of=AS_OF)
    assert not [p for p in a.problems if p.code == "unknown_column"], a.problems
    assert [x.owner for x in a.actions] == ["Ann", "Ann"]
    assert [x.budget_planned for x in a.actions] == [r[1] for r in rows]
    assert [x.budget_actual for x in a.actions] == [r[2] for r in rows]
    assert [x.result for x in a.actions] == [r[4] for r in rows]  # "Réalisé" alone: the result
    assert a.totals()["budget_actual"] == math.fsum(r[2] for r in rows if r[2] is not None)
