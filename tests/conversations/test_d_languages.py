"""SPEC D1-D9 in the reader's language (issue 13, SPEC X6): the same conversations in English,
in Japanese and in the tests' pseudo-language.

Each test runs three times, as a person whose Cliq `user.language` is `en`, `ja` or `qps`:
- `en`: the English words Deskbot has always said (the other conversation tests hold the rest);
- `ja`: the product document's Japanese (`../shared/seeds/`: 問い合わせ, こちらに投稿する…);
- `qps`: every catalog text comes back in full-width letters, so `assert_translated` fails on
  any word in plain ASCII that is not data: an English string that escaped the catalogs.
In every language Desk's data (subjects, statuses, names, departments, e-mails) is shown as it
is, never translated.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

import pytest

from bot.notify.kinds import Kind
from bot.router import typed
from bot.testing.conversation import Answer, Conversation
from tests.deskbot.conftest import Deskbot
from tests.deskbot.test_notifications import change, installed, settle
from tests.words import assert_translated, visible_texts

LANGUAGES = ("en", "ja", "qps")


@dataclass
class Reader:
    """A person reading Deskbot in `language`, and what they must see."""

    deskbot: Deskbot
    language: str
    data: list[str]

    def chat(self, who: str = "agent", **chat: Any) -> Conversation:
        return self.deskbot.chat(who, language=self.language, **chat)

    def sees(
        self, answer: Answer | dict[str, Any], *, en: str, ja: str, data: Iterable[str] = ()
    ) -> None:
        """`en` (English) or `ja` (Japanese) is in what the answer shows; in the pseudo-language,
        every word shown is from the catalogs or is data (`data` and the Desk's data)."""
        output = answer.output if isinstance(answer, Answer) else answer
        if self.language == "qps":
            assert_translated(output, data=[*data, *self.data])
            return
        shown = "\n".join(visible_texts(output))
        wanted = en if self.language == "en" else ja
        assert wanted in shown, (wanted, shown)


async def desk_data(deskbot: Deskbot) -> list[str]:
    """Everything of Desk's a card may show as it is: agents' and departments' names, statuses,
    priorities, tickets' subjects and e-mails, zone abbreviations."""
    desk, org = deskbot.parts.desk, deskbot.parts.org_data
    found = [a.display_name for a in await deskbot.parts.directory.all()]
    found += [d.name or "" for d in await org.departments()]
    found += [s.value for s in await org.statuses()]
    found += ["Urgent", "High", "Medium", "Low", "JST", "UTC", "GMT"]
    for department in await org.departments():
        found += [t.name for t in await desk.teams(department.id)]
    for ticket in await desk.tickets(limit=100):
        found += [ticket.subject or "", ticket.email or "", ticket.status or ""]
    return [f for f in found if f]


@pytest.fixture(params=LANGUAGES)
async def reader(request: pytest.FixtureRequest, deskbot: Deskbot) -> Reader:
    return Reader(deskbot, request.param, await desk_data(deskbot))


def key(answer: Answer, action: str) -> dict[str, Any]:
    """The answer's button for `action` (its key's prefix), whatever its label's language."""
    return next(b for b in answer.buttons if str(b.get("key", "")).startswith(f"{action}:"))


# --- D6: slash commands ------------------------------------------------------------------


async def test_d6_ticket_commands_in_the_readers_language(reader: Reader) -> None:
    aiko = reader.chat("agent")
    ticket = await reader.deskbot.parts.desk.ticket_by_number(115)
    assert ticket is not None

    one = await aiko.command("ticket", "115")
    reader.sees(one, en="due in 40 min (10:40)", ja="期限まで40分(10:40)")
    reader.sees(one, en="Post here", ja="こちらに投稿する")
    assert one.title == f"#115 {ticket.subject}"  # Desk's subject, as it is
    assert ticket.status in one.text and "watanabe@abc-corp.com" in one.all_text()
    labels = [b["label"] for b in one.buttons]
    assert (
        labels
        == {
            "en": ["Status", "Assign", "Reply", "Comment", "Post here"],
            "ja": ["ステータス", "割り当て", "返信", "コメント", "こちらに投稿する"],
            "qps": [
                "Ｓｔａｔｕｓ",
                "Ａｓｓｉｇｎ",
                "Ｒｅｐｌｙ",
                "Ｃｏｍｍｅｎｔ",
                "Ｐｏｓｔ ｈｅｒｅ",
            ],
        }[reader.language]
    )

    mine = await aiko.command("ticket")
    reader.sees(mine, en="My latest tickets", ja="自分に割り当てられた直近の問い合わせ")
    customer = await aiko.command("ticket", "watanabe@abc-corp.com")
    reader.sees(
        customer,
        en="Latest tickets of watanabe@abc-corp.com",
        ja="watanabe@abc-corp.com の直近の問い合わせ",
    )
    missing = await aiko.command("ticket", "999999")
    reader.sees(missing, en="There is no ticket #999999.", ja="問い合わせ #999999 はありません。")

    picked = await aiko.suggest("ticket", "watanabe")
    reader.sees(picked, en="customer", ja="顧客")


async def test_d6_pendingtickets_and_deskstatus(reader: Reader) -> None:
    aiko = reader.chat("agent")
    pending = await aiko.command("pendingtickets")
    reader.sees(pending, en="Pending tickets", ja="未解決の問い合わせ")
    reader.sees(pending, en="Unassigned", ja="未割り当て")
    for view in ("", "new", "closed", "happiness", "top"):
        status = await aiko.command("deskstatus", view)
        reader.sees(status, en="The last 24 hours, to", ja="過去24時間")
    japanese = await aiko.command("deskstatus", "顧客満足度")  # the view typed in Japanese
    reader.sees(japanese, en="Happiness", ja="顧客満足度")


async def test_d6_a_wrong_argument_is_explained_in_the_readers_language(
    reader: Reader,
) -> None:
    aiko = reader.chat("agent")
    wrong = await aiko.command("ticket", "abc")
    reader.sees(
        wrong,
        en="“abc” is neither a ticket number nor a customer's e-mail.",
        ja="「abc」は問い合わせ番号でも顧客のメールアドレスでもありません。",
        data=["abc", "/ticket"],
    )
    view = await aiko.command("deskstatus", "yesterday")
    reader.sees(
        view,
        en="“yesterday” is not a view",
        ja="「yesterday」は表示項目ではありません。",
        data=["yesterday", "/deskstatus", "new", "closed", "happiness", "top"],
    )


# --- D7: keywords in either language -----------------------------------------------------


@pytest.mark.parametrize(
    ("typed", "en", "ja"),
    [
        ("Overdue Tickets", "Overdue tickets", "遅延中の問い合わせ"),
        ("遅延中の問い合わせ", "Overdue tickets", "遅延中の問い合わせ"),
        ("遅延中の 問合せ", "Overdue tickets", "遅延中の問い合わせ"),
        ("  due   TODAY ", "Due today", "今日が期限の問い合わせ"),
        ("今日が期限", "Due today", "今日が期限の問い合わせ"),
        ("　今日 が 期限　", "Due today", "今日が期限の問い合わせ"),
        ("open tickets", "Open tickets", "未完了の問い合わせ"),
        ("未完了の問い合わせ", "Open tickets", "未完了の問い合わせ"),
        ("未完了の問い合せ", "Open tickets", "未完了の問い合わせ"),
    ],
)
async def test_d7_keywords_work_in_either_language_and_answer_in_the_readers(
    reader: Reader, typed: str, en: str, ja: str
) -> None:
    answer = await reader.chat("agent").say(typed)
    assert answer.kind == "message", answer.output
    reader.sees(answer, en=en, ja=ja)


# --- D5: acting from a card --------------------------------------------------------------


async def test_d5_the_forms_and_their_results_in_the_readers_language(reader: Reader) -> None:
    deskbot = reader.deskbot
    aiko = reader.chat("agent")
    card = await aiko.command("ticket", "115")

    asked = await aiko.click(key(card, "status"))  # not connected yet
    reader.sees(asked, en="Connect Zoho Desk", ja="Zoho Deskに接続")
    await deskbot.connect("agent@example.com")

    form = await aiko.click(key(card, "status"))
    reader.sees(form, en="Status of #115", ja="#115 のステータス")
    changed = await aiko.submit({"status": "On Hold", "note": "Waiting for the vendor"})
    reader.sees(
        changed,
        en="Status → On Hold, note added by Aiko at 10:00",
        ja="ステータス → On Hold、メモを追加(Aiko、10:00)",
        data=["Aiko"],
    )

    form = await aiko.click(key(changed, "assign"))
    reader.sees(
        form,
        en="Agents and teams of the ticket's department",
        ja="問い合わせの部門の担当者とチーム",
    )
    owners = {o["label"]: o["value"] for o in form.output["inputs"][0]["options"]}
    assigned = await aiko.submit({"owner": owners["Maria Garcia"]})
    reader.sees(
        assigned,
        en="Assigned → Maria Garcia by Aiko",
        ja="割り当て → Maria Garcia(Aiko",
        data=["Aiko"],
    )

    form = await aiko.click(key(assigned, "reply"))
    reader.sees(
        form, en="An e-mail to watanabe@abc-corp.com", ja="watanabe@abc-corp.com へのメール"
    )
    replied = await aiko.submit({"content": "We're on it.", "then_status": "Open"})
    reader.sees(
        replied,
        en="Replied, status → Open by Aiko",
        ja="返信済み、ステータス → Open",
        data=["Aiko"],
    )

    form = await aiko.click(key(replied, "comment"))
    reader.sees(form, en="Public: the customer sees it", ja="公開: 顧客にも表示")
    commented = await aiko.submit({"content": "Vendor confirmed", "visibility": "public"})
    reader.sees(
        commented, en="Public comment added by Aiko", ja="公開コメントを追加", data=["Aiko"]
    )

    ticket = await deskbot.parts.desk.ticket_by_number(115)
    assert ticket is not None and ticket.status == "Open"  # Desk's own word, in every language


async def test_d5_a_card_drawn_before_a_change_asks_before_overwriting(reader: Reader) -> None:
    deskbot = reader.deskbot
    await deskbot.connect("agent@example.com")
    aiko = reader.chat("agent")
    card = await aiko.command("ticket", "115")
    form = await aiko.click(key(card, "status"))
    deskbot.clock.advance(minutes=5)
    await change(deskbot, 115, actor="maria@example.com", priority="Low")
    asked = await aiko.submit({"status": "Closed"}, form=form.output)
    reader.sees(
        asked,
        en="Someone changed this ticket in Desk at 10:05",
        ja="10:05に誰かがDeskでこの問い合わせを変更しました",
    )
    reader.sees(asked, en="Apply anyway", ja="それでも適用する")


async def test_d5_desk_failures_are_explained_in_the_readers_language(reader: Reader) -> None:
    deskbot = reader.deskbot
    await deskbot.connect("light@example.com")
    lee = reader.chat("light")
    card = await lee.command("ticket", "115")
    refused = await lee.click(
        {"label": "Status", "key": key(card, "comment")["key"].replace("comment:", "status:")}
    )
    reader.sees(
        refused,
        en="Light agents can't change tickets in Desk.",
        ja="制限付き担当者はDeskの問い合わせを変更できません。",
    )
    stranger = await reader.chat("stranger").command("ticket", "115")
    reader.sees(
        stranger,
        en="Not a Desk agent",
        ja="Deskの担当者ではありません",
        data=["stranger@elsewhere.example"],
    )


# --- D8: shown to me first ---------------------------------------------------------------


async def test_d8_post_here_in_the_readers_language(reader: Reader) -> None:
    deskbot = reader.deskbot
    sandbox = deskbot.parts.sandboxes
    assert sandbox is not None
    channel = sandbox.cliq.add_channel("Support", bots=["deskbot"], members=["agent@example.com"])
    aiko = reader.chat(
        "agent", id=channel["chat_id"], type="channel", channel_unique_name="support"
    )
    card = await aiko.command("ticket", "115")
    posted = await aiko.click(key(card, "post"))
    reader.sees(posted, en="Posted to #support.", ja="#supportに投稿しました。", data=["support"])
    [message] = deskbot.cliq_messages
    reader.sees(message["body"], en="Status", ja="ステータス")  # as shown to her, for all


@pytest.mark.parametrize("kind", ["dm", "chat", "thread", ""])
async def test_d8_where_the_bot_cannot_post_is_said_in_the_readers_language(
    reader: Reader, kind: str
) -> None:
    """A person's chat the bot cannot post in: why, in their words (it was English)."""
    chat = reader.chat("agent", id="CT_2200_55500001", type=kind, title="Aiko, Ada")
    card = await chat.command("ticket", "115")
    refused = await chat.click(key(card, "post"))
    reader.sees(refused, en="The bot can't post in", ja="には投稿できません", data=["Cliq"])
    assert reader.deskbot.cliq_messages == []


# --- D1, D2, D9: the admin's settings ------------------------------------------------------


async def test_d1_d2_d9_the_admins_settings_in_the_readers_language(
    reader: Reader,
) -> None:
    deskbot = reader.deskbot
    await installed(deskbot)
    ada = reader.chat("admin")
    commands = ["/deskbot", "map", "unmap", "notify", "digest", "channel", "dm", "on", "off"]
    commands += ["preview", "send", "disable", "create", "test", "bot.toml", "dm_owner"]
    commands += ["notifications", "#desk", "#billing", "billing", "desk"]

    channels = await ada.command("deskbot", "channels")
    reader.sees(
        channels,
        en="Unmapped departments post to #desk.",
        ja="チャンネルを関連付けていない部門は #desk に投稿します。",
        data=commands,
    )
    mapped = await ada.command("deskbot", "map Billing billing create")
    reader.sees(
        mapped,
        en="Billing now posts to #billing.",
        ja="Billing は今後 #billing に投稿します。",
        data=commands,
    )
    unmapped = await ada.command("deskbot", "unmap Billing disable")
    reader.sees(
        unmapped,
        en="Billing is disabled: no more posts.",
        ja="Billing を無効にしました",
        data=commands,
    )

    switches = await ada.command("deskbot", "notify")
    kinds = [kind.value for kind in Kind]
    reader.sees(switches, en="Notifications", ja="通知", data=[*commands, *kinds, "<type>"])
    wrong = await ada.command("deskbot", "notify comment maybe")
    reader.sees(
        wrong,
        en="“maybe” is not on or off.",
        ja="「maybe」は on でも off でもありません。",
        data=[*commands, *kinds, "maybe", "<kind>", "Kinds"],
    )

    digest = await ada.command("deskbot", "digest")
    reader.sees(digest, en="Every day at", ja="毎日の送信時刻", data=commands)


# --- D3, D4: acting from a notification -----------------------------------------------------


async def test_d3_d4_acting_from_a_dm_in_the_readers_language(reader: Reader) -> None:
    """Maria closes Aiko's ticket; Aiko reopens it from the DM's Status button: the form and the
    result are in her language, and she is not told of her own change (SPEC D3)."""
    deskbot = reader.deskbot
    await installed(deskbot)
    aiko = reader.chat("agent")
    await aiko.command("ticket", "115")  # Cliq tells the bot her language and zone
    await change(deskbot, 115, actor="maria@example.com", status="Closed")
    told = [m for m in await settle(deskbot) if m["target"] == "agent@example.com"]
    before = len(deskbot.cliq_messages)
    await deskbot.connect("agent@example.com")
    status = next(b for b in told[-1]["body"]["buttons"] if b["key"].startswith("status:"))
    form = await aiko.click(status)
    reader.sees(form, en="New status", ja="新しいステータス")
    edited = await aiko.submit({"status": "Open"}, form=form.output)
    reader.sees(edited, en="Status → Open by Aiko", ja="ステータス → Open(Aiko", data=["Aiko"])
    after = (await settle(deskbot))[before:]
    assert [m for m in after if m["target"] == "agent@example.com"] == []


# --- Desk's failures ---------------------------------------------------------------------

DESK_FAILURES = [
    (403, "FORBIDDEN", "Ask your Desk administrator", "Deskの管理者に権限を依頼する"),
    (403, "LICENSE_ACCESS_LIMITED", "Your Desk edition doesn't include this", "エディション"),
    (403, "SCOPE_MISMATCH", "Run /deskbot connect", "/deskbot connect を実行して"),
    (404, "URL_NOT_FOUND", "gone from Desk", "その問い合わせはDeskにありません"),
    (422, "INVALID_DATA", "Desk refused the change", "Deskが変更を拒否しました"),
    (429, "TOO_MANY_REQUESTS", "try again in a minute", "1分後にもう一度お試しください"),
    (429, "THRESHOLD_EXCEEDED", "make the change in Desk itself", "APIクレジットを使い切った"),
    (503, "SERVICE_UNAVAILABLE", "busy or unreachable", "接続できません"),
    (500, "INTERNAL_SERVER_ERROR", "busy or unreachable", "接続できません"),
]


@pytest.mark.parametrize(("status", "code", "en", "ja"), DESK_FAILURES)
async def test_each_desk_failure_is_explained_in_the_readers_language(
    reader: Reader, status: int, code: str, en: str, ja: str
) -> None:
    deskbot = reader.deskbot
    await deskbot.connect("agent@example.com")
    aiko = reader.chat("agent")
    card = await aiko.command("ticket", "115")
    form = await aiko.click(key(card, "status"))
    desk = deskbot.parts.sandboxes.desk  # type: ignore[union-attr]
    desk.fail(status, code, count=20)
    changed = await aiko.submit({"status": "On Hold"}, form=form.output)
    read = await aiko.say("遅延中の問い合わせ")
    desk.faults.clear()
    said = [code, "sandbox fault"]  # what Desk said, quoted as it is
    for answer in (changed, read):
        reader.sees(answer, en=en, ja=ja, data=said)


# --- /help ---------------------------------------------------------------------------------


async def test_help_lists_the_keywords_in_the_readers_language(reader: Reader) -> None:
    shown = await reader.chat("agent").command("help")
    said = {"text": shown.text}  # attendance's words are its own part's
    reader.sees(said, en="“overdue tickets”", ja="“遅延中の問い合わせ”", data=KEYWORDS)
    reader.sees(said, en="“open tickets”", ja="“未完了の問い合わせ”", data=KEYWORDS)
    if reader.language != "en":
        assert "overdue tickets" not in shown.text  # each word once, in the reader's language


KEYWORDS = ["ping", "check in", "check out", "meal break", "short break"]
DESKBOTS = ("/ticket", "/pendingtickets", "/deskstatus", "/deskbot", "/help")
"""The commands of this part of Deskbot (attendance's have their own tests)."""


async def test_help_describes_the_commands_in_the_readers_language(
    reader: Reader,
) -> None:
    shown = await reader.chat("agent").command("help")
    [table] = shown.slides
    rows = table["data"]["rows"]
    ours = [row for row in rows if typed(str(next(iter(row.values())))).startswith(DESKBOTS)]
    assert len(ours) == len(DESKBOTS)
    mine = {
        "card": {"title": shown.title},
        "slides": [{**table, "data": {**table["data"], "rows": ours}}],
    }
    words = ["new", "closed", "happiness", "top", "connect", "disconnect", "channels", "map"]
    words += ["unmap", "notify", "rules", "digest", "language", "Deskbot"]
    reader.sees(
        mine,
        en="My 3 latest tickets",
        ja="自分に割り当てられた直近3件の問い合わせ",
        data=[*DESKBOTS, *words],
    )


async def test_d9_the_deskbot_verbs_may_be_typed_in_japanese(reader: Reader) -> None:
    """/deskbot's verbs in Japanese (its usage line shows them beside the English ones), in
    whatever language the reader reads; the words after a verb stay as typed (on/off, create)."""
    deskbot = reader.deskbot
    await installed(deskbot)
    ada, aiko = reader.chat("admin"), reader.chat("agent")
    for japanese, english in (
        ("チャンネル", "channels"),
        ("通知", "notify"),
        ("ルール", "rules"),
        ("ダイジェスト", "digest"),
        ("言語", "language"),
    ):
        typed, plain = await ada.command("deskbot", japanese), await ada.command("deskbot", english)
        assert typed.output == plain.output, (japanese, typed.text)
    mapped = await ada.command("deskbot", "関連付け Billing billing create")
    reader.sees(
        mapped,
        en="Billing now posts to #billing.",
        ja="Billing は今後 #billing に投稿します。",
        data=["#billing"],
    )
    refused = await aiko.command("deskbot", "チャンネル")  # an admin verb in any language
    assert refused.kind == "banner" and refused.output["status"] == "failure"
    gone = await aiko.command("deskbot", "接続解除")
    reader.sees(gone, en="You had no Desk connection.", ja="Desk接続はありませんでした。")
    usage = await aiko.command("deskbot", "")
    reader.sees(
        usage, en="/deskbot connect | disconnect", ja="channels(チャンネル)", data=["/deskbot"]
    )
