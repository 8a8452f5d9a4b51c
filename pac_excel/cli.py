"""The ``pac-excel`` command: a thin layer over the library.

Only click is imported at start-up; each command imports what it needs, so ``--help`` and
``--version`` answer instantly. Library errors become one line on stderr and an exit code
(1 failure, 2 usage), never a traceback.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import click

from . import __version__
from .schema import CURRENCIES

DB_OPTION_SERVE = click.option("--db", metavar="URL", default=None,
                               help="Base de l'historique (URL SQLAlchemy) ; défaut : PAC_EXCEL_DB, sinon "
                                    "~/.local/share/pac-excel/history.db.")
CSV_DIALECT = click.option("--csv-dialect", type=click.Choice(["fr", "en", "rfc4180"]), default=None,
                           help="CSV : fr (« ; », virgule décimale, jj/mm/aaaa, BOM), en (« , », point) ou "
                                "rfc4180 (pour les programmes) ; défaut : celui de la langue.")
LANG_OPTION = click.option("--lang", type=click.Choice(["fr", "en"]), default=None,
                           help="Langue du classeur et des messages (défaut : fr ; pour analyze et check, celle "
                                "du classeur) / workbook and message language.")


def _fail(err: Exception, lang: str) -> None:
    from .errors import PacError
    from .i18n import tx

    if isinstance(err, PacError):
        click.echo(f"pac-excel: {tx('cli.error', lang)}: {err.message(lang)}", err=True)
        sys.exit(err.exit_code)
    raise err


def _lang_of(argv: list[str]) -> str:
    """The language a command line asks for (``--lang en``), before click reads it: click's own
    texts (usage, errors) then speak it too. French by default."""
    for i, arg in enumerate(argv):
        if arg == "--lang" and i + 1 < len(argv):
            return "en" if argv[i + 1] == "en" else "fr"
        if arg.startswith("--lang="):
            return "en" if arg.split("=", 1)[1] == "en" else "fr"
    return "fr"


class _Cli(click.Group):
    """The command group, speaking the language asked from the first message on."""

    def main(self, args: Any = None, prog_name: str | None = None, complete_var: str | None = None,
             standalone_mode: bool = True, **extra: Any) -> Any:
        argv = list(sys.argv[1:] if args is None else args)
        from .clicat import use

        lang = _lang_of(argv)
        use(lang)
        _metavars(self, lang)
        return super().main(args=argv, prog_name=prog_name or "pac-excel", complete_var=complete_var,
                            standalone_mode=standalone_mode, **extra)


#: click's placeholders (FILE, INTEGER, [OPTIONS]…) in French; what click writes otherwise
_FR_METAVARS = {"file": "FICHIER", "out": "SORTIE", "inputs": "ENTRÉES", "old": "ANCIEN", "new": "NOUVEAU"}
_ORIGINAL: dict[int, tuple[Any, ...]] = {}


def _metavars(group: click.Group, lang: str) -> None:
    """The usage placeholders in the language asked (French by default): set on the commands'
    public ``metavar`` attributes, restored for English."""
    def walk(cmd: click.Command) -> None:
        key = id(cmd)
        if key not in _ORIGINAL:
            _ORIGINAL[key] = (cmd.options_metavar, getattr(cmd, "subcommand_metavar", None))
        _options, sub = _ORIGINAL[key]
        if isinstance(cmd, click.Group):
            cmd.subcommand_metavar = sub if lang == "en" else "COMMANDE [ARGUMENTS]..."
            for c in cmd.commands.values():
                walk(c)
        for param in cmd.params:
            pkey = id(param)
            if pkey not in _ORIGINAL:
                _ORIGINAL[pkey] = (param.metavar,)
            (original,) = _ORIGINAL[pkey]
            if lang == "en" or original is not None or isinstance(param.type, click.Choice) or \
                    getattr(param, "is_flag", False):
                param.metavar = original
                continue
            t = param.type
            param.metavar = (_FR_METAVARS.get(param.name or "", (param.name or "").upper())
                             if isinstance(param, click.Argument) else
                             "DOSSIER" if isinstance(t, click.Path) and not t.file_okay else
                             "FICHIER" if isinstance(t, click.Path) else
                             "NOMBRE" if isinstance(t, (click.IntRange, click.FloatRange)) else
                             "ENTIER" if t is click.INT else "NOMBRE" if t is click.FLOAT else "TEXTE")
            if isinstance(param, click.Argument) and param.nargs == -1:
                param.metavar += "..."

    walk(group)


@click.group(cls=_Cli, context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100})
@click.version_option(__version__, "-V", "--version", prog_name="pac-excel",
                      help="Affiche la version et quitte / show the version and exit.")
def main() -> None:
    """pac-excel : le Plan d'Action Commercial dans un classeur Excel vivant.

    Des classeurs PAC prêts à remplir, qui calculent seuls dans Excel et LibreOffice ; leur
    analyse, leur consolidation, l'historique des revues et l'application web des campagnes.
    """
class _Code(click.Choice):
    """A choice of upper-case codes that accepts them in any case ("chf" is CHF)."""

    def convert(self, value: Any, param: Any, ctx: Any) -> Any:
        return super().convert(value.upper() if isinstance(value, str) else value, param, ctx)


CURRENCY_OPTION = click.option("--currency", type=_Code(list(CURRENCIES)), default=None,
                               help="Devise des montants (code ISO 4217 ; défaut : EUR, ou celle du plan) / currency "
                                    "of the amounts.")


@main.command("new")
@click.argument("out", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--template", "-t", default="pac", show_default=True,
              help="Modèle : pac, trame ou objectif (voir `pac-excel templates`).")
@LANG_OPTION
@click.option("--company", help="Nom de l'entreprise / company name.")
@click.option("--team", help="Équipe ou agence / team or branch.")
@click.option("--year", type=int, help="Année du plan (défaut : année en cours) / plan year.")
@CURRENCY_OPTION
@click.option("--actions", "n_actions", type=int, default=50, show_default=True,
              help="Lignes d'actions prêtes à remplir / empty action rows.")
@click.option("--protect", is_flag=True, help="Protège aussi les feuilles de saisie (sans mot de passe).")
@click.option("--force", is_flag=True, help="Remplace OUT s'il existe / replace OUT if it exists.")
def new(out: Path, template: str, lang: str, company: str | None, team: str | None, year: int | None,
        currency: str | None, n_actions: int, protect: bool, force: bool) -> None:
    """Crée un nouveau classeur PAC prêt à remplir dans OUT (.xlsx)."""
    from .errors import PacError
    from .generator import GenerateOptions, generate
    from .i18n import tx

    lang = msg_lang = lang or "fr"
    options = GenerateOptions(template=template, lang=lang, company=company, team=team, year=year,
                              currency=currency, actions=n_actions, protect=protect, force=force)
    try:
        path = generate(out, options)
        from .templates import get_template

        has_actions = get_template(template).has("actions")
    except PacError as err:
        _fail(err, msg_lang)
        return
    key = "cli.created" if has_actions else "cli.created_plain"
    click.echo(tx(key, msg_lang).format(path=path, template=template, rows=n_actions, lang=lang))


@main.command("templates")
@LANG_OPTION
def templates_cmd(lang: str) -> None:
    """Liste les modèles disponibles, un par ligne."""
    from .errors import PacError
    from .templates import all_templates

    msg_lang = lang if lang in ("fr", "en") else "fr"
    try:
        found = all_templates()
    except PacError as err:
        _fail(err, msg_lang)
        return
    width = max(len(t.id) for t in found)
    for t in found:
        click.echo(f"{t.id:<{width}}  v{t.version}  {t.name(msg_lang)} — {t.description(msg_lang)}")


def _as_of(value: str | None, lang: str):
    from datetime import date

    if value is None:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        from .i18n import tx

        raise click.BadParameter(tx("cli.bad_date", lang).format(value=value), param_hint="--as-of") from None


def _run_analysis(file: Path, lang: str | None, fmt: str, **job: Any) -> None:
    """Analyse FILE and print the result, all of it in a process bounded in time and memory
    (pac_excel.read.bounded): the reading, the report workbook, the rendering. What comes back is
    text, whatever the size of the plan. A file that cannot be read is one line on stderr; with
    ``--format json`` also ``{"error": {"code", "message", "detail"}}`` on stdout, so that a
    script branches on the code. Exits with the job's code."""
    import shutil

    from .errors import PacError
    from .read import bounded

    terminal = sys.stdout.isatty()
    width = shutil.get_terminal_size().columns if terminal else None  # rich lays the tables out for this terminal
    direct = _has_descriptor(sys.stdout)  # the bounded process writes there itself: nothing large comes back
    sys.stdout.flush()
    try:
        if bounded.available():
            code, text, notes = bounded.run(_analysis_job, file, lang, fmt, terminal, width, direct, **job)
        else:
            code, text, notes = _analysis_job(file, lang, fmt, terminal, width, direct, **job)
    except PacError as err:
        if fmt == "json":
            _json_error(err, lang or "fr")
        _fail(err, lang or "fr")
        return
    sys.stdout.write(text)
    sys.stdout.flush()
    for note in notes:
        click.echo(note, err=True)
    sys.exit(code)


