"""The store's two engines for tests: `store_url` is parametrised over SQLite and PostgreSQL, so
one suite runs against both (each PostgreSQL test in a schema of its own, dropped after).

PostgreSQL is the throwaway cluster `scripts/test` starts (`DESKBOT_TEST_POSTGRES`). Under
`scripts/test` (and so in CI) they are required: `DESKBOT_REQUIRE_POSTGRES=1` makes a missing
cluster fail them. Run by hand without a cluster (plain `pytest tests/x`), or with
`DESKBOT_ALLOW_NO_POSTGRES=1`, they are skipped and the run ends with a banner saying so.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import AsyncIterator, Iterator

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


@pytest.fixture
async def store_url(engine: str, tmp_path) -> AsyncIterator[str]:  # type: ignore[no-untyped-def]
    """Where a fresh, empty store is, on each engine in turn: a SQLite file or a PostgreSQL
    schema of its own (several `Database.open` on it share it, as processes would)."""
    if engine == "sqlite":
        yield str(tmp_path / "store.db")
        return
    schema = PostgresSchema(postgres_base())
    await schema.create()
    try:
        yield schema.url
    finally:
        await schema.drop()


def pytest_terminal_summary(terminalreporter) -> None:  # type: ignore[no-untyped-def]
    if SKIPPED:
        terminalreporter.write_sep("!", "PostgreSQL tests SKIPPED", red=True, bold=True)
        terminalreporter.write_line(
            f"{len(SKIPPED)} PostgreSQL cases did not run: {SKIPPED[0]}", red=True, bold=True
        )
