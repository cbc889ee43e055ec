"""SPEC A1-A9 in Japanese and in English (issue 13): each conversation is held by people whose
Cliq speaks `ja`, `en`, or the tests' pseudo-language `qps` (every catalog text in full-width
letters, so `assert_translated` finds any word that escaped the catalogs). What they read is in
their language; what is data (names, e-mails, zones, the statuses an admin named) is shown
exactly as written; the words they type (出勤 / Check In, 食事休憩 / Meal Break, the
/attendance verbs) work in either language, whatever theirs. The real app, its sandbox Desk and
Cliq (whose reply rules refuse what Cliq would: label lengths included), the frozen clock
(Mon 2 Mar 2026, 10:00 in Tokyo)."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable
from datetime import timedelta
from typing import Any

import pytest

from bot.i18n import Languages
from bot.sandbox.desk.seed import PEOPLE as SEEDED
from bot.testing import Answer, Conversation
from tests.conversations.attendance_world import add_desk_agents, person
from tests.deskbot.conftest import Deskbot
from tests.words import assert_translated, visible_texts

LANGUAGES = Languages()
PEOPLE_DATA = [
    *(f"{agent[0]} {agent[1]}" for agent in SEEDED),
    "agent@example.com",
    "admin@example.com",
    "Asia/Tokyo",
    "JST",
]
"""What every answer may show as it is: people's names, e-mails, their zone and its label."""


def speaker(world: Deskbot, who: str, lang: str, **user: Any) -> Conversation:
    """`who` in their chat with the bot, their Cliq speaking `lang`."""
    return person(world, who, language=lang, **user)


def term(lang: str, english: str, context: str | None = None) -> str:
    """A catalog text as `lang` reads it (for finding a button by its label)."""
    return LANGUAGES.words(lang).lookup(english, context=context)


def shown(output: Any) -> str:
    return "\n".join(visible_texts(output))


def reads(
    answer: Answer | dict[str, Any],
    lang: str,
    *,
    en: Iterable[str] = (),
    ja: Iterable[str] = (),
    data: Iterable[str] = (),
) -> None:
    """The answer shows each of `en` (English) or `ja` (Japanese) fragments, in the reader's
    language; in the pseudo-language, every word it shows is from the catalogs or `data`."""
    output = answer.output if isinstance(answer, Answer) else answer
    if lang == "qps":
        assert_translated(output, data=[*data, *PEOPLE_DATA])
        return
    text = shown(output)
    for fragment in en if lang == "en" else ja:
        assert fragment in text, (fragment, text)


ALL = ["en", "ja", "qps"]


@pytest.mark.parametrize("lang", ALL)
async def test_a1_statuses_defaults_in_the_readers_language_custom_ones_as_written(
    deskbot: Deskbot, lang: str
) -> None:
    admin = speaker(deskbot, "admin", lang)
    added = await admin.command("attendance", "statuses add Off-site training offline")
    reads(
        added,
        lang,
        en=["Added Off-site training (Offline)."],
        ja=["Off-site training(オフライン)を追加しました。"],
        data=["Off-site training"],
    )
    japanese = await admin.command("attendance", "ステータス　追加 社外研修 オンライン")
    reads(
        japanese, lang, en=["Added 社外研修 (Online)."], ja=["社外研修(オンライン)を追加しました。"]
    )
    renamed = await admin.command("attendance", "statuses rename 食事休憩 to 昼休み")
    reads(renamed, lang, en=["Renamed to 昼休み."], ja=["昼休みに名前を変更しました。"])
    listed = await admin.command("attendance", "ステータス")
    reads(
        listed,
        lang,
        en=[
            "Check In (Online), built in",
            "Check Out (Offline), built in",
            "昼休み (Offline)",
            "Short Break (Offline)",
            "Off-site training (Offline)",
        ],
        ja=[
            "出勤(オンライン)、標準",
            "退勤(オフライン)、標準",
            "昼休み(オフライン)",
            "小休憩(オフライン)",
            "Off-site training(オフライン)",
        ],
        data=["Off-site training"],
    )
    assert "Meal Break" not in shown(listed.output) and "食事休憩" not in shown(listed.output)
    refused = await admin.command("attendance", "statuses delete 出勤")
    reads(refused, lang, en=["Check In cannot be deleted."], ja=["出勤は削除できません。"])
    retyped = await admin.command("attendance", "statuses retype check out online")
    reads(
        retyped,
        lang,
        en=["The type of Check Out is fixed (Offline)."],
        ja=["退勤のステータスの種類は変更できません(オフライン)。"],
    )


