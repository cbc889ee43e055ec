"""`POST /desk/events` at the edge: one token carries one body, each delivery is judged alone,
and bad input (out-of-range times, deep JSON, lone surrogates) is a 400 for that delivery only."""

from __future__ import annotations

import asyncio
import json
from typing import Any

import pytest

from bot.store.inbox import Inbox
from tests.deskbot.conftest import Deskbot


def event(n: int, **extra: Any) -> dict[str, Any]:
    return {
        "eventType": "Ticket_Add",
        "eventTime": str(1772413200000 + n),
        "orgId": "700000001",
        "payload": {"id": f"1166045000000{n:06d}", "subject": f"s{n}"},
        **extra,
    }


async def hook_token(deskbot: Deskbot) -> Any:
    url = str(deskbot.client.make_url("")).rstrip("/")
    await deskbot.parts.installation.install(url)
    sandbox = deskbot.parts.sandboxes
    assert sandbox is not None
    [hook] = await sandbox.desk.webhooks()
    return lambda: sandbox.desk.deliverer.jwt_for(hook["id"])


async def post(deskbot: Deskbot, token: str, body: Any) -> Any:
    data = body if isinstance(body, bytes) else json.dumps(body).encode()
    return await deskbot.client.post("/desk/events", data=data, headers={"X-ZDesk-JWT": token})


async def test_one_token_carries_one_body(deskbot: Deskbot) -> None:
    """The issue's forgery: 50 "closed" bodies under one valid token. Only the first is taken;
    the same body again is a duplicate delivery."""
    token = (await hook_token(deskbot))()
    first = await post(deskbot, token, [event(1)])
    assert first.status == 200 and (await first.json())["accepted"] == 1
    again = await post(deskbot, token, [event(1)])
    assert again.status == 200 and (await again.json())["duplicates"] == 1
    for n in range(2, 52):
        forged = await post(deskbot, token, [event(n, payload={"id": "1", "status": "Closed"})])
        assert forged.status == 401, await forged.text()
        assert "another body" in (await forged.json())["reason"]
    bearer = await post(deskbot, f"Bearer {token}", [event(99)])
    assert bearer.status == 401  # the prefix does not make it another token
    assert await deskbot.parts.inbox.count() == 1


async def test_a_bad_body_does_not_use_up_the_token(deskbot: Deskbot) -> None:
    token = (await hook_token(deskbot))()
    assert (await post(deskbot, token, b"[{")).status == 400
    assert (await post(deskbot, token, [event(1)])).status == 200


@pytest.mark.parametrize(
    "bad",
    [
        {"eventTime": "9" * 30},
        {"eventTime": "9" * 5000},
        {"eventTime": 10**20},
        {"eventTime": "-5"},
        {"eventTime": "0001-01-01T00:00:00+01:00"},
        {"eventTime": "²"},
        {"eventType": "Ticket_Add\ud800"},
        {"payload": {"id": "1", "subject": "\udfff"}},
        {"payload": json.loads("[" * 40 + "]" * 40)},
    ],
)
async def test_a_bad_event_is_refused_alone(deskbot: Deskbot, bad: dict[str, Any]) -> None:
    tokens = await hook_token(deskbot)
    alone = await post(deskbot, tokens(), [event(0, **bad)])
    assert alone.status == 400 and alone.content_type == "application/json"
    mixed = await post(deskbot, tokens(), [event(1), event(2, **bad)])
    body = await mixed.json()
    if mixed.status == 200:  # the good event is stored, the bad one named
        assert body["accepted"] == 1 and len(body["rejected"]) == 1
    else:  # the body as a whole is not JSON we accept
        assert mixed.status == 400 and body["error"] == "bad_request"


@pytest.mark.parametrize(
    "body",
    [
        b"[" * 100_000 + b"]" * 100_000,
        b'[{"payload":' * 3000 + b"{}" + b"}]" * 3000,
        b'[{"eventType": "\\ud800"}]',
        b"[NaN]",
        b"[1e999]",
        b"\xff\xfe",
        b"9" * 5000,
    ],
)
async def test_unusable_json_is_400(deskbot: Deskbot, body: bytes) -> None:
    tokens = await hook_token(deskbot)
    response = await post(deskbot, tokens(), body)
    assert response.status == 400 and (await response.json())["error"] == "bad_request"


async def test_one_bad_delivery_never_fails_the_good_ones_sent_with_it(deskbot: Deskbot) -> None:
    """The issue measured 251 of 300 good deliveries failed by one bad one sent alongside."""
    tokens = await hook_token(deskbot)
    bad_kinds = [
        [event(0, eventTime="9" * 30)],
        [event(0, payload={"id": "1", "subject": "\udfff"})],
        b"[" * 5000 + b"]" * 5000,
    ]
    deliveries: list[Any] = [[event(n)] for n in range(1, 301)]
    for index, bad in enumerate(bad_kinds):
        deliveries.insert(100 * index + 50, bad)
    answers = await asyncio.gather(*(post(deskbot, tokens(), d) for d in deliveries))
    statuses = [a.status for a in answers]
    assert statuses.count(200) == 300 and statuses.count(400) == 3, statuses
    assert await deskbot.parts.inbox.count() == 300


async def test_a_group_commit_that_fails_is_retried_delivery_by_delivery(
    deskbot: Deskbot,
) -> None:
    """Deliveries committed together: one that the database refuses fails only itself."""
    inbox: Inbox = deskbot.parts.inbox
    good = [inbox.add([(f"k{n}", "Ticket_Add", {"n": n})]) for n in range(20)]
    poisoned = inbox.add([("bad\ud800key", "Ticket_Add", {})])  # cannot be encoded for SQLite
    results = await asyncio.gather(*good[:10], poisoned, *good[10:], return_exceptions=True)
    failures = [r for r in results if isinstance(r, BaseException)]
    assert len(failures) == 1 and isinstance(failures[0], UnicodeEncodeError)
    assert [r for r in results if not isinstance(r, BaseException)] == [(1, 0)] * 20
    assert await inbox.count() == 20


