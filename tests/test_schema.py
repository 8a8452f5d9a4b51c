"""The schema is the single source of truth: it must be consistent before anything derives
from it."""

from __future__ import annotations

import pytest

from pac_excel import schema
from pac_excel.schema import normalize_label


@pytest.mark.parametrize("table", schema.TABLES, ids=lambda t: t.key)
def test_keys_and_labels_are_unique_in_each_table(table):
    keys = [c.key for c in table.columns]
    assert len(keys) == len(set(keys))
    for lang in schema.LANGS:
        labels = [normalize_label(c.label(lang)) for c in table.columns]
        assert len(labels) == len(set(labels)), f"{table.key}/{lang}: duplicate labels"


@pytest.mark.parametrize("table", schema.TABLES, ids=lambda t: t.key)
def test_no_header_word_names_two_columns_of_a_table(table):
    """A reader maps header words to columns: one word must never point at two columns."""
    owner: dict[str, str] = {}
    for c in table.columns:
        for word in c.header_words():
            assert owner.setdefault(word, c.key) == c.key, f"{word!r} names {owner[word]} and {c.key}"


@pytest.mark.parametrize("table", schema.TABLES, ids=lambda t: t.key)
def test_labels_need_no_escaping_in_structured_references(table):
    """[ ] # and ASCII ' must be escaped inside Table[[#This Row],[label]]: labels avoid them."""
    for c in table.columns:
        for lang in schema.LANGS:
            assert not set(c.label(lang)) & set("[]#'"), c.label(lang)


def test_table_names_unique_and_ascii():
    names = [t.table_name for t in schema.TABLES]
    assert len(names) == len(set(names))
    assert all(n.isascii() and n.replace("_", "").isalnum() for n in names)


def test_every_choice_column_has_a_source():
    sources = set(schema.LIST_BY_KEY) | {schema.OBJECTIVE_IDS, schema.ACTION_NUMBERS, schema.PIPELINE_STAGES}
    for table in schema.TABLES:
        for c in table.columns:
            if c.kind is schema.Kind.CHOICE:
                assert c.choices in sources, (table.key, c.key)


def test_sheet_names_are_valid_excel_names():
    for kind in schema.SHEET_KINDS:
        for lang in schema.LANGS:
            name = schema.sheet_name(kind, lang)
            assert 0 < len(name) <= 31 and not set(name) & set("[]:*?/\\"), name


def test_action_table_has_the_columns_the_issue_asks_for():
    fr = {c.label("fr") for c in schema.ACTIONS.columns}
    wanted = ["N°", "Objectif lié", "Action", "Phases / étapes", "Catégorie", "Horizon", "Cible", "Qui", "Moyens",
              "Budget prévu", "Budget réel", "Date début", "Date fin", "Statut", "Indicateur", "Objectif",
              "Résultat obtenu", "CA attendu", "CA réalisé", "Écart", "Taux d’atteinte", "Écart budget", "ROI",
              "En retard", "Analyse des écarts", "Actions correctives"]
    assert [w for w in wanted if w not in fr] == []
    computed = {c.key for c in schema.ACTIONS.columns if c.computed}
    assert computed == {"variance", "attainment", "budget_variance", "roi", "late"}


@pytest.mark.parametrize("raw, expected", [
    ("  RÉSULTAT\u00a0OBTENU (€) ", "resultat obtenu"),
    ("QUI ?", "qui"),
    ("Taux d'atteinte", "taux d'atteinte"),
    ("Taux d\u2019atteinte", "taux d'atteinte"),
    ("E\u0301quipe", "equipe"),  # decomposed accent
    ("Budget\u202fprévu :", "budget prevu"),
])
def test_normalize_label_folds_what_people_type(raw, expected):
    assert normalize_label(raw) == expected


def test_trame_headers_of_the_printed_plan_are_recognised():
    """The 9 columns of the classic printed trame map to action columns."""
    words = {w: c.key for c in schema.ACTIONS.columns for w in c.header_words()}
    printed = {"ACTIONS": "action", "PHASES, ÉTAPES": "steps", "QUI ?": "owner", "BUDGET": "budget_planned",
               "DATE DÉBUT": "start", "DATE FIN": "end", "OBJECTIF": "target", "RÉSULTAT OBTENU": "result",
               "ANALYSE ÉCARTS": "variance_analysis"}
    assert {h: words.get(normalize_label(h)) for h in printed} == printed


def test_list_labels_map_back_to_keys_in_both_languages():
    for lst in schema.LISTS:
        for key, text in lst.values:
            assert lst.key_of(text.fr) == key and lst.key_of(text.en.upper()) == key
