"""SPEC A4 and X4: who may use attendance and who administers it, for every role and config."""

from __future__ import annotations

from dataclasses import dataclass, field

import pytest

from attendance import AccessPolicy


@dataclass
class FakeConfig:  # the shape of bot.config.AttendanceConfig
    departments: list[str] = field(default_factory=list)
    roles: list[str] = field(default_factory=lambda: ["admin", "agent"])


DEFAULT = AccessPolicy()
SUPPORT_ONLY = AccessPolicy(departments=frozenset({"100"}))
WITH_LIGHT = AccessPolicy(roles=frozenset({"admin", "agent", "light"}))
AGENTS_ONLY = AccessPolicy(roles=frozenset({"agent"}))

# policy, role, departments -> (may_use, is_admin)
MATRIX = [
    (DEFAULT, "admin", ["100"], (True, True)),
    (DEFAULT, "agent", ["100"], (True, False)),
    (DEFAULT, "light", ["100"], (False, False)),
    (DEFAULT, "agent", [], (True, False)),
    (SUPPORT_ONLY, "admin", ["100", "200"], (True, True)),
    (SUPPORT_ONLY, "agent", ["100"], (True, False)),
    (SUPPORT_ONLY, "agent", ["200"], (False, False)),
    (SUPPORT_ONLY, "agent", [], (False, False)),
    (SUPPORT_ONLY, "admin", ["200"], (False, True)),
    (SUPPORT_ONLY, "light", ["100"], (False, False)),
    (WITH_LIGHT, "light", ["100"], (True, False)),
    (AGENTS_ONLY, "agent", ["1"], (True, False)),
    (AGENTS_ONLY, "admin", ["1"], (False, True)),
    (DEFAULT, "", ["100"], (False, False)),
    (DEFAULT, None, ["100"], (False, False)),
    (DEFAULT, "owner", ["100"], (False, False)),
    (DEFAULT, " Agent ", ["100"], (True, False)),
]


@pytest.mark.parametrize(("policy", "role", "departments", "expected"), MATRIX)
def test_permission_matrix(
    policy: AccessPolicy, role: str | None, departments: list[str], expected: tuple[bool, bool]
) -> None:
    access = policy.decide(role, departments)
    assert (access.may_use, access.is_admin) == expected
    assert access.refused is (expected == (False, False))
    assert bool(access.reason) is not access.may_use


def test_light_agents_get_a_clear_refusal() -> None:
    access = DEFAULT.decide("light", ["100"])
    assert access.reason == "Attendance is not available to light agents."
    assert "departments" in SUPPORT_ONLY.decide("agent", ["9"]).reason


def test_from_config_defaults_leave_out_light_agents_only() -> None:
    policy = AccessPolicy.from_config(FakeConfig())
    assert policy == DEFAULT
    assert AccessPolicy.from_config(FakeConfig(departments=["100"])) == SUPPORT_ONLY
    numeric = AccessPolicy.from_config(FakeConfig(departments=[100]))  # type: ignore[list-item]
    assert numeric.decide("agent", [100]).may_use  # type: ignore[list-item]
