"""Every word of every console page comes from the catalogs (issue 15 item 4): each page, read in
the tests' pseudo-language (chosen on the language switch, or `Accept-Language: qps` before
signing in: every catalog text and every date, time and number Babel writes in full-width
letters), has no visible word in plain ASCII letters that is
not data — seeded names, e-mails, departments, channels, zones, custom statuses, what Cliq or
Desk said. Visible means what a person sees or hears: the text of the page and its `<title>`,
and the attributes a browser or a screen reader shows (aria-label, title, placeholder, alt, a
button's value) and what the board's script says (its data-say-* texts). Pages for an agent and
an admin: my status, the board (and a check-out's confirmation and its result), the report in
both views, settings (and each change's line), the outbox (and a retry's line), error, refusal
and signed-out pages."""

from __future__ import annotations

import re
from html.parser import HTMLParser

import pytest

from tests.console.conftest import Console, signed_in_as
from tests.console.test_board import agent_id
from tests.console.test_outbox import dead_post, parked_event
from tests.deskbot.conftest import Deskbot
from tests.deskbot.test_notifications import installed
from tests.words import untranslated

AGENT = "agent@example.com"
ADMIN = "admin@example.com"
PSEUDO = {"Accept-Language": "qps"}
SHOWN_ATTRIBUTES = ("aria-label", "title", "placeholder", "alt")
HIDDEN_ELEMENTS = ("script", "style")
PLACEHOLDER = re.compile(r"\{[a-z_]+\}")
ALWAYS_DATA = [
    "Deskbot",  # the product's name
    "English",  # the language switch names each language in itself
    "bot.toml",
    "UTC",
    "Asia/Tokyo",
    "Ticket_Update",  # a Desk event's type, as Desk names it
    "[notifications] digest_time",  # bot.toml's keys
    "[notifications] dm_owner",
    "digest_zone",
    "department_zones",
    "/deskbot digest at 08:30 Asia/Tokyo [department]",  # a chat command, as typed
    "/attendance export",
    "deskbot outbox",
    "deskbot inbox",
    "RS256",
    "login_hint",  # a parameter's name
]


class Visible(HTMLParser):
    """The texts of a page a person sees or hears (see the module's note)."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.texts: list[str] = []
        self._hidden = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = dict(attrs)
        if tag in HIDDEN_ELEMENTS:
            self._hidden += 1
        for name, value in found.items():
            if value and name in SHOWN_ATTRIBUTES:
                self.texts.append(value)
            elif value and name.startswith("data-say-"):  # the script fills its {placeholders}
                self.texts.append(PLACEHOLDER.sub(" ", value))
        if tag == "input" and found.get("type") in ("submit", "button", "reset"):
            self.texts.append(found.get("value") or "")  # an input button shows its value

    def handle_endtag(self, tag: str) -> None:
        if tag in HIDDEN_ELEMENTS:
            self._hidden -= 1

    def handle_data(self, data: str) -> None:
        if not self._hidden and data.strip():
            self.texts.append(data)


def visible(page: str) -> list[str]:
    parser = Visible()
    parser.feed(page)
    return parser.texts


def world_data(deskbot: Deskbot) -> list[str]:
    """What the sandbox world holds and the console shows as it is: people, departments."""
    sandboxes = deskbot.parts.sandboxes
    assert sandboxes is not None
    desk = sandboxes.desk
    return [
        *(str(a.get("name") or "") for a in desk.agents),
        *(str(a.get("emailId") or "") for a in desk.agents),
        *(str(d.get("name") or "") for d in desk.departments),
        "#desk",
        "desk",
    ]


def assert_page_translated(page: str, data: list[str], where: str) -> None:
    """Fail, naming them, on the page's visible ASCII words that are not `data`."""
    assert "<html" not in page or '<html lang="en-x-qps">' in page, (where, page[:200])
    left = untranslated(visible(page), data=data)
    assert not left, f"{where}: words not from the catalogs (nor data): {sorted(set(left))}"


async def read(console: Console, path: str, expect: int = 200) -> str:
    answer = await console.get(path, headers=PSEUDO)
    assert answer.status == expect, (path, answer.status)
    return await answer.text()


