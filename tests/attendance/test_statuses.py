"""SPEC A1: the defaults, renaming, the 20-status limit, and what can never change."""

from __future__ import annotations

import pytest

from attendance import AttendanceService, StatusError, StatusType, UnknownStatus
from attendance.statuses import MAX_CUSTOM


async def test_the_four_defaults_with_their_types(svc: AttendanceService) -> None:
    found = [(s.name, s.type, s.builtin) for s in await svc.statuses()]
    assert found == [
        ("Check In", StatusType.ONLINE, True),
        ("Check Out", StatusType.OFFLINE, True),
        ("Meal Break", StatusType.OFFLINE, True),
        ("Short Break", StatusType.OFFLINE, True),
    ]


async def test_setup_twice_keeps_one_set_of_defaults(svc: AttendanceService) -> None:
    await svc.setup()
    assert len(await svc.statuses()) == 4


async def test_any_status_can_be_renamed_and_keeps_its_identity(svc: AttendanceService) -> None:
    renamed = await svc.rename_status("check in", "  出勤  ")
    assert renamed.name == "出勤" and renamed.id == 1 and renamed.online
    assert (await svc.rename_status("Meal Break", "Lunch")).name == "Lunch"
    custom = await svc.add_status("Training", "offline")
    assert (await svc.rename_status(custom.id, "Off-site training")).name == "Off-site training"
    # the defaults keep working under their new names
    change = await svc.check_in("a@example.com")
    assert change.state.status.name == "出勤"


async def test_twenty_custom_statuses_and_the_21st_is_refused(svc: AttendanceService) -> None:
    for i in range(MAX_CUSTOM):
        await svc.add_status(f"Custom {i}", StatusType.ONLINE if i % 2 else StatusType.OFFLINE)
    with pytest.raises(StatusError, match="20 custom statuses"):
        await svc.add_status("One too many", "online")
    assert len(await svc.statuses()) == 4 + MAX_CUSTOM
    # deleting one frees a place; deleting defaults does not add any
    await svc.delete_status("Custom 3")
    await svc.add_status("Now it fits", "offline")
    await svc.delete_status("Meal Break")
    with pytest.raises(StatusError):
        await svc.add_status("Still too many", "online")


@pytest.mark.parametrize("name", ["Check In", "Check Out"])
async def test_check_in_and_out_are_never_deleted_or_retyped(
    svc: AttendanceService, name: str
) -> None:
    with pytest.raises(StatusError, match="cannot be deleted"):
        await svc.delete_status(name)
    with pytest.raises(StatusError, match="fixed"):
        await svc.retype_status(name, "online" if name == "Check Out" else "offline")
    await svc.rename_status(name, f"My {name}")
    with pytest.raises(StatusError):
        await svc.delete_status(f"My {name}")
    assert (await svc.book.get(f"My {name}")).type == (
        StatusType.ONLINE if name == "Check In" else StatusType.OFFLINE
    )


async def test_breaks_can_be_deleted_and_customs_retyped(svc: AttendanceService) -> None:
    gone = await svc.delete_status("Short Break")
    assert gone.deleted
    assert [s.name for s in await svc.statuses()] == ["Check In", "Check Out", "Meal Break"]
    assert "Short Break" in [s.name for s in await svc.statuses(include_deleted=True)]
    with pytest.raises(UnknownStatus):
        await svc.delete_status("Short Break")
    meeting = await svc.add_status("Customer meeting", "Offline")
    assert (await svc.retype_status(meeting.id, "ONLINE")).type is StatusType.ONLINE
    assert (await svc.retype_status("meal break", "online")).online


@pytest.mark.parametrize(
    ("name", "kind", "message"),
    [
        ("", "online", "needs a name"),
        ("   ", "online", "needs a name"),
        ("x" * 41, "online", "at most 40"),
        ("check out", "online", "already a status"),
        ("Fine", "busy", "Online or Offline"),
    ],
)
async def test_bad_status_definitions_are_refused(
    svc: AttendanceService, name: str, kind: str, message: str
) -> None:
    with pytest.raises(StatusError, match=message):
        await svc.add_status(name, kind)


async def test_renaming_onto_another_name_is_refused_but_case_changes_are_fine(
    svc: AttendanceService,
) -> None:
    with pytest.raises(StatusError, match="already"):
        await svc.rename_status("Meal Break", "SHORT break")
    assert (await svc.rename_status("Meal Break", "meal break")).name == "meal break"
    with pytest.raises(UnknownStatus):
        await svc.rename_status("Nope", "x")


async def test_a_deleted_name_can_be_reused(svc: AttendanceService) -> None:
    await svc.delete_status("Meal Break")
    again = await svc.add_status("Meal Break", "offline")
    assert again.id > 4 and not again.builtin
