"""The admin's changes to notifications, shared by chat and the console (bot/notify/changes.py):
which switches a change names, and a DM-only kind's channel switch refused for every such
kind, on or off."""

from __future__ import annotations

import pytest

from bot.notify import changes
from bot.notify.kinds import DM_ONLY, Kind


@pytest.mark.parametrize("kind", sorted(DM_ONLY))
@pytest.mark.parametrize("on", [True, False])
def test_a_dm_only_kind_has_no_channel_switch(kind: Kind, on: bool) -> None:
    with pytest.raises(changes.Refused, match="DM only") as refused:
        changes.switch_places(kind, "channel", on=on)
    assert f"{kind.value} {'on' if on else 'off'} dm" in str(refused.value)
    assert changes.switch_places(kind, "", on=on) == ("dm",)
    assert changes.switch_places(kind, "dm", on=on) == ("dm",)


@pytest.mark.parametrize("kind", sorted(set(Kind) - DM_ONLY))
def test_other_kinds_switch_in_channels_by_dm_or_both(kind: Kind) -> None:
    assert changes.switch_places(kind, "", on=True) == ("channel", "dm")
    assert changes.switch_places(kind, "channel", on=False) == ("channel",)
    assert changes.switch_places(kind, "dm", on=True) == ("dm",)


@pytest.mark.parametrize("where", ["channels", "DM ", "email", "x" * 50])
def test_a_place_that_is_neither_is_refused(where: str) -> None:
    with pytest.raises(changes.Refused, match="is not channel or dm"):
        changes.switch_places(Kind.TICKET_CREATED, where, on=True)
