"""Round trips through LibreOffice, which recalculates every formula on load (see
libreoffice.py). Expected figures are computed here from the raw inputs, with formulas
written in this file — never taken from pac-excel's own output."""

from __future__ import annotations

import tomllib
from datetime import date, datetime, timedelta
from pathlib import Path

import openpyxl
import pytest
import xlsxwriter
from helpers import LANGS, TEMPLATES, error_cells, make, table_cells
from libreoffice import convert

from pac_excel import analyze, schema
from pac_excel.i18n import figure_label, tx
from pac_excel.planread import read_plan

ROOT = Path(__file__).resolve().parent.parent
TODAY = date.today()
BLANKS = [(t, lang) for t in TEMPLATES for lang in LANGS]


def is_blank(v) -> bool:
    return v is None or v == ""


def num(v) -> bool:
    return isinstance(v, (int, float)) and not isinstance(v, bool)


# ------------------------------------------------------------------------------------ inputs typed by a person
def action_rows(lang: str) -> list[dict]:
    """Actions as a person types them, covering every branch of the computed columns."""
    st = {k: schema.STATUS.label(k, lang) for k, _ in schema.STATUS.values}
    cat = {k: schema.CATEGORY.label(k, lang) for k, _ in schema.CATEGORY.values}
    d = lambda n: TODAY + timedelta(days=n)  # noqa: E731
    return [
        dict(no=1, action="Salon 1", category=cat["prospecting"], owner="Alice", budget_planned=2000,
             budget_actual=2150, start=d(-40), end=d(-30), status=st["done"], target=40, result=46,
             revenue_expected=20000, revenue_actual=24500),
        dict(no=2, action="Salon 2", category=cat["prospecting"], owner="Bob", budget_planned=8000,
             budget_actual=9200, start=d(-20), end=d(-10), status=st["in_progress"], target=130, result=98,
             revenue_expected=60000, revenue_actual=41000, progress=0.5,
             priority=schema.PRIORITY.label("high", lang)),  # half done, past its end: late
        dict(no=3, action="Réseaux sociaux", category=cat["communication"], owner="Alice", budget_planned=1000,
             budget_actual=0, start=d(-5), end=d(20), status=st["in_progress"], target=0, result=5,
             revenue_actual=500),
        dict(no=4, action="Offre packagée", category=cat["offer"], owner="Zoé", budget_planned=500,
             status=st["todo"], result=3),
        dict(no=5, action="Fichier", category=cat["organisation"], owner="NA", budget_planned=300, budget_actual=250,
             start=d(-9), end=d(-5), status=st["cancelled"], target=10, result=2),
        dict(no=6, action="Relance", category=cat["loyalty"], owner="Bob", budget_planned=100, start=d(-3), end=d(0),
             status=st["postponed"]),
        dict(no=7, action="Mailing au centime", category=cat["loyalty"], owner="NA", budget_planned=1234.56,
             budget_actual=1300.1, start=d(-60), end=d(-1), target=12.5, result=10.25, revenue_expected=1500.5,
             revenue_actual=1600.25),  # no status: open, so late
        dict(no=8, action="Campagne finie", category=cat["communication"], owner="Alice", budget_planned=700,
             start=d(-40), end=d(-15), status=st["in_progress"], progress=1.0,
             priority=schema.PRIORITY.label("low", lang)),  # 100 % done: not late, whatever its status says
    ]


OWNERS = ["Alice", "Bob", "NA"]

KPI_ROWS = [
    dict(name="Clients actifs", direction="up", initial=150, target=180, m01=150, m02=155, m04=171),
    dict(name="Coût d’acquisition", direction="down", initial=900, target=700, m03=880, m06=820),
    dict(name="Plat", direction="up", initial=10, target=10, m01=12),
    dict(name="Sans relevé", direction="up", initial=1, target=5),
    dict(name="Relevé collé en texte", direction="up", initial=0, target=10, m01=4, m02="n/a"),
]

REVENUE = dict(annual=1_200_000, weights={7: 0.5, 8: 0.5}, actuals={1: 91_000, 2: 118_000.5, 3: 142_000})


def fill_with_openpyxl(src: Path, dst: Path, lang: str) -> None:
    """Type the inputs into a blank generated workbook, as a person would, and save it."""
    wb = openpyxl.load_workbook(src)
    ws = wb[schema.sheet_name("actions", lang)]
    headers, rows = table_cells(ws, ws.tables["T_Actions"])
    col = {c.key: headers.index(c.label(lang)) for c in schema.ACTIONS.columns if c.label(lang) in headers}
    for row, values in zip(rows, action_rows(lang)):
        for key, v in values.items():
            row[col[key]].value = datetime(v.year, v.month, v.day) if isinstance(v, date) else v
    lists = wb[schema.sheet_name("lists", lang)]
    for i, name in enumerate(OWNERS):
        lists.cell(5 + i, 1).value = name
    ks = wb[schema.sheet_name("kpis", lang)]
    headers, rows = table_cells(ks, ks.tables["T_Indicateurs"])
    kcol = {c.key: headers.index(c.label(lang)) for c in schema.KPIS.columns}
    for row, values in zip(rows, KPI_ROWS):
        for key, v in values.items():
            if key == "direction":
                v = schema.DIRECTION.label(v, lang)
            row[kcol[key]].value = v
    rv = wb[schema.sheet_name("revenue", lang)]
    rv["D4"].value = REVENUE["annual"]
    for m, w in REVENUE["weights"].items():
        rv.cell(8 + m, 3).value = w
    for m, a in REVENUE["actuals"].items():
        rv.cell(8 + m, 5).value = a
    wb.save(dst)


