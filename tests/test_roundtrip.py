"""Read back equals written: a plan generated with any content, in every template and language,
is read back as the same plan — directly, and after LibreOffice opened and saved it.

What a template holds is computed here from its definition (its sheets and their columns):
a plan written with a template that has no revenue sheet reads back without revenue."""

from __future__ import annotations

import dataclasses
from datetime import date
from pathlib import Path

import pytest
from helpers import LANGS, TEMPLATES
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from libreoffice import convert

from pac_excel import GenerateOptions, PlanData, generate, schema
from pac_excel.a1 import MAX_CELL_TEXT
from pac_excel.plandata import Revenue
from pac_excel.planread import read_plan
from pac_excel.read.tables import is_total_label, match_header
from pac_excel.templates import get_template

CASES = [(t, lang) for t in TEMPLATES for lang in LANGS]

# ------------------------------------------------------------------------------------ what people type
_CHARS = st.characters(categories=("L", "N", "P", "S", "Zs"), exclude_characters="\r")
_PART = st.text(_CHARS | st.sampled_from("\n=éèàçœÉ’«»€ "), max_size=14)
#: a short text with at least one visible character (a blank cell is no text)
_SHORT = st.builds("{}{}{}".format, _PART, st.characters(categories=("L", "N", "P", "S")), _PART)
#: a formula-looking text, a multi-line text, a text of the largest size a cell holds
_SPECIAL = st.sampled_from(["=SUM(A1:A3)", "=1+1", "ligne 1\nligne 2\n\nligne 4", "+33 6 12 34 56 78",
                            "-", "00123", "NA", "Écart « 12 % »"])
