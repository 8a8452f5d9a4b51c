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

LANG_OPTION = click.option("--lang", default="fr", show_default=True, metavar="fr|en",
                           help="Langue du classeur et des messages / workbook and message language.")


def _fail(err: Exception, lang: str) -> None:
    from .errors import PacError
    from .i18n import tx

    if isinstance(err, PacError):
        click.echo(f"pac-excel: {tx('cli.error', lang)}: {err.message(lang)}", err=True)
        sys.exit(err.exit_code)
    raise err


@click.group(context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100})
@click.version_option(__version__, "-V", "--version", prog_name="pac-excel")
def main() -> None:
    """pac-excel : le Plan d'Action Commercial dans un classeur Excel vivant.

    Generates ready-to-fill PAC workbooks that compute by themselves in Excel and LibreOffice.
    """


@main.command("new")
@click.argument("out", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--template", "-t", default="pac", show_default=True,
              help="Modèle : pac, trame ou objectif (voir `pac-excel templates`).")
@LANG_OPTION
@click.option("--company", help="Nom de l'entreprise / company name.")
@click.option("--team", help="Équipe ou agence / team or branch.")
@click.option("--year", type=int, help="Année du plan (défaut : année en cours) / plan year.")
@click.option("--actions", "n_actions", type=int, default=50, show_default=True,
              help="Lignes d'actions prêtes à remplir / empty action rows.")
@click.option("--protect", is_flag=True, help="Protège aussi les feuilles de saisie (sans mot de passe).")
@click.option("--force", is_flag=True, help="Remplace OUT s'il existe / replace OUT if it exists.")
def new(out: Path, template: str, lang: str, company: str | None, team: str | None, year: int | None,
        n_actions: int, protect: bool, force: bool) -> None:
    """Crée un nouveau classeur PAC prêt à remplir dans OUT (.xlsx)."""
    from .errors import PacError
    from .generator import GenerateOptions, generate
    from .i18n import tx

    msg_lang = lang if lang in ("fr", "en") else "fr"
    options = GenerateOptions(template=template, lang=lang, company=company, team=team, year=year,
                              actions=n_actions, protect=protect, force=force)
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


def _run_analysis(file: Path, lang: str, fmt: str, **job: Any) -> None:
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
            _json_error(err, lang)
        _fail(err, lang)
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


def _analysis_job(file: Path, lang: str, fmt: str, terminal: bool, width: int | None, direct: bool, *,
                  as_of: object, threshold: float, stage: str, output: Path | None = None, force: bool = False,
                  check: bool = False, tolerant: bool = False) -> tuple[int, str, list[str]]:
    """Runs in the bounded process: the exit code, the text for stdout (printed here already
    when ``direct``), the lines for stderr (silenced here)."""
    import io

    from .analysis import analyze

    result = analyze(file, as_of=as_of, threshold=threshold, stage=stage, lang=lang,  # type: ignore[arg-type]
                     bounded=False, tolerant=tolerant)
    out: Any = sys.stdout if direct else io.StringIO()
    notes: list[str] = []
    try:
        code = _render_job(result, out, lang, fmt, terminal, width, output, force, check, notes)
        if direct:
            out.flush()
    except BrokenPipeError:  # the reader went away (| head): stop quietly, as the docs of Python advise
        import os

        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return 1, "", []
    return code, "" if direct else out.getvalue(), notes


def _render_job(result: Any, out: Any, lang: str, fmt: str, terminal: bool, width: int | None,
                output: Path | None, force: bool, check: bool, notes: list[str]) -> int:
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
    _emit(result, fmt, lang, out, terminal, width)
    return 0


ANALYSIS_OPTIONS = [
    click.argument("file", type=click.Path(dir_okay=False, path_type=Path)),
    click.option("--as-of", metavar="AAAA-MM-JJ", help="Date de référence des retards (défaut : aujourd'hui)."),
    click.option("--threshold", type=float, default=0.2, show_default=True,
                 help="Écart relatif au-delà duquel une analyse des écarts est attendue."),
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
@click.option("--format", "fmt", type=click.Choice(["text", "json", "csv"]), default="text", show_default=True)
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path),
              help="Écrit aussi un rapport .xlsx (nouveau fichier).")
@click.option("--force", is_flag=True, help="Remplace le rapport s'il existe.")
def analyze_cmd(file: Path, as_of: str | None, threshold: float, stage: str, lang: str, fmt: str,
                output: Path | None, force: bool) -> None:
    """Analyse un plan rempli : écarts, budgets, retards, indicateurs, problèmes."""
    msg_lang = lang if lang in ("fr", "en") else "fr"
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
    _run_analysis(file, msg_lang, fmt, as_of=day, threshold=threshold, stage=stage, output=output, force=force)


@main.command("check")
@_analysis_options
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
def check_cmd(file: Path, as_of: str | None, threshold: float, stage: str, lang: str, fmt: str) -> None:
    """Vérifie un plan : liste les problèmes seulement (code de sortie 1 s'il y a une erreur)."""
    msg_lang = lang if lang in ("fr", "en") else "fr"
    _run_analysis(file, msg_lang, fmt, as_of=_as_of(as_of, msg_lang), threshold=threshold, stage=stage, check=True)


