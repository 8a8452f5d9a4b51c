from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))

from gnumeric import ssconvert  # noqa: E402
from libreoffice import soffice  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="session")
def lo_available() -> None:
    """LibreOffice tests run everywhere soffice exists; in CI its absence is a failure."""
    if soffice() is None:
        if os.environ.get("CI"):
            pytest.fail("LibreOffice is required in CI (.ci/run installs libreoffice-calc-nogui)")
        pytest.skip("LibreOffice (soffice) is not installed on this machine")


@pytest.fixture(scope="session")
def gnumeric_available() -> None:
    """Gnumeric tests run everywhere ssconvert exists; in CI its absence is a failure."""
    if ssconvert() is None:
        if os.environ.get("CI"):
            pytest.fail("Gnumeric is required in CI (.ci/run installs gnumeric)")
        pytest.skip("Gnumeric (ssconvert) is not installed on this machine")


def pytest_terminal_summary(terminalreporter):
    """The corpus figures, one line, at the end of every run (README records it)."""
    try:
        from test_corpus import SUMMARY
    except ImportError:
        return
    for line in SUMMARY:
        terminalreporter.write_line(f"corpus: {line}")
