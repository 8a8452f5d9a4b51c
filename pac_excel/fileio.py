"""Writing outputs: a temporary file beside the target, then one rename. A reader never sees a
half-written workbook, and an existing file is replaced only when asked."""

from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import Iterator
from pathlib import Path

from .errors import OutputExistsError, UsageError


def _umask() -> int:
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


@contextlib.contextmanager
def atomic_output(target: Path, force: bool = False, suffix: str = ".xlsx") -> Iterator[Path]:
    """Yield a temporary path in ``target``'s folder; on success move it to ``target``.

    Without ``force`` an existing target is never replaced, even if it appears meanwhile.
    """
    target = Path(target)
    parent = target.parent if str(target.parent) else Path(".")
    if not parent.is_dir():
        raise UsageError("err.no_folder", path=target, folder=parent)
    if target.exists() and not force:
        raise OutputExistsError("err.exists", path=target)
    fd, tmp_name = tempfile.mkstemp(prefix=f".{target.stem}.", suffix=suffix + ".tmp", dir=parent)
    os.close(fd)
    tmp = Path(tmp_name)
    os.chmod(tmp, 0o666 & ~_umask())  # mkstemp makes 0600 files; an output is an ordinary file
    try:
        yield tmp
        if force:
            os.replace(tmp, target)
        else:
            try:
                os.link(tmp, target)  # fails if the target exists: no clobbering, atomically
            except FileExistsError:
                raise OutputExistsError("err.exists", path=target) from None
            except OSError:  # file systems without hard links
                if target.exists():
                    raise OutputExistsError("err.exists", path=target) from None
                os.replace(tmp, target)
    finally:
        with contextlib.suppress(FileNotFoundError):
            tmp.unlink()