@pytest.mark.parametrize("lang", ALL)
async def test_a1_the_product_words_work_in_either_language_whatever_the_readers(
    deskbot: Deskbot, lang: str
) -> None:
    agent = speaker(deskbot, "agent", lang)
    name = {s: term(lang, s) for s in ("Check In", "Check Out", "Meal Break", "Short Break")}
    for typed, status in (
        ("出勤", "Check In"),
        ("食事休憩", "Meal Break"),
        ("出勤", "Check In"),
        ("小 休憩", "Short Break"),  # spaced
        ("ｃｈｅｃｋ　ｉｎ", "Check In"),  # full width
        ("MEAL  BREAK", "Meal Break"),
        ("Check In", "Check In"),
        ("short break", "Short Break"),
    ):
        answer = await agent.say(typed)
        assert f"*{name[status]}*" in answer.text, (typed, answer.text)
        reads(answer, lang)
    wide = await agent.command("break", "食事休憩")
    assert f"*{name['Meal Break']}*" in wide.text
    out = await agent.command("attendance", "退勤")
    assert f"*{name['Check Out']}*" in out.text
    await speaker(deskbot, "admin", lang).command("attendance", "statuses rename 出勤 to Start")
    started = await agent.say("出勤")  # renamed: the product's word still works, shown as named
    assert "*Start*" in started.text and name["Check In"] not in started.text
    reads(started, lang, data=["Start"])


@pytest.mark.parametrize("lang", ALL)
async def test_a2_only_online_time_is_worked_time(deskbot: Deskbot, lang: str) -> None:
    admin, agent = speaker(deskbot, "admin", lang), speaker(deskbot, "agent", lang)
    await admin.command("attendance", "statuses add Client visit online")
    await admin.command("attendance", "statuses add 研修 offline")
    await agent.say("出勤")
    deskbot.clock.advance(hours=1)
    await agent.say("client visit")
    deskbot.clock.advance(hours=1, minutes=30)
    await agent.say("研修")
    deskbot.clock.advance(hours=1)
    mine = await agent.command("attendance")
    reads(
        mine,
        lang,
        en=["You are *研修* since 12:30.", "Worked today: 2 h 30 min."],
        ja=["12:30から*研修*です。", "今日の労働時間:2時間30分。"],
        data=["Client visit"],
    )


@pytest.mark.parametrize("lang", ALL)
async def test_a3_the_24_hour_check_out_is_told_in_the_agents_language(
    deskbot: Deskbot, lang: str
) -> None:
    agent = speaker(deskbot, "agent", lang)  # Cliq tells the bot Aiko's language here
    await agent.command("checkin")
    deskbot.clock.advance(hours=30)
    await deskbot.parts.attendance.sweep()
    await deskbot.deliver()
    [dm] = deskbot.parts.sandboxes.cliq.to("user", "agent@example.com")
    reads(
        dm["body"],
        lang,
        en=[
            "Checked out automatically",
            "Hello Aiko Tanaka,",
            "you were checked out automatically at *Tue 3 Mar 10:00 JST*",
            "you checked in on Mon 2 Mar 10:00 JST",
        ],
        ja=[
            "自動で退勤しました",
            "Aiko Tanakaさん",
            "*3月3日(火) 10:00 JST*に自動で退勤しました。3月2日(月) 10:00 JSTの出勤から24時間",
            "管理者に退勤時間の修正を依頼してください",
        ],
    )


@pytest.mark.parametrize("lang", ALL)
async def test_a4_light_agents_are_refused_in_their_language(deskbot: Deskbot, lang: str) -> None:
    light = speaker(deskbot, "light", lang)
    for answer in (await light.say("出勤"), await light.say("check in")):
        assert answer.kind == "banner"
        reads(
            answer,
            lang,
            en=["Attendance is not available to light agents."],
            ja=["制限付き担当者は出退勤の記録を利用できません。"],
        )