def _json_error(err: Any, lang: str) -> None:
    """A file that cannot be read, for scripts: ``{"error": {"code", "message", "detail"?}}``
    on stdout (usage errors, exit code 2, are on stderr only)."""
    if err.exit_code != 1:
        return
    import json

    from .errors import rejection_code

    error = {"code": rejection_code(err.key), "message": err.message(lang)}
    if err.params.get("detail"):
        error["detail"] = str(err.params["detail"])
    click.echo(json.dumps({"error": error}, ensure_ascii=False, indent=2))


def _has_descriptor(stream: object) -> bool:
    try:
        return isinstance(stream.fileno(), int)  # type: ignore[attr-defined]
    except (AttributeError, OSError, ValueError):  # io.UnsupportedOperation is an OSError
        return False


def _analysis_job(file: Path, lang: str | None, fmt: str, terminal: bool, width: int | None, direct: bool, *,
                  as_of: object, threshold: float, stage: str, both_ways: bool = False, output: Path | None = None,
                  force: bool = False,
                  check: bool = False, tolerant: bool = False, csv_dialect: str | None = None
                  ) -> tuple[int, str, list[str]]:
    """Runs in the bounded process: the exit code, the text for stdout (printed here already
    when ``direct``), the lines for stderr (silenced here)."""
    import io

    from .analysis import analyze

    result = analyze(file, as_of=as_of, threshold=threshold, stage=stage, lang=lang or "fr",  # type: ignore[arg-type]
                     bounded=False, tolerant=tolerant, both_ways=both_ways)
    if lang is None:  # no --lang: the workbook's own language
        lang = result.lang if result.lang in ("fr", "en") else "fr"
        if lang != "fr":
            result.localize(lang)
    out: Any = sys.stdout if direct else io.StringIO()
    notes: list[str] = []
    try:
        code = _render_job(result, out, lang, fmt, terminal, width, output, force, check, notes, csv_dialect)
        if direct:
            out.flush()
    except BrokenPipeError:  # the reader went away (| head): stop quietly, as the docs of Python advise
        import os

        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return 1, "", []
    return code, "" if direct else out.getvalue(), notes


