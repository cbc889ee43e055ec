"""What outsiders write is shown literally in every card and notification (issue 17).

Each hostile string becomes, at once, a ticket subject, a comment, a happiness feedback, an
agent's name, a department's name and an attendance status name in the sandbox world; then every
command answer and every post of the flow below is read the way the sandbox Cliq reads text
(`bot/sandbox/cliq/text.py`): no mention fires (beyond those we make ourselves), and no piece of
formatting appears that the same flow with a plain name does not have. Every post is accepted.
"""

from __future__ import annotations

from collections import Counter
from datetime import date
from typing import Any

import pytest

from bot.app import create_app
from bot.clock import FrozenClock
from bot.sandbox.cliq.text import formats, mentions, strings
from bot.testing import SignedRequests
from tests.conftest import SECRET
from tests.deskbot.conftest import Deskbot
from tests.deskbot.test_notifications import installed, settle

PLAIN = "Printer on fire"
HOSTILE = [
    "Refund please {@all}",
    "*50% off* # SALE",
    "{@available} ~gone~ `code` ```box```",
    "[click here](https://evil.example/login) [Boss](zohoid:1234)",
    "@all @available {#general} {@ceo@example.com} [x](mail:ceo@x.com)",
    "_urgent_ __u__ _john_doe@x.com_",
    "# heading\n!quote\n> quote\n---\n### small",
    "Ken's `reset` link\r\n> fixed *now*\n- [ ] done",
]

Seen = list[tuple[str, list[tuple[str, str]]]]


async def _post(deskbot: Deskbot, path: str, body: dict[str, Any]) -> dict[str, Any]:
    sandbox = deskbot.parts.sandboxes
    assert sandbox is not None
    async with deskbot.client.session.post(f"{sandbox.urls['desk']}{path}", json=body) as got:
        assert got.status in (200, 201), await got.text()
        return dict(await got.json())


async def flow(deskbot: Deskbot, text: str) -> Seen:
    """Run every card and notification kind with `text` written by outsiders; what was shown."""
    sandbox = deskbot.parts.sandboxes
    assert sandbox is not None
    one_line = " ".join(text.split())
    maria = sandbox.desk.agent_by_email("maria@example.com")
    assert maria is not None
    maria.update(firstName=one_line[:40], lastName="", name=one_line[:40])
    sandbox.desk.departments[0]["name"] = one_line[:40]
    for team in sandbox.desk.teams:
        team["name"] = one_line[:40]
    status = await deskbot.parts.attendance.add_status(one_line[:40], "online")
    await installed(deskbot)
    assert await deskbot.parts.scheduler.ratings() == 0  # the first poll sets the mark
    seen: Seen = []

    ticket = await _post(
        deskbot,
        "/sandbox/tickets",
        {"subject": text, "assignee": "agent@example.com", "actor": "maria@example.com"},
    )
    number = ticket["ticketNumber"]
    agent_zuid = sandbox.desk.agent_by_email("agent@example.com")["zuid"]  # type: ignore[index]
    await _post(
        deskbot,
        f"/sandbox/tickets/{number}/comments",
        {"actor": "maria@example.com", "content": f"zsu[@user:{agent_zuid}]zsu {text}"},
    )
    async with deskbot.client.session.patch(
        f"{sandbox.urls['desk']}/sandbox/tickets/{number}",
        json={"actor": "maria@example.com", "status": "On Hold"},
    ) as got:
        assert got.status == 200
    deskbot.clock.advance(minutes=1)
    await _post(deskbot, f"/sandbox/tickets/{number}/rating", {"rating": "bad", "feedback": text})
    deskbot.clock.advance(minutes=1)
    await deskbot.parts.scheduler.ratings()
    await deskbot.parts.scheduler.digests()

    agent, admin = deskbot.chat("agent"), deskbot.chat("admin")
    await deskbot.connect("agent@example.com")
    card = await agent.command("ticket", str(number))
    forms = {
        label: await agent.click(card.button(label)) for label in ("Status", "Assign", "Reply")
    }
    answers = {
        "ticket": card,
        "list": await agent.command("ticket"),
        "open": await agent.say("Open Tickets"),
        "pending": await agent.command("pendingtickets"),
        "status24h": await agent.command("deskstatus"),
        "rules": await admin.command("deskbot", f"rules test {number} closed"),
        "channels": await admin.command("deskbot", "channels"),
        "statuses": await admin.command("attendance", "statuses"),
        "checkin": await agent.command("checkin"),
        "moved": await agent.click(
            {"label": "x", "key": f"att:{status.id}", "action": {"data": {"name": "botbutton"}}}
        ),
        "board": await admin.command("attendance", "board"),
        "report": await admin.command(
            "attendance", f"report agent@example.com {date(2026, 3, 1)} {date(2026, 3, 2)}"
        ),
        "no_ticket": await agent.command("ticket", "#99999"),
        "typed_status": await agent.say(one_line[:40]),  # a status's name moves there
        "unknown": await agent.say(f"what about {text[:50]}"),
        "post_here": await agent.click(card.button("Post here")),
        **{f"form {label}": form for label, form in forms.items()},
    }
    for name, answer in answers.items():
        assert answer.status == 200, (name, answer)
        seen.append((f"answer {name}", strings(answer.output)))
    for message in await settle(deskbot):
        seen.append((f"post {message['target_kind']}", strings(message["body"])))
        for mention in message["mentions"]:  # only the people we mention ourselves
            assert mention.startswith("@") and mention.endswith("@example.com"), mention
            assert "ceo" not in mention
    assert await deskbot.parts.outbox.dead_letters() == []  # every post was accepted
    return seen