TASKS = [
    dict(task="Choisir la solution d’e-commerce", budget=0, status="Terminé"),
    dict(task="Installer et paramétrer", budget=450.5, status="En cours"),
    dict(task="Informer les clients", budget=120, status="Terminé"),
    dict(task="Faire un test", status="À faire"),
]
OBJ_KPIS = [dict(name="CA en 3 mois", initial=15000, target=18000, m01=15500, m02=16400),
            dict(name="Contacts par mois", initial=0, target=10, m01=4)]


def fill_objectif(src: Path, dst: Path) -> None:
    wb = openpyxl.load_workbook(src)
    for sheet, table, rows, tdef in (("Tâches", "T_Taches", TASKS, schema.TASKS),
                                     ("Indicateurs", "T_Indicateurs", OBJ_KPIS, schema.KPIS)):
        ws = wb[sheet]
        headers, cells = table_cells(ws, ws.tables[table])
        for row, values in zip(cells, rows):
            for key, v in values.items():
                row[headers.index(tdef.column(key).label("fr"))].value = v
    wb.save(dst)


# ------------------------------------------------------------------------------------ expectations, from inputs
def expect_action(r: dict, lang: str, today: date = TODAY) -> dict:
    t, res = r.get("target"), r.get("result")
    bp, ba = r.get("budget_planned"), r.get("budget_actual")
    ca = r.get("revenue_actual")
    closed = {schema.STATUS.label("done", lang), schema.STATUS.label("cancelled", lang)}
    end = r.get("end")
    late = None
    if end is not None:
        finished = r.get("status") in closed or (num(r.get("progress")) and r["progress"] >= 1)
        late = "yes" if (not finished and end < today) else "no"
    return {
        "variance": res - t if num(t) and num(res) else None,
        "attainment": res / t if num(t) and num(res) and t != 0 else None,
        "budget_variance": ba - bp if num(bp) and num(ba) else None,
        "roi": (ca - ba) / ba if num(ca) and num(ba) and ba != 0 else None,
        "late": None if late is None else schema.YES_NO.label(late, lang),
    }


def read_rows(ws, header_row: int, columns, lang: str, n: int) -> list[dict]:
    """Rows under a header row, keyed by schema key (works on LibreOffice-saved files)."""
    headers = [ws.cell(header_row, c).value for c in range(1, ws.max_column + 1)]
    idx = {c.key: headers.index(c.label(lang)) + 1 for c in columns if c.label(lang) in headers}
    return [{k: ws.cell(header_row + 1 + i, j).value for k, j in idx.items()} for i in range(n)]


def tiles(ws) -> dict:
    return {ws.cell(r, 1).value: ws.cell(r, 2).value for r in range(1, ws.max_row + 1) if ws.cell(r, 1).value}


def approx(v):
    return pytest.approx(v, rel=1e-12, abs=1e-9)


# ------------------------------------------------------------------------------------ one LibreOffice batch
@pytest.fixture(scope="module")
def recalculated(lo_available, tmp_path_factory):
    src = tmp_path_factory.mktemp("lo-in")
    inputs: dict[str, Path] = {}
    for t, lang in BLANKS:
        inputs[f"blank_{t}_{lang}"] = make(src, f"blank_{t}_{lang}.xlsx", template=t, lang=lang)
    for lang in LANGS:
        blank = make(src, f"model_{lang}.xlsx", lang=lang)
        fill_with_openpyxl(blank, src / f"typed_{lang}.xlsx", lang)
        inputs[f"typed_{lang}"] = src / f"typed_{lang}.xlsx"
    for name in ("pac_formation_rh", "trame_piscines"):
        inputs[name] = ROOT / "samples" / f"{name}.xlsx"
    from pac_excel import GenerateOptions, PlanData, generate
    from pac_excel.generator.tablesheet import LARGE_TABLE_ROWS

    generate(src / "large.xlsx", GenerateOptions(actions=LARGE_TABLE_ROWS + 1), PlanData(actions=action_rows("fr")))
    inputs["large"] = src / "large.xlsx"
    blank = make(src, "objectif_model.xlsx", template="objectif")
    fill_objectif(blank, src / "objectif_typed.xlsx")
    inputs["objectif_typed"] = src / "objectif_typed.xlsx"
    canary = src / "canary.xlsx"
    wb = xlsxwriter.Workbook(canary)
    wb.add_worksheet().write_formula("A1", "=1+1", None, 99)  # wrong cached value on purpose
    wb.close()
    inputs["canary"] = canary
    outs = convert(list(inputs.values()), tmp_path_factory.mktemp("lo-out"))
    return {k: openpyxl.load_workbook(p, data_only=True) for k, p in zip(inputs, outs)}


def test_libreoffice_really_recalculates(recalculated):
    assert recalculated["canary"].active["A1"].value == 2


