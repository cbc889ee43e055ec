"""Conversations that read like what a person does (SPEC D1-D9): the same running Deskbot and
sandboxes as tests/deskbot, talked to as Cliq would, asserting on the text a person sees."""

from tests.deskbot.conftest import deskbot  # noqa: F401  (the fixture, shared)
