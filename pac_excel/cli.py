"""The ``pac-excel`` command: a thin layer over the library.

Only click is imported at start-up; each command imports what it needs, so ``--help`` and
``--version`` answer instantly. Library errors become one line on stderr and an exit code
(1 failure, 2 usage), never a traceback.
"""

from __future__ import annotations

import sys
from pathlib import Path

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


if __name__ == "__main__":  # pragma: no cover
    main()
