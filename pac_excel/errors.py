"""The exceptions for work that cannot continue, all here. Everything a person should fix in a
plan is a Problem (data, problems.py), not an exception. The readers also raise a few internal
signals that never leave them (guard.Refusal, sniff.NotSpreadsheet, the tolerant readers' cell
limits): each becomes one of these before it reaches a caller.

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


class PlanReadError(PacError):
    """The file cannot be read as a plan (unreadable, encrypted, no action table…)."""

    exit_code = 1

    @property
    def code(self) -> str:
        """The rejection code (closed list: REJECT_CODES), what a script branches on."""
        return rejection_code(self.key)


#: why a file cannot be read → code (closed list, documented in the README)
REJECT_CODES = {
    "read.password": "encrypted",
    "read.no_table": "no_action_table",
    "read.format": "unsupported_format",
    "read.missing": "missing",
    "read.empty": "empty",
    "read.truncated": "truncated",
    "read.not_spreadsheet": "not_a_spreadsheet",
    "read.unreadable": "unreadable",
    "read.bomb": "zip_bomb",
    "read.unsafe": "unsafe_content",
    "read.timeout": "timeout",
    "read.too_large": "too_large",
    "read.aborted": "aborted",
    "read.too_many_cells": "too_large",
    "read.too_many_cells_any": "too_large",
    "read.file_too_large": "too_large",
}


def rejection_code(key: str) -> str:
    """The code of a reading failure, from the closed list (REJECT_CODES)."""
    return REJECT_CODES.get(key, "unreadable")