def _render_job(result: Any, out: Any, lang: str, fmt: str, terminal: bool, width: int | None,
                output: Path | None, force: bool, check: bool, notes: list[str], csv_dialect: str | None = None) -> int:
    if check:
        if fmt == "json":
            import json

            out.write(json.dumps({"source": result.source, **result.report.to_dict(lang)}, ensure_ascii=False,
                                 indent=2) + "\n")
        else:
            from .report.text import render

            render(result, lang, out, problems_only=True, terminal=terminal, width=width)
        return 0 if result.report.valid else 1
    if output is not None:
        from .i18n import tx
        from .report.workbook import write_report

        write_report(result, output, lang, force=force)
        if fmt == "text":
            notes.append(tx("cli.report", lang).format(path=output))
    _emit(result, fmt, lang, out, terminal, width, csv_dialect)
    return 0


ANALYSIS_OPTIONS = [
    click.argument("file", type=click.Path(dir_okay=False, path_type=Path)),
    click.option("--as-of", metavar="AAAA-MM-JJ", help="Date de référence des retards (défaut : aujourd'hui)."),
    click.option("--threshold", type=click.FloatRange(0, 100), default=0.2, show_default=True,
                 help="Manque relatif à l’objectif au-delà duquel une analyse des écarts est attendue (à "
                      "l’échéance)."),
    click.option("--both-ways", is_flag=True,
                 help="Attend aussi une analyse des écarts quand le résultat dépasse l’objectif au-delà du seuil."),
    click.option("--stage", type=click.Choice(["startup", "growth"]), default="startup", show_default=True,
                 help="Loi des nombres : 3× l'objectif en démarrage (startup), 2× en développement (growth)."),
    LANG_OPTION,
]


def _analysis_options(f):
    for option in reversed(ANALYSIS_OPTIONS):
        f = option(f)
    return f


@main.command("analyze")
@_analysis_options
@click.option("--format", "fmt", type=click.Choice(["text", "json", "csv"]), default="text", show_default=True,
              help="Sortie : texte, JSON (contrat stable) ou CSV des actions.")
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path),
              help="Écrit aussi un rapport .xlsx (nouveau fichier).")
@click.option("--force", is_flag=True, help="Remplace le rapport s'il existe.")
@CSV_DIALECT
def analyze_cmd(file: Path, as_of: str | None, threshold: float, both_ways: bool, stage: str, lang: str, fmt: str,
                output: Path | None, force: bool, csv_dialect: str | None) -> None:
    """Analyse un plan rempli : écarts, budgets, retards, indicateurs, problèmes."""
    msg_lang = lang or "fr"
    day = _as_of(as_of, msg_lang)
    if output is not None:
        from .errors import PacError, UsageError

        try:
            if output.resolve() == file.resolve():
                raise UsageError("err.same_file", path=output)
            if output.suffix.lower() != ".xlsx":
                raise UsageError("err.not_xlsx", path=output)
        except PacError as err:
            _fail(err, msg_lang)
    _run_analysis(file, lang, fmt, as_of=day, threshold=threshold, both_ways=both_ways, stage=stage, output=output,
                  force=force, csv_dialect=csv_dialect)


@main.command("check")
@_analysis_options
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True,
              help="Sortie : texte ou JSON (contrat stable).")
def check_cmd(file: Path, as_of: str | None, threshold: float, both_ways: bool, stage: str, lang: str,
              fmt: str) -> None:
    """Vérifie un plan : liste les problèmes seulement (code de sortie 1 s'il y a une erreur)."""
    _run_analysis(file, lang, fmt, as_of=_as_of(as_of, lang or "fr"), threshold=threshold, both_ways=both_ways,
                  stage=stage, check=True)


@main.command("refresh")
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@click.option("-o", "--output", required=True, type=click.Path(dir_okay=False, path_type=Path),
              help="Nouveau classeur à écrire (.xlsx) ; FILE n'est jamais modifié.")
