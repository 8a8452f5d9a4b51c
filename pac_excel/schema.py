"""The one description of pac-excel's sheets, tables, columns and dropdown lists.

The generator builds workbooks from it and the reader recognises workbooks with it: a header
label, a synonym or a list value is written here and nowhere else.

Conventions:
- ``key`` is a stable English identifier (JSON keys, code); labels are per language.
- Labels use the typographic apostrophe (’): an ASCII ``'`` would need escaping inside Excel
  structured references. :func:`normalize_label` folds both, so readers accept either.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from enum import Enum
from functools import cached_property, lru_cache

LANGS = ("fr", "en")
DEFAULT_LANG = "fr"


class Kind(str, Enum):
    """The type of a column's values; it decides number format and validation."""

    TEXT = "text"
    LONG_TEXT = "long_text"  # wrapped, wide
    INT = "int"
    NUMBER = "number"
    MONEY = "money"
    DATE = "date"
    PERCENT = "percent"
    CHOICE = "choice"  # a value from a dropdown list
    FLAG = "flag"  # computed yes/no


@dataclass(frozen=True)
class Currency:
    """A currency a plan is kept in: its ISO 4217 code, the mark written after an amount (as
    French-speaking readers write it: 35 500 €, 35 500 CHF, 35 500 FCFA) and the words that
    name it in a header ("Budget (CHF)", "Montant en dirhams")."""

    code: str
    mark: str
    words: tuple[str, ...] = ()

    @property
    def number_format(self) -> str:
        """Whole units, thousands grouped, negatives red: the format of every amount of the plan."""
        return f'#,##0 "{self.mark}";[Red]-#,##0 "{self.mark}"'

    @property
    def label_format(self) -> str:
        """A chart's data label: zero shows nothing (an empty chart stays clean)."""
        return f'#,##0 "{self.mark}";-#,##0 "{self.mark}";""'


#: the currencies of French-speaking plans: the euro area, Switzerland, Canada, the CFA francs
#: of West and Central Africa, the Maghreb, and the few a plan abroad is kept in
CURRENCIES: dict[str, Currency] = {c.code: c for c in (
    # not "k€": thousands of euros are another scale, never read as euros
    Currency("EUR", "€", ("€", "eur", "euro", "euros")),
    Currency("CHF", "CHF", ("chf", "fr.", "francs suisses")),
    Currency("CAD", "$ CA", ("cad", "$ ca", "$ can", "ca$", "dollars canadiens")),
    Currency("XOF", "FCFA", ("xof", "fcfa", "f cfa", "cfa")),
    Currency("XAF", "FCFA", ("xaf",)),
    Currency("MAD", "DH", ("mad", "dh", "dhs", "dirham", "dirhams")),
    Currency("TND", "DT", ("tnd", "dinars tunisiens")),
    Currency("DZD", "DA", ("dzd", "dinars algériens")),
    Currency("USD", "$", ("usd", "$", "us$", "dollars")),
    Currency("GBP", "£", ("gbp", "£")),
)}
DEFAULT_CURRENCY = "EUR"


def currency_of_header(text: str) -> str | None:
    """The currency a header names ("Budget (CHF)" → CHF, "Réalisé (€)" → EUR, "en dollars
    canadiens" → CAD); None when it names none, or thousands ("k€": another scale, not guessed).
    "FCFA" alone is read as XOF."""
    m = _CURRENCY_WORDS.search(" ".join(str(text).casefold().split()))
    return _CURRENCY_BY_WORD[m.group(1)] if m else None


def without_currency(text: str) -> str:
    """A header without the currency it names: "Dépenses CHF" → "Dépenses", "Coût en euros" → "Coût"."""
    folded = " ".join(str(text).casefold().split())
    m = _CURRENCY_WORDS.search(folded)
    if not m:
        return str(text)
    head = folded[:m.start()].rstrip(" ([-–/").removesuffix(" en").removesuffix(" in")
    return (head + " " + folded[m.end():].lstrip(" )]")).strip()


_CURRENCY_BY_WORD = {w: c.code for c in reversed(CURRENCIES.values()) for w in c.words}
_CURRENCY_WORDS = re.compile(r"(?<![a-z])(" + "|".join(re.escape(w) for w in sorted(_CURRENCY_BY_WORD, key=len,
                                                                                     reverse=True)) + r")(?![a-z])")


def money_format(currency: str | None) -> str:
    """The number format of the amounts of a plan in ``currency``; an unknown currency (a
    home-made file whose headers name none) shows whole units without a mark — never one guessed."""
    c = CURRENCIES.get(currency or "")
    return c.number_format if c else "#,##0;[Red]-#,##0"


NUMBER_FORMATS: dict[Kind, str] = {
    Kind.INT: "0",
    Kind.NUMBER: "General",  # 40 and 12.5 as typed ("#,##0.##" shows "40." in Excel)
    Kind.MONEY: CURRENCIES[DEFAULT_CURRENCY].number_format,
    Kind.DATE: "dd/mm/yyyy",
    Kind.PERCENT: "0%",
}


@dataclass(frozen=True)
class Text:
    """A French and an English text."""

    fr: str
    en: str

    def __call__(self, lang: str) -> str:
        return self.en if lang == "en" else self.fr