@pytest.mark.parametrize("lang", ALL)
async def test_a5_my_status_and_todays_time(deskbot: Deskbot, lang: str) -> None:
    agent = speaker(deskbot, "agent", lang)
    first = await agent.command("attendance")
    reads(
        first,
        lang,
        en=["You are *Check Out*.", "Worked today: 0 min."],
        ja=["現在のステータスは*退勤*です。", "今日の労働時間:0分。"],
    )
    assert [b["label"] for b in first.buttons] == [term(lang, "Check In")]
    await agent.click(term(lang, "Check In"))
    deskbot.clock.advance(minutes=95)
    mine = await agent.command("attendance")
    reads(
        mine,
        lang,
        en=[
            "You are *Check In* since 10:00.",
            "Worked today: 1 h 35 min.",
            "Automatic check-out at Tue 3 Mar 10:00.",
        ],
        ja=["10:00から*出勤*です。", "今日の労働時間:1時間35分。", "自動退勤:3月3日(火) 10:00。"],
    )
    labels = [b["label"] for b in mine.buttons]
    assert labels == [term(lang, s) for s in ("Check Out", "Meal Break", "Short Break")]
    refused = await agent.say("出勤")  # already in it: why, and what is allowed, in their words
    reads(
        refused,
        lang,
        en=["You are already in Check In. Allowed now: Check Out, Meal Break, Short Break."],
        ja=["すでに出勤です。今変更できるステータス:退勤、食事休憩、小休憩。"],
    )


@pytest.mark.parametrize(("admin_lang", "agent_lang"), [("ja", "en"), ("en", "ja"), ("qps", "qps")])
async def test_a6_the_board_and_a_check_out_on_behalf_each_in_its_readers_language(
    deskbot: Deskbot, admin_lang: str, agent_lang: str
) -> None:
    admin = speaker(deskbot, "admin", admin_lang, timezone="Europe/London")
    agent = speaker(deskbot, "agent", agent_lang)
    await agent.say("出勤")
    deskbot.clock.advance(hours=8)
    board = await admin.command("attendance", "board")
    reads(
        board,
        admin_lang,
        en=["11 agents, 1 checked in, in 4 statuses.", "Aiko Tanaka (since 01:00)"],
        ja=["担当者11人、出勤中1人、ステータス4件。", "Aiko Tanaka(1:00から)"],
        data=["UTC"],
    )
    titles = [s["title"] for s in board.slides]
    assert titles[0] == f"{term(admin_lang, 'Check In')} (1)"
    form = await admin.click(term(admin_lang, "Check out…", "button"))
    reads(form, admin_lang, en=["Check an agent out", "Choose an agent"], ja=["担当者の代理退勤"])
    [(label, value)] = [(o["label"], o["value"]) for o in form.output["inputs"][0]["options"]]
    said = LANGUAGES.words(admin_lang)
    assert label == said.gettext(
        "{name}: {status}", name="Aiko Tanaka", status=term(admin_lang, "Check In")
    )
    asked = await admin.submit({"agent": value})
    reads(
        asked,
        admin_lang,
        en=["Check out *Aiko Tanaka*? They are in Check In since 01:00. They will be told by DM."],
        ja=[
            "*Aiko Tanaka*を退勤させますか？1:00から出勤です。担当者にはダイレクトメッセージで伝えます。"
        ],
    )
    done = await admin.click(term(admin_lang, "Check out", "button"))
    reads(
        done,
        admin_lang,
        en=["Aiko Tanaka is checked out (by you, at 09:00). They are told by DM."],
        ja=[
            "Aiko Tanakaを退勤させました(あなたが9:00に)。担当者にはダイレクトメッセージで伝えます。"
        ],
    )
    await deskbot.deliver()
    [dm] = deskbot.parts.sandboxes.cliq.to("user", "agent@example.com")
    reads(
        dm["body"],
        agent_lang,
        en=["Checked out by an admin", "*Ada Admin* checked you out at *Mon 2 Mar 18:00 JST*."],
        ja=[
            "管理者が退勤させました",
            "*Ada Admin*が*3月2日(月) 18:00 JST*にあなたを退勤させました。",
        ],
    )