async def in_pseudo_language(console: Console) -> Console:
    """The console switched to the pseudo-language (the test chats' Cliq says `en`, which the
    switch overrides, as a person's choice does)."""
    answer = await console.post("/console/language", {"csrf": await console.csrf(), "lang": "qps"})
    assert answer.status == 303
    return console


async def sent(console: Console, path: str, expect: int = 200, **fields: str) -> str:
    """A form posted with the session's CSRF token; the page it leads to (after a 303), its
    status `expect`."""
    answer = await console.post(path, {"csrf": await console.csrf(), **fields}, headers=PSEUDO)
    if answer.status == 303:
        return await read(console, answer.headers["Location"], expect)
    assert answer.status == expect, (path, answer.status, (await answer.text())[:500])
    return await answer.text()


async def test_an_agents_pages_speak_only_the_catalogs(deskbot: Deskbot) -> None:
    data = [*ALWAYS_DATA, *world_data(deskbot)]
    await deskbot.chat("agent").command("checkin")
    deskbot.clock.advance(minutes=65)
    await deskbot.chat("agent").command("break", "short")
    agent = await in_pseudo_language(await signed_in_as(deskbot, AGENT))
    me = agent_id(deskbot, AGENT)
    pages = {
        "my status": await read(agent, "/console/"),
        "my status, moved": await read(agent, "/console/?moved=1"),
        "report, list": await read(agent, f"/console/agents/{me}"),
        "report, table": await read(agent, f"/console/agents/{me}?view=table"),
        "report, a bad date": await read(agent, f"/console/agents/{me}?from=2026-13-01", 400),
        "report, too long": await read(agent, f"/console/agents/{me}?from=2020-01-01", 400),
        "someone else's report": await read(
            agent, f"/console/agents/{agent_id(deskbot, ADMIN)}", 403
        ),
        "no such agent": await read(agent, "/console/agents/1", 404),
        "board, refused": await read(agent, "/console/board", 403),
        "no such page": await read(agent, "/console/nowhere", 404),
        "a move not allowed": await sent(agent, "/console/status", 409, status="999"),
        "a move that is no status": await sent(agent, "/console/status", 400, status="x"),
        "an export over 30 days": await sent(
            agent, "/console/export", 400, agents=me, **{"from": "2026-01-01", "to": "2026-03-02"}
        ),
    }
    forged = await agent.post("/console/status", {"csrf": "forged"}, headers=PSEUDO)
    assert forged.status == 403
    pages["a forged form"] = await forged.text()
    logout = await agent.post("/console/logout", {"csrf": await agent.csrf()}, headers=PSEUDO)
    pages["signed out"] = await logout.text()
    ended = await agent.post("/console/status", {"csrf": "x"}, headers=PSEUDO)
    assert ended.status == 401
    pages["a form after the session ended"] = await ended.text()
    deskbot.client.session.cookie_jar.clear()  # a browser that never chose: its header decides
    pages["not an e-mail"] = await read(Console(deskbot), "/console/login?login_hint=x", 400)
    pages["a sign-in not started here"] = await read(
        Console(deskbot), "/console/callback?code=c&state=s", 400
    )
    for where, page in pages.items():
        assert_page_translated(page, data, where)


async def test_a_light_agent_is_refused_in_the_catalogs_words(deskbot: Deskbot) -> None:
    light = await in_pseudo_language(await signed_in_as(deskbot, "light@example.com"))
    page = await read(light, "/console/", 403)
    assert_page_translated(page, [*ALWAYS_DATA, *world_data(deskbot)], "light agent refused")


