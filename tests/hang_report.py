"""A pytest plugin: when a test runs past its pytest-timeout, say where it is stuck, fail that
test and go on with the run; stop the run only if the stuck test cannot even be torn down.

pytest-timeout's "signal" method fails just the test (SIGALRM in the main thread) and prints
every thread's stack. In an asyncio test those stacks show only the event loop's `select`, so
this plugin also prints each pending asyncio task with its chain of awaits, down to the future it
waits on (a `progress.until(...)`, an `Event.wait()`, a read). pytest-timeout stops watching once
the test body has failed, so a teardown that hangs (after a timeout or any other failure) would
stall the run: a backstop gives the teardown another `timeout` seconds, then ends the whole run
with pytest-timeout's "thread" handler (all stacks, captured output, exit code 1).

A test that fails while it holds a store (say between `Database.open` and `close`) leaves an
aiosqlite connection open: the failure's traceback keeps it alive, and its worker thread, not a
daemon, keeps the process from exiting after the summary (Python joins such threads first). At
the end of the run such connections are stopped, and counted on stderr.

Configured in pyproject.toml ([tool.pytest.ini_options] `timeout`, `timeout_method`); a run can
override it (`--timeout=5`, `PYTEST_TIMEOUT=5`).
"""

from __future__ import annotations

import asyncio
import gc
import signal
import sys
import threading
import warnings
from collections.abc import Iterator
from types import FrameType
from typing import Any

import aiosqlite
import pytest
import pytest_timeout

BACKSTOPS = pytest.StashKey[list[threading.Timer]]()
"""Per test: timers that end the run if its teardown outlives the timeout."""


def _frame_of(awaitable: Any) -> FrameType | None:
    for name in ("cr_frame", "gi_frame", "ag_frame"):
        frame = getattr(awaitable, name, None)
        if frame is not None:
            return frame
    return None


def _awaited_by(awaitable: Any) -> Any:
    for name in ("cr_await", "gi_yieldfrom", "ag_await"):
        inner = getattr(awaitable, name, None)
        if inner is not None:
            return inner
    return None


def await_chain(task: asyncio.Task[Any]) -> Iterator[str]:
    """Lines naming where `task` waits: each coroutine's file:line, outermost first, then what
    the innermost one awaits (usually a pending future)."""
    awaitable: Any = task.get_coro()
    while awaitable is not None:
        frame = _frame_of(awaitable)
        if frame is None:
            yield f"    awaiting {awaitable!r}"
            return
        code = frame.f_code
        yield f"    {code.co_filename}:{frame.f_lineno} in {code.co_name}"
        awaitable = _awaited_by(awaitable)


def pending_tasks_report() -> str:
    """Every task of the event loop running in this thread, with its await chain; "" when no
    loop runs here."""
    try:
        loop = asyncio.get_running_loop()
    except RuntimeError:
        return ""
    lines: list[str] = []
    for task in asyncio.all_tasks(loop):
        lines.append(f"task {task.get_name()}:")
        lines.extend(await_chain(task))
    return "\n".join(lines) + "\n"


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtest_protocol(item: pytest.Item, nextitem: pytest.Item | None) -> Any:
    """Disarms the teardown backstops once the test, its teardown included, is over."""
    item.stash[BACKSTOPS] = []
    try:
        return (yield)
    finally:
        for timer in item.stash[BACKSTOPS]:
            timer.cancel()


@pytest.hookimpl(tryfirst=True)
def pytest_timeout_set_timer(item: pytest.Item, settings: Any) -> bool | None:
    """Arms the "signal" timeout with the asyncio report; leaves any other method (or a test
    outside the main thread) to pytest-timeout itself."""
    if settings.method != "signal" or threading.current_thread() is not threading.main_thread():
        return None

    def on_alarm(signum: int, frame: FrameType | None) -> None:
        __tracebackhide__ = True
        report = pending_tasks_report()
        if report:
            terminal = item.config.get_terminal_writer()
            terminal.sep("+", title="Pending asyncio tasks")
            terminal.write(report)
        pytest_timeout.timeout_sigalrm(item, settings)  # dumps the threads, fails the test

    def cancel() -> None:
        # pytest-timeout calls this as soon as the test body fails (its pytest_exception_interact),
        # so the teardown would run unguarded: a backstop guards it until the test is over.
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, signal.SIG_DFL)
        timer = threading.Timer(settings.timeout, pytest_timeout.timeout_timer, (item, settings))
        timer.daemon = True
        timer.start()
        item.stash.setdefault(BACKSTOPS, []).append(timer)

    item.cancel_timeout = cancel  # type: ignore[attr-defined]  # read by pytest-timeout's cancel hook
    signal.signal(signal.SIGALRM, on_alarm)
    signal.setitimer(signal.ITIMER_REAL, settings.timeout)
    return True


def _sqlite_workers() -> list[threading.Thread]:
    return [t for t in threading.enumerate() if "_connection_worker_thread" in t.name]


def pytest_unconfigure(config: pytest.Config) -> None:
    """Stops the aiosqlite connections tests left open, so the process can exit."""
    if not _sqlite_workers():
        return
    gc.collect()  # a connection nothing refers to any more stops itself (aiosqlite __del__)
    left = _sqlite_workers()
    if not left:
        return
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        for connection in [o for o in gc.get_objects() if isinstance(o, aiosqlite.Connection)]:
            connection.stop()  # a closed one ignores it
    for worker in left:
        worker.join(timeout=5.0)
    print(
        f"hang_report: {len(left)} SQLite connection(s) left open by tests were stopped so the"
        " run can exit (a test failed while holding a store, or never closed it)",
        file=sys.stderr,
    )