@pytest.mark.parametrize("lang", ALL)
async def test_a7_the_week_and_the_report_in_the_readers_language(
    deskbot: Deskbot, lang: str
) -> None:
    admin, agent = speaker(deskbot, "admin", lang), speaker(deskbot, "agent", lang)
    await agent.say("出勤")
    deskbot.clock.advance(hours=3)
    await agent.say("食事休憩")
    deskbot.clock.advance(minutes=45)
    await agent.say("check in")
    deskbot.clock.advance(hours=5)
    await agent.say("退勤")
    week = await agent.command("attendance", "week")
    reads(
        week,
        lang,
        en=["My week", "Week of 2 – 8 Mar 2026 (Asia/Tokyo): 8 h worked.", "Mon 2 Mar"],
        ja=["今週の出退勤", "2026年3月2日～8日の週(Asia/Tokyo):労働時間 8時間。", "3月2日(月)"],
    )
    labels = [label for pair in week.slides[0]["data"] for label in pair]
    assert len(labels) == len(set(labels)), labels  # the times (In/Out) are not the statuses
    monday = dict(p for pair in week.slides[0]["data"] for p in pair.items())
    assert monday == {
        term(lang, "In", "report"): "10:00",
        term(lang, "Out", "report"): "18:45",
        term(lang, "Worked", "report"): LANGUAGES.words(lang).duration(_h(8)),
        term(lang, "Check In"): LANGUAGES.words(lang).duration(_h(8)),
        term(lang, "Meal Break"): LANGUAGES.words(lang).duration(_h(0, 45)),
    }
    table = await agent.click(term(lang, "Table view", "button"))
    reads(table, lang, en=["Your week", "Mon 2", "Total"], ja=["今週", "2日(月)", "合計"])
    rows = [next(iter(row.values())) for row in table.slides[0]["data"]["rows"]]
    assert len(rows) == len(set(rows)), rows
    if lang == "ja":
        assert {"出勤時刻", "退勤時刻", "出勤"} <= set(labels) & set(rows), (labels, rows)
    report = await admin.command("attendance", "レポート agent@example.com 2026-03-02 2026-03-02")
    reads(
        report,
        lang,
        en=["Attendance 2 Mar 2026", "1 agent, 2 Mar 2026; times in Asia/Tokyo.", "E-mail"],
        ja=["出退勤 2026年3月2日", "担当者1人、2026年3月2日。時刻はAsia/Tokyo。", "メールアドレス"],
    )
    assert "10:00 – 18:45 · 8 h" in report.all_text() or lang != "en"
    assert "10:00～18:45・8時間" in report.all_text() or lang != "ja"


def _h(hours: int, minutes: int = 0) -> timedelta:
    return timedelta(hours=hours, minutes=minutes)


def rows_of(body: bytes) -> list[list[str]]:
    assert body.startswith(b"\xef\xbb\xbf")  # the BOM: Excel reads UTF-8, Japanese included
    return list(csv.reader(io.StringIO(body.decode("utf-8-sig"))))


async def download(world: Deskbot, link: dict[str, Any] | str) -> bytes:
    """The CSV behind a Download button (or its URL), as the browser gets it."""
    url = link if isinstance(link, str) else link["action"]["data"]["web"]
    path = url[url.index("/attendance/export") :]
    response = await world.client.get(path)
    assert response.status == 200, await response.text()
    assert response.headers["X-Request-Id"]  # (streamed: named before the edge sees it)
    return await response.read()