async def test_an_admins_pages_speak_only_the_catalogs(deskbot: Deskbot) -> None:
    data = [*ALWAYS_DATA, *world_data(deskbot), "Training", "Ticket_Update"]
    await installed(deskbot)
    await deskbot.parts.attendance.add_status("Training", "online")
    post, event = await dead_post(deskbot), await parked_event(deskbot)
    data += ["nowhere", "Hello nowhere", "Desk: the ticket is gone (404)", "#115"]
    data += [p.last_error or "" for p in await deskbot.parts.outbox.dead_letters()]
    await deskbot.chat("agent").command("checkin")
    await deskbot.chat("admin").command("checkin")
    deskbot.clock.advance(minutes=30)
    admin = await in_pseudo_language(await signed_in_as(deskbot, ADMIN))
    aiko, maria = agent_id(deskbot, AGENT), agent_id(deskbot, "maria@example.com")
    pages = {
        "my status": await read(admin, "/console/"),
        "board": await read(admin, "/console/board"),
        "board's columns": await read(admin, "/console/board/columns"),
        "check-out confirmation": await read(admin, f"/console/board/checkout/{aiko}"),
        "own check-out confirmation": await read(
            admin, f"/console/board/checkout/{agent_id(deskbot, ADMIN)}"
        ),
        "checked out": await sent(admin, f"/console/board/checkout/{aiko}"),
        "already checked out": await sent(admin, f"/console/board/checkout/{aiko}", 409),
        "never checked in": await read(admin, f"/console/board/checkout/{maria}"),
        "no such agent on the board": await read(admin, "/console/board/checkout/1", 404),
        "someone's report, list": await read(admin, f"/console/agents/{aiko}"),
        "someone's report, table": await read(admin, f"/console/agents/{aiko}?view=table"),
        "an export of no one": await sent(admin, "/console/export", 400, back=aiko),
        "settings": await read(admin, "/console/settings"),
        "outbox": await read(admin, "/console/outbox"),
    }
    changes = [
        ("/console/settings/switch", 200, {"kind": "status", "where": "dm", "on": "off"}),
        ("/console/settings/switch", 200, {"kind": "status", "where": "channel", "on": "on"}),
        ("/console/settings/switch", 400, {"kind": "nothing", "where": "dm", "on": "off"}),
        ("/console/settings/map", 400, {"department": "5000000000001", "channel": "nowhere"}),
        (
            "/console/settings/map",
            200,
            {"department": "5000000000001", "channel": "support", "create": "1"},
        ),
        ("/console/settings/unmap", 200, {"department": "5000000000001", "disable": "1"}),
        ("/console/settings/unmap", 400, {"department": "5000000000001"}),
        ("/console/settings/map", 400, {"department": "5000000000001", "channel": "x" * 101}),
        ("/console/settings/digest", 200, {"place": "org:desk", "at": "08:30", "zone": "UTC"}),
        ("/console/settings/digest", 400, {"place": "org:desk", "at": "8h", "zone": ""}),
        ("/console/settings/statuses/add", 200, {"name": "Coaching", "type": "offline"}),
        ("/console/settings/statuses/add", 400, {"name": "Coaching", "type": "offline"}),
        ("/console/settings/statuses/rename", 400, {"status": "x", "name": "Y"}),
    ]
    data += ["Coaching", "x" * 101, "8h", "support"]
    for path, status, fields in changes:
        pages[f"{path} {fields}"] = await sent(admin, path, status, **fields)
    statuses = {s.name: s.id for s in await deskbot.parts.attendance.statuses()}
    for action, fields in (("retype", {"type": "online"}), ("delete", {})):
        path = f"/console/settings/statuses/{action}"
        pages[path] = await sent(admin, path, status=str(statuses["Coaching"]), **fields)
    pages["retry a post"] = await sent(admin, f"/console/outbox/posts/{post}/retry")
    pages["drop an event"] = await sent(admin, f"/console/outbox/events/{event}/drop")
    pages["drop it again"] = await sent(admin, f"/console/outbox/events/{event}/drop", 409)
    for where, page in pages.items():
        assert_page_translated(page, data, where)


@pytest.mark.parametrize(
    "page",
    [
        '<p title="Open it">Ｏｐｅｎ</p>',
        '<button aria-label="Check Aiko out">Ｃｈｅｃｋ</button>',
        '<input placeholder="channel name">',
        '<div data-say-reconnecting="Reconnecting…"></div>',
        "<title>Board</title>",
        "<p>Ｉｎ <strong>left</strong></p>",
    ],
)
def test_the_check_finds_a_word_that_escaped(page: str) -> None:
    """The check can fail: an English word anywhere a person sees or hears it."""
    assert untranslated(visible(page), data=["Aiko"])


def test_the_check_ignores_what_no_one_sees() -> None:
    page = (
        '<html lang="en-x-qps"><script src="x.js">var hidden = "yes";</script>'
        '<input type="hidden" name="csrf" value="token"><a href="/console/board" class="who"'
        ' id="agent-1">Ａｉｋｏ</a></html>'
    )
    assert untranslated(visible(page)) == []
    assert re.search("Ａｉｋｏ", " ".join(visible(page)))