@dataclass(frozen=True)
class Column:
    key: str
    label: Text
    kind: Kind
    width: float
    computed: bool = False
    choices: str | None = None  # key of a ListDef
    synonyms: tuple[str, ...] = ()  # extra header words a reader accepts (any language)
    #: header words that name this column only beside a currency mark: "Réalisé (€)" is money spent,
    #: "Réalisé" alone a result
    money_synonyms: tuple[str, ...] = ()
    optional: bool = False  # present only when a template asks for it
    help: Text | None = None  # input message shown when the cell is selected
    record: bool = True  # a field of the records read back (numbering, team and source are not)
    report: bool = False  # shown in the report and consolidated tables (every totalled amount is, too)
    #: checks: the kinds of table ("plan", "tasks", "tracker") whose reading reports it missing
    wanted: tuple[str, ...] = ()

    @property
    def totalled(self) -> bool:
        """An amount typed in: summed in every total, breakdown and report."""
        return self.kind is Kind.MONEY and not self.computed

    @property
    def number_format(self) -> str | None:
        return NUMBER_FORMATS.get(self.kind)

    def header_words(self) -> tuple[str, ...]:
        """Every normalised header text that names this column."""
        words = {normalize_label(self.label.fr), normalize_label(self.label.en)}
        words.update(normalize_label(s) for s in self.synonyms)
        words.update(MONEY_MARK + normalize_label(s) for s in self.money_synonyms)
        return tuple(sorted(words))


@dataclass(frozen=True)
class TableDef:
    """A sheet whose body is one Excel Table."""

    key: str
    sheet: Text
    table_name: str  # ASCII, the same in every language
    title: Text
    columns: tuple[Column, ...]

    def column(self, key: str) -> Column:
        return self._by_key[key]

    @cached_property
    def _by_key(self) -> dict[str, Column]:
        return {c.key: c for c in self.columns}

    def select(self, extra: tuple[str, ...] = (), exclude: tuple[str, ...] = ()) -> tuple[Column, ...]:
        """The columns a template uses: the standard ones, plus the optional ones it names."""
        unknown = (set(extra) | set(exclude)) - {c.key for c in self.columns}
        if unknown:
            raise KeyError(f"unknown column(s) for {self.key}: {sorted(unknown)}")
        return tuple(
            c for c in self.columns if (not c.optional or c.key in extra) and c.key not in exclude
        )


@dataclass(frozen=True)
class ListDef:
    """A dropdown list kept on the Listes sheet; ``values`` keyed by a stable English key."""

    key: str
    title: Text
    values: tuple[tuple[str, Text], ...]
    editable: bool = False  # users may add or change entries
    size: int = 0  # cells reserved (editable lists); 0 = exactly the values
    synonyms: tuple[tuple[str, tuple[str, ...]], ...] = ()  # key → other words people type for it

    def labels(self, lang: str) -> list[str]:
        return [t(lang) for _, t in self.values]

    def label(self, value_key: str, lang: str) -> str:
        return dict(self.values)[value_key](lang)

    def key_of(self, label: str) -> str | None:
        """The stable key of a label typed in either language or one of its synonyms: case,
        accents, spaces, gender and number folded ("Terminées" is "Terminé")."""
        return self._keys.get(fold_value(label))

    @cached_property
    def _keys(self) -> dict[str, str]:
        keys = {fold_value(t(lang)): key for key, t in self.values for lang in LANGS}
        for key, words in self.synonyms:
            keys.update({fold_value(w): key for w in words})
        return keys

    @property
    def cells(self) -> int:
        return max(self.size, len(self.values))


class _DropCombining(dict[int, int | None]):
    """A str.translate table that drops combining marks (accents once decomposed), filled in
    as characters are met: each lookup after the first is a C-level dict hit."""

    def __missing__(self, cp: int) -> int | None:
        kept = None if unicodedata.combining(chr(cp)) else cp
        self[cp] = kept
        return kept


_COMBINING = _DropCombining()


@lru_cache(maxsize=65536)
def normalize_label(text: str) -> str:
    """Fold a header or list label for matching: NFKC, no accents, casefold, one space,
    typographic apostrophes and NBSP folded, trailing '?', ':' and '(€)' removed."""
    text = str(text)
    if not text.isascii():  # ASCII is its own decomposition, without quotes, spaces or accents to fold
        # NFKD = NFKC followed by NFD: compatibility forms folded, accents split off and dropped
        text = unicodedata.normalize("NFKD", text)
        text = text.replace("\u2019", "'").replace("\u2018", "'").replace("\u00a0", " ").replace("\u202f", " ")
        text = text.translate(_COMBINING)
    text = text.casefold()
    for suffix in ("(€)", "(eur)", "(euros)", "€", "?", ":"):
        text = text.strip()
        if text.endswith(suffix):
            text = text[: -len(suffix)]
    return " ".join(text.split())


def fold_value(text: str) -> str:
    """A list value folded for matching: normalize_label, then each word without a plural "s"
    and a feminine "e" after é ("terminées", "Terminée" and "terminé" fold alike)."""
    words = []
    for w in normalize_label(text).rstrip(" .!").split():
        if len(w) > 3 and w.endswith("s") and not w.endswith("ss"):
            w = w[:-1]
        if w.endswith("ee"):
            w = w[:-1]
        words.append(w)
    return " ".join(words)


T = Text

# --------------------------------------------------------------------------------------------
# Dropdown lists
# --------------------------------------------------------------------------------------------

