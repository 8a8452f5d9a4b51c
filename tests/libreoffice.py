"""LibreOffice as the real spreadsheet application of the tests.

LibreOffice keeps cached formula values of an .xlsx unless told otherwise: each run uses a
throwaway profile whose settings force recalculation on load (OOXMLRecalcMode = 0, always).
Files are converted in one batch: one start-up of LibreOffice for many workbooks.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from pathlib import Path

RECALC_XCU = """<?xml version="1.0" encoding="UTF-8"?>
<oor:items xmlns:oor="http://openoffice.org/2001/registry" xmlns:xs="http://www.w3.org/2001/XMLSchema"
 xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">
<item oor:path="/org.openoffice.Office.Calc/Formula/Load"><prop oor:name="OOXMLRecalcMode" oor:op="fuse"><value>0</value></prop></item>
<item oor:path="/org.openoffice.Office.Calc/Formula/Load"><prop oor:name="ODFRecalcMode" oor:op="fuse"><value>0</value></prop></item>
<item oor:path="/org.openoffice.Setup/L10N"><prop oor:name="ooSetupSystemLocale" oor:op="fuse"><value>{locale}</value></prop></item>
</oor:items>
"""


def soffice() -> str | None:
    return shutil.which("soffice") or shutil.which("libreoffice")


def convert(files: list[Path], out_dir: Path, fmt: str = "xlsx", locale: str = "en-US", timeout: int = 300,
            infilter: str | None = None) -> list[Path]:
    """Open each file in LibreOffice (recalculating every formula) and save it as ``fmt`` in
    ``out_dir``. Returns the output paths, in the order of ``files``."""
    exe = soffice()
    if exe is None:
        raise RuntimeError("LibreOffice (soffice) is not installed")
    names = [Path(f).stem for f in files]
    if len(set(names)) != len(names):
        raise ValueError("input files must have distinct names")
    out_dir.mkdir(parents=True, exist_ok=True)
    profile = Path(tempfile.mkdtemp(prefix="pac-lo-profile-"))
    try:
        (profile / "user").mkdir()
        (profile / "user" / "registrymodifications.xcu").write_text(RECALC_XCU.format(locale=locale), encoding="utf-8")
        cmd = [exe, f"-env:UserInstallation={profile.as_uri()}", "--headless", "--norestore",
               *([f"--infilter={infilter}"] if infilter else []),
               "--convert-to", fmt, "--outdir", str(out_dir), *[str(f) for f in files]]
        env = {**os.environ, "HOME": str(profile)}
        proc = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout, env=env)
    finally:
        shutil.rmtree(profile, ignore_errors=True)
    outs = [out_dir / f"{n}.{fmt.split(':')[0]}" for n in names]  # "xlsm:Filter name" → .xlsm
    missing = [p for p in outs if not p.exists()]
    if proc.returncode != 0 or missing:
        raise RuntimeError(f"LibreOffice failed ({proc.returncode}): missing {missing}\n{proc.stdout}\n{proc.stderr}")
    return outs