@pytest.mark.parametrize("template, lang", BLANKS)
def test_blank_workbook_has_no_error_cell_and_no_misleading_zero(recalculated, template, lang):
    wb = recalculated[f"blank_{template}_{lang}"]
    assert error_cells(wb) == []
    for kind in ("actions", "kpis"):
        name = schema.sheet_name(kind, lang)
        if name not in wb.sheetnames:
            continue
        tdef = schema.TABLE_BY_KEY[kind]
        rows = read_rows(wb[name], 4, tdef.columns, lang, 20)
        computed = [c.key for c in tdef.columns if c.computed]
        assert all(is_blank(r[k]) for r in rows for k in computed), f"{name}: computed cell not blank"
    if schema.sheet_name("revenue", lang) in wb.sheetnames:
        ws = wb[schema.sheet_name("revenue", lang)]
        assert all(is_blank(ws.cell(r, c).value) for r in range(9, 21) for c in (4, 6, 7, 8, 9, 10))


@pytest.mark.parametrize("lang", LANGS)
def test_typed_actions_compute_in_libreoffice(recalculated, lang):
    wb = recalculated[f"typed_{lang}"]
    assert error_cells(wb) == []
    typed = action_rows(lang)
    got = read_rows(wb[schema.sheet_name("actions", lang)], 4, schema.ACTIONS.columns, lang, len(typed) + 2)
    for r, g in zip(typed, got):
        for key, want in expect_action(r, lang).items():
            if want is None:
                assert is_blank(g[key]), (r["action"], key, g[key])
            elif isinstance(want, str):
                assert g[key] == want, (r["action"], key)
            else:
                assert g[key] == approx(want), (r["action"], key)
    assert all(is_blank(g[k]) for g in got[len(typed):] for k in ("variance", "late", "roi"))


@pytest.mark.parametrize("lang", LANGS)
def test_dashboard_totals_follow_the_typed_plan(recalculated, lang):
    wb = recalculated[f"typed_{lang}"]
    ws = wb[schema.sheet_name("dashboard", lang)]
    typed = action_rows(lang)
    exp = [expect_action(r, lang) for r in typed]
    s = lambda rows, k: sum(r[k] for r in rows if num(r.get(k)))  # noqa: E731
    yes = schema.YES_NO.label("yes", lang)
    t = tiles(ws)
    atts = [e["attainment"] for e in exp if e["attainment"] is not None]
    assert t[tx("kpi.actions", lang)] == len(typed)
    assert t[tx("kpi.done", lang)] == sum(r.get("status") == schema.STATUS.label("done", lang) for r in typed)
    assert t[tx("kpi.late", lang)] == sum(e["late"] == yes for e in exp) == 2
    assert t[figure_label("budget_planned", lang)] == approx(s(typed, "budget_planned"))
    assert t[figure_label("budget_actual", lang)] == approx(s(typed, "budget_actual"))
    assert t[tx("kpi.budget_variance", lang)] == approx(s(exp, "budget_variance"))
    unspent = s([r for r in typed if not num(r.get("budget_actual"))], "budget_planned")
    assert unspent > 0 and t[tx("kpi.budget_unspent", lang)] == approx(unspent)
    assert t[tx("kpi.revenue_expected", lang)] == approx(s(typed, "revenue_expected"))
    assert t[tx("kpi.revenue_actual", lang)] == approx(s(typed, "revenue_actual"))
    assert t[tx("kpi.roi", lang)] == approx((s(typed, "revenue_actual") - s(typed, "budget_actual"))
                                            / s(typed, "budget_actual"))
    assert t[tx("kpi.attainment", lang)] == approx(sum(atts) / len(atts))

    status_label = schema.ACTIONS.column("status").label(lang)
    by_status = _section(ws, status_label, 5)
    for _key, text in schema.STATUS.values:
        sel = [r for r in typed if r.get("status") == text(lang)]
        assert by_status[text(lang)][:3] == [len(sel), approx(s(sel, "budget_planned")),
                                             approx(s(sel, "budget_actual"))]
    by_cat = _section(ws, schema.ACTIONS.column("category").label(lang), 5)
    for _key, text in schema.CATEGORY.values:
        sel = [(r, e) for r, e in zip(typed, exp) if r["category"] == text(lang)]
        assert by_cat[text(lang)] == [len(sel), approx(s([r for r, _ in sel], "budget_planned")),
                                      approx(s([r for r, _ in sel], "budget_actual")),
                                      approx(s([e for _, e in sel], "budget_variance"))]
    by_owner = _section(ws, schema.ACTIONS.column("owner").label(lang), len(OWNERS))
    for name in OWNERS:  # "NA" is a person, not a missing value
        sel = [(r, e) for r, e in zip(typed, exp) if r["owner"] == name]
        assert by_owner[name] == [len(sel), approx(s([r for r, _ in sel], "budget_planned")),
                                  approx(s([r for r, _ in sel], "budget_actual")),
                                  sum(e["late"] == yes for _, e in sel)]
    others = [r for r in typed if r["owner"] not in OWNERS]
    row = next(r for r in range(1, ws.max_row + 1) if ws.cell(r, 1).value == tx("others", lang))
    assert [ws.cell(row, c).value for c in (2, 3)] == [len(others), approx(s(others, "budget_planned"))]