def shape(seen: Seen) -> list[tuple[str, Counter[str]]]:
    """Per answer or post: how many of each kind of formatting and mention it shows."""
    found = []
    for name, shown in seen:
        kinds: Counter[str] = Counter()
        for where, value in shown:
            kinds.update(kind for kind, _ in formats(value, block=where == "text"))
            kinds.update("mention" for _ in mentions(value))
        found.append((name, kinds))
    return found


_PLAIN_SHAPE: list[tuple[str, Counter[str]]] = []


async def plain_world(aiohttp_client, config, tmp_path) -> Deskbot:  # type: ignore[no-untyped-def]
    """A second, separate world (own database and clock) for the flow with a plain name."""
    clock = FrozenClock("2026-03-02T01:00:00+00:00")
    store = config.store.model_copy(update={"path": str(tmp_path / "plain.db"), "url": ""})
    app = create_app(
        config.model_copy(update={"store": store}), clock=clock, sleep=_no_wait, timers=False
    )
    return Deskbot(await aiohttp_client(app), SignedRequests(SECRET, clock), clock, [])


async def _no_wait(seconds: float) -> None:
    return None


@pytest.mark.parametrize("text", HOSTILE)
async def test_outsiders_text_adds_no_mention_and_no_formatting(
    deskbot: Deskbot, text: str, aiohttp_client, config, tmp_path
) -> None:  # type: ignore[no-untyped-def]
    if not _PLAIN_SHAPE:  # the same flow with a plain name, once per run
        _PLAIN_SHAPE.extend(
            shape(await flow(await plain_world(aiohttp_client, config, tmp_path), PLAIN))
        )
    hostile = shape(await flow(deskbot, text))
    answers = [(n, k) for n, k in hostile if n.startswith("answer")]
    assert answers == [(n, k) for n, k in _PLAIN_SHAPE if n.startswith("answer")]
    # posts may be delivered in any order: compare them as a multiset
    assert _posts(hostile) == _posts(_PLAIN_SHAPE)


def _posts(found: list[tuple[str, Counter[str]]]) -> Counter[tuple[str, tuple[Any, ...]]]:
    return Counter((n, tuple(sorted(k.items()))) for n, k in found if n.startswith("post"))


async def test_our_own_mention_still_fires_beside_hostile_text(deskbot: Deskbot) -> None:
    """A DM Cliq refuses goes to the channel naming the owner with `{@e-mail}` (ours): that
    mention fires, and the hostile subject next to it fires none."""
    await deskbot.parts.installation.install(
        str(deskbot.client.make_url("")).rstrip("/")
    )  # no subscriber
    await _post(
        deskbot,
        "/sandbox/tickets",
        {"subject": HOSTILE[4], "assignee": "agent@example.com", "actor": "maria@example.com"},
    )
    posts = await settle(deskbot)
    assert posts and all(p["target_kind"] == "channel" for p in posts)
    assert [p["mentions"] for p in posts] == [["@agent@example.com"]] * len(posts)
    assert await deskbot.parts.outbox.dead_letters() == []