_LONG = st.sampled_from("aé=\n").map(lambda c: (c * MAX_CELL_TEXT) if c != "\n" else "x\n" * (MAX_CELL_TEXT // 2))
#: mostly short texts; now and then a special one; rarely (LibreOffice lays each one out) a 32,767-character one
TEXT = st.integers(0, 39).flatmap(lambda i: _LONG if i == 0 else _SPECIAL if i < 8 else _SHORT)
NUMBER = st.one_of(st.integers(-10**9, 10**9), st.decimals(-10**9, 10**9, places=2, allow_nan=False,
                                                           allow_infinity=False).map(float))
AMOUNT = st.decimals(0, 10**9, places=2, allow_nan=False, allow_infinity=False).map(float)
DATE = st.dates(date(2000, 1, 1), date(2100, 12, 31))


def _anchor_ok(tdef, key):
    """A name a reader takes for the row's own (not a total line, not a repeated header)."""
    return lambda s: not is_total_label(s) and match_header(tdef, s) is None


def value_of(col: schema.Column, lang: str, owners: list[str], categories: list[str]) -> st.SearchStrategy:
    if col.key == "no":
        return st.integers(1, 10_000)
    if col.key == "action_no":
        return st.integers(1, 50)
    if col.choices == "owner":
        return st.sampled_from(owners) | TEXT if owners else TEXT
    if col.choices == "category":
        return st.sampled_from(categories or schema.CATEGORY.labels(lang))
    if col.choices in schema.LIST_BY_KEY:
        return st.sampled_from(schema.LIST_BY_KEY[col.choices].labels(lang))
    if col.choices == schema.OBJECTIVE_IDS:
        return st.sampled_from(["OBJ-1", "OBJ-2", "OBJ-9", "Conquête"])
    return {schema.Kind.MONEY: AMOUNT, schema.Kind.NUMBER: NUMBER, schema.Kind.INT: st.integers(0, 10**6),
            schema.Kind.PERCENT: st.integers(0, 100).map(lambda p: p / 100), schema.Kind.DATE: DATE}.get(col.kind, TEXT)


@st.composite
def rows(draw, tdef: schema.TableDef, columns, anchor: str, lang: str, owners, categories, max_rows: int = 6):
    out = []
    for _ in range(draw(st.integers(0, max_rows))):
        row = {anchor: draw(TEXT.filter(_anchor_ok(tdef, anchor)))}
        for col in columns:
            if col.computed or col.key == anchor:
                continue
            if col.key == "no" or draw(st.booleans()):
                row[col.key] = draw(value_of(col, lang, owners, categories))
        out.append(row)
    if tdef is schema.ACTIONS:  # action numbers are the plan's own: 1, 2, 3… unless typed otherwise
        for i, row in enumerate(out, 1):
            row.setdefault("no", i)
    return out


ALL_COLUMNS = {t.key: tuple(c for c in t.columns if c.key not in ("team", "source")) for t in schema.TABLES}
ANCHORS = {"actions": "action", "tasks": "task", "kpis": "name", "rituals": "what", "obstacles": "obstacle",
           "objectives": "objective", "segments": "segment", "review": "action", "pipeline": "opportunity",
           "stages": "stage", "funnel": "month"}


@st.composite
def plans(draw, lang: str) -> PlanData:
    owners = draw(st.lists(_SHORT.map(str.strip), max_size=schema.OWNERS.cells, unique=True))
    categories = draw(st.one_of(st.just([]), st.lists(_SHORT.map(str.strip), min_size=1, max_size=schema.CATEGORY.cells,
                                                      unique=True)))
    table = {key: draw(rows(schema.TABLE_BY_KEY[key], ALL_COLUMNS[key], ANCHORS[key], lang, owners, categories))
             for key in ANCHORS}
    for i, row in enumerate(table["objectives"], 1):
        row["id"] = row.get("id") or f"OBJ-{i}"
    return PlanData(
        company=draw(TEXT), team=draw(TEXT), period=draw(TEXT), vision=draw(_LONG | TEXT),
        year=draw(st.integers(2000, 2100)), owners=owners, categories=categories,
        funnel_stage=draw(st.sampled_from(sorted(schema.FUNNEL_FACTORS))),
        mix={k: draw(TEXT) for k, _ in schema.MARKETING_MIX if draw(st.booleans())},
        swot={k: draw(TEXT) for k, _ in schema.SWOT if draw(st.booleans())},
        revenue=Revenue(annual_target=draw(st.none() | AMOUNT),
                        weights=draw(st.lists(st.none() | st.integers(0, 3) | AMOUNT, min_size=12, max_size=12)),
                        actuals=draw(st.lists(st.none() | AMOUNT, min_size=12, max_size=12))),
        objective_sheet={k: draw(DATE if k == "deadline" else TEXT) for k in ("strategy", "objective", "deadline")
                         if draw(st.booleans())},
        **table,
    )


# ------------------------------------------------------------------------------------ what a template holds
def held(plan: PlanData, template_id: str, lang: str) -> PlanData:
    """The part of ``plan`` a template writes: its sheets, and in its tables its columns."""
    t = get_template(template_id)
    out = dataclasses.replace(plan, as_of=None)
    if not (t.has("strategy") or t.has("objective")):
        out.company = out.team = out.period = ""
    if not t.has("strategy"):
        out.vision, out.objectives, out.segments, out.review = "", [], [], []
        out.mix, out.swot = {}, {}
    if not t.has("objective"):
        out.objective_sheet = {}
    if not t.has("revenue"):
        out.revenue = Revenue()
    if t.has("funnel"):  # one row per month, January first, whatever the rows were called
        out.funnel = [{**({k: v for k, v in plan.funnel[m].items() if k != "month"} if m < len(plan.funnel) else {}),
                       "month": schema.MONTHS[m](lang)} for m in range(12)]
    else:
        out.funnel_stage = "startup"
    if t.has("pipeline") and not plan.stages:  # the usual stages, written for the user to edit
        out.stages = [{"stage": label(lang), "probability": p} for label, p in schema.DEFAULT_STAGES]
    for key in ("actions", "tasks", "kpis", "rituals", "obstacles", "pipeline", "stages", "funnel"):
        if not t.has("pipeline" if key == "stages" else key):
            setattr(out, key, [])
            continue
        columns = schema.STAGES.columns if key == "stages" else t.columns(key)
        keep = {c.key for c in columns if not c.computed}
        setattr(out, key, [{k: v for k, v in r.items() if k in keep} for r in getattr(out, key)])
    if not t.has("lists"):
        out.owners, out.categories = [], []
    return out


def write(path: Path, plan: PlanData, template: str, lang: str) -> Path:
    return generate(path, GenerateOptions(template=template, lang=lang, prefill=False, force=True), plan)


def assert_same(read: PlanData, expected: PlanData) -> None:
    for f in dataclasses.fields(PlanData):
        assert getattr(read, f.name) == getattr(expected, f.name), f.name
    assert read == expected


# ------------------------------------------------------------------------------------ the properties
@pytest.mark.parametrize(("template", "lang"), CASES)
@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(data=st.data())
def test_a_written_plan_reads_back_the_same(tmp_path_factory, template, lang, data):
    plan = data.draw(plans(lang))
    path = write(tmp_path_factory.mktemp("rt") / "plan.xlsx", plan, template, lang)
    got = read_plan(path, bounded=False)
    assert (got.template, got.lang, got.overwritten, got.outside) == (template, lang, [], [])
    assert_same(got.data, held(plan, template, lang))


@settings(max_examples=2, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(data=st.data())
def test_a_plan_saved_by_libreoffice_reads_back_the_same(lo_available, tmp_path_factory, data):
    """A drawn plan per language written with every template, opened and saved by LibreOffice in
    one batch per format (.xlsx, .ods)."""
    src, out = tmp_path_factory.mktemp("lo-rt-in"), tmp_path_factory.mktemp("lo-rt-out")
    plan = {lang: data.draw(plans(lang)) for lang in LANGS}
    files = [write(src / f"{t}_{lang}.xlsx", plan[lang], t, lang) for t, lang in CASES]
    for fmt in ("xlsx", "ods"):
        for (t, lang), saved in zip(CASES, convert(files, out / fmt, fmt=fmt)):
            got = read_plan(saved, bounded=False)
            assert (got.template, got.lang, got.overwritten, got.outside) == (t, lang, [], []), saved
            assert_same(got.data, held(plan[lang], t, lang))