def _section(ws, header: str, n: int) -> dict:
    for r in range(1, ws.max_row + 1):
        if ws.cell(r, 1).value == header:
            return {ws.cell(r + 1 + i, 1).value: [ws.cell(r + 1 + i, c).value for c in range(2, 6)][:4]
                    for i in range(n)}
    raise AssertionError(f"no section {header!r}")


@pytest.mark.parametrize("lang", LANGS)
def test_kpi_latest_value_and_attainment(recalculated, lang):
    wb = recalculated[f"typed_{lang}"]
    got = read_rows(wb[schema.sheet_name("kpis", lang)], 4, schema.KPIS.columns, lang, len(KPI_ROWS))
    for k, g in zip(KPI_ROWS, got):
        months = [k.get(m) for m in schema.MONTH_KEYS]
        numbers = [v for v in months if num(v)]
        latest = numbers[-1] if numbers else None
        if latest is None:
            assert is_blank(g["latest"]) and is_blank(g["attainment"])
            continue
        assert g["latest"] == approx(latest), k["name"]
        if k["target"] == k["initial"]:
            assert is_blank(g["attainment"]), k["name"]
        else:
            assert g["attainment"] == approx((latest - k["initial"]) / (k["target"] - k["initial"])), k["name"]


@pytest.mark.parametrize("lang", LANGS)
def test_revenue_split_and_cumulative_variance(recalculated, lang):
    ws = recalculated[f"typed_{lang}"][schema.sheet_name("revenue", lang)]
    weights = [REVENUE["weights"].get(m, 1) for m in range(1, 13)]
    actuals = [REVENUE["actuals"].get(m) for m in range(1, 13)]
    targets = [REVENUE["annual"] * w / sum(weights) for w in weights]
    cum_t = cum_a = 0.0
    for m in range(12):
        r = 9 + m
        cum_t += targets[m]
        assert ws.cell(r, 4).value == approx(targets[m])
        assert ws.cell(r, 7).value == approx(cum_t)
        if actuals[m] is None:
            assert all(is_blank(ws.cell(r, c).value) for c in (6, 8, 9, 10))
            continue
        cum_a += actuals[m]
        assert ws.cell(r, 6).value == approx(actuals[m] - targets[m])
        assert ws.cell(r, 8).value == approx(cum_a)
        assert ws.cell(r, 9).value == approx(cum_a - cum_t)
        assert ws.cell(r, 10).value == approx(cum_a / cum_t)
    q1 = 9 + 12 + 4  # quarter table: after the 12 months, the total row, a gap, a title and a header
    assert ws.cell(q1, 2).value == approx(sum(targets[0:3]))
    assert ws.cell(q1, 3).value == approx(sum(a for a in actuals[0:3]))
    assert ws.cell(q1, 4).value == approx(sum(actuals[0:3]) - sum(targets[0:3]))
    assert is_blank(ws.cell(q1 + 1, 3).value)  # no actual in Q2 yet
    dash = tiles(recalculated[f"typed_{lang}"][schema.sheet_name("dashboard", lang)])
    assert dash[tx("kpi.rev_actual", lang)] == approx(sum(a for a in actuals if a))
    assert dash[tx("kpi.rev_progress", lang)] == approx(sum(a for a in actuals if a) / REVENUE["annual"])


def test_objective_sheet_sums_its_tasks_and_indicators(recalculated):
    wb = recalculated["objectif_typed"]
    assert error_cells(wb) == []
    ws = wb[schema.sheet_name("objective", "fr")]
    figures = {ws.cell(r, 1).value: ws.cell(r, 2).value for r in range(1, 15)}
    assert figures[tx("objective.budget", "fr")] == approx(sum(t.get("budget", 0) for t in TASKS))
    done = sum(t["status"] == "Terminé" for t in TASKS)
    assert figures[tx("objective.done", "fr")] == f"{done} / {len(TASKS)}"
    atts = []
    for k in OBJ_KPIS:
        latest = [k[m] for m in schema.MONTH_KEYS if m in k][-1]
        atts.append((latest - k["initial"]) / (k["target"] - k["initial"]))
    assert figures[tx("objective.kpi", "fr")] == approx(sum(atts) / len(atts))


# ------------------------------------------------------------------------------------ samples, saved by LibreOffice
def _sample_inputs(name: str) -> dict:
    return tomllib.loads((ROOT / "samples" / f"{name}.toml").read_text(encoding="utf-8"))


@pytest.mark.parametrize("name, template", [("pac_formation_rh", "pac"), ("trame_piscines", "trame")])
def test_samples_recalculate_to_the_figures_of_their_data(recalculated, name, template):
    data = _sample_inputs({"pac_formation_rh": "formation_rh", "trame_piscines": "trame_piscines"}[name])
    wb = recalculated[name]
    assert error_cells(wb) == []
    actions = data["actions"]
    got = read_rows(wb[schema.sheet_name("actions", "fr")], 4, schema.ACTIONS.columns, "fr", len(actions))
    for r, g in zip(actions, got):
        for key, want in expect_action(r, "fr").items():
            if want is None:
                assert is_blank(g[key]), (key, r)
            elif isinstance(want, str):
                assert g[key] == want, (key, r)
            else:
                assert g[key] == approx(want), (key, r)
    t = tiles(wb[schema.sheet_name("dashboard", "fr")])
    planned = sum(r.get("budget_planned", 0) for r in actions)
    assert t[figure_label("budget_planned", "fr")] == approx(planned)
    assert t[figure_label("budget_actual", "fr")] == approx(sum(r.get("budget_actual", 0) for r in actions))
    n_actions = len(get_actions_with_text(wb))
    assert t[tx("kpi.actions", "fr")] == n_actions
    if template == "pac":
        assert planned == 35_500  # the seed's worked example: 35 500 € in all
        assert t[tx("kpi.rev_actual", "fr")] == approx(sum(data["revenue"]["actuals"]))


