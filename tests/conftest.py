from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))

from gnumeric import ssconvert
from libreoffice import soffice

ROOT = Path(__file__).resolve().parent.parent


def _require(found: str | None, application: str, package: str) -> None:
    """Tests of a real application run everywhere it is installed; in CI its absence is a failure."""
    if found is None:
        if os.environ.get("CI"):
            pytest.fail(f"{application} is required in CI (.ci/run installs {package})")
        pytest.skip(f"{application} is not installed on this machine")


@pytest.fixture(scope="session")
def lo_available() -> None:
    _require(soffice(), "LibreOffice (soffice)", "libreoffice-calc-nogui")


@pytest.fixture(scope="session")
def gnumeric_available() -> None:
    _require(ssconvert(), "Gnumeric (ssconvert)", "gnumeric")


def pytest_terminal_summary(terminalreporter):
    """The corpus figures, one line, at the end of every run (README records it)."""
    try:
        from test_corpus import SUMMARY
    except ImportError:
        return
    for line in SUMMARY:
        terminalreporter.write_line(f"corpus: {line}")
