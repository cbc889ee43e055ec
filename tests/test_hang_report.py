"""The hang safety net (tests/hang_report.py): a stuck test fails alone and says where it waits;
a teardown that hangs ends the run, and a store a failing test left open does not keep the
process from exiting."""

from __future__ import annotations

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture
def suite(pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch) -> pytest.Pytester:
    monkeypatch.setenv("PYTHONPATH", str(ROOT))
    pytester.makeini(
        "[pytest]\nasyncio_mode = auto\nasyncio_default_fixture_loop_scope = function\n"
        "timeout = 1\ntimeout_method = signal\n"
    )
    pytester.makeconftest('pytest_plugins = ["tests.hang_report"]\n')
    return pytester


def test_a_stuck_async_test_fails_alone_and_names_the_await(suite: pytest.Pytester) -> None:
    suite.makepyfile(
        test_stuck="""
        import asyncio

        async def wait_for_nothing():
            await asyncio.Event().wait()

        async def test_stuck():
            await wait_for_nothing()

        def test_after():
            pass
        """
    )
    result = suite.runpytest_subprocess()
    result.assert_outcomes(failed=1, passed=1)
    result.stdout.fnmatch_lines(
        [
            "*Failed: Timeout (>1.0s) from pytest-timeout*",
            "*Pending asyncio tasks*",
            "*test_stuck.py:7 in test_stuck",
            "*test_stuck.py:4 in wait_for_nothing",
            "*asyncio/locks.py:* in wait",
            "    awaiting *",
        ]
    )


def test_a_stuck_sync_test_fails_alone(suite: pytest.Pytester) -> None:
    suite.makepyfile(
        test_stuck="""
        import threading

        def test_stuck():
            threading.Event().wait()

        def test_after():
            pass
        """
    )
    result = suite.runpytest_subprocess()
    result.assert_outcomes(failed=1, passed=1)
    result.stdout.fnmatch_lines(["*Timeout (>1.0s) from pytest-timeout*"])


def test_a_teardown_that_hangs_too_ends_the_run(suite: pytest.Pytester) -> None:
    suite.makepyfile(
        test_stuck="""
        import threading

        import pytest

        @pytest.fixture
        def stubborn():
            yield
            threading.Event().wait()

        def test_stuck(stubborn):
            assert False, "any failure, then a teardown that never ends"

        def test_never_reached():
            pass
        """
    )
    result = suite.runpytest_subprocess(timeout=30)
    assert result.ret == 1
    result.stdout.fnmatch_lines(["*+ Timeout +*", "*in stubborn*"])
    result.stdout.no_fnmatch_line("*test_never_reached*PASSED*")


def test_a_store_left_open_by_a_failing_test_does_not_keep_the_run_alive(
    suite: pytest.Pytester,
) -> None:
    """Python joins non-daemon threads before it exits, and a failure's traceback keeps the
    connection (and so aiosqlite's worker thread) alive: the run printed its summary, then hung."""
    suite.makepyfile(
        test_store="""
        from bot.store.db import Database

        async def test_fails_holding_a_store(tmp_path):
            db = await Database.open(tmp_path / "x.db")
            assert db is None
        """
    )
    result = suite.runpytest_subprocess(timeout=30)
    result.assert_outcomes(failed=1)
    result.stderr.fnmatch_lines(["*1 SQLite connection(s) left open by tests were stopped*"])
