"""The store's two engines for tests: `store_url` is parametrised over SQLite and PostgreSQL, so
one suite runs against both (each PostgreSQL test in a schema of its own, dropped after).

The app's own tests (the `config` fixture, tests/conftest.py) take their store from `app_store`:
SQLite in the test's temporary folder, unless the test is marked `both_engines` (then it runs
once on each), or `DESKBOT_TEST_APP_ENGINE=postgresql` puts every app test on PostgreSQL (a whole
run of the app's suites on it, by hand:
`DESKBOT_TEST_APP_ENGINE=postgresql ./scripts/test tests/deskbot tests/conversations`).

PostgreSQL is the throwaway cluster `scripts/test` starts (`DESKBOT_TEST_POSTGRES`). Under
`scripts/test` (and so in CI) they are required: `DESKBOT_REQUIRE_POSTGRES=1` makes a missing
cluster fail them. Run by hand without a cluster (plain `pytest tests/x`), or with
`DESKBOT_ALLOW_NO_POSTGRES=1`, they are skipped and the run ends with a banner saying so.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import asyncpg
import pytest

ENGINES = ("sqlite", "postgresql")
SKIPPED: list[str] = []


def postgres_base() -> str:
    """The test cluster's URL, or skip (fail under DESKBOT_REQUIRE_POSTGRES) if there is none."""
    url = os.environ.get("DESKBOT_TEST_POSTGRES", "")
    if url:
        return url
    why = os.environ.get("DESKBOT_TEST_POSTGRES_MISSING") or "DESKBOT_TEST_POSTGRES is not set"
    if os.environ.get("DESKBOT_REQUIRE_POSTGRES") == "1":
        pytest.fail(f"PostgreSQL is required here and was not started: {why}")
    SKIPPED.append(why)
    pytest.skip(f"no PostgreSQL (run ./scripts/test, which starts one): {why}")


class PostgresSchema:
    """A fresh schema on the test cluster; `url` points a store at it."""

    def __init__(self, base: str) -> None:
        self.base = base
        self.name = f"t_{uuid.uuid4().hex[:16]}"
        self.url = f"{base}?search_path={self.name}"

    async def create(self) -> None:
        conn = await asyncpg.connect(self.base)
        try:
            await conn.execute(f"CREATE SCHEMA {self.name}")
        finally:
            await conn.close()

    async def drop(self) -> None:
        conn = await asyncpg.connect(self.base)
        try:
            await conn.execute(f"DROP SCHEMA IF EXISTS {self.name} CASCADE")
        finally:
            await conn.close()


@pytest.fixture(params=ENGINES)
def engine(request: pytest.FixtureRequest) -> Iterator[str]:
    """ "sqlite" or "postgresql" (skipped when there is no PostgreSQL)."""
    if request.param == "postgresql":
        postgres_base()
    yield str(request.param)


async def _fresh_store(engine: str, sqlite_path: Path) -> AsyncIterator[str]:
    """A fresh, empty store's address: `sqlite_path`, or the URL of a PostgreSQL schema of its
    own, dropped when the caller is done."""
    if engine == "sqlite":
        yield str(sqlite_path)
        return
    schema = PostgresSchema(postgres_base())
    await schema.create()
    try:
        yield schema.url
    finally:
        await schema.drop()


@pytest.fixture
async def store_url(engine: str, tmp_path) -> AsyncIterator[str]:  # type: ignore[no-untyped-def]
    """Where a fresh, empty store is, on each engine in turn: a SQLite file or a PostgreSQL
    schema of its own (several `Database.open` on it share it, as processes would)."""
    async for url in _fresh_store(engine, tmp_path / "store.db"):
        yield url


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers",
        "both_engines: an app test (the `config` fixture) run on SQLite and on PostgreSQL",
    )


BOTH_ENGINES = (
    # notifications end to end, the digest, the admin's settings: whole files
    "tests/deskbot/test_notifications.py::",
    "tests/deskbot/test_digest.py::",
    "tests/conversations/test_d9_settings.py::",
    # notices as their readers see them: a change right after another, no self-notice, due soon
    "tests/deskbot/test_reader_notices.py::test_a_change_right_after_another_is_not_lost",
    "tests/deskbot/test_reader_notices.py::test_nobody_is_told_of_what_they_did_themselves",
    "tests/deskbot/test_reader_notices.py::test_a_due_soon_reminder_is_in_the_owners_zone",
    # attendance conversations: moves, the 24-hour rule, an admin's check-out
    "tests/deskbot/test_attendance_chat.py::test_check_in_break_and_out_with_the_allowed_moves",
    "tests/deskbot/test_attendance_chat.py::test_board_report_and_admin_checkout",
    "tests/conversations/test_attendance_a1_a6.py::test_a3_the_24_hour_rule_checks_out_and_tells",
    "tests/conversations/test_attendance_a1_a6.py::test_a6_an_admin_checks_an_agent_out_after",
)
"""The app's tests the test command also runs on PostgreSQL (node id prefixes; a test can be
marked `both_engines` instead): a representative part, so the suite's time does not double."""


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    """App tests marked `both_engines`, or listed in BOTH_ENGINES, run once per engine."""
    if "app_engine" not in metafunc.fixturenames:
        return
    node = metafunc.definition.nodeid
    if metafunc.definition.get_closest_marker("both_engines") or node.startswith(BOTH_ENGINES):
        metafunc.parametrize("app_engine", ENGINES, indirect=True)


@pytest.fixture
def app_engine(request: pytest.FixtureRequest) -> str:
    """The engine of the app's store in this test: its `both_engines` parameter, else
    `DESKBOT_TEST_APP_ENGINE` (default sqlite)."""
    chosen = getattr(request, "param", None) or os.environ.get("DESKBOT_TEST_APP_ENGINE", "")
    chosen = chosen or "sqlite"
    assert chosen in ENGINES, f"DESKBOT_TEST_APP_ENGINE must be one of {ENGINES}"
    if chosen == "postgresql":
        postgres_base()
    return str(chosen)


@pytest.fixture
async def app_store(app_engine: str, tmp_path) -> AsyncIterator[str]:  # type: ignore[no-untyped-def]
    """Where the app's store is: a SQLite file in the test's folder, or the URL of a fresh
    PostgreSQL schema (dropped after the test)."""
    async for url in _fresh_store(app_engine, tmp_path / "deskbot.db"):
        yield url


def pytest_terminal_summary(terminalreporter) -> None:  # type: ignore[no-untyped-def]
    if SKIPPED:
        terminalreporter.write_sep("!", "PostgreSQL tests SKIPPED", red=True, bold=True)
        terminalreporter.write_line(
            f"{len(SKIPPED)} PostgreSQL cases did not run: {SKIPPED[0]}", red=True, bold=True
        )