STATUS = ListDef(
    "status",
    T("Statuts", "Statuses"),
    (
        ("todo", T("À faire", "To do")),
        ("in_progress", T("En cours", "In progress")),
        ("done", T("Terminé", "Done")),
        ("postponed", T("Reporté", "Postponed")),
        ("cancelled", T("Abandonné", "Cancelled")),
    ),
    synonyms=(
        ("todo", ("a realiser", "a lancer", "a venir", "a demarrer", "prevu", "planifie", "non commence",
                  "non demarre", "pas commence", "pas demarre", "nouveau", "todo", "to-do", "not started", "planned",
                  "open", "new", "pending")),
        ("in_progress", ("en cours de realisation", "demarre", "commence", "lance", "en progression", "ongoing",
                         "started", "underway", "wip", "doing")),
        ("done", ("realise", "fait", "faite", "ok", "cloture", "clos", "close", "fini", "acheve", "effectue", "valide",
                  "livre", "completed", "complete", "finished", "closed", "achieved", "delivered")),
        ("postponed", ("decale", "differe", "repousse", "en attente", "suspendu", "en pause", "gele", "delayed",
                       "deferred", "on hold", "waiting", "paused", "rescheduled")),
        ("cancelled", ("annule", "supprime", "stoppe", "arrete", "canceled", "abandoned", "dropped", "stopped")),
    ),
)
#: Statuses that close an action: a closed action is never late.
CLOSED_STATUSES = ("done", "cancelled")

CATEGORY = ListDef(
    "category",
    T("Catégories", "Categories"),
    (
        ("prospecting", T("Prospection", "Prospecting")),
        ("communication", T("Communication", "Communication")),
        ("loyalty", T("Fidélisation", "Loyalty")),
        ("offer", T("Offre", "Offer")),
        ("organisation", T("Organisation", "Organisation")),
    ),
    synonyms=(
        ("prospecting", ("prospection commerciale", "acquisition", "conquete", "lead generation",
                         "business development")),
        ("communication", ("marketing", "publicite", "advertising", "promotion")),
        ("loyalty", ("retention", "relation client", "customer retention", "fidelite")),
        ("offer", ("offre commerciale", "produit", "product", "offering")),
        ("organisation", ("organization", "organisation commerciale", "sales organisation", "sales organization")),
    ),
    editable=True,
    size=20,  # the five standard families, renamed or completed by the user
)

HORIZON = ListDef(
    "horizon",
    T("Horizons", "Horizons"),
    (
        ("short", T("Court terme", "Short term")),
        ("medium", T("Moyen terme", "Medium term")),
        ("long", T("Long terme", "Long term")),
    ),
    synonyms=(("short", ("court", "ct", "short", "immediat", "< 1 an")),
              ("medium", ("moyen", "mt", "medium", "mid term")), ("long", ("long", "lt", "long-term"))),
)

PHASE = ListDef(
    "phase",
    T("Phases du plan", "Plan phases"),
    (
        ("preparatory", T("Préparatoire", "Preparatory")),
        ("operational", T("Opérationnelle", "Operational")),
    ),
)

KPI_TYPE = ListDef(
    "kpi_type",
    T("Types d’indicateur", "Indicator types"),
    (("tracking", T("Suivi", "Tracking")), ("result", T("Résultat", "Result"))),
    synonyms=(("tracking", ("activite", "moyen", "pilotage", "activity", "leading", "process")),
              ("result", ("resultat", "lagging", "outcome", "performance"))),
)

DIRECTION = ListDef(
    "direction",
    T("Sens", "Direction"),
    (
        ("up", T("Hausse", "Higher is better")),
        ("down", T("Baisse", "Lower is better")),
    ),
    synonyms=(("up", ("hausse", "a la hausse", "augmenter", "croissant", "plus c'est haut mieux c'est", "higher",
                      "up", "increase", "↑")),
              ("down", ("baisse", "a la baisse", "diminuer", "decroissant", "plus c'est bas mieux c'est", "lower",
                        "down", "decrease", "↓"))),
)

PRIORITY = ListDef(
    "priority",
    T("Priorités", "Priorities"),
    (("high", T("Haute", "High")), ("medium", T("Moyenne", "Medium")), ("low", T("Basse", "Low"))),
    synonyms=(("high", ("haute", "elevee", "forte", "urgent", "urgente", "prioritaire", "critique", "p1", "high",
                        "critical", "urgent")),
              ("medium", ("moyenne", "normale", "p2", "medium", "normal", "moderate")),
              ("low", ("basse", "faible", "p3", "low", "minor"))),
)

BUSINESS_STAGE = ListDef(
    "business_stage",
    T("Stade de l’entreprise", "Business stage"),
    (("startup", T("Démarrage (×3)", "Starting out (×3)")), ("growth", T("Développement (×2)", "Developing (×2)"))),
    synonyms=(("startup", ("demarrage", "lancement", "creation", "startup", "starting out", "x3", "3")),
              ("growth", ("developpement", "croissance", "growth", "developing", "x2", "2"))),
)
#: the law of numbers (seed 001): what each stage of the funnel needs upstream, per stage key
FUNNEL_FACTORS = {"startup": 3, "growth": 2}

YES_NO = ListDef("yes_no", T("Oui / Non", "Yes / No"), (("yes", T("Oui", "Yes")), ("no", T("Non", "No"))))