def get_actions_with_text(wb) -> list:
    rows = read_rows(wb[schema.sheet_name("actions", "fr")], 4, schema.ACTIONS.columns, "fr", 200)
    return [r for r in rows if r.get("action")]


def test_planning_follows_the_action_dates(recalculated):
    wb = recalculated["pac_formation_rh"]
    ws = wb[schema.sheet_name("planning", "fr")]
    data = _sample_inputs("formation_rh")
    col = {ws.cell(4, c).value: c for c in range(1, ws.max_column + 1)}
    start, end = col[schema.ACTIONS.column("start").label("fr")], col[schema.ACTIONS.column("end").label("fr")]
    for i, a in enumerate(data["actions"]):
        r = 6 + i
        assert ws.cell(r, 2).value == a["action"]
        assert ws.cell(r, 1).value == i + 1
        assert ws.cell(r, start).value.date() == a["start"] and ws.cell(r, end).value.date() == a["end"]
    assert is_blank(ws.cell(6 + len(data["actions"]), 2).value)
    assert is_blank(ws.cell(6 + len(data["actions"]), 1).value)


@pytest.mark.parametrize("name, data_file", [("pac_formation_rh", "formation_rh"),
                                             ("trame_piscines", "trame_piscines")])
def test_samples_carry_the_right_cached_values_for_readers_that_do_not_recalculate(name, data_file):
    """No LibreOffice here: the values stored with the formulas are what pandas or calamine read."""
    data = _sample_inputs(data_file)
    wb = openpyxl.load_workbook(ROOT / "samples" / f"{name}.xlsx", data_only=True)
    actions = data["actions"]
    got = read_rows(wb[schema.sheet_name("actions", "fr")], 4, schema.ACTIONS.columns, "fr", len(actions) + 1)
    for r, g in zip(actions, got):
        for key, want in expect_action(r, "fr", today=data["as_of"]).items():
            expected = want if isinstance(want, str) else approx(want)
            assert (is_blank(g[key]) if want is None else g[key] == expected), (key, r.get("action"), g[key], want)
    assert all(is_blank(got[-1][k]) for k in ("variance", "attainment", "late"))
    t = tiles(wb[schema.sheet_name("dashboard", "fr")])
    assert t[figure_label("budget_planned", "fr")] == approx(sum(r.get("budget_planned", 0) for r in actions))
    assert t[tx("kpi.revenue_actual", "fr")] == approx(sum(r.get("revenue_actual", 0) for r in actions))
    kpis = read_rows(wb[schema.sheet_name("kpis", "fr")], 4, schema.KPIS.columns, "fr", len(data["kpis"]))
    for k, g in zip(data["kpis"], kpis):
        latest = [k[m] for m in schema.MONTH_KEYS if m in k][-1]
        assert g["latest"] == approx(latest)
        assert g["attainment"] == approx((latest - k["initial"]) / (k["target"] - k["initial"]))


def test_large_plan_mode_computes_the_same(recalculated):
    """Above LARGE_TABLE_ROWS, empty cells take their column's format and xlsxwriter's overlap
    record is skipped: the workbook must still recalculate cleanly and the same way."""
    from pac_excel.generator.tablesheet import LARGE_TABLE_ROWS

    wb = recalculated["large"]
    assert error_cells(wb) == []
    typed = action_rows("fr")
    ws = wb[schema.sheet_name("actions", "fr")]
    got = read_rows(ws, 4, schema.ACTIONS.columns, "fr", LARGE_TABLE_ROWS + 1)
    for r, g in zip(typed, got):
        for key, want in expect_action(r, "fr").items():
            assert (is_blank(g[key]) if want is None else g[key] == (want if isinstance(want, str) else approx(want)))
    assert all(is_blank(g["variance"]) and is_blank(g["late"]) for g in got[len(typed):])


def test_large_plan_structure(tmp_path):
    from pac_excel.generator.tablesheet import LARGE_TABLE_ROWS

    path = make(tmp_path, "large.xlsx", actions=LARGE_TABLE_ROWS + 1)
    wb = openpyxl.load_workbook(path)
    ws = wb[schema.sheet_name("actions", "fr")]
    assert ws.tables["T_Actions"].ref.endswith(str(4 + LARGE_TABLE_ROWS + 1))
    headers, rows = table_cells(ws, ws.tables["T_Actions"])
    budget = headers.index("Budget prévu")
    letter = openpyxl.utils.get_column_letter(budget + 1)
    style = wb._cell_styles[ws.column_dimensions[letter].style_id] if hasattr(wb, "_cell_styles") else None
    assert style is not None and not wb._protections[style.protectionId].locked  # empty inputs stay editable
    variance = headers.index("Écart")
    assert all(isinstance(row[variance].value, str) and row[variance].value.startswith("=") for row in rows)