@click.option("--actions", "room", type=click.IntRange(0, 1_000_000), default=20, show_default=True,
              help="Lignes d'actions vides ajoutées après les actions du plan / empty action rows to add.")
@click.option("--lang", default=None, type=click.Choice(["fr", "en"]),
              help="Langue du nouveau classeur (défaut : celle du plan) / language of the new workbook.")
@click.option("--template", "-t", default=None,
              help="Modèle du nouveau classeur (défaut : celui du plan ; pac pour un classeur fait main).")
@CURRENCY_OPTION
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True,
              help="Sortie : texte ou JSON (contrat stable).")
@click.option("--force", is_flag=True, help="Remplace OUTPUT s'il existe / replace OUTPUT if it exists.")
def refresh_cmd(file: Path, output: Path, room: int, lang: str | None, template: str | None, currency: str | None,
                fmt: str, force: bool) -> None:
    """Reconstruit un plan rempli dans la version actuelle de son modèle : lignes saisies sous le
    tableau reprises, formules rétablies, place pour de nouvelles actions."""
    from .errors import PacError
    from .i18n import tx
    from .refresh import refresh

    msg_lang = lang if lang in ("fr", "en") else "fr"
    try:
        done = refresh(file, output, room=room, lang=lang, template=template, force=force, currency=currency)
    except PacError as err:
        if fmt == "json":
            _json_error(err, msg_lang)
        _fail(err, msg_lang)
        return
    msg_lang = done.lang
    if fmt == "json":
        import json

        click.echo(json.dumps(done.to_dict(msg_lang), ensure_ascii=False, indent=2, default=str))
        return
    origin = (tx("cli.origin", msg_lang).format(template=done.from_template, version=done.from_version)
              if done.from_template else tx("cli.origin_foreign", msg_lang))
    click.echo(tx("cli.refreshed", msg_lang).format(path=done.output, template=done.template, version=done.version,
                                                    actions=done.actions, room=done.rows - done.actions,
                                                    lang=done.lang, source=done.source, origin=origin))
    sys.stdout.flush()
    for change in done.changes:
        where = f"{change.sheet}!{change.cell}" if change.sheet and change.cell else change.sheet or ""
        sep = " : " if msg_lang == "fr" else ": "
        click.echo(f"  {where + sep if where else ''}{change.message(msg_lang)}", err=True)


@main.command("consolidate")
@click.argument("inputs", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("-o", "--output", required=True, type=click.Path(dir_okay=False, path_type=Path),
              help="Classeur consolidé à écrire (.xlsx, nouveau fichier).")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True,
              help="Sortie : texte ou JSON (contrat stable).")
@click.option("--csv", "csv_path", type=click.Path(dir_okay=False, path_type=Path),
              help="Exporte aussi les actions en CSV.")
@click.option("--strict", is_flag=True, help="N'écrit rien si un fichier est rejeté.")
@click.option("--jobs", type=click.IntRange(1, 32), default=2, show_default=True, help="Fichiers lus en parallèle.")
@click.option("-r", "--recursive", is_flag=True, help="Parcourt aussi les sous-dossiers.")
@click.option("--as-of", metavar="AAAA-MM-JJ", help="Date de référence des retards (défaut : aujourd'hui).")
@click.option("--force", is_flag=True, help="Remplace les sorties si elles existent.")
@click.option("--timeout", type=click.IntRange(0, 3600), default=60, show_default=True,
              help="Temps maximal de lecture d'un fichier, en secondes (0 : sans limite).")
@click.option("--allow-duplicate-teams", is_flag=True,
              help="Une équipe présente deux fois (deux fichiers) ne fait pas échouer la commande.")
