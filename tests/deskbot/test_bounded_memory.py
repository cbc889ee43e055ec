"""Nothing kept in memory grows with what clients send (issue 10): per-agent Desk clients are
kept up to a cap, and the sender's pacing windows only for targets posted to lately."""

from __future__ import annotations

from datetime import timedelta

from bot.services import MAX_AGENT_CLIENTS


async def test_agent_clients_are_capped_least_recent_first(deskbot) -> None:  # type: ignore[no-untyped-def]
    services = deskbot.services
    first = services.desk_as("refresh-first", "first@example.com")
    for i in range(MAX_AGENT_CLIENTS + 50):
        services.desk_as(f"refresh-{i}", f"agent{i}@example.com")
        assert services.desk_as("refresh-first", "FIRST@example.com") is first  # kept: in use
    assert len(services._agent_clients) == MAX_AGENT_CLIENTS
    assert "agent0@example.com" not in services._agent_clients  # the least recently used went


async def test_pacing_windows_are_one_per_endpoint_and_quiet_ones_dropped(deskbot) -> None:  # type: ignore[no-untyped-def]
    """Cliq counts posts per user per endpoint, so the sender keeps one pacing window per
    endpoint (not one per target): bounded whatever the number of people posted to."""
    services = deskbot.services
    deskbot.subscribe(*(f"person{i}@example.com" for i in range(40)), "agent@example.com")
    await deskbot.services.install(str(deskbot.client.make_url("")).rstrip("/"))
    for i in range(40):
        await services.post("user", f"person{i}@example.com", {"text": "hi"}, dedupe_key=f"k{i}")
    await services.post("channel", "desk", {"text": "hi"}, dedupe_key="desk")
    await deskbot.deliver()  # (the app's own sender may have delivered some already)
    assert len(deskbot.cliq_messages) == 41
    assert set(services.sender._sent) == {("user", ""), ("channel", "")}
    deskbot.clock.advance(minutes=2)
    await services.post("user", "agent@example.com", {"text": "later"}, dedupe_key="later")
    await deskbot.deliver()
    assert len(deskbot.cliq_messages) == 42
    assert set(services.sender._sent) == {("user", "")}
    deskbot.clock.advance(timedelta(minutes=2))
    await deskbot.deliver()
    assert not services.sender._sent


async def test_chat_listings_are_kept_only_while_they_may_be_reused(deskbot) -> None:  # type: ignore[no-untyped-def]
    from bot.cliq.client import RECENT_REUSE

    sandbox, cliq = deskbot.services.sandboxes, deskbot.services.cliq
    since = deskbot.clock.now()
    for i in range(3):
        sandbox.cliq.add_chat(f"CT_{i}", ["admin@example.com"])
        await cliq.chat_messages(f"CT_{i}", since=since)
    assert set(cliq._recent) == {"CT_0", "CT_1", "CT_2"}
    deskbot.clock.advance(RECENT_REUSE * 2)
    sandbox.cliq.add_chat("CT_9", ["admin@example.com"])
    await cliq.chat_messages("CT_9", since=since)
    assert set(cliq._recent) == {"CT_9"}