def test_the_dashboard_prints_on_one_page_with_all_its_charts(pdf_tools_available, tmp_path):
    """Issue 15, defect 1: printed by LibreOffice, the Tableau de bord of a filled plan (the
    sample) and of a blank one is one landscape page holding every chart's title; the list's
    empty owner rows are not printed."""
    import subprocess

    from pac_excel import GenerateOptions, generate

    sample = Path(__file__).resolve().parent.parent / "samples" / "pac_formation_rh.xlsx"
    blank = generate(tmp_path / "blank.xlsx", GenerateOptions(year=2026))
    english = generate(tmp_path / "english.xlsx", GenerateOptions(year=2026, lang="en"))
    pdfs = convert([sample, blank, english], tmp_path / "pdf", fmt="pdf")
    for pdf, lang in zip(pdfs, ("fr", "fr", "en")):
        pages = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True,
                               check=True).stdout.split("\f")
        title = tx("dashboard.title", lang)
        mine = [p for p in pages if p.lstrip().startswith(schema.sheet_name("dashboard", lang))]
        assert len(mine) == 1, (pdf.name, len(mine))
        page = mine[0]
        assert title in page
        for chart in ("dashboard.by_category", "dashboard.by_status", "dashboard.kpi_chart", "dashboard.rev_chart"):
            assert tx(chart, lang) in page, (pdf.name, chart)
        assert page.count(tx("others", lang)) == 1  # the owners' table ends on this page
    wb = openpyxl.load_workbook(blank)
    ws = wb[schema.sheet_name("dashboard", "fr")]
    owners_head = next(r for r in range(1, ws.max_row + 1)
                       if ws.cell(r, 1).value == schema.ACTIONS.column("owner").label("fr"))
    others = next(r for r in range(1, ws.max_row + 1) if ws.cell(r, 1).value == tx("others", "fr"))
    shown = [r for r in range(owners_head + 1, others) if not ws.row_dimensions[r].hidden]
    assert 0 < len(shown) < others - owners_head - 1  # a few empty rows to fill, the rest hidden


def test_the_pipeline_computes_in_libreoffice(lo_available, tmp_path):
    """Issue 15: opportunities typed into a blank plan (openpyxl, no cached value), one stage's
    probability edited, recalculated by LibreOffice: each probability, weighted amount and stale
    flag, the weighted pipeline by month against the revenue target, the dashboard's tile — and
    `analyze` of the saved file — equal the figures computed here from the inputs."""
    from pac_excel import GenerateOptions, generate
    from pac_excel.analysis import analyze

    today = date.today()
    year = today.year
    d = lambda n: today + timedelta(days=n)  # noqa: E731
    lang = "fr"
    annual = 600_000  # typed on Objectifs CA: 50,000 a month with the default weights
    opportunities = [  # client, opportunity, stage, forced probability, amount, close, next step date
        ("Hôtel du Lac", "Formation accueil", "Proposition", None, 18000, date(year, 3, 15), d(-5)),
        ("Clinique Sud", "Parcours managers", "Négociation", None, 42000.5, date(year, 3, 20), d(10)),
        ("Mairie", "Appel d’offres", "Qualifiée", 0.5, 25000, date(year, 7, 1), d(-30)),
        ("Garage", "Formation vente", "Gagnée", None, 6000, date(year, 1, 5), d(-60)),
        ("Lycée", "Projet perdu", "Perdue", None, 9000, date(year, 2, 1), d(-2)),
        ("Sans étape", "À qualifier", None, None, 1000, date(year, 3, 1), d(-1)),
    ]
    edited = {"Proposition": 0.55}  # the user's own probability for a stage
    blank = generate(tmp_path / "blank.xlsx", GenerateOptions(year=year, lang=lang))
    wb = openpyxl.load_workbook(blank)
    ws = wb[schema.sheet_name("pipeline", lang)]
    headers, cells = table_cells(ws, ws.tables["T_Etapes"])
    name_col, prob_col = headers.index(schema.STAGES.column("stage").label(lang)), \
        headers.index(schema.STAGES.column("probability").label(lang))
    probabilities = {}
    for row in cells:
        if row[name_col].value in edited:
            row[prob_col].value = edited[row[name_col].value]
        if row[name_col].value:
            probabilities[row[name_col].value] = row[prob_col].value
    headers, cells = table_cells(ws, ws.tables["T_Pipeline"])
    col = {c.key: headers.index(c.label(lang)) for c in schema.PIPELINE.columns}
    for row, (client, opp, st, forced, amount, close, nxt) in zip(cells, opportunities):
        for key, v in (("client", client), ("opportunity", opp), ("stage", st), ("probability_override", forced),
                       ("amount", amount), ("close", close), ("next_date", nxt)):
            if v is not None:
                row[col[key]].value = datetime(v.year, v.month, v.day) if isinstance(v, date) else v
    wb[schema.sheet_name("revenue", lang)]["D4"].value = annual
    typed = tmp_path / "typed.xlsx"
    wb.save(typed)
    saved = convert([typed], tmp_path / "lo")[0]
    got = openpyxl.load_workbook(saved, data_only=True)
    ws = got[schema.sheet_name("pipeline", lang)]
    headers, cells = table_cells(ws, ws.tables["T_Pipeline"])
    yes, no = schema.YES_NO.label("yes", lang), schema.YES_NO.label("no", lang)
    expected_by_month = [0.0] * 12
    stale_count, months = 0, set()
    for row, (_c, _o, st, forced, amount, close, nxt) in zip(cells, opportunities):
        p = forced if forced is not None else probabilities.get(st) if st else None
        w = amount * p if p is not None else None
        stale = nxt < today and (p is None or 0 < p < 1)
        stale_count += stale
        assert is_blank(row[col["probability"]].value) if p is None else row[col["probability"]].value == approx(p)
        assert is_blank(row[col["weighted"]].value) if w is None else row[col["weighted"]].value == approx(w)
        assert row[col["stale"]].value == (yes if stale else no), (_o, row[col["stale"]].value)
        if w is not None:
            expected_by_month[close.month - 1] += w
            months.add(close.month)
    assert error_cells(got) == []
    month_col = next(c for c in range(1, 12) if ws.cell(5, c).value == tx("pipeline.month", lang))
    monthly = [ws.cell(6 + m, month_col + 1).value for m in range(12)]
    assert monthly == [approx(v) for v in expected_by_month]
    target = annual / 12
    assert [ws.cell(6 + m, month_col + 2).value for m in range(12)] == [approx(target)] * 12
    assert [ws.cell(6 + m, month_col + 3).value for m in range(12)] == [approx(v - target) for v in expected_by_month]
    assert [ws.cell(6 + m, month_col + 4).value for m in range(12)] == [approx(v / target) for v in expected_by_month]
    assert ws.cell(18, month_col + 4).value == approx(sum(expected_by_month) / annual)  # the year's coverage
    dash = tiles(got[schema.sheet_name("dashboard", lang)])
    assert dash[tx("kpi.pipeline_weighted", lang)] == approx(sum(expected_by_month))
    a = analyze(saved, as_of=today)
    assert a.pipeline["weighted"] == round(sum(expected_by_month), 2)
    assert a.pipeline["opportunities"] == len(opportunities)
    assert a.pipeline["stale"] == stale_count
    assert a.pipeline["by_month"] == [{"month": f"{year}-{m + 1:02d}", "weighted": round(v, 2)}
                                      for m, v in enumerate(expected_by_month) if m + 1 in months]