FREQUENCY = ListDef(
    "frequency",
    T("Fréquences", "Frequencies"),
    (
        ("daily", T("Quotidienne", "Daily")),
        ("weekly", T("Hebdomadaire", "Weekly")),
        ("monthly", T("Mensuelle", "Monthly")),
        ("quarterly", T("Trimestrielle", "Quarterly")),
        ("yearly", T("Annuelle", "Yearly")),
    ),
    synonyms=(("daily", ("quotidien", "chaque jour", "tous les jours", "journalier", "every day")),
              ("weekly", ("hebdo", "chaque semaine", "toutes les semaines", "every week")),
              ("monthly", ("mensuel", "chaque mois", "tous les mois", "every month")),
              ("quarterly", ("trimestriel", "chaque trimestre", "tous les 3 mois", "every quarter")),
              ("yearly", ("annuel", "chaque annee", "tous les ans", "every year", "annually"))),
)

OWNERS = ListDef("owner", T("Responsables", "Owners"), (), editable=True, size=30)

LISTS: tuple[ListDef, ...] = (OWNERS, CATEGORY, STATUS, HORIZON, KPI_TYPE, DIRECTION, FREQUENCY, YES_NO, PHASE,
                              PRIORITY, BUSINESS_STAGE)
LIST_BY_KEY = {lst.key: lst for lst in LISTS}

#: Defined name of the strategic-objective IDs (Stratégie sheet), used as a dropdown source.
OBJECTIVE_IDS = "objective_ids"
#: Defined name of the action numbers (Plan d'actions sheet), used by Tâches.
ACTION_NUMBERS = "action_numbers"
#: Defined name of the sales stages (Pipeline sheet), used as a dropdown source.
PIPELINE_STAGES = "pipeline_stages"

# --------------------------------------------------------------------------------------------
# Columns shared by several tables
# --------------------------------------------------------------------------------------------

MONTHS = (
    T("Janvier", "January"),
    T("Février", "February"),
    T("Mars", "March"),
    T("Avril", "April"),
    T("Mai", "May"),
    T("Juin", "June"),
    T("Juillet", "July"),
    T("Août", "August"),
    T("Septembre", "September"),
    T("Octobre", "October"),
    T("Novembre", "November"),
    T("Décembre", "December"),
)
MONTHS_SHORT = tuple(
    T(fr, en) for fr, en in zip(
        ("janv.", "févr.", "mars", "avr.", "mai", "juin", "juil.", "août", "sept.", "oct.", "nov.", "déc."),
        ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"),
    )
)
MONTH_KEYS = tuple(f"m{i:02d}" for i in range(1, 13))


#: prefix of the header words a currency mark qualifies (schema.Column.money_synonyms)
MONEY_MARK = "\u00a4 "


def _c(key, fr, en, kind, width, **kw) -> Column:
    return Column(key, T(fr, en), kind, width, **kw)


# --------------------------------------------------------------------------------------------
# Tables
# --------------------------------------------------------------------------------------------

#: header words of a progress column (100 % = done): task trackers, Gantt sheets
PROGRESS_WORDS = ("% avancement", "% d'avancement", "pourcentage d'avancement", "% realise", "% realisation",
                  "% fait", "% termine", "% done", "done %", "% complete", "percent complete", "% completed",
                  "progress", "progression", "completion")