@pytest.mark.parametrize("lang", ALL)
async def test_a8_the_csv_keeps_its_column_names_and_lang_names_them_for_people(
    deskbot: Deskbot, lang: str
) -> None:
    agent = speaker(deskbot, "agent", lang)
    await agent.say("出勤")
    deskbot.clock.advance(hours=2)
    await agent.say("小休憩")
    deskbot.clock.advance(minutes=15)
    await agent.say("退勤")
    answer = await agent.command("attendance", "export 2026-03-02 2026-03-02")
    reads(
        answer,
        lang,
        en=["Your attendance, 2 Mar 2026, as CSV (times in Asia/Tokyo;"],
        ja=["あなたの出退勤、2026年3月2日、CSV(時刻はAsia/Tokyo。"],
    )
    machine = rows_of(await download(deskbot, answer.buttons[0]))
    assert machine[0][:4] == ["date", "agent_name", "agent_email", "time_zone"]
    assert machine[0][-2:] == ["Meal Break (s)", "Short Break (s)"]  # whatever the language
    assert machine[1][:4] == ["2026-03-02", "Aiko Tanaka", "agent@example.com", "Asia/Tokyo"]
    if lang == "ja":  # a second link names the columns for Excel, in the reader's language
        assert [b["label"] for b in answer.buttons] == ["CSVをダウンロード", "Excel用CSV"]
        people = rows_of(await download(deskbot, answer.buttons[1]))
        assert people[0][:3] == ["日付", "担当者名", "メールアドレス"]
        assert people[0][-3:] == ["出勤(秒)", "食事休憩(秒)", "小休憩(秒)"]
        assert people[1] == machine[1]  # the cells are the same data
    else:
        assert len(answer.buttons) == 1
    asked = await agent.command("attendance", "export lang=ja 2026-03-02 2026-03-02")
    [button] = asked.buttons
    url = button["action"]["data"]["web"]
    assert url.endswith("&lang=ja")
    japanese = rows_of(await download(deskbot, url))
    assert japanese[0][4:10] == [
        "最初の出勤",
        "最後の退勤",
        "自動退勤",
        "労働時間",
        "労働時間(秒)",
        "離席(秒)",
    ]
    assert japanese[1][4:6] == ["2026-03-02T10:00:00+09:00", "2026-03-02T12:15:00+09:00"]
    assert japanese[1][7:10] == ["2:00:00", "7200", "900"]
    plain = url.removesuffix("&lang=ja")
    assert rows_of(await download(deskbot, plain + "&lang=en_GB"))[0][:2] == ["Date", "Agent name"]
    bad = await deskbot.client.get(
        plain[plain.index("/attendance/export") :] + "&lang=fr",
        headers={"Accept": "application/json"},
    )
    assert bad.status == 400 and "lang" in (await bad.json())["reason"]
    refused = await agent.command("attendance", "export lang=fr")
    problem = refused.text.splitlines()[0]  # then the command's usage, the framework's
    reads(
        {"text": problem},
        lang,
        en=["“fr” is not a language the export speaks: en, ja."],
        ja=["「fr」はエクスポートで使える言語ではありません:en, ja。"],
        data=["fr", "en, ja"],
    )


@pytest.mark.parametrize(("admin_lang", "agent_lang"), [("ja", "en"), ("en", "ja"), ("qps", "qps")])
async def test_a9_a_change_shows_at_once_on_the_board_and_in_reports(
    deskbot: Deskbot, admin_lang: str, agent_lang: str
) -> None:
    admin, agent = speaker(deskbot, "admin", admin_lang), speaker(deskbot, "agent", agent_lang)
    await agent.say("出勤")
    deskbot.clock.advance(minutes=30)
    await agent.say("short break")
    board = await admin.command("attendance", "board")
    columns = {s["title"]: s["data"] for s in board.slides}
    short = f"{term(admin_lang, 'Short Break')} (1)"
    assert columns[short] == [
        {"en": "Aiko Tanaka (since 10:30)", "ja": "Aiko Tanaka(10:30から)"}.get(
            admin_lang, columns[short][0]
        )
    ]
    reads(board, admin_lang)
    report = await admin.command("attendance", "report agent@example.com 2026-03-02 2026-03-02")
    assert LANGUAGES.words(admin_lang).duration(_h(0, 30)) in report.all_text()
    reads(report, admin_lang)


def labels_of(answer: Answer) -> list[str]:
    return [b["label"] for b in answer.buttons]


def desk_people(world: Deskbot) -> list[str]:
    """Every sandbox Desk agent's name and e-mail: data, shown as written."""
    sandboxes = world.parts.sandboxes
    assert sandboxes is not None
    return [value for a in sandboxes.desk.agents for value in (a["name"], a["emailId"])]


async def every_page(who: Conversation, first: Answer, lang: str) -> list[Answer]:
    """`first` and each page after it, by its Next button (in the reader's language)."""
    pages = [first]
    while term(lang, "Next", "button") in labels_of(pages[-1]):
        pages.append(await who.click(term(lang, "Next", "button")))
    return pages


