"""The last layer of tolerant reading: LibreOffice, where it is installed, converts a workbook
that no other layer could read into a new .xlsx (in a temporary folder: the user's file is only
read), which is then read as any other. It costs a LibreOffice start-up (2–5 s), so it is tried
only after every other layer has failed on an intact file.

The conversion runs in its own process with a throwaway profile, a time limit and a memory
limit of its own.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import subprocess
import tempfile
from pathlib import Path

TIMEOUT_S = 45  # under the 60 s a reading process is given
MEMORY_GIB = 4


def soffice() -> str | None:
    if os.environ.get("PAC_EXCEL_NO_LIBREOFFICE"):  # lets the tests see the layers without it
        return None
    return shutil.which("soffice") or shutil.which("libreoffice")


def _limits() -> None:  # pragma: no cover - runs in the child process
    import resource

    _, hard = resource.getrlimit(resource.RLIMIT_AS)
    want = MEMORY_GIB << 30
    soft = want if hard == resource.RLIM_INFINITY else min(want, hard)
    resource.setrlimit(resource.RLIMIT_AS, (soft, hard))


def convert(path: Path, workdir: Path, timeout: int = TIMEOUT_S) -> Path | None:
    """Convert ``path`` to .xlsx inside ``workdir``; None when LibreOffice is absent or fails."""
    exe = soffice()
    if exe is None:
        return None
    source = workdir / ("input" + path.suffix.lower())
    shutil.copyfile(path, source)  # a plain name: LibreOffice is never handed the user's path
    out = workdir / "out"
    profile = Path(tempfile.mkdtemp(prefix="profile-", dir=workdir))
    cmd = [exe, f"-env:UserInstallation={profile.as_uri()}", "--headless", "--norestore", "--nolockcheck",
           "--convert-to", "xlsx", "--outdir", str(out), str(source)]
    env = {**os.environ, "HOME": str(profile)}
    try:
        proc = subprocess.Popen(cmd, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                                env=env, preexec_fn=_limits, start_new_session=True)
    except OSError:
        return None
    try:
        proc.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        return None
    finally:  # LibreOffice's launcher starts soffice.bin: the whole group goes
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(proc.pid, signal.SIGKILL)
        proc.wait()
    result = out / "input.xlsx"
    return result if result.is_file() and result.stat().st_size else None