def test_the_prospecting_funnel_computes_in_libreoffice(lo_available, tmp_path):
    """Issue 15: a month's contacts, meetings, proposals, signatures and signing target typed
    into a blank plan, the business stage switched to "developing" (×2), recalculated by
    LibreOffice: conversion rates and volumes needed upstream equal the figures computed here,
    and so do `analyze`'s totals."""
    from pac_excel import GenerateOptions, generate
    from pac_excel.analysis import analyze

    lang = "fr"
    typed = {0: dict(contacts=120, meetings=30, proposals=12, signed=4, target=5),
             1: dict(contacts=90, meetings=0, proposals=3, signed=1, target=5),  # 0 meetings: no rate after it
             3: dict(target=6)}
    blank = generate(tmp_path / "blank.xlsx", GenerateOptions(lang=lang))
    wb = openpyxl.load_workbook(blank)
    ws = wb[schema.sheet_name("funnel", lang)]
    ws["C4"].value = schema.BUSINESS_STAGE.label("growth", lang)
    headers, cells = table_cells(ws, ws.tables["T_Prospection"])
    col = {c.key: headers.index(c.label(lang)) for c in schema.FUNNEL.columns}
    for m, values in typed.items():
        for key, v in values.items():
            cells[m][col[key]].value = v
    wb.save(tmp_path / "typed.xlsx")
    saved = convert([tmp_path / "typed.xlsx"], tmp_path / "lo")[0]
    got = openpyxl.load_workbook(saved, data_only=True)
    assert error_cells(got) == []
    ws = got[schema.sheet_name("funnel", lang)]
    _h, cells = table_cells(ws, ws.tables["T_Prospection"])
    factor = 2
    for m in range(12):
        row, v = cells[m], typed.get(m, {})

        def rate(a, b, v=v):
            return v[b] / v[a] if a in v and b in v and v[a] != 0 else None

        want = {"rate_meetings": rate("contacts", "meetings"), "rate_proposals": rate("meetings", "proposals"),
                "rate_signed": rate("proposals", "signed"),
                "need_proposals": v["target"] * factor if "target" in v else None,
                "need_meetings": v["target"] * factor ** 2 if "target" in v else None,
                "need_contacts": v["target"] * factor ** 3 if "target" in v else None}
        for key, w in want.items():
            cell = row[col[key]].value
            assert (is_blank(cell) if w is None else cell == approx(w)), (m, key, cell, w)
    a = analyze(saved).funnel
    assert (a["stage"], a["factor"], a["months"]) == ("growth", factor, len(typed))
    for key in ("contacts", "meetings", "proposals", "signed", "target"):
        assert a[key] == sum(v.get(key, 0) for v in typed.values())
    target = sum(v["target"] for v in typed.values())
    assert a["needed"] == {"proposals": target * 2, "meetings": target * 4, "contacts": target * 8}