@pytest.mark.parametrize("with_exp", [True, False])
async def test_notifications_flow_whether_desk_signs_exp_or_not(
    deskbot: Deskbot, with_exp: bool
) -> None:
    """zoho-audit.md §1.11: whether Desk's JWT carries `exp` is open; the sandbox does both."""
    sandbox = deskbot.parts.sandboxes
    assert sandbox is not None
    sandbox.desk.deliverer.with_exp = with_exp
    await hook_token(deskbot)
    path = f"{sandbox.urls['desk']}/sandbox/tickets/115"
    async with deskbot.client.session.patch(
        path, json={"actor": "maria@example.com", "status": "Closed"}
    ) as response:
        assert response.status == 200
    await sandbox.desk.deliverer.idle()
    assert sandbox.desk.deliverer.failed == []
    assert len(sandbox.desk.deliverer.delivered) == 1
    token = sandbox.desk.deliverer.jwt_for("x")
    claims = json.loads(_b64(token.split(".")[1]))
    assert ("exp" in claims) is with_exp


def _b64(part: str) -> bytes:
    import base64

    return base64.urlsafe_b64decode(part + "=" * (-len(part) % 4))


@pytest.mark.parametrize("token", ["", "not.a.jwt"])
async def test_expect_100_continue_without_a_good_jwt_is_refused_before_the_body(
    deskbot: Deskbot, token: str
) -> None:
    """Desk's token is judged on the headers: no `100 Continue` invites an unverified body."""
    reader, writer = await asyncio.open_connection("127.0.0.1", deskbot.client.port)
    jwt = f"X-ZDesk-JWT: {token}\r\n" if token else ""
    writer.write(
        (
            "POST /desk/events HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
            f"{jwt}Expect: 100-continue\r\nContent-Length: 100000\r\n\r\n"
        ).encode()
    )
    answer = await asyncio.wait_for(reader.readuntil(b"\r\n\r\n"), timeout=10)
    writer.close()
    assert answer.startswith(b"HTTP/1.1 401"), answer[:200]  # not "100 Continue"
    assert b"connection: close" in answer.lower()


async def test_expect_100_continue_verifies_the_jwt_once(deskbot: Deskbot) -> None:
    """The token judged before `100 Continue` is not verified again when the body arrives."""
    token = (await hook_token(deskbot))()
    webhooks = deskbot.parts.webhooks
    verify = webhooks.verify
    calls: list[str] = []

    async def counting(token: str) -> Any:
        calls.append(token)
        return await verify(token)

    webhooks.verify = counting  # type: ignore[method-assign]
    got = await deskbot.client.post(
        "/desk/events",
        data=json.dumps([event(1)]).encode(),
        headers={"X-ZDesk-JWT": token},
        expect100=True,
    )
    assert got.status == 200, await got.text()
    assert (await got.json())["accepted"] == 1
    assert calls == [token]


UNNAMED = [
    ("Ticket_Add", {"subject": "forged: created"}, "payload.id"),
    ("Ticket_Update", {"subject": "forged: updated", "status": "Closed"}, "payload.id"),
    ("Ticket_Add", {"id": "", "subject": "forged: empty id"}, "payload.id"),
    ("Ticket_Add", {"id": True, "subject": "forged: true id"}, "payload.id"),
    ("Ticket_Add", {"id": None, "subject": "forged: null id"}, "payload.id"),
    ("Task_Add", {"subject": "forged: task"}, "payload.id"),
    ("Ticket_Comment_Add", {"id": "9", "content": "forged: comment"}, "payload.ticketId"),
    ("Ticket_Comment_Update", {"id": "9", "ticket": {}, "content": "forged"}, "payload.ticketId"),
    ("Ticket_Comment_Add", {"id": "9", "ticketId": ["1"], "content": "forged"}, "payload.ticketId"),
]


@pytest.mark.parametrize(("event_type", "payload", "field"), UNNAMED)
async def test_an_event_that_does_not_name_its_record_is_refused_and_never_posted(
    deskbot: Deskbot, event_type: str, payload: dict[str, Any], field: str
) -> None:
    """An event is judged against Desk's own record (the JWT does not sign the body): one that
    does not say which record (or, for a comment, which ticket) it is about was posted from its
    body alone ("Ticket created" titled with the body's subject, "Comment added" with nothing),
    and id-less events of one type and time shared one dedupe key."""
    tokens = await hook_token(deskbot)
    bad = {**event(0), "eventType": event_type, "payload": payload}
    if event_type == "Ticket_Update":
        bad["prevState"] = {"status": "Open"}
    alone = await post(deskbot, tokens(), [bad])
    assert alone.status == 400, await alone.text()
    assert (await alone.json())["reason"].startswith(f"event 0: {field}: ")
    mixed = await post(deskbot, tokens(), [event(1), bad])
    body = await mixed.json()
    assert mixed.status == 200 and body["accepted"] == 1, body
    assert [reason.split(": ")[1] for reason in body["rejected"]] == [field]
    assert await deskbot.parts.inbox.count() == 1
    for _ in range(3):
        await deskbot.parts.notifier.run_once()
        await deskbot.deliver()
    assert not [m for m in deskbot.cliq_messages if "forged" in json.dumps(m["body"])]