@main.command("refresh")
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@click.option("-o", "--output", required=True, type=click.Path(dir_okay=False, path_type=Path),
              help="Nouveau classeur à écrire (.xlsx) ; FILE n'est jamais modifié.")
@click.option("--actions", "room", type=int, default=20, show_default=True,
              help="Lignes d'actions vides ajoutées après les actions du plan / empty action rows to add.")
@click.option("--lang", default=None, metavar="fr|en",
              help="Langue du nouveau classeur (défaut : celle du plan) / language of the new workbook.")
@click.option("--template", "-t", default=None,
              help="Modèle du nouveau classeur (défaut : celui du plan ; pac pour un classeur fait main).")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
@click.option("--force", is_flag=True, help="Remplace OUTPUT s'il existe / replace OUTPUT if it exists.")
def refresh_cmd(file: Path, output: Path, room: int, lang: str | None, template: str | None, fmt: str,
                force: bool) -> None:
    """Reconstruit un plan rempli dans la version actuelle de son modèle : lignes saisies sous le
    tableau reprises, formules rétablies, place pour de nouvelles actions."""
    from .errors import PacError
    from .i18n import tx
    from .refresh import refresh

    msg_lang = lang if lang in ("fr", "en") else "fr"
    try:
        done = refresh(file, output, room=room, lang=lang, template=template, force=force)
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
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
@click.option("--csv", "csv_path", type=click.Path(dir_okay=False, path_type=Path),
              help="Exporte aussi les actions en CSV.")
@click.option("--strict", is_flag=True, help="N'écrit rien si un fichier est rejeté.")
@click.option("--jobs", type=click.IntRange(1, 32), default=2, show_default=True, help="Fichiers lus en parallèle.")
@click.option("-r", "--recursive", is_flag=True, help="Parcourt aussi les sous-dossiers.")
@click.option("--as-of", metavar="AAAA-MM-JJ", help="Date de référence des retards (défaut : aujourd'hui).")
@click.option("--force", is_flag=True, help="Remplace les sorties si elles existent.")
@click.option("--timeout", type=click.IntRange(0, 3600), default=60, show_default=True,
              help="Temps maximal de lecture d'un fichier, en secondes (0 : sans limite).")
@LANG_OPTION
def consolidate_cmd(inputs: tuple[Path, ...], output: Path, fmt: str, csv_path: Path | None, strict: bool, jobs: int,
                    recursive: bool, as_of: str | None, force: bool, timeout: int, lang: str) -> None:
    """Consolide les plans de plusieurs équipes (fichiers et dossiers) en un classeur."""
    from .consolidation import collect, consolidate
    from .errors import PacError, UsageError
    from .i18n import tx

    lang = lang if lang in ("fr", "en") else "fr"
    day = _as_of(as_of, lang)
    try:
        for out in (output, csv_path):
            if out is None:
                continue
            if any(out.resolve() == p.resolve() for p in collect(list(inputs), recursive)):
                raise UsageError("err.output_is_input", path=out)
        if output.suffix.lower() != ".xlsx":
            raise UsageError("err.not_xlsx", path=output)
    except PacError as err:
        _fail(err, lang)
    files = collect(list(inputs), recursive)
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
            from .report.csvout import write_consolidated_actions

            with atomic_output(csv_path, force=force, suffix=".csv") as tmp, \
                    open(tmp, "w", encoding="utf-8-sig", newline="") as fh:
                write_consolidated_actions(result, fh)
    except _Strict:
        click.echo(tx("cons.strict", lang).format(n=rejected), err=True)
        sys.exit(1)
    except PacError as err:
        _fail(err, lang)
    if fmt == "json":
        import json

        click.echo(json.dumps(result.to_dict(lang), ensure_ascii=False, indent=2))
    else:
        from .i18n import money

        tot = result.totals()
        budget = money(tot["budget_planned"])
        click.echo(tx("cons.done", lang).format(ok=len(result.ok), rejected=rejected,
                                                skipped=len(result.files) - len(result.ok) - rejected,
                                                actions=tot["actions"], budget=budget, out=output))
        for f in result.files:
            if f.status != "ok":
                click.echo(f"  {tx('cons.st.' + f.status, lang)}: {f.path} — {f.reason_text(lang)}")
    sys.exit(1 if rejected else 0)


def _emit(result, fmt: str, lang: str, out, terminal: bool | None = None, width: int | None = None) -> None:
    if fmt == "json":
        from .report.jsonout import write_analysis

        write_analysis(result, out, lang)
    elif fmt == "csv":
        from .report.csvout import write_actions

        write_actions(result, out)
    else:
        from .report.text import render

        render(result, lang, out, terminal=terminal, width=width)


if __name__ == "__main__":  # pragma: no cover
    main()