ACTIONS = TableDef(
    "actions",
    T("Plan d’actions", "Action plan"),
    "T_Actions",
    T("Plan d’actions commercial", "Sales action plan"),
    (
        _c("no", "N°", "No.", Kind.INT, 6, synonyms=("n", "no", "numero", "num", "#", "id", "ref"), record=False),
        _c("team", "Équipe", "Team", Kind.TEXT, 16, optional=True, synonyms=("agence", "branch", "equipe"),
           record=False),
        _c("source", "Source", "Source", Kind.TEXT, 22, optional=True, synonyms=("fichier", "file"), record=False),
        _c("phase", "Phase du plan", "Plan phase", Kind.CHOICE, 15, choices="phase", optional=True,
           synonyms=("phase",)),
        _c("objective", "Objectif lié", "Linked objective", Kind.CHOICE, 12, choices=OBJECTIVE_IDS,
           synonyms=("objectif strategique", "objectif associe", "strategic objective", "objective id"), report=True),
        _c("action", "Action", "Action", Kind.LONG_TEXT, 32, synonyms=("actions", "action commerciale", "intitule"),
           report=True),
        _c("steps", "Phases / étapes", "Steps", Kind.LONG_TEXT, 36,
           synonyms=("phases", "etapes", "phases, etapes", "phases etapes", "phases / etapes", "taches", "steps",
                     "stages", "phases, etapes (decrire brievement et indiquer, selon les cas, les objectifs prevus)")),
        _c("category", "Catégorie", "Category", Kind.CHOICE, 15, choices="category",
           synonyms=("categorie", "type d'action", "famille", "levier", "type"), report=True),
        _c("priority", "Priorité", "Priority", Kind.CHOICE, 11, choices="priority", optional=True,
           synonyms=("priorite", "priorites", "importance", "urgence", "priority"), report=True),
        _c("horizon", "Horizon", "Horizon", Kind.CHOICE, 13, choices="horizon", synonyms=("terme", "delai")),
        _c("segment", "Cible", "Target segment", Kind.TEXT, 18,
           synonyms=("cibles", "segment", "audience", "cible commerciale")),
        _c("owner", "Qui", "Owner", Kind.CHOICE, 16, choices="owner",
           synonyms=("qui", "qui ? (qui realise l'action ?)", "responsable", "porteur", "pilote", "owner", "dri",
                     "responsable de l'operation", "responsable de l'action", "who", "responsible"),
           report=True, wanted=("plan", "tasks", "tracker")),
        _c("means", "Moyens", "Means", Kind.TEXT, 18, synonyms=("moyens", "ressources", "means", "resources")),
        _c("budget_planned", "Budget prévu", "Planned budget", Kind.MONEY, 13,
           synonyms=("budget", "budget prevu", "cout", "cout prevu", "budget previsionnel", "cout estime",
                     "montant prevu", "budget alloue", "enveloppe", "cost", "planned cost", "estimated cost"),
           money_synonyms=("prevu", "previsionnel", "estime", "planned", "montant"), report=True,
           wanted=("plan", "tasks")),
        _c("budget_actual", "Budget réel", "Actual budget", Kind.MONEY, 13,
           synonyms=("budget realise", "budget depense", "budget consomme", "depense", "depenses", "depense reelle",
                     "depenses reelles", "montant depense", "cout reel", "cout effectif", "actual cost", "spent",
                     "actual spend"),
           money_synonyms=("realise", "reel", "actual", "consomme"),
           report=True),
        _c("start", "Date début", "Start date", Kind.DATE, 12,
           synonyms=("date de debut", "debut", "date debut", "start", "start date", "begin"), report=True),
        _c("end", "Date fin", "End date", Kind.DATE, 12,
           synonyms=("date de fin", "fin", "echeance", "date limite", "date butoir", "deadline", "end", "due",
                     "due date"), report=True, wanted=("plan", "tasks", "tracker")),
        _c("status", "Statut", "Status", Kind.CHOICE, 13, choices="status", synonyms=("etat", "avancement", "state"),
           report=True),
        _c("progress", "% d’avancement", "% done", Kind.PERCENT, 11, optional=True, synonyms=PROGRESS_WORDS),
        _c("indicator", "Indicateur", "Indicator", Kind.TEXT, 18, synonyms=("indicateur de suivi", "kpi", "metric")),
        _c("target", "Objectif", "Target", Kind.NUMBER, 11,
           synonyms=("objectif chiffre", "objectif prevu", "valeur cible", "target", "goal"), report=True,
           wanted=("plan",)),
        _c("result", "Résultat obtenu", "Actual result", Kind.NUMBER, 11,
           synonyms=("resultat", "resultats", "resultat obtenu", "realise", "actual", "result"), report=True,
           wanted=("plan",)),
        _c("revenue_expected", "CA attendu", "Expected revenue", Kind.MONEY, 13,
           synonyms=("ca prevu", "chiffre d'affaires attendu", "chiffre d'affaires prevu", "revenue target"),
           report=True),
        _c("revenue_actual", "CA réalisé", "Actual revenue", Kind.MONEY, 13,
           synonyms=("ca reel", "chiffre d'affaires realise", "revenue", "actual revenue"), report=True),
        _c("variance", "Écart", "Variance", Kind.NUMBER, 10, computed=True, synonyms=("ecart resultat",), report=True),
        _c("attainment", "Taux d’atteinte", "Attainment", Kind.PERCENT, 10, computed=True,
           synonyms=("taux d'atteinte", "% atteinte", "attainment rate", "% achieved"), report=True),
        _c("budget_variance", "Écart budget", "Budget variance", Kind.MONEY, 13, computed=True,
           synonyms=("ecart budgetaire", "depassement"), report=True),
        _c("roi", "ROI", "ROI", Kind.PERCENT, 9, computed=True, synonyms=("retour sur investissement",)),
        _c("late", "En retard", "Late", Kind.FLAG, 10, computed=True, synonyms=("retard", "overdue"), report=True),
        _c("variance_analysis", "Analyse des écarts", "Variance analysis", Kind.LONG_TEXT, 32,
           synonyms=("analyse ecarts", "analyse des ecarts", "analyse", "commentaire", "commentaires",
                     "variance analysis")),
        _c("corrective_actions", "Actions correctives", "Corrective actions", Kind.LONG_TEXT, 28,
           synonyms=("action corrective", "mesures correctives", "next steps")),
    ),
)

TASKS = TableDef(
    "tasks",
    T("Tâches", "Tasks"),
    "T_Taches",
    T("Tâches : le détail de chaque action", "Tasks: each action broken down"),
    (
        _c("action_no", "N° action", "Action no.", Kind.CHOICE, 10, choices=ACTION_NUMBERS,
           synonyms=("action", "n action", "numero action")),
        _c("task", "Tâche", "Task", Kind.LONG_TEXT, 36, synonyms=("taches", "liste des taches", "tache", "tasks")),
        _c("owner", "Responsable", "Owner", Kind.CHOICE, 16, choices="owner", synonyms=("qui", "owner", "who")),
        _c("start", "Date début", "Start date", Kind.DATE, 12, optional=True,
           synonyms=("date de debut", "debut", "date debut", "start", "start date", "begin")),
        _c("deadline", "Date limite", "Deadline", Kind.DATE, 12,
           synonyms=("date butoir", "echeance", "date limite", "due date", "date de fin", "date fin", "fin",
                     "end date", "end", "due")),
        _c("duration", "Durée (jours)", "Duration (days)", Kind.NUMBER, 10,
           synonyms=("duree", "duration", "jours", "nb jours", "days")),
        _c("progress", "% d’avancement", "% done", Kind.PERCENT, 11, optional=True, synonyms=PROGRESS_WORDS),
        _c("means", "Moyens", "Means", Kind.TEXT, 22,
           synonyms=("moyen", "moyens (humain, materiel)", "moyen (humain, materiel)", "outil")),
        _c("budget", "Budget", "Budget", Kind.MONEY, 12, optional=True, synonyms=("cout", "cost")),
        _c("status", "Statut", "Status", Kind.CHOICE, 13, choices="status", synonyms=("etat",)),
        _c("comment", "Commentaire", "Comment", Kind.LONG_TEXT, 30,
           synonyms=("commentaires", "commentaires de suivi", "notes")),
    ),
)

