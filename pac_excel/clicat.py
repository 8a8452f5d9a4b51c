"""Click's own texts in French (usage, errors, help), through the gettext catalogue click
reads its messages from — a translation layer, not a fork.

The catalogue is ``locale/fr/LC_MESSAGES/messages.mo`` inside the package, written from
:data:`CATALOG` by ``python -m pac_excel.clicat`` (a test keeps the two in step).
"""

from __future__ import annotations

import struct
from pathlib import Path

LOCALE_DIR = Path(__file__).with_name("locale")

#: click's message → French; a plural message is keyed by (singular, plural)
CATALOG: dict[str | tuple[str, str], str | tuple[str, str]] = {
    "Usage:": "Utilisation :",
    "Options": "Options",
    "Commands": "Commandes",
    "Show this message and exit.": "Affiche cette aide et quitte.",
    "Show the version and exit.": "Affiche la version et quitte.",
    "%(prog)s, version %(version)s": "%(prog)s, version %(version)s",
    "Error: {message}": "Erreur : {message}",
    "Try '{command} {option}' for help.": "Essayez « {command} {option} » pour l’aide.",
    "Invalid value for {param_hint}: {message}": "Valeur invalide pour {param_hint} : {message}",
    "Invalid value: {message}": "Valeur invalide : {message}",
    "Missing argument": "Argument manquant",
    "Missing option": "Option manquante",
    "Missing parameter": "Paramètre manquant",
    "Missing parameter: {param_name}": "Paramètre manquant : {param_name}",
    "Missing {param_type}": "{param_type} manquant",
    "Missing command.": "Commande manquante.",
    "No such command {name!r}.": "Commande inconnue : {name!r}.",
    "No such option {name!r}.": "Option inconnue : {name!r}.",
    "Option {name!r} does not take a value.": "L’option {name!r} ne prend pas de valeur.",
    "Argument {name!r} takes {nargs} values.": "L’argument {name!r} prend {nargs} valeurs.",
    "Aborted!": "Interrompu.",
    "unknown error": "erreur inconnue",
    "Could not open file {filename!r}: {message}": "Impossible d’ouvrir le fichier {filename!r} : {message}",
    "Choose from:\n\t{choices}": "Choisir parmi :\n\t{choices}",
    "{value!r} is not a valid {number_type}.": "{value!r} n’est pas un nombre valide.",
    "{value} is not in the range {range}.": "{value} n’est pas dans l’intervalle {range}.",
    "{value!r} is not a valid boolean. Recognized values: {states}":
        "{value!r} n’est pas un booléen valide. Valeurs reconnues : {states}",
    "{value!r} is not a valid UUID.": "{value!r} n’est pas un UUID valide.",
    "{name} {filename!r} does not exist.": "{filename!r} n’existe pas.",
    "{name} {filename!r} is a file.": "{filename!r} est un fichier.",
    "{name} {filename!r} is a directory.": "{filename!r} est un dossier.",
    "{name} {filename!r} is not readable.": "{filename!r} n’est pas lisible.",
    "{name} {filename!r} is not writable.": "{filename!r} n’est pas modifiable.",
    "{name} {filename!r} is not executable.": "{filename!r} n’est pas exécutable.",
    "file": "fichier",
    "directory": "dossier",
    "path": "chemin",
    "default: {default}": "défaut : {default}",
    "env var: {var}": "variable d’environnement : {var}",
    "required": "obligatoire",
    "deprecated": "obsolète",
    "(dynamic)": "(dynamique)",
    "Do you want to continue?": "Continuer ?",
    "Confirm the action without prompting.": "Confirme l’action sans demander.",
    "Repeat for confirmation": "Répéter pour confirmer",
    "Error: The two entered values do not match.": "Erreur : les deux valeurs saisies diffèrent.",
    "Error: invalid input": "Erreur : saisie invalide",
    "Press any key to continue...": "Appuyez sur une touche pour continuer…",
    ("Did you mean {possibility}?", "(Did you mean one of: {possibilities}?)"):
        ("Vouliez-vous dire {possibility} ?", "(Vouliez-vous dire l’une de : {possibilities} ?)"),
    ("Got unexpected extra argument ({args})", "Got unexpected extra arguments ({args})"):
        ("Argument en trop ({args})", "Arguments en trop ({args})"),
    ("Option {name!r} requires an argument.", "Option {name!r} requires {nargs} arguments."):
        ("L’option {name!r} demande une valeur.", "L’option {name!r} demande {nargs} valeurs."),
    ("{value!r} is not {choice}.", "{value!r} is not one of {choices}."):
        ("{value!r} n’est pas {choice}.", "{value!r} n’est pas parmi {choices}."),
    ("Takes {nargs} values but 1 was given.", "Takes {nargs} values but {len} were given."):
        ("Prend {nargs} valeurs, 1 donnée.", "Prend {nargs} valeurs, {len} données."),
}


def mo_bytes() -> bytes:
    """The catalogue in GNU gettext's binary .mo format (what gettext.GNUTranslations reads)."""
    entries: dict[bytes, bytes] = {b"": b"Content-Type: text/plain; charset=UTF-8\nPlural-Forms: nplurals=2; "
                                        b"plural=(n > 1);\n"}
    for key, value in CATALOG.items():
        if isinstance(key, tuple):
            assert isinstance(value, tuple)
            entries["\x00".join(key).encode()] = "\x00".join(value).encode()
        else:
            assert isinstance(value, str)
            entries[key.encode()] = value.encode()
    keys = sorted(entries)
    ids = strs = b""
    offsets = []
    for k in keys:
        offsets.append((len(ids), len(k), len(strs), len(entries[k])))
        ids += k + b"\x00"
        strs += entries[k] + b"\x00"
    n = len(keys)
    key_start = 7 * 4 + 16 * n
    value_start = key_start + len(ids)
    koffsets: list[int] = []
    voffsets: list[int] = []
    for o1, l1, o2, l2 in offsets:
        koffsets += [l1, o1 + key_start]
        voffsets += [l2, o2 + value_start]
    header = struct.pack("Iiiiiii", 0x950412DE, 0, n, 7 * 4, 7 * 4 + n * 8, 0, 0)
    tables = struct.pack(f"{len(koffsets)}i", *koffsets) + struct.pack(f"{len(voffsets)}i", *voffsets)
    return header + tables + ids + strs


def mo_path() -> Path:
    return LOCALE_DIR / "fr" / "LC_MESSAGES" / "messages.mo"


def use(lang: str) -> None:
    """Click's texts in ``lang`` from now on in this process (French: the catalogue; English:
    click's own)."""
    import gettext
    import os

    gettext.bindtextdomain("messages", str(LOCALE_DIR))
    os.environ["LANGUAGE"] = "fr" if lang == "fr" else "en"


if __name__ == "__main__":  # pragma: no cover - run by hand when the catalogue changes
    mo_path().parent.mkdir(parents=True, exist_ok=True)
    mo_path().write_bytes(mo_bytes())
    print(mo_path())
