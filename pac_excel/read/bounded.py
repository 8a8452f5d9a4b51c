"""Reading an untrusted file where a time and a memory bound can stop it.

A reading library can allocate without bound or abort its process (python-calamine does both
on some files, and prints Rust panic text on stderr first): no check made beforehand can rule
that out. So every read of a file someone sent runs in a process of its own:

- an address-space limit (``MEMORY_MIB``) turns a runaway allocation into a MemoryError or, in
  native code, an abort of that process only;
- a time limit (``TIMEOUT_S``), enforced by the parent, which kills the process;
- the process's stderr goes nowhere: a native library's panic text never reaches a person;
- what comes back is a result or a :class:`~pac_excel.errors.PacError` rebuilt from plain data.

A process that dies (abort, crash in native code) is tried once more in tolerant mode, which
does not use python-calamine; if that dies too, the file is rejected as ``aborted``.
Consolidation's worker processes are limited the same way (:func:`limit_process`).
"""

from __future__ import annotations

import os
from collections.abc import Callable
from typing import Any

from ..errors import PacError

TIMEOUT_S = 60
MEMORY_MIB = 1536


def _mapped() -> int:
    """Bytes of address space this process holds already (0 when the system does not say)."""
    try:
        with open("/proc/self/statm", encoding="ascii") as fh:
            return int(fh.read().split()[0]) * os.sysconf("SC_PAGE_SIZE")
    except (OSError, ValueError, IndexError):
        return 0


def limit_process(mib: int = MEMORY_MIB) -> None:
    """In a reading process: bound its memory and silence its stderr. The hard limit is left as
    it is, so that the LibreOffice layer can give its own process a larger one.

    The bound is on what the reading may add: a forked process inherits its parent's address
    space, which in a program that has used pandas with pyarrow holds more than a gigabyte of
    reserved, unused memory (pyarrow's allocator) — counted from zero, the reading would have no
    room left at all."""
    try:
        import resource

        _, hard = resource.getrlimit(resource.RLIMIT_AS)
        limit = _mapped() + (mib << 20)
        resource.setrlimit(resource.RLIMIT_AS, (limit if hard == resource.RLIM_INFINITY else min(limit, hard), hard))
    except (ImportError, ValueError, OSError):
        pass
    try:
        import faulthandler

        faulthandler.disable()  # a crash dump of the reading process says nothing to a person
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, 2)
        os.close(devnull)
    except OSError:
        pass


def read_failure(key: str, **params: Any) -> tuple[str, Any]:
    """The outcome of a file that cannot be read, as plain data."""
    return "pac", (key, {k: str(v) for k, v in params.items()}, "PlanReadError")


def outcome_of(path: Any, exc: BaseException, mib: int = MEMORY_MIB) -> tuple[str, Any]:
    """A reading failure as plain data that can cross a process boundary."""
    if isinstance(exc, MemoryError):
        return read_failure("read.too_large", path=path, mib=mib)
    if isinstance(exc, PacError):
        return "pac", (exc.key, {k: str(v) for k, v in exc.params.items()}, type(exc).__name__)
    return "crash", f"{type(exc).__name__}: {exc}"


def rebuild(outcome: tuple[str, Any], path: Any) -> PacError:
    """The error a failed outcome stands for, of the class it was raised as (errors.py)."""
    from .. import errors

    kind, payload = outcome
    if kind == "pac":
        key, params, *name = payload
        cls = getattr(errors, name[0], None) if name else None
        if not (isinstance(cls, type) and issubclass(cls, PacError)):
            cls = PacError
        return cls(key, **params)
    return errors.PlanReadError("read.unreadable", path=path, detail=str(payload))


def available() -> bool:
    import multiprocessing

    return "fork" in multiprocessing.get_all_start_methods()


def run(fn: Callable[..., Any], path: Any, *args: Any, timeout: int = TIMEOUT_S, mib: int = MEMORY_MIB,
        **kwargs: Any) -> Any:
    """``fn(path, *args, **kwargs)`` in a bounded process; its result, or its error raised here.
    A process that dies is retried once with ``tolerant=True``."""
    outcome = _run_once(fn, path, args, kwargs, timeout, mib)
    if outcome[0] == "died":
        outcome = _run_once(fn, path, args, {**kwargs, "tolerant": True}, timeout, mib)
        if outcome[0] == "died":
            outcome = read_failure("read.aborted", path=path, mib=mib)
    if outcome[0] == "ok":
        return outcome[1]
    raise rebuild(outcome, path)


def _run_once(fn: Callable[..., Any], path: Any, args: tuple[Any, ...], kwargs: dict[str, Any], timeout: int,
              mib: int) -> tuple[str, Any]:
    import multiprocessing

    ctx = multiprocessing.get_context("fork")
    receiver, sender = ctx.Pipe(duplex=False)
    proc = ctx.Process(target=_child, args=(sender, fn, path, args, kwargs, mib), daemon=True)
    proc.start()
    sender.close()
    try:
        if not receiver.poll(timeout):
            return read_failure("read.timeout", path=path, seconds=timeout)
        try:
            return receiver.recv()
        except (EOFError, OSError):  # the process died before it could answer
            return "died", None
    finally:
        if proc.is_alive():
            proc.kill()
        proc.join()
        receiver.close()


def _child(conn: Any, fn: Callable[..., Any], path: Any, args: tuple[Any, ...], kwargs: dict[str, Any],
           mib: int) -> None:  # pragma: no cover - runs in the bounded process
    limit_process(mib)
    try:
        outcome: tuple[str, Any] = ("ok", fn(path, *args, **kwargs))
    except BaseException as exc:
        outcome = outcome_of(path, exc, mib)
    try:
        conn.send(outcome)
    except BaseException as exc:  # a result too large to send back under the bound
        conn.send(outcome_of(path, exc if isinstance(exc, MemoryError) else MemoryError(), mib))
    finally:
        conn.close()