@pytest.mark.parametrize("lang", ALL)
async def test_a6_every_page_of_a_long_board_in_the_readers_language(
    deskbot: Deskbot, lang: str
) -> None:
    """Issue 13's leftover: past page 1, the page line and Previous/Next were English."""
    add_desk_agents(deskbot, 250)
    admin = speaker(deskbot, "admin", lang)
    data = desk_people(deskbot)
    pages = await every_page(admin, await admin.command("attendance", "board"), lang)
    assert len(pages) == 3
    for page in pages:
        reads(page, lang, data=data)
    reads(
        pages[0],
        lang,
        en=["Page 1 of 3: agents 1–100 of 261, columns 1–2 of 4; 161 more on the next pages."],
        ja=[
            "3ページ中1ページ目: 担当者 1–100件目(全261件)、ステータス 1–2/4。次のページ以降にあと161件。"
        ],
        data=data,
    )
    assert labels_of(pages[1])[:2] == [
        term(lang, "Previous", "button"),
        term(lang, "Next", "button"),
    ]
    assert labels_of(pages[1])[:2] == {"en": ["Previous", "Next"], "ja": ["前へ", "次へ"]}.get(
        lang, labels_of(pages[1])[:2]
    )
    back = await admin.click(term(lang, "Previous", "button"))
    reads(
        back,
        lang,
        en=["Page 2 of 3: agents 101–200"],
        ja=["3ページ中2ページ目: 担当者 101–200件目"],
        data=data,
    )
    numbered = await admin.command("attendance", "board 3")  # a page asked for by number
    reads(numbered, lang, en=["Page 3 of 3"], ja=["3ページ中3ページ目"], data=data)


@pytest.mark.parametrize("lang", ALL)
async def test_a7_every_page_of_a_long_week_in_the_readers_language(
    deskbot: Deskbot, lang: str
) -> None:
    """20 custom statuses with long names, each with time: the week runs to two pages."""
    admin, agent = speaker(deskbot, "admin", lang), speaker(deskbot, "agent", lang)
    names = [chr(65 + i) * 40 for i in range(20)]
    for name in names:
        await admin.command("attendance", f"statuses add {name} online")
    await agent.command("checkin")
    for name in names:
        deskbot.clock.advance(minutes=10)
        await agent.command("attendance", name)
    pages = await every_page(agent, await agent.command("attendance", "week"), lang)
    assert len(pages) == 2
    for page in pages:
        reads(page, lang, data=names)
    reads(
        pages[0],
        lang,
        en=["Page 1 of 2 (1 more)."],
        ja=["2ページ中1ページ目(残り1ページ)。"],
        data=names,
    )
    reads(
        pages[1],
        lang,
        en=["Page 2 of 2 (the last)."],
        ja=["2ページ中2ページ目(最後)。"],
        data=names,
    )
    assert term(lang, "Previous", "button") in labels_of(pages[1])
    back = await agent.click(term(lang, "Previous", "button"))
    reads(back, lang, en=["Page 1 of 2"], ja=["2ページ中1ページ目"], data=names)


@pytest.mark.parametrize("lang", ALL)
async def test_a7_every_view_and_page_of_a_long_report_in_the_readers_language(
    deskbot: Deskbot, lang: str
) -> None:
    """Every agent over two months: many pages, in the list and the table view."""
    admin = speaker(deskbot, "admin", lang)
    data = desk_people(deskbot)
    first = await admin.command("attendance", "report all 2026-01-01 2026-03-02")
    second = await admin.click(term(lang, "Next", "button"))
    for page in (first, second):
        reads(page, lang, data=data)
    assert labels_of(second)[:2] == [term(lang, "Previous", "button"), term(lang, "Next", "button")]
    reads(second, lang, en=["Page 2 of "], ja=["ページ中2ページ目(残り"], data=data)
    table = await admin.click(term(lang, "Table view", "button"))
    reads(table, lang, data=data)
    further = await admin.click(term(lang, "Next", "button"))
    reads(further, lang, data=data)
    assert term(lang, "Previous", "button") in labels_of(further)
