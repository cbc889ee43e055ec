"""The edge tests use the end-to-end Deskbot fixture."""

from tests.deskbot.conftest import deskbot

__all__ = ["deskbot"]
