"""A status name is one thing in one place (attendance.statuses.clean_name), on both engines:
no control characters or invisible marks (a person could neither see nor type them back, and
PostgreSQL refuses a NUL), one length limit said the same way everywhere, and a default renamed
to its own default name (or restored) is shown in each reader's language again."""

from __future__ import annotations

import pytest

from attendance import AttendanceService, StatusError
from attendance.models import SHORT_BREAK
from attendance.statuses import MAX_NAME, MAX_SENT, clean_name

UNSEEN = [
    "a\x00b",  # NUL: PostgreSQL refuses it in text
    "a\nb",
    "a\tb",
    "a\rb",
    "a\x1fb",
    "a\x7fb",
    "a\u200bb",  # zero-width space
    "a\u200cb",
    "a\u2060b",  # word joiner
    "a\ufeffb",
    "a\u202eb",  # right-to-left override
    "a\u200fb",  # right-to-left mark
    "a\u2066b",  # left-to-right isolate
    "a\u2028b",  # line separator
    "a\ue000b",  # private use
    "\u200d",
    "a\u200db",  # a joiner between letters is no emoji
]


@pytest.mark.parametrize("name", UNSEEN)
async def test_invisible_or_control_characters_are_refused_on_add_and_rename(
    svc: AttendanceService, name: str
) -> None:
    before = await svc.statuses()
    with pytest.raises(StatusError, match="control characters or invisible marks"):
        await svc.add_status(name, "online")
    with pytest.raises(StatusError, match="control characters or invisible marks"):
        await svc.rename_status("Meal Break", name)
    assert await svc.statuses() == before


async def test_the_examples_name_is_refused_and_visible_names_are_kept(
    svc: AttendanceService,
) -> None:
    with pytest.raises(StatusError):
        await svc.rename_status("Meal Break", "a\x00b\nc")
    kept = await svc.add_status("  Café\u3000 ﾃｽﾄ 👩\u200d💻 ", "offline")  # spaces folded
    assert kept.name == "Café ﾃｽﾄ 👩\u200d💻"
    assert (await svc.book.get("café ﾃｽﾄ 👩\u200d💻")).id == kept.id
    decomposed = "Cafe\u0301 2"  # e + combining acute: kept composed (NFC)
    assert (await svc.add_status(decomposed, "offline")).name == "Café 2"


def test_one_length_limit_said_one_way() -> None:
    assert clean_name("x" * MAX_NAME) == "x" * MAX_NAME
    for name in ("x" * (MAX_NAME + 1), "x" * (MAX_SENT + 1), " " * (MAX_SENT + 1) + "x"):
        with pytest.raises(StatusError) as refused:
            clean_name(name)
        assert str(refused.value) == f"A status name can have at most {MAX_NAME} characters."
    assert clean_name(" " * 20 + "x" * MAX_NAME + " " * 20) == "x" * MAX_NAME


@pytest.mark.parametrize("typed", ["小休憩", "Short Break", " Short  Break", "Ｓｈｏｒｔ　Break"])
async def test_renaming_a_default_to_its_default_name_in_either_language_restores_it(
    bilingual: AttendanceService, typed: str
) -> None:
    same = await bilingual.rename_status("小休憩", typed)
    assert not same.renamed and same.default_name and same.name == "Short Break"
    await bilingual.rename_status(SHORT_BREAK, "Nap")
    back = await bilingual.rename_status("Nap", typed)
    assert back.id == SHORT_BREAK and not back.renamed and back.name == "Short Break"
    assert (await bilingual.rename_status(SHORT_BREAK, "short break")).renamed  # case: a rename


async def test_restore_gives_a_default_its_name_back_and_a_custom_is_refused(
    bilingual: AttendanceService,
) -> None:
    await bilingual.rename_status("Meal Break", "Lunch")
    restored = await bilingual.restore_status("Lunch")
    assert restored.name == "Meal Break" and not restored.renamed
    assert (await bilingual.restore_status("食事休憩")).name == "Meal Break"  # already: fine
    await bilingual.add_status("Training", "online")
    with pytest.raises(StatusError, match="no default name"):
        await bilingual.restore_status("Training")