@CSV_DIALECT
@LANG_OPTION
def consolidate_cmd(inputs: tuple[Path, ...], output: Path, fmt: str, csv_path: Path | None, strict: bool, jobs: int,
                    recursive: bool, as_of: str | None, force: bool, timeout: int, allow_duplicate_teams: bool,
                    csv_dialect: str | None, lang: str) -> None:
    """Consolide les plans de plusieurs équipes (fichiers et dossiers) en un classeur."""
    from .consolidation import collect, consolidate
    from .errors import PacError, UsageError
    from .i18n import tx

    lang = lang if lang in ("fr", "en") else "fr"
    day = _as_of(as_of, lang)
    try:
        missing = [p for p in inputs if not p.exists()]
        if missing:  # said in one line, and nothing is written
            raise UsageError("err.input_missing", path=missing[0])
        files = collect(list(inputs), recursive)
        read = {p.resolve() for p in files}
        for out in (output, csv_path):
            if out is not None and out.resolve() in read:
                raise UsageError("err.output_is_input", path=out)
        if output.suffix.lower() != ".xlsx":
            raise UsageError("err.not_xlsx", path=output)
    except PacError as err:
        _fail(err, lang)
    if not files:
        click.echo(f"pac-excel: {tx('cli.error', lang)}: {tx('cons.none', lang)}", err=True)
        sys.exit(1)
    from .report.consolidated import ConsolidatedWriter

    class _Strict(Exception):
        pass

    stderr = sys.stderr
    show_bar = stderr.isatty() and len(files) > 5 and fmt == "text"
    try:
        # The consolidated workbook is written while the next files are read.
        with ConsolidatedWriter(output, lang, force=force) as writer:
            if show_bar:
                from rich.progress import Progress

                with Progress(transient=True) as bar:
                    task = bar.add_task(tx("cons.reading", lang), total=len(files))

                    def written(entry: Any) -> None:
                        writer.add(entry)
                        bar.advance(task)

                    result = consolidate(list(inputs), as_of=day, recursive=recursive, jobs=jobs, timeout=timeout,
                                         lang=lang, on_entry=written)
            else:
                result = consolidate(list(inputs), as_of=day, recursive=recursive, jobs=jobs, timeout=timeout,
                                     lang=lang, on_entry=writer.add)
            rejected = len(result.rejected)
            if strict and rejected:
                raise _Strict
            writer.finish(result)
        if csv_path is not None:
            from .fileio import atomic_output
            from .report.csvout import dialect, write_consolidated_actions

            with atomic_output(csv_path, force=force, suffix=".csv") as tmp, \
                    open(tmp, "w", encoding="utf-8", newline="") as fh:
                write_consolidated_actions(result, fh, dialect(lang, csv_dialect))
    except _Strict:
        click.echo(tx("cons.strict", lang).format(n=rejected), err=True)
        sys.exit(1)
    except PacError as err:
        _fail(err, lang)
    clashes = [p for p in result.problems if p.code == "team_name_clash"]
    if fmt == "json":
        import json

        click.echo(json.dumps(result.to_dict(lang), ensure_ascii=False, indent=2))
    else:
        from .i18n import money

        tot = result.totals()
        budget = money(tot["budget_planned"], result.currency) if not result.mixed else " + ".join(
            money(t["budget_planned"], code) for code, t in result.totals_by_currency().items())
        click.echo(tx("cons.done", lang).format(ok=len(result.ok), rejected=rejected,
                                                skipped=len(result.files) - len(result.ok) - rejected,
                                                actions=tot["actions"], budget=budget, out=output,
                                                problems=len(result.all_problems())))
        for f in result.files:
            if f.status != "ok":
                click.echo(f"  {tx('cons.st.' + f.status, lang)}: {f.path} — {f.reason_text(lang)}")
        for p in clashes:
            click.echo(f"  {p.message(lang)} ({p.file})")
        for p in result.problems:
            if p.code == "currencies_differ":
                click.echo(f"  {p.message(lang)}")
    sys.exit(1 if rejected or (clashes and not allow_duplicate_teams) else 0)


@main.command("calendar")
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@click.option("-o", "--output", required=True, type=click.Path(dir_okay=False, path_type=Path),
              help="Calendrier à écrire (.ics, nouveau fichier) / calendar file to write.")
@click.option("--owner", help="Seulement les actions, tâches et rituels de ce responsable / only this owner's.")
@click.option("--lang", default=None, type=click.Choice(["fr", "en"]),
              help="Langue des textes (défaut : celle du classeur) / language of the texts.")
@click.option("--force", is_flag=True, help="Remplace OUTPUT s'il existe / replace OUTPUT if it exists.")
def calendar_cmd(file: Path, output: Path, owner: str | None, lang: str | None, force: bool) -> None:
    """Les actions, tâches et rituels du plan dans un calendrier (.ics) à importer."""
    from .errors import PacError, UsageError
    from .i18n import tx
    from .ical import write
    from .planread import read_plan

    msg_lang = lang or "fr"
    try:
        if output.suffix.lower() != ".ics":
            raise UsageError("err.not_ics", path=output)
        if output.resolve() == file.resolve():
            raise UsageError("err.refresh_same", path=output)
        read = read_plan(file)
        msg_lang = lang or read.lang
        n = write(read.data, output, msg_lang, owner, force=force)
    except PacError as err:
        _fail(err, msg_lang)
        return
    click.echo(tx("cli.calendar", msg_lang).format(path=output, n=n))


@main.command("export")
@click.argument("inputs", nargs=-1, type=click.Path(path_type=Path))
@click.option("--to", "to", type=click.Choice(["csv", "parquet", "xlsx"]), default="csv", show_default=True,
              help="Format des tables / table format.")
@click.option("--out", "out_dir", required=True, type=click.Path(file_okay=False, path_type=Path),
              help="Dossier où écrire les tables / folder for the tables.")
@click.option("--review", help="Depuis l'historique : les plans actuels de cette revue / from the history.")
@click.option("--all-reviews", is_flag=True, help="Depuis l'historique : toutes les revues / every review.")
@click.option("-r", "--recursive", is_flag=True, help="Parcourt aussi les sous-dossiers.")
@click.option("--as-of", metavar="AAAA-MM-JJ", help="Date de référence des retards (défaut : aujourd'hui).")
@click.option("--csv-dialect", type=click.Choice(["fr", "en", "rfc4180"]), default=None,
              help="CSV : rfc4180 par défaut (pour les outils), fr ou en pour un tableur.")
