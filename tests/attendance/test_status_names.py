"""SPEC A1 in two languages: whether a default status was renamed is kept in the data (an
unrenamed default is shown in its reader's language, a renamed one as written), and a status is
found by whatever a person types for it: its name now, or a default's name in any language."""

from __future__ import annotations

import pytest

from attendance import AttendanceService, StatusError
from attendance.models import CHECK_IN, CHECK_OUT, MEAL_BREAK, SHORT_BREAK
from attendance.schema import MIGRATIONS, NAMESPACE
from attendance.statuses import name_key
from bot.clock import FrozenClock
from bot.store.db import Database


async def test_defaults_start_unrenamed_and_a_rename_is_recorded(svc: AttendanceService) -> None:
    assert [s.default_name for s in await svc.statuses()] == [True] * 4
    renamed = await svc.rename_status("Meal Break", "Lunch")
    assert renamed.renamed and not renamed.default_name
    custom = await svc.add_status("Training", "offline")
    assert not custom.default_name  # a custom status is always shown as written
    again = await svc.rename_status("Check In", "Check In")  # its own default name: restored
    assert not again.renamed and again.default_name
    await svc.purge()  # the defaults come back under their default names
    assert [s.default_name for s in await svc.statuses()] == [True] * 4


@pytest.mark.parametrize(
    ("typed", "status_id"),
    [
        ("出勤", CHECK_IN),
        ("退勤", CHECK_OUT),
        ("食事休憩", MEAL_BREAK),
        ("食事　休憩", MEAL_BREAK),  # an ideographic space between the words
        (" 小 休憩 ", SHORT_BREAK),
        ("ＣＨＥＣＫ　ｉｎ", CHECK_IN),  # full width, any case
        ("checkout", CHECK_OUT),  # without its space
        ("MEAL  break", MEAL_BREAK),
    ],
)
async def test_a_default_is_found_by_its_name_in_either_language(
    bilingual: AttendanceService, typed: str, status_id: int
) -> None:
    assert (await bilingual.book.get(typed)).id == status_id


async def test_the_product_words_still_find_a_renamed_default(bilingual: AttendanceService) -> None:
    await bilingual.rename_status("食事休憩", "Lunch")
    await bilingual.rename_status("check in", "Start")
    assert (await bilingual.book.get("lunch")).id == MEAL_BREAK
    for word in ("食事休憩", "Meal Break", "出勤", "Check In", "start"):
        assert (await bilingual.book.get(word)).id in (MEAL_BREAK, CHECK_IN), word
    change = await bilingual.move("a@example.com", "出勤")
    assert change.state.status.name == "Start"


async def test_a_name_that_would_find_another_status_is_refused(
    bilingual: AttendanceService,
) -> None:
    await bilingual.add_status("Team meeting", "offline")
    for clash in ("小休憩", "short break", "TEAMMEETING", "ｔｅａｍ　ｍｅｅｔｉｎｇ"):
        with pytest.raises(StatusError, match="already a status named"):
            await bilingual.add_status(clash, "offline")
    with pytest.raises(StatusError, match="already a status named Check In"):
        await bilingual.rename_status("Team meeting", "出勤")
    # a default renamed to its own name in the other language gets its default name back
    # (shown in each reader's language), never pinned as written
    back = await bilingual.rename_status("Check Out", "退勤")
    assert back.name == "Check Out" and not back.renamed


async def test_a_custom_status_named_like_a_renamed_default_wins_by_its_own_name(
    bilingual: AttendanceService,
) -> None:
    await bilingual.rename_status("Short Break", "Coffee")
    with pytest.raises(StatusError):  # the product word still means the default
        await bilingual.add_status("Short Break", "online")
    assert (await bilingual.book.get("coffee")).id == SHORT_BREAK


def test_name_key_forgives_width_case_and_spaces() -> None:
    assert name_key("ｍｅａｌ　ｂｒｅａｋ") == name_key("Meal Break") == "mealbreak"
    assert name_key("食事 休憩") == "食事休憩"


async def test_the_migration_marks_defaults_renamed_before_it_as_renamed(
    store_url: str, clock: FrozenClock
) -> None:
    """A store from before the flag: a default that no longer bears its English name was
    renamed; one that does was not. Both engines."""
    db = await Database.open(store_url)
    try:
        await db.migrate(NAMESPACE, MIGRATIONS[:2])
        rows = [(CHECK_IN, "出勤"), (CHECK_OUT, "Check Out"), (MEAL_BREAK, "Lunch")]
        for position, (sid, name) in enumerate(rows):
            await db.execute(
                "INSERT INTO attendance_statuses (id, name, type, builtin, deleted, position)"
                " VALUES (?, ?, 'offline', 1, 0, ?)",
                (sid, name, position),
            )
        service = AttendanceService(db, clock)
        await service.setup()  # the new migration, then the missing Short Break
        found = {s.id: (s.name, s.renamed) for s in await service.statuses()}
        assert found == {
            CHECK_IN: ("出勤", True),
            CHECK_OUT: ("Check Out", False),
            MEAL_BREAK: ("Lunch", True),
            SHORT_BREAK: ("Short Break", False),
        }
    finally:
        await db.close()
