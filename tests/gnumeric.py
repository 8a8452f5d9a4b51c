"""Gnumeric (``ssconvert``) as a second real spreadsheet application of the tests, beside
LibreOffice: it writes .xlsx, .xls and .ods its own way (indented XML, its own error strings for
what it cannot convert)."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path


def ssconvert() -> str | None:
    return shutil.which("ssconvert")


def convert(src: Path, dst: Path, timeout: int = 120) -> Path:
    """Open ``src`` in Gnumeric and save it as ``dst`` (the format follows dst's extension)."""
    exe = ssconvert()
    if exe is None:
        raise RuntimeError("Gnumeric (ssconvert) is not installed")
    proc = subprocess.run([exe, str(src), str(dst)], capture_output=True, text=True, timeout=timeout)
    if proc.returncode != 0 or not dst.exists():
        raise RuntimeError(f"ssconvert failed ({proc.returncode}): {proc.stderr[-2000:]}")
    return dst