@click.option("--force", is_flag=True, help="Remplace les tables existantes / replace existing tables.")
@DB_OPTION_SERVE
@LANG_OPTION
def export_cmd(inputs: tuple[Path, ...], to: str, out_dir: Path, review: str | None, all_reviews: bool,
               recursive: bool, as_of: str | None, csv_dialect: str | None, force: bool, db: str | None,
               lang: str) -> None:
    """Tables pour la BI (plans, actions, indicateurs, valeurs mensuelles, CA, problèmes, journal)."""
    from .errors import PacError, UsageError
    from .i18n import tx

    lang = lang if lang in ("fr", "en") else "fr"
    day = _as_of(as_of, lang)
    try:
        from . import export

        if review or all_reviews:
            if inputs:
                raise UsageError("err.export_both")
            from .store import Store

            with Store(db) as store:
                if review:
                    store._known_review(review)
                builder = export.from_store(store, review, lang)
        else:
            if not inputs:
                raise UsageError("err.export_none")
            missing = [p for p in inputs if not p.exists()]
            if missing:
                raise UsageError("err.input_missing", path=missing[0])
            builder = export.from_files(list(inputs), day, lang, recursive)
        written = export.write(builder, out_dir, to, csv_dialect, force)
    except PacError as err:
        _fail(err, lang)
        return
    counts = ", ".join(f"{name} {len(rows)}" for name, rows in builder.rows.items())
    click.echo(tx("cli.exported", lang).format(n=len(written), out=out_dir, counts=counts))


@main.command("serve")
@DB_OPTION_SERVE
@click.option("--host", default="127.0.0.1", show_default=True, help="Adresse d'écoute / listen address.")
@click.option("--port", type=click.IntRange(1, 65535), default=8000, show_default=True,
              help="Port d'écoute / listen port.")
@click.option("--max-upload-mb", type=click.IntRange(1, 1024), default=20, show_default=True,
              help="Taille maximale d'un fichier envoyé, en Mio.")
@LANG_OPTION
def serve_cmd(db: str | None, host: str, port: int, max_upload_mb: int, lang: str) -> None:
    """L'application web : campagnes de revue, liens des équipes, tableau de suivi."""
    from .errors import PacError
    from .web import serve

    lang = lang if lang in ("fr", "en") else "fr"
    try:
        serve(db, host, port, max_upload_mb, lang)
    except PacError as err:
        _fail(err, lang)


# ------------------------------------------------------------------------------------ review history
DB_OPTION = click.option("--db", metavar="URL", default=None,
                         help="Base de l'historique (URL SQLAlchemy) ; défaut : PAC_EXCEL_DB, sinon "
                              "~/.local/share/pac-excel/history.db.")


def _store(db: str | None, lang: str) -> Any:
    from .errors import PacError
    from .store import Store

    try:
        return Store(db)
    except PacError as err:
        _fail(err, lang)


def _out(data: Any, fmt: str, text: Any, csv_rows: Any = None) -> None:
    """One result in the format asked: JSON (the contract), CSV (rows), or text."""
    if fmt == "json":
        import json

        click.echo(json.dumps(data, ensure_ascii=False, indent=2, default=str))
    elif fmt == "csv":
        import csv
        import io

        buf = io.StringIO()
        w = csv.writer(buf, lineterminator="\n")
        for row in csv_rows() if callable(csv_rows) else csv_rows or []:
            w.writerow(row)
        sys.stdout.write(buf.getvalue())
    else:
        text()


def _table(headers: list[str], rows: list[list[Any]]) -> None:
    widths = [max(len(str(h)), *(len(str(r[i])) for r in rows)) if rows else len(str(h)) for i, h in enumerate(headers)]
    click.echo("  ".join(str(h).ljust(w) for h, w in zip(headers, widths)).rstrip())
    for r in rows:
        click.echo("  ".join(str(v).ljust(w) for v, w in zip(r, widths)).rstrip())


FORMAT_ALL = click.option("--format", "fmt", type=click.Choice(["text", "json", "csv"]), default="text",
                          show_default=True, help="Sortie : texte, JSON (contrat stable) ou CSV.")


@main.group("history")
def history_group() -> None:
    """Historique des revues : chaque plan reçu gardé, ce qui a changé, l'évolution sur l'année."""


