"""Nothing kept in memory grows with what clients send (issue 10): per-agent Desk clients are
kept up to a cap, and the sender's pacing windows only for targets posted to lately."""

from __future__ import annotations

from datetime import timedelta

from bot.identity.agent_desks import MAX_AGENT_CLIENTS


async def test_agent_clients_are_capped_least_recent_first(deskbot) -> None:  # type: ignore[no-untyped-def]
    parts = deskbot.parts
    first = parts.agent_desks.for_agent("refresh-first", "first@example.com")
    for i in range(MAX_AGENT_CLIENTS + 50):
        parts.agent_desks.for_agent(f"refresh-{i}", f"agent{i}@example.com")
        assert (
            parts.agent_desks.for_agent("refresh-first", "FIRST@example.com") is first
        )  # kept: in use
    assert len(parts.agent_desks._clients) == MAX_AGENT_CLIENTS
    assert "agent0@example.com" not in parts.agent_desks._clients  # the least recently used went


async def test_pacing_windows_are_one_per_endpoint_and_quiet_ones_dropped(deskbot) -> None:  # type: ignore[no-untyped-def]
    """Cliq counts posts per user per endpoint, so the sender keeps one pacing window per
    endpoint (not one per target): bounded whatever the number of people posted to."""
    parts = deskbot.parts
    deskbot.subscribe(*(f"person{i}@example.com" for i in range(40)), "agent@example.com")
    await deskbot.parts.installation.install(str(deskbot.client.make_url("")).rstrip("/"))
    for i in range(40):
        await parts.sender.queue(
            "user", f"person{i}@example.com", {"text": "hi"}, dedupe_key=f"k{i}"
        )
    await parts.sender.queue("channel", "desk", {"text": "hi"}, dedupe_key="desk")
    await deskbot.deliver()  # (the app's own sender may have delivered some already)
    assert len(deskbot.cliq_messages) == 41
    assert set(parts.sender._sent) == {("user", ""), ("channel", "")}
    deskbot.clock.advance(minutes=2)
    await parts.sender.queue("user", "agent@example.com", {"text": "later"}, dedupe_key="later")
    await deskbot.deliver()
    assert len(deskbot.cliq_messages) == 42
    assert set(parts.sender._sent) == {("user", "")}
    deskbot.clock.advance(timedelta(minutes=2))
    await deskbot.deliver()
    assert not parts.sender._sent


async def test_chat_listings_are_kept_only_while_they_may_be_reused(deskbot) -> None:  # type: ignore[no-untyped-def]
    from bot.cliq.client import RECENT_REUSE

    sandbox, cliq = deskbot.parts.sandboxes, deskbot.parts.cliq
    since = deskbot.clock.now()
    for i in range(3):
        sandbox.cliq.add_chat(f"CT_{i}", ["admin@example.com"])
        await cliq.chat_messages(f"CT_{i}", since=since)
    assert set(cliq._recent) == {"CT_0", "CT_1", "CT_2"}
    deskbot.clock.advance(RECENT_REUSE * 2)
    sandbox.cliq.add_chat("CT_9", ["admin@example.com"])
    await cliq.chat_messages("CT_9", since=since)
    assert set(cliq._recent) == {"CT_9"}