_KPI_MONTHS = tuple(Column(k, m, Kind.NUMBER, 9) for k, m in zip(MONTH_KEYS, MONTHS))

KPIS = TableDef(
    "kpis",
    T("Indicateurs", "Indicators"),
    "T_Indicateurs",
    T("Indicateurs de suivi et de résultat", "Tracking and result indicators"),
    (
        _c("name", "Indicateur", "Indicator", Kind.TEXT, 30, synonyms=("indicateurs", "kpi", "kpis", "metric")),
        _c("type", "Type", "Type", Kind.CHOICE, 10, choices="kpi_type", synonyms=("type d'indicateur",)),
        _c("direction", "Sens", "Direction", Kind.CHOICE, 11, choices="direction", synonyms=("sens souhaite",)),
        _c("objective", "Objectif lié", "Linked objective", Kind.CHOICE, 11, choices=OBJECTIVE_IDS,
           synonyms=("objectif",)),
        _c("initial", "Valeur initiale", "Initial value", Kind.NUMBER, 11,
           synonyms=("initiale", "valeur de reference", "baseline", "initial")),
        _c("target", "Valeur cible", "Target value", Kind.NUMBER, 11, synonyms=("cible", "target")),
        _c("source", "Outil de recueil", "Data source", Kind.TEXT, 18,
           synonyms=("outil de recueil de donnees", "source", "outil")),
        _c("frequency", "Périodicité", "Frequency", Kind.CHOICE, 13, choices="frequency",
           synonyms=("frequence", "periodicite")),
        *_KPI_MONTHS,
        _c("latest", "Dernière valeur", "Latest value", Kind.NUMBER, 11, computed=True,
           synonyms=("valeur actuelle", "derniere", "current value", "latest")),
        _c("attainment", "Taux d’atteinte", "Attainment", Kind.PERCENT, 10, computed=True,
           synonyms=("taux d'atteinte", "% atteinte")),
    ),
)

RITUALS = TableDef(
    "rituals",
    T("Rituels", "Rituals"),
    "T_Rituels",
    T("Rituels : les actions récurrentes à poser dans l’agenda", "Rituals: recurring actions for the calendar"),
    (
        _c("what", "Quoi", "What", Kind.LONG_TEXT, 40, synonyms=("rituel", "action", "ritual")),
        _c("frequency", "Fréquence", "Frequency", Kind.CHOICE, 14, choices="frequency", synonyms=("periodicite",)),
        _c("when", "Jour / moment", "Day / time", Kind.TEXT, 18, synonyms=("jour", "moment", "quand", "when")),
        _c("start", "Du", "From", Kind.DATE, 12, synonyms=("debut", "date debut", "from")),
        _c("end", "Au", "To", Kind.DATE, 12, synonyms=("fin", "date fin", "to", "until")),
        _c("owner", "Responsable", "Owner", Kind.CHOICE, 16, choices="owner", synonyms=("qui", "who")),
    ),
)

OBSTACLES = TableDef(
    "obstacles",
    T("Freins", "Obstacles"),
    "T_Freins",
    T("Freins : ce qui pourrait empêcher les actions", "Obstacles: what could stop the actions"),
    (
        _c("action", "Action", "Action", Kind.TEXT, 28, synonyms=("actions", "n action")),
        _c("obstacle", "Frein", "Obstacle", Kind.LONG_TEXT, 34, synonyms=("freins", "obstacle", "difficulte")),
        _c("internal", "Dépend de nous", "Within our control", Kind.CHOICE, 12, choices="yes_no",
           synonyms=("depend de moi", "depend de nous ?", "internal")),
        _c("cause", "Cause", "Cause", Kind.LONG_TEXT, 28, synonyms=("causes", "cause possible")),
        _c("solution", "Solution", "Solution", Kind.LONG_TEXT, 34, synonyms=("solutions",)),
    ),
)

OBJECTIVES = TableDef(
    "objectives",
    T("Stratégie", "Strategy"),
    "T_Objectifs",
    T("Objectifs stratégiques", "Strategic objectives"),
    (
        _c("id", "ID", "ID", Kind.TEXT, 9, synonyms=("n", "no", "ref")),
        _c("objective", "Objectif stratégique", "Strategic objective", Kind.LONG_TEXT, 44,
           synonyms=("objectif", "objectifs strategiques", "objective")),
        _c("indicator", "Indicateur", "Indicator", Kind.TEXT, 24, synonyms=("kpi",)),
        _c("initial", "Valeur initiale", "Initial value", Kind.NUMBER, 13, synonyms=("initiale", "baseline")),
        _c("target", "Valeur cible", "Target value", Kind.NUMBER, 13, synonyms=("cible", "target")),
        _c("deadline", "Échéance", "Deadline", Kind.DATE, 12, synonyms=("date", "date limite", "deadline")),
    ),
)