@history_group.command("add")
@click.argument("inputs", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("--review", required=True, help="Libellé de la revue (ex. 2027-T1).")
@click.option("--team", help="Équipe (défaut : le champ Équipe du classeur, sinon le nom du fichier).")
@click.option("--as-of", metavar="AAAA-MM-JJ", help="Date de référence des retards et de la revue.")
@click.option("--period", help="Période couverte par la revue (texte libre).")
@click.option("-r", "--recursive", is_flag=True, help="Parcourt aussi les sous-dossiers.")
@DB_OPTION
@FORMAT_ALL
@LANG_OPTION
def history_add(inputs: tuple[Path, ...], review: str, team: str | None, as_of: str | None, period: str | None,
                recursive: bool, db: str | None, fmt: str, lang: str) -> None:
    """Enregistre chaque plan (fichiers, dossiers) comme envoi d'une équipe à une revue."""
    from .errors import PacError
    from .i18n import tx

    lang = lang if lang in ("fr", "en") else "fr"
    day = _as_of(as_of, lang)
    store = _store(db, lang)
    try:
        done = store.add(list(inputs), review, team=team, as_of=day, period=period, lang=lang, recursive=recursive)
    except PacError as err:
        _fail(err, lang)
        return

    def text() -> None:
        for a in done:
            key = {"added": "hist.added", "duplicate": "hist.duplicate", "rejected": "hist.rejected"}[a.status]
            line = tx(key, lang).format(path=a.path, team=a.team, review=review, actions=a.actions,
                                        problems=a.problems, message=a.message)
            click.echo(line, err=a.status == "rejected")

    _out([a.to_dict() for a in done], fmt, text,
         [["path", "team", "status", "code", "submission", "actions", "problems"]]
         + [[a.path, a.team, a.status, a.code or "", a.submission or "", a.actions, a.problems] for a in done])
    sys.exit(1 if any(a.status == "rejected" for a in done) else 0)


@history_group.command("list")
@DB_OPTION
@FORMAT_ALL
@LANG_OPTION
def history_list(db: str | None, fmt: str, lang: str) -> None:
    """Revues × équipes : nombre d'envois, dernier envoi, actions et problèmes du plan actuel."""
    from .i18n import tx

    lang = lang if lang in ("fr", "en") else "fr"
    rows = _store(db, lang).listing()
    keys = ["review", "team", "submissions", "submitted_at", "actions", "problems"]

    def text() -> None:
        if not rows:
            click.echo(tx("hist.empty", lang))
            return
        _table(keys, [[r[k] for k in keys] for r in rows])

    _out([{k: r[k] for k in keys} for r in rows], fmt, text, [keys] + [[r[k] for k in keys] for r in rows])


@history_group.command("show")
@click.option("--review", required=True, help="Libellé de la revue.")
@click.option("--team", help="Seulement cette équipe.")
@DB_OPTION
@FORMAT_ALL
@LANG_OPTION
def history_show(review: str, team: str | None, db: str | None, fmt: str, lang: str) -> None:
    """Les envois d'une revue (d'une équipe), le plan actuel de chacune marqué."""
    from .errors import PacError
    from .i18n import money, tx

    lang = lang if lang in ("fr", "en") else "fr"
    store = _store(db, lang)
    try:
        store._known_review(review)
    except PacError as err:
        _fail(err, lang)
    subs = store.submissions(review, team)
    keys = ["id", "team", "source", "submitted_at", "template", "version", "lang", "actions", "problems", "errors",
            "current"]

    def text() -> None:
        _table(keys + ["budget_planned"], [[*(s.to_dict()[k] if k != "current" else
                                             (tx("hist.current", lang) if s.current else "") for k in keys),
                                            money(s.totals.get("budget_planned"))] for s in subs])

    _out([s.to_dict() for s in subs], fmt, text, [keys] + [[s.to_dict()[k] for k in keys] for s in subs])


def _render_diff(d: Any, fmt: str, lang: str, output: Path | None, force: bool, title: str) -> None:
    from .i18n import figure_label, tx

    if output is not None:
        from .report.history import write_diff

        write_diff(d, output, lang, force=force, title=title)
        if fmt == "text":
            click.echo(tx("cli.report", lang).format(path=output), err=True)

    def text() -> None:
        click.echo(title)
        for a in d.added:
            click.echo(f"  + {a.action}")
        for a in d.removed:
            click.echo(f"  - {a.action}")
        for a, changes in d.changed:
            click.echo(f"  ~ {a.action}")
            for c in changes:
                x = c.to_dict()
                extra = f" ({tx('diff.days', lang).format(n=x['days'])})" if "days" in x else \
                    f" ({x['delta']:+,.2f})".replace(",", " ") if "delta" in x else ""
                click.echo(f"      {c.field}: {x['before']} → {x['after']}{extra}")
        for name, changes in d.indicators:
            click.echo(f"  ~ {name}: " + ", ".join(f"{c.field} {c.before} → {c.after}" for c in changes))
        if not (d.added or d.removed or d.changed or d.indicators):
            click.echo("  " + tx("diff.none", lang))
        for k, before in d.before.items():
            if before != d.after.get(k):
                click.echo(f"  {figure_label(k, lang)}: {before} → {d.after.get(k)}")

    def rows() -> list[list[Any]]:
        out: list[list[Any]] = [["kind", "action", "field", "before", "after"]]
        out += [["added", a.action, "", "", ""] for a in d.added]
        out += [["removed", a.action, "", "", ""] for a in d.removed]
        for a, changes in d.changed:
            out += [["changed", a.action, c.field, c.to_dict()["before"], c.to_dict()["after"]] for c in changes]
        for name, changes in d.indicators:
            out += [["indicator", name, c.field, c.before, c.after] for c in changes]
        out += [["total", "", k, v, d.after.get(k)] for k, v in d.before.items()]
        return out

    _out(d.to_dict(), fmt, text, rows)


@history_group.command("diff")
@click.option("--team", required=True, help="L'équipe dont comparer les plans.")
@click.option("--from", "before", required=True, help="Revue de départ.")
@click.option("--to", "after", required=True, help="Revue d'arrivée.")
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), help="Écrit aussi le diff en .xlsx.")
@click.option("--force", is_flag=True, help="Remplace la sortie si elle existe.")
@DB_OPTION
@FORMAT_ALL
@LANG_OPTION
def history_diff(team: str, before: str, after: str, output: Path | None, force: bool, db: str | None, fmt: str,
                 lang: str) -> None:
    """Ce qui a changé dans le plan d'une équipe entre deux revues."""
    from .errors import PacError

    lang = lang if lang in ("fr", "en") else "fr"
    try:
        d = _store(db, lang).diff(team, before, after)
        _render_diff(d, fmt, lang, output, force, f"{team} : {before} → {after}")
    except PacError as err:
        _fail(err, lang)


