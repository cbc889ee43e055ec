"""One `Words` per language (bot/i18n): the catalogs' text, Babel's dates, times and numbers,
spans, durations and relative times (issue 13 item 3), and the choice of a language from any
form of its tag (item 2)."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from bot.cards.text import _environment
from bot.config import BotConfig
from bot.i18n import Languages, language_code
from tests.words import assert_translated, untranslated

LANGUAGES = Languages()
JA, EN, QPS = LANGUAGES.words("ja"), LANGUAGES.words("en"), LANGUAGES.words("qps")
MONDAY = datetime(2026, 11, 30, 10, 42, tzinfo=ZoneInfo("Asia/Tokyo"))


@pytest.mark.parametrize("tag", ["ja", "ja_JP", "ja-JP", "JA", "Ja-jp", " ja_JP ", "ja_JP.UTF-8"])
def test_every_form_of_japanese_is_japanese(tag: str) -> None:
    assert LANGUAGES.words(tag) is JA


@pytest.mark.parametrize("tag", ["", None, "en", "en_US", "en-GB", "fr", "zz_ZZ", "日本語", "j"])
def test_anything_else_is_the_default(tag: str | None) -> None:
    assert LANGUAGES.words(tag) is EN
    assert Languages("ja_JP").words(tag) is (EN if language_code(tag) == "en" else JA)


def test_first_spoken_of_several_tags() -> None:
    assert LANGUAGES.first(None, "fr_FR", "ja_JP") is JA
    assert LANGUAGES.first("en", "ja") is EN
    assert Languages("ja").first(None, "") is JA


def test_a_default_the_bot_does_not_speak_is_refused() -> None:
    with pytest.raises(ValueError, match="en, ja"):
        Languages("fr")
    with pytest.raises(ValueError, match="not one the bot speaks"):
        BotConfig(language="klingon")
    assert BotConfig(language="ja-JP").language == "ja-JP"


def test_dates_and_times() -> None:
    assert JA.date(MONDAY, year=True) == "2026年11月30日(月)"
    assert EN.date(MONDAY) == "Mon 30 Nov"
    assert JA.date(date(2026, 11, 30)) == "11月30日(月)"
    assert EN.date(MONDAY, year=True) == "Mon, 30 Nov 2026"
    assert (JA.time(MONDAY), EN.time(MONDAY)) == ("10:42", "10:42")
    assert EN.time(MONDAY.replace(hour=18, minute=5)) == "18:05"  # 24-hour in English too


@pytest.mark.parametrize(
    ("delta", "japanese", "english"),
    [
        (timedelta(hours=1), "1時間後", "in 1 h"),
        (timedelta(minutes=-25), "25分前", "25 min ago"),
        (timedelta(seconds=10), "1分後", "in 1 min"),
        (timedelta(hours=47, minutes=59), "47時間後", "in 47 h"),
        (timedelta(days=-3), "3日前", "3 days ago"),
        (timedelta(days=2), "2日後", "in 2 days"),
    ],
)
def test_relative_times(delta: timedelta, japanese: str, english: str) -> None:
    assert (JA.relative(delta), EN.relative(delta)) == (japanese, english)


@pytest.mark.parametrize(
    ("delta", "japanese", "english"),
    [
        (timedelta(hours=8, minutes=30), "8時間30分", "8 h 30 min"),
        (timedelta(hours=8), "8時間", "8 h"),
        (timedelta(minutes=45, seconds=59), "45分", "45 min"),
        (timedelta(hours=-26, minutes=-5), "26時間5分", "26 h 5 min"),
    ],
)
def test_durations(delta: timedelta, japanese: str, english: str) -> None:
    assert (JA.duration(delta), EN.duration(delta)) == (japanese, english)


def test_counts_and_plurals() -> None:
    assert EN.npgettext("duration", "{n} day", "{n} days", 1) == "1 day"
    assert EN.npgettext("duration", "{n} day", "{n} days", 1234) == "1,234 days"
    assert JA.npgettext("duration", "{n} day", "{n} days", 1) == "1日"
    assert JA.npgettext("duration", "{n} day", "{n} days", 1234) == "1,234日"
    assert (EN.number(12345.5), JA.number(12345.5)) == ("12,345.5", "12,345.5")


def test_a_msgid_without_a_translation_is_english() -> None:
    assert JA.gettext("Not in any catalog, {who}", who="Aiko") == "Not in any catalog, Aiko"
    assert JA.pgettext("nowhere", "Plain") == "Plain"


def test_the_pseudo_language_is_full_width_and_as_long() -> None:
    shown = QPS.relative(timedelta(hours=1))
    assert shown == "ｉｎ 1 ｈ" and len(shown) == len("in 1 h")
    assert QPS.date(MONDAY) == "Ｍｏｎ 30 Ｎｏｖ"
    assert QPS.pgettext("duration", "{hours} h", hours="Aiko") == "Aiko ｈ"  # values as given
    assert untranslated({"text": QPS.relative(timedelta(days=-2))}) == []
    assert untranslated({"text": QPS.gettext("Not in any catalog")}) == [
        "Not",
        "in",
        "any",
        "catalog",
    ]


def test_templates_speak_the_readers_language_and_escape_values() -> None:
    template = '{{ pgettext("relative", "in {span}", span=late) }} {{ _("Plain") }}'
    shown = _environment(JA).from_string(template).render(late="*2*")
    assert shown.endswith("後 Plain") and "*2*" not in shown  # the value escaped, not the text
    assert _environment(EN).from_string(template).render(late="1 h") == "in 1 h Plain"
    plural = "{{ npgettext('duration', '{n} day', '{n} days', 3) }}"
    assert _environment(QPS).from_string(plural).render() == "3 ｄａｙｓ"
    assert _environment(JA).from_string(plural).render() == "3日"


def test_the_check_finds_words_in_every_visible_place() -> None:
    """assert_translated looks at titles, texts, buttons, slides, forms, banners, errors."""
    places: list[dict[str, object]] = [
        {"text": "Hello"},
        {"card": {"title": "Hello"}},
        {"buttons": [{"label": "Hello", "action": {"type": "invoke.function", "data": {}}}]},
        {"buttons": [{"label": "ｏｋ", "action": {"confirm": {"title": "Hello"}}}]},
        {"slides": [{"type": "list", "title": "ｏｋ", "data": ["Hello"]}]},
        {"slides": [{"type": "table", "data": {"headers": ["Hello"], "rows": []}}]},
        {"slides": [{"type": "table", "data": {"headers": ["ｏｋ"], "rows": [{"ｏｋ": "Hello"}]}}]},
        {"slides": [{"type": "label", "data": [{"Hello": "ｏｋ"}]}]},
        {"slides": [{"type": "text", "data": "Hello"}]},
        {"type": "banner", "text": "Hello", "status": "failure"},
        {"type": "form", "title": "Hello", "name": "f", "inputs": []},
        {"type": "form", "title": "ｏｋ", "name": "f", "button_label": "Hello", "inputs": []},
        {"type": "form", "title": "ｏｋ", "inputs": [{"name": "n", "label": "Hello"}]},
        {"type": "form", "title": "ｏｋ", "inputs": [{"label": "ｏｋ", "placeholder": "Hello"}]},
        {"type": "form", "inputs": [{"label": "ｏｋ", "options": [{"label": "Hello"}]}]},
        {"type": "form_error", "inputs": {"subject": "Hello"}},
        {"text": "ｏｋ", "suggestions": {"list": [{"text": "Hello"}]}},
    ]
    for output in places:
        assert untranslated(output) == ["Hello"], output
        assert_translated(output, data=["Hello"])
    with pytest.raises(AssertionError, match="Hello"):
        assert_translated(places[0])


def test_data_urls_and_mentions_are_not_words() -> None:
    output = {
        "text": "Printer on fire ｂｙ {@55500001} [ｏｐｅｎ](https://desk.example.com/t/115)",
        "slides": [{"type": "list", "data": ["Open", "Aiko Tanaka"]}],
        "buttons": [{"label": "ｏｋ", "action": {"type": "open.url", "data": {"web": "x"}}}],
    }
    assert_translated(output, data=["Printer on fire", "Open", "Aiko Tanaka"])
    assert untranslated(output, data=["Printer on fire", "Aiko Tanaka"]) == ["Open"]
