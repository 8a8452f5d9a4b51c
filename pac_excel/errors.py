"""The few exceptions for work that cannot continue. Everything a person should fix in a plan
will be a Problem (data), not an exception.

An error carries a message key and its parameters: ``str(err)`` is French, and
``err.message("en")`` English, so the CLI speaks the user's language.
"""

from __future__ import annotations

from typing import Any


#: parameters whose value is itself a message key, shown in the reader's language
TRANSLATED = ("kind", "container")


class PacError(Exception):
    """Base class; ``exit_code`` is what the CLI exits with."""

    exit_code = 1

    def __init__(self, key: str, **params: Any) -> None:
        self.key = key
        self.params = params
        super().__init__(self.message("fr"))

    def message(self, lang: str = "fr") -> str:
        from .i18n import TX

        params = {k: TX[v](lang) if k in TRANSLATED and v in TX else v for k, v in self.params.items()}
        return TX[self.key](lang).format(**params)


class UsageError(PacError, ValueError):
    """The request itself is wrong (unknown template, option out of range)."""

    exit_code = 2


class OutputExistsError(PacError, FileExistsError):
    """The output file exists and replacing it was not asked for."""


class TemplateError(PacError, ValueError):
    """A template definition is malformed."""


class WriteError(PacError, OSError):
    """The output could not be written (disk full, permissions…)."""