@main.command("diff")
@click.argument("old", type=click.Path(dir_okay=False, path_type=Path))
@click.argument("new", type=click.Path(dir_okay=False, path_type=Path))
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), help="Écrit aussi le diff en .xlsx.")
@click.option("--force", is_flag=True, help="Remplace la sortie si elle existe.")
@click.option("--as-of", metavar="AAAA-MM-JJ", help="Date de référence des retards (défaut : aujourd'hui).")
@FORMAT_ALL
@LANG_OPTION
def diff_cmd(old: Path, new: Path, output: Path | None, force: bool, as_of: str | None, fmt: str, lang: str) -> None:
    """Ce qui a changé entre deux versions d'un plan (sans historique)."""
    from .errors import PacError
    from .history import diff_files

    lang = lang if lang in ("fr", "en") else "fr"
    try:
        d = diff_files(old, new, _as_of(as_of, lang), lang)
        _render_diff(d, fmt, lang, output, force, f"{old.name} → {new.name}")
    except PacError as err:
        if fmt == "json":
            _json_error(err, lang)
        _fail(err, lang)


@history_group.command("trend")
@click.option("--team", help="Seulement cette équipe (défaut : toutes, additionnées).")
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path),
              help="Écrit aussi l'évolution en .xlsx (graphiques).")
@click.option("--force", is_flag=True, help="Remplace la sortie si elle existe.")
@DB_OPTION
@FORMAT_ALL
@LANG_OPTION
def history_trend(team: str | None, output: Path | None, force: bool, db: str | None, fmt: str, lang: str) -> None:
    """Par revue : actions, terminées, en retard, budgets, CA, taux d'atteinte ; par indicateur, sa valeur."""
    from .errors import PacError
    from .history import TREND_KEYS

    lang = lang if lang in ("fr", "en") else "fr"
    t = _store(db, lang).trend(team)
    if output is not None:
        from .report.history import write_trend

        try:
            write_trend(t, output, lang, force=force)
        except PacError as err:
            _fail(err, lang)
    keys = ["review", *TREND_KEYS, "attainment", "kpi_attainment"]

    def fmt_v(v: Any) -> Any:
        return "" if v is None else round(v, 4) if isinstance(v, float) else v

    def text() -> None:
        _table(keys, [[fmt_v(r.get(k)) for k in keys] for r in t.reviews])
        for ind in t.indicators:
            click.echo(f"  {ind['name']}: " + ", ".join(f"{v['review']} {fmt_v(v['value'])}" for v in ind["values"]))

    data = t.to_dict()
    _out(data, fmt, text, [keys] + [[r.get(k) for k in keys] for r in t.reviews])


@history_group.command("export")
@click.option("--review", required=True, help="Libellé de la revue.")
@click.option("-o", "--output", required=True, type=click.Path(dir_okay=False, path_type=Path),
              help="Classeur consolidé à écrire (.xlsx, nouveau fichier).")
@click.option("--force", is_flag=True, help="Remplace la sortie si elle existe.")
@DB_OPTION
@LANG_OPTION
def history_export(review: str, output: Path, force: bool, db: str | None, lang: str) -> None:
    """Le classeur consolidé d'une revue, depuis l'historique (aucun fichier relu)."""
    from .errors import PacError, UsageError
    from .i18n import money, tx

    lang = lang if lang in ("fr", "en") else "fr"
    try:
        if output.suffix.lower() != ".xlsx":
            raise UsageError("err.not_xlsx", path=output)
        result = _store(db, lang).export(review, output, lang, force=force)
    except PacError as err:
        _fail(err, lang)
        return
    tot = result.totals()
    click.echo(tx("cons.done", lang).format(ok=len(result.ok), rejected=0, skipped=0, actions=tot["actions"],
                                            budget=money(tot["budget_planned"]), out=output,
                                            problems=len(result.all_problems())))


def _emit(result, fmt: str, lang: str, out, terminal: bool | None = None, width: int | None = None,
          csv_dialect: str | None = None) -> None:
    if fmt == "json":
        from .report.jsonout import write_analysis

        write_analysis(result, out, lang)
    elif fmt == "csv":
        from .report.csvout import dialect, write_actions

        write_actions(result, out, dialect(lang, csv_dialect))
    else:
        from .report.text import render

        render(result, lang, out, terminal=terminal, width=width)


if __name__ == "__main__":  # pragma: no cover
    main()