SEGMENTS = TableDef(
    "segments",
    T("Stratégie", "Strategy"),
    "T_Cibles",
    T("Cibles et segments", "Targets and segments"),
    (
        _c("segment", "Cible / segment", "Target / segment", Kind.TEXT, 30, synonyms=("cible", "segment")),
        _c("description", "Description", "Description", Kind.LONG_TEXT, 44),
        _c("channels", "Canaux", "Channels", Kind.TEXT, 24, synonyms=("canal", "channels")),
        _c("priority", "Priorité", "Priority", Kind.TEXT, 13, synonyms=("priorite",)),
    ),
)

STAGES = TableDef(
    "stages",
    T("Pipeline", "Pipeline"),
    "T_Etapes",
    T("Étapes du cycle de vente", "Sales stages"),
    (
        _c("stage", "Étape du cycle", "Sales stage", Kind.TEXT, 22, synonyms=("etape du cycle de vente",)),
        _c("probability", "Probabilité de signature", "Win probability", Kind.PERCENT, 13,
           synonyms=("probabilite de gain", "win rate")),
    ),
)

#: the stages a pipeline starts with: label, probability of signature (edited on the sheet)
DEFAULT_STAGES: tuple[tuple[Text, float], ...] = (
    (T("Prospect", "Lead"), 0.10), (T("Qualifiée", "Qualified"), 0.30), (T("Proposition", "Proposal"), 0.60),
    (T("Négociation", "Negotiation"), 0.85), (T("Gagnée", "Won"), 1.0), (T("Perdue", "Lost"), 0.0),
)

PIPELINE = TableDef(
    "pipeline",
    T("Pipeline", "Pipeline"),
    "T_Pipeline",
    T("Pipeline des opportunités", "Opportunity pipeline"),
    (
        _c("client", "Client", "Client", Kind.TEXT, 20, synonyms=("compte", "prospect", "account", "customer")),
        _c("opportunity", "Opportunité", "Opportunity", Kind.LONG_TEXT, 26,
           synonyms=("opportunite", "affaire", "deal", "projet", "opportunity")),
        _c("owner", "Qui", "Owner", Kind.CHOICE, 16, choices="owner", synonyms=("responsable", "commercial", "who")),
        _c("stage", "Étape", "Stage", Kind.CHOICE, 14, choices=PIPELINE_STAGES,
           synonyms=("etape", "stade", "phase de vente", "stage")),
        _c("probability_override", "Probabilité forcée", "Probability override", Kind.PERCENT, 11,
           help=T("Laisser vide pour la probabilité de l’étape (tableau des étapes, en haut).",
                  "Leave blank for the stage's probability (stages table, above).")),
        _c("probability", "Probabilité", "Probability", Kind.PERCENT, 11, computed=True),
        _c("amount", "Montant", "Amount", Kind.MONEY, 13,
           synonyms=("montant de l'affaire", "montant estime", "valeur", "deal size", "value")),
        _c("weighted", "Montant pondéré", "Weighted amount", Kind.MONEY, 13, computed=True,
           synonyms=("pondere", "weighted")),
        _c("close", "Signature prévue", "Expected close", Kind.DATE, 12,
           synonyms=("date de signature", "date de closing", "closing", "close date", "expected close date")),
        _c("next_step", "Prochaine étape", "Next step", Kind.TEXT, 24, synonyms=("prochaine action", "next action")),
        _c("next_date", "Date prochaine étape", "Next step date", Kind.DATE, 12,
           synonyms=("date de relance", "relance", "next step date")),
        _c("updated", "Mise à jour", "Last update", Kind.DATE, 12, synonyms=("derniere mise a jour", "updated")),
        _c("stale", "À relancer", "Stale", Kind.FLAG, 10, computed=True,
           help=T("Oui : la date de la prochaine étape est passée et l’affaire est encore ouverte.",
                  "Yes: the next step date has passed and the deal is still open.")),
    ),
)

FUNNEL = TableDef(
    "funnel",
    T("Prospection", "Prospecting"),
    "T_Prospection",
    T("Entonnoir de prospection : la loi des nombres", "Prospecting funnel: the law of numbers"),
    (
        _c("month", "Mois", "Month", Kind.TEXT, 12, synonyms=("periode", "month")),
        _c("contacts", "Contacts", "Contacts", Kind.INT, 10, synonyms=("prises de contact", "appels", "leads")),
        _c("meetings", "Rendez-vous", "Meetings", Kind.INT, 11, synonyms=("rdv", "rendez vous", "meetings")),
        _c("proposals", "Propositions", "Proposals", Kind.INT, 11,
           synonyms=("devis", "propositions commerciales", "offres", "quotes", "proposals")),
        _c("signed", "Signés", "Signed", Kind.INT, 10,
           synonyms=("signes", "signatures", "contrats signes", "ventes", "deals won", "won", "signed")),
        _c("target", "Objectif de signatures", "Signing target", Kind.INT, 12,
           synonyms=("objectif signes", "signatures visees", "signing target")),
        _c("rate_meetings", "Contacts → RDV", "Contacts → meetings", Kind.PERCENT, 11, computed=True),
        _c("rate_proposals", "RDV → propositions", "Meetings → proposals", Kind.PERCENT, 11, computed=True),
        _c("rate_signed", "Propositions → signés", "Proposals → signed", Kind.PERCENT, 12, computed=True),
        _c("need_contacts", "Contacts nécessaires", "Contacts needed", Kind.INT, 12, computed=True),
        _c("need_meetings", "RDV nécessaires", "Meetings needed", Kind.INT, 12, computed=True),
        _c("need_proposals", "Propositions nécessaires", "Proposals needed", Kind.INT, 13, computed=True),
    ),
)

