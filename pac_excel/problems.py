"""Problems a person should fix in a plan: data, never exceptions.

Every problem has a code from the closed catalogue below, a severity, and where it applies
the sheet and the A1 cell. Messages are templates in French and English.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

from .schema import Text as T

ERROR, WARNING = "error", "warning"


@dataclass(frozen=True)
class Code:
    code: str
    severity: str
    message: T
    meaning: T  # for the README catalogue: what it means and what to do


CODES: dict[str, Code] = {c.code: c for c in (
    # ---- reading values
    Code("invalid_number", ERROR,
         T("« {value} » n’est pas un nombre lisible ({column}) : valeur ignorée, comptée nulle part.",
           "“{value}” is not a readable number ({column}): ignored, counted nowhere."),
         T("Un montant ou un nombre tapé en texte non reconnu. Saisir un nombre (ex. 2000).",
           "An amount or number typed as unrecognised text. Enter a number (e.g. 2000).")),
    Code("ambiguous_number", ERROR,
         T("« {value} » est ambigu ({column}) : {a} ou {b} ? Valeur ignorée ; saisissez le nombre sans séparateur.",
           "“{value}” is ambiguous ({column}): {a} or {b}? Ignored; type the number without separators."),
         T("« 1,234 » peut valoir 1,234 ou 1 234 : pac-excel ne devine pas.",
           "“1,234” may mean 1.234 or 1234: pac-excel does not guess.")),
    Code("invalid_date", ERROR,
         T("« {value} » n’est pas une date lisible ({column}) ; format attendu jj/mm/aaaa.",
           "“{value}” is not a readable date ({column}); expected dd/mm/yyyy."),
         T("Une date en texte non reconnue, ou impossible (31/02).", "A text date not recognised, or impossible (31/02).")),
    Code("ambiguous_date", ERROR,
         T("« {value} » est ambigu ({column}) : jour et mois inversés ? Valeur ignorée.",
           "“{value}” is ambiguous ({column}): day and month swapped? Ignored."),
         T("Une date au format américain mm/jj/aaaa : pac-excel ne devine pas.",
           "A US-style mm/dd/yyyy date: pac-excel does not guess.")),
    Code("unknown_value", WARNING,
         T("« {value} » n’est pas une valeur connue ({column}) : gardée telle quelle ; valeurs attendues : {expected}.",
           "“{value}” is not a known value ({column}): kept as typed; expected: {expected}."),
         T("Un statut que pac-excel ne reconnaît pas (l’action n’est alors comptée ni terminée ni en retard), ou une "
           "catégorie absente de la feuille Listes d’un classeur pac-excel. Choisir une valeur de la liste.",
           "A status pac-excel does not recognise (the action then counts as neither done nor late), or a category "
           "missing from a pac-excel workbook's Listes sheet. Pick a value from the list.")),
    Code("error_value", ERROR,
         T("La cellule contient l’erreur {value} : elle n’est comptée nulle part.",
           "The cell holds the error {value}: it is counted nowhere."),
         T("Une formule en erreur (#DIV/0!, #REF!, #N/A…) dans le tableau ; corriger la formule.",
           "A formula in error (#DIV/0!, #REF!, #N/A…) in the table; fix the formula.")),
    Code("computed_overwritten", WARNING,
         T("Cellule calculée remplacée par une valeur saisie ({column}) : pac-excel recalcule à partir des données.",
           "Computed cell overwritten by a typed value ({column}): pac-excel recomputes from the inputs."),
         T("Dans un classeur pac-excel, une formule a été écrasée ; la remettre (recopier la cellule du dessus), ou "
           "`pac-excel refresh` les rétablit toutes.", "In a pac-excel workbook a formula was overwritten; restore it "
           "(copy the cell above), or `pac-excel refresh` restores them all.")),
    Code("text_too_long", WARNING,
         T("Texte de {value} caractères : coupé à 32 767, la limite d’une cellule.",
           "Text of {value} characters: cut at 32,767, the limit of one cell."),
         T("Une cellule ne peut pas contenir plus de 32 767 caractères ; raccourcir le texte.",
           "A cell cannot hold more than 32,767 characters; shorten the text.")),
    Code("macros_ignored", WARNING,
         T("Le classeur contient des macros : elles ne sont ni exécutées ni recopiées ; seules les valeurs sont lues.",
           "The workbook holds macros: they are neither run nor copied; only values are read."),
         T("Les macros ne sont jamais exécutées ni reportées dans un fichier produit.",
           "Macros are never run nor carried into any output.")),
    Code("read_by_libreoffice", WARNING,
         T("Classeur lu après conversion par LibreOffice (aucune autre lecture n’a abouti) : vérifiez les chiffres.",
           "Workbook read after conversion by LibreOffice (no other reader succeeded): check the figures."),
         T("Un classeur intact mais inhabituel, lu en dernier recours par LibreOffice ; l’enregistrer de nouveau en "
           ".xlsx évite cette étape lente.",
           "An intact but unusual workbook, read as a last resort through LibreOffice; saving it again as .xlsx "
           "avoids this slow step.")),
    # ---- shape
    Code("unknown_column", WARNING,
         T("Colonne « {value} » non reconnue : ignorée.", "Column “{value}” not recognised: ignored."),
         T("Un en-tête qui ne correspond à aucune colonne connue ; le renommer s’il doit être lu.",
           "A header that matches no known column; rename it if it should be read.")),
    Code("duplicate_column", WARNING,
         T("Colonne « {value} » en double : seule la première ({first}) est lue.",
           "Duplicate column “{value}”: only the first ({first}) is read."),
         T("Deux en-têtes désignent la même colonne ; en supprimer ou renommer un.",
           "Two headers name the same column; delete or rename one.")),
    Code("missing_column", WARNING,
         T("Pas de colonne « {value} » : les contrôles et totaux qui en dépendent sont vides.",
           "No “{value}” column: the checks and totals that need it are empty."),
         T("Une colonne utile manque dans le tableau d’actions.", "A useful column is missing from the action table.")),
    Code("merged_cells", WARNING,
         T("Cellules fusionnées sur plusieurs lignes : « {value} » est compté pour chacune d’elles.",
           "Cells merged over several rows: “{value}” is counted for each of them."),
         T("Une valeur fusionnée (un responsable sur deux actions) vaut pour chaque ligne ; mieux vaut la répéter.",
           "A merged value (one owner over two actions) applies to each row; better repeat it.")),
    Code("hidden_rows", WARNING,
         T("{value} ligne(s) masquée(s) ou filtrée(s) dans le tableau : elles sont comptées comme les autres.",
           "{value} hidden or filtered row(s) in the table: they are counted like the others."),
         T("Les lignes masquées comptent : les afficher pour vérifier, ou les supprimer si elles ne doivent pas compter.",
           "Hidden rows count: show them to check, or delete them if they should not count.")),
    Code("template_version", WARNING,
         T("Classeur fait avec le modèle « {value} » ; cette version de pac-excel connaît {expected}.",
           "Workbook made with template “{value}”; this version of pac-excel knows {expected}."),
         T("Un autre modèle ou une autre version : les colonnes sont retrouvées par leurs titres ; vérifier les "
           "colonnes manquantes signalées. `pac-excel refresh` le reconstruit dans la version actuelle.",
           "Another template or version: columns are found by their headers; check the missing columns reported. "
           "`pac-excel refresh` rebuilds it in the current version.")),
    Code("total_mismatch", WARNING,
         T("Le total de la feuille ({value}) diffère de la somme des lignes ({expected}) pour {column}.",
           "The sheet’s total ({value}) differs from the sum of the rows ({expected}) for {column}."),
         T("Une ligne TOTAL qui ne correspond pas aux lignes au-dessus ; vérifier sa formule ou sa plage.",
           "A TOTAL row that disagrees with the rows above; check its formula or range.")),
    Code("currency_mix", WARNING,
         T("Montants en {value} dans cette colonne, en {expected} dans une autre : aucune devise retenue pour le plan.",
           "Amounts in {value} in this column, in {expected} in another: no currency kept for the plan."),
         T("Un plan tient ses montants dans une seule devise ; convertir la colonne, ou corriger son en-tête.",
           "A plan keeps its amounts in one currency; convert the column, or fix its header.")),
    Code("currency_unknown", WARNING,
         T("Devise « {value} » inconnue dans les réglages du classeur : montants montrés sans devise.",
           "Unknown currency “{value}” in the workbook’s settings: amounts shown without a currency."),
         T("Le réglage caché de devise a été modifié ; `pac-excel refresh --currency CODE` le rétablit.",
           "The hidden currency setting was changed; `pac-excel refresh --currency CODE` sets it again.")),
    Code("currencies_differ", WARNING,
         T("Plans en plusieurs devises ({value}) : leurs montants ne sont pas additionnés ; totaux par devise.",
           "Plans in several currencies ({value}): their amounts are not added up; totals by currency."),
         T("Consolider des plans d’une même devise, ou les convertir avant ; les nombres d’actions restent "
           "additionnés.", "Consolidate plans of one currency, or convert them first; the action counts are still "
           "added up.")),
    Code("team_name_clash", WARNING,
         T("Deux fichiers portent l’équipe « {value} » : celui-ci est consolidé sous « {expected} ».",
           "Two files name the team “{value}”: this one is consolidated as “{expected}”."),
         T("Deux plans d’une même équipe, ou un nom de fichier repris : les deux sont gardés, le second renommé.",
           "Two plans of one team, or a reused file name: both are kept, the second renamed.")),
    # ---- plan checks
    Code("end_before_start", ERROR,
         T("Date de fin ({value}) antérieure à la date de début ({expected}).",
           "End date ({value}) before the start date ({expected})."),
         T("Corriger l’une des deux dates.", "Fix one of the two dates.")),
    Code("budget_without_owner", WARNING,
         T("Budget de {value} sans responsable (Qui).", "Budget of {value} with no owner."),
         T("Chaque action qui engage un budget doit avoir un responsable.",
           "Every action that spends a budget needs an owner.")),
    Code("no_objective_link", WARNING,
         T("Action non rattachée à un objectif stratégique.", "Action not linked to a strategic objective."),
         T("Choisir l’objectif (OBJ-n) que sert l’action.", "Pick the objective (OBJ-n) the action serves.")),
    Code("past_end_no_result", WARNING,
         T("Date de fin dépassée ({value}) et aucun résultat saisi.", "End date passed ({value}) and no result entered."),
         T("Saisir le résultat obtenu, ou reporter la date de fin.", "Enter the result, or move the end date.")),
    Code("variance_unexplained", WARNING,
         T("Écart de {value} par rapport à l’objectif, sans analyse des écarts.",
           "Variance of {value} against the target, with no variance analysis."),
         T("Résultat en dessous de l’objectif de plus du seuil (20 % par défaut) à l’échéance : expliquer l’écart.",
           "Result short of the target by more than the threshold (20 % by default) when due: explain the "
           "variance.")),
    Code("objective_without_indicator", WARNING,
         T("Objectif stratégique « {value} » sans indicateur.", "Strategic objective “{value}” has no indicator."),
         T("Un objectif se pilote avec un indicateur mesurable.", "An objective is steered with a measurable "
           "indicator.")),
    Code("kpi_missing_values", WARNING,
         T("Indicateur « {value} » sans {column}.", "Indicator “{value}” has no {column}."),
         T("Un indicateur a besoin d’une valeur initiale et d’une valeur cible.",
           "An indicator needs an initial and a target value.")),
    Code("law_of_numbers", WARNING,
         T("Loi des nombres : {value} actions prévues pour un objectif de {expected} ; en prévoir au moins {column}.",
           "Law of numbers: {value} actions planned for a target of {expected}; plan at least {column}."),
         T("Pour N résultats (rendez-vous, réponses, clients), prévoir au moins 3 × N actions en démarrage, 2 × N "
           "en développement.", "For N outcomes (meetings, replies, clients), plan at least 3 × N actions when "
           "starting out, 2 × N when developing.")),
)}


_A1 = re.compile(r"([A-Z]{1,3})(\d+)")


@dataclass
class Problem:
    """One thing a person should fix, where it is: the sheet and the cell (A1, or a range
    "A1:B2"), read as ``row`` (1-based, as the sheet shows it) and ``column`` (its letter)."""

    code: str
    sheet: str | None = None
    cell: str | None = None
    params: dict[str, Any] = field(default_factory=dict)
    file: str | None = None

    @property
    def severity(self) -> str:
        return CODES[self.code].severity

    @property
    def row(self) -> int | None:
        m = _A1.match(self.cell or "")
        return int(m[2]) if m else None

    @property
    def column(self) -> str | None:
        m = _A1.match(self.cell or "")
        return m[1] if m else None

    def message(self, lang: str = "fr") -> str:
        params = {"value": "", "expected": "", "column": "", "a": "", "b": "", "first": ""}
        params.update({k: v for k, v in self.params.items()})
        return CODES[self.code].message(lang).format(**params)

    def to_dict(self, lang: str = "fr") -> dict[str, Any]:
        return {"severity": self.severity, "code": self.code, "sheet": self.sheet, "cell": self.cell,
                "message": self.message(lang)}


@dataclass
class Report:
    """The problems of one plan, or of many merged: what the CLI, the renderers and the tests
    use. ``valid`` when no problem is an error."""

    problems: list[Problem] = field(default_factory=list)

    @property
    def valid(self) -> bool:
        return not self.errors

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == ERROR]

    @property
    def warnings(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == WARNING]

    def flatten(self, keys: Sequence[str] = ("file", "sheet", "cell", "code")) -> list[list[Any]]:
        """One list per problem of the attributes named (e.g. row, column, severity, code)."""
        return [[getattr(p, k) for k in keys] for p in self.problems]

    def merge(self, *others: Report) -> Report:
        return Report([*self.problems, *(p for o in others for p in o.problems)])

    @classmethod
    def of_file(cls, path: str, problems: Iterable[Problem]) -> Report:
        """Problems of one file in a batch, each saying which file (the originals are not changed)."""
        return cls([replace(p, file=path) for p in problems])

    def to_dict(self, lang: str = "fr") -> dict[str, Any]:
        return {"valid": self.valid, "problems": [p.to_dict(lang) for p in self.problems]}
