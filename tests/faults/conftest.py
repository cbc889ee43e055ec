"""The fault tests use the real app with its sandboxes (tests/deskbot's fixture)."""

from tests.deskbot.conftest import deskbot  # noqa: F401 - a fixture, re-exported