REVIEW = TableDef(
    "review",
    T("Stratégie", "Strategy"),
    "T_Bilan",
    T("Bilan de la période écoulée", "Review of the past period"),
    (
        _c("action", "Action déjà réalisée", "Action already carried out", Kind.LONG_TEXT, 30,
           synonyms=("actions deja realisees",)),
        _c("strengths", "Atouts", "Strengths", Kind.LONG_TEXT, 44, synonyms=("atouts (avantages, efficacite)",)),
        _c("obstacles", "Freins", "Obstacles", Kind.LONG_TEXT, 44, synonyms=("freins (difficultes)",)),
    ),
)

#: The monthly revenue grid of the Objectifs CA sheet (a fixed 12-row range, not a Table).
REVENUE_COLUMNS: tuple[Column, ...] = (
    _c("month", "Mois", "Month", Kind.TEXT, 13),
    _c("quarter", "Trimestre", "Quarter", Kind.TEXT, 10),
    _c("weight", "Poids saisonnier", "Seasonal weight", Kind.NUMBER, 11, synonyms=("poids", "weight")),
    _c("target", "Objectif mensuel", "Monthly target", Kind.MONEY, 14, computed=True),
    _c("actual", "CA réalisé", "Actual revenue", Kind.MONEY, 14, synonyms=("ca reel", "realise", "actual")),
    _c("variance", "Écart mensuel", "Monthly variance", Kind.MONEY, 14, computed=True),
    _c("cum_target", "Objectif cumulé", "Cumulative target", Kind.MONEY, 14, computed=True),
    _c("cum_actual", "CA cumulé", "Cumulative revenue", Kind.MONEY, 14, computed=True),
    _c("cum_variance", "Écart cumulé", "Cumulative variance", Kind.MONEY, 14, computed=True),
    _c("cum_attainment", "Taux d’atteinte cumulé", "Cumulative attainment", Kind.PERCENT, 12, computed=True),
)

TABLES: tuple[TableDef, ...] = (ACTIONS, TASKS, KPIS, RITUALS, OBSTACLES, OBJECTIVES, SEGMENTS, REVIEW, PIPELINE,
                                STAGES, FUNNEL)
TABLE_BY_KEY = {t.key: t for t in TABLES}

# --------------------------------------------------------------------------------------------
# Sheets that are not one table
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class SheetDef:
    key: str
    name: Text


GUIDE = SheetDef("guide", T("Mode d’emploi", "How to use"))
STRATEGY = SheetDef("strategy", T("Stratégie", "Strategy"))
REVENUE = SheetDef("revenue", T("Objectifs CA", "Revenue targets"))
PLANNING = SheetDef("planning", T("Planning", "Schedule"))
DASHBOARD = SheetDef("dashboard", T("Tableau de bord", "Dashboard"))
LISTS_SHEET = SheetDef("lists", T("Listes", "Lists"))
OBJECTIVE_SHEET = SheetDef("objective", T("Fiche objectif", "Objective sheet"))
META_SHEET_NAME = "_pac"

#: Every sheet kind a template may list, in the default order.
SHEET_KINDS: tuple[str, ...] = (
    "guide", "strategy", "objective", "actions", "tasks", "kpis", "revenue", "pipeline", "funnel", "planning",
    "rituals", "obstacles", "dashboard", "lists",
)


def sheet_name(kind: str, lang: str) -> str:
    """The sheet name of a sheet kind in a language."""
    for sd in (GUIDE, STRATEGY, REVENUE, PLANNING, DASHBOARD, LISTS_SHEET, OBJECTIVE_SHEET):
        if sd.key == kind:
            return sd.name(lang)
    return TABLE_BY_KEY[kind].sheet(lang)


#: Strategy header fields (label cells on the Stratégie sheet) — key, label.
STRATEGY_FIELDS: tuple[tuple[str, Text], ...] = (
    ("company", T("Entreprise", "Company")),
    ("team", T("Équipe", "Team")),
    ("period", T("Période", "Period")),
)

MARKETING_MIX: tuple[tuple[str, Text], ...] = (
    ("product", T("Produit", "Product")),
    ("price", T("Prix", "Price")),
    ("promotion", T("Promotion / communication", "Promotion")),
    ("place", T("Distribution (place)", "Place")),
)

SWOT: tuple[tuple[str, Text], ...] = (
    ("strengths", T("Forces", "Strengths")),
    ("weaknesses", T("Faiblesses", "Weaknesses")),
    ("opportunities", T("Opportunités", "Opportunities")),
    ("threats", T("Menaces", "Threats")),
)