def test_an_action_typed_on_an_empty_row_numbers_itself(lo_available, tmp_path):
    """N° of an empty row: blank until an action is typed on it, then the row's number, which
    stays with the action (a constant in the formula) — not typed over when a person types one."""
    lang = "fr"
    blank = make(tmp_path, "blank.xlsx", lang=lang, actions=8)
    wb = openpyxl.load_workbook(blank)
    ws = wb[schema.sheet_name("actions", lang)]
    headers, rows = table_cells(ws, ws.tables["T_Actions"])
    col = {k: headers.index(schema.ACTIONS.column(k).label(lang)) for k in ("no", "action", "owner")}
    assert all(str(r[col["no"]].value).startswith("=IF(") for r in rows)  # every empty row numbers itself
    typed = {1: "Salon", 3: "Mailing", 6: "Webinaire"}  # 0-based rows; row 6 also gets a number typed
    for i, text in typed.items():
        rows[i][col["action"]].value = text
    rows[6][col["no"]].value = 42
    # a sort by hand: rows 1 and 3 swap, formulas and all, as Excel's sort moves them
    a, b = rows[1], rows[3]
    for c in range(len(headers)):
        a[c].value, b[c].value = b[c].value, a[c].value
    wb.save(tmp_path / "typed.xlsx")
    out, = convert([tmp_path / "typed.xlsx"], tmp_path / "lo")
    got = {r["action"]: r["no"] for r in read_plan(out).data.actions}
    assert got == {"Salon": 2, "Mailing": 4, "Webinaire": 42}  # numbers as generated, kept through the sort
    values = openpyxl.load_workbook(out, data_only=True)[schema.sheet_name("actions", lang)]
    _, vrows = table_cells(values, ws.tables["T_Actions"])
    assert [r[col["no"]].value in (None, "") for r in vrows if not r[col["action"]].value] == [True] * 5  # blank
    assert not error_cells(openpyxl.load_workbook(out, data_only=True))
    a = analyze(out)
    assert a.totals()["actions"] == 3 and not [p for p in a.problems if p.severity == "error"]


def test_categories_renamed_and_added_are_summed_by_the_dashboard(lo_available, tmp_path):
    """Issue 15: the category list holds 20 entries. On the trame (its 15 pre-listed families of
    actions filed under the standard categories) a person renames a category and fills the list
    up to its 20th entry, files actions under them in LibreOffice: the dashboard's breakdown
    follows the list (renamed and added categories summed, the 20th included), and analyze
    finds the same figures."""
    lang = "fr"
    blank = make(tmp_path, "trame.xlsx", template="trame", lang=lang, actions=30)
    wb = openpyxl.load_workbook(blank)
    lists = wb[schema.sheet_name("lists", lang)]
    col = next(c for c in lists[4] if c.value == schema.CATEGORY.title(lang)).column
    cells = [lists.cell(r, col) for r in range(5, 5 + schema.CATEGORY.cells)]
    named = [c for c in cells if c.value]
    assert len(cells) == 20 and len(named) == len(schema.CATEGORY.values)
    ws = wb[schema.sheet_name("actions", lang)]
    headers, rows = table_cells(ws, ws.tables["T_Actions"])
    col_of = {k: headers.index(schema.ACTIONS.column(k).label(lang)) for k in ("action", "category", "budget_planned")}
    old = named[-1].value
    named[-1].value = "Études terrain"  # renamed, and replaced in the rows filed under it (find and replace)
    for r in rows:
        if r[col_of["category"]].value == old:
            r[col_of["category"]].value = "Études terrain"
    second = next(c.value for c in named if c.value != "Études terrain")
    cells[len(named)].value = "Salons pro"  # added below the list
    for i, c in enumerate(cells[len(named) + 1:-1]):
        c.value = f"Famille {i + 1}"
    cells[-1].value = "Partenariats"  # the 20th entry
    typed = [("Enquête clients", "Études terrain", 1000), ("Salon de Lyon", "Salons pro", 2000),
             ("Salon de Paris", "Salons pro", 750.5), ("Autre", second, 500), ("Club d'affaires", "Partenariats", 320)]
    free = [r for r in rows if not r[col_of["action"]].value]
    for row, (action, category, budget) in zip(free, typed):
        row[col_of["action"]].value = action
        row[col_of["category"]].value = category
        row[col_of["budget_planned"]].value = budget
    wb.save(tmp_path / "typed.xlsx")
    out, = convert([tmp_path / "typed.xlsx"], tmp_path / "lo")
    values = openpyxl.load_workbook(out, data_only=True)
    assert not error_cells(values)
    dash = values[schema.sheet_name("dashboard", lang)]
    section = _section(dash, schema.ACTIONS.column("category").label(lang), schema.CATEGORY.cells)
    for name in ("Études terrain", "Salons pro", second, "Partenariats"):
        sel = [b for _, c, b in typed if c == name]
        prefilled = [r for r in rows if r[col_of["category"]].value == name and r not in free]
        planned = sum(sel) + sum(r[col_of["budget_planned"]].value or 0 for r in prefilled)
        assert section[name][:2] == [len(sel) + len(prefilled), approx(planned)], name
    a = analyze(out)
    assert not [p for p in a.problems if p.code == "unknown_value"]
    groups = a.group("category")
    for name in ("Études terrain", "Salons pro", "Partenariats"):
        assert groups[name]["budget_planned"] == approx(sum(b for _, c, b in typed if c == name))
