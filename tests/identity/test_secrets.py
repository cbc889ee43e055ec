from __future__ import annotations

import pytest

from bot.clock import FrozenClock
from bot.identity.secrets import StateError, StateSigner, TokenBox


def test_sealed_tokens_open_only_with_the_same_key() -> None:
    box = TokenBox("key one")
    sealed = box.seal("1000.refresh.token")
    assert b"refresh" not in sealed
    assert box.open(sealed) == "1000.refresh.token"
    with pytest.raises(ValueError):
        TokenBox("key two").open(sealed)


def test_state_round_trips_and_expires(clock: FrozenClock) -> None:
    signer = StateSigner("key", clock)
    state = signer.sign("agent@example.com")
    assert signer.verify(state) == "agent@example.com"
    clock.advance(minutes=11)
    with pytest.raises(StateError, match="expired"):
        signer.verify(state)


@pytest.mark.parametrize(
    "mangle",
    [
        lambda s: s[:-2] + ("AA" if not s.endswith("AA") else "BB"),
        lambda s: "e30" + s[3:],
        lambda s: "nonsense",
        lambda s: "",
        lambda s: s.split(".")[0],
    ],
)
def test_forged_or_altered_state_is_refused(clock: FrozenClock, mangle) -> None:  # type: ignore[no-untyped-def]
    state = StateSigner("key", clock).sign("agent@example.com")
    with pytest.raises(StateError):
        StateSigner("key", clock).verify(mangle(state))


def test_state_from_another_key_is_refused(clock: FrozenClock) -> None:
    state = StateSigner("other", clock).sign("agent@example.com")
    with pytest.raises(StateError, match="signature"):
        StateSigner("key", clock).verify(state)
