"""The notification rules, table-driven (SPEC D1–D4): every kind × actor is owner × DMs on ×
department mapped × switch on."""

from __future__ import annotations

import itertools

import pytest

from bot.desk.events import DeskEvent
from bot.notify.classify import Happening, classify
from bot.notify.kinds import DM_ONLY, Kind, parse_kind
from bot.notify.rules import RuleSettings, decide

OWNER, OTHER = "9001", "9002"
OWNER_EMAIL = "agent@example.com"
DEPT = "5000"
RECORD_KINDS = [k for k in Kind if k not in DM_ONLY]


@pytest.mark.parametrize(
    ("kind", "actor_is_owner", "dms_on", "mapped", "switch_on"),
    list(
        itertools.product(RECORD_KINDS, [True, False], [True, False], [True, False], [True, False])
    ),
)
def test_where_a_record_notification_goes(
    kind: Kind, actor_is_owner: bool, dms_on: bool, mapped: bool, switch_on: bool
) -> None:
    happening = Happening(
        kinds=(kind,),
        ticket_id="1",
        owner_id=OWNER,
        actor_id=OWNER if actor_is_owner else OTHER,
        department_id=DEPT,
    )
    settings = RuleSettings(
        org_channel="desk",
        channel_map={DEPT: "support-jp"} if mapped else {},
        channel_on={kind: switch_on},
        dm_on={kind: switch_on},
        dm_owner=dms_on,
    )
    decision = decide(happening, settings, owner_email=OWNER_EMAIL)
    targets = [(r.target_kind, r.target) for r in decision.routes]
    if actor_is_owner or not switch_on:
        assert targets == []
    elif dms_on:
        assert targets == [("user", OWNER_EMAIL)]
    else:
        assert targets == [("channel", "support-jp" if mapped else "desk")]
    assert decision.explain()  # there is always a reason to show the admin


def test_unowned_ticket_goes_to_the_channel_even_with_dms_on() -> None:
    happening = Happening((Kind.TICKET_CREATED,), "1", None, OTHER, DEPT)
    decision = decide(happening, RuleSettings(), owner_email=None)
    assert [(r.target_kind, r.target) for r in decision.routes] == [("channel", "desk")]


def test_a_dm_switched_off_falls_back_to_the_channel() -> None:
    happening = Happening((Kind.STATUS_CHANGED,), "1", OWNER, OTHER, DEPT)
    settings = RuleSettings(dm_on={Kind.STATUS_CHANGED: False})
    decision = decide(happening, settings, owner_email=OWNER_EMAIL)
    assert [(r.target_kind, r.target) for r in decision.routes] == [("channel", "desk")]


def test_a_disabled_department_posts_nothing() -> None:
    happening = Happening((Kind.TICKET_CREATED,), "1", None, OTHER, DEPT)
    settings = RuleSettings(disabled_departments=frozenset({DEPT}))
    decision = decide(happening, settings, owner_email=None)
    assert decision.routes == () and "disabled" in decision.explain()


@pytest.mark.parametrize("kind", [Kind.HAPPINESS, Kind.BLUEPRINT])
@pytest.mark.parametrize("dm_on", [True, False])
def test_personal_kinds_go_only_to_the_owner_by_dm(kind: Kind, dm_on: bool) -> None:
    happening = Happening((kind,), "1", OWNER, None, DEPT)
    decision = decide(happening, RuleSettings(dm_on={kind: dm_on}), owner_email=OWNER_EMAIL)
    expected = [("user", OWNER_EMAIL)] if dm_on else []
    assert [(r.target_kind, r.target) for r in decision.routes] == expected


def test_mentions_are_dmed_once_and_never_to_their_author() -> None:
    happening = Happening((Kind.COMMENT_ADDED,), "1", OWNER, OTHER, DEPT)
    decision = decide(
        happening,
        RuleSettings(dm_owner=True),
        owner_email=OWNER_EMAIL,
        actor_email="light@example.com",
        mentioned_emails=[OWNER_EMAIL, "light@example.com", OWNER_EMAIL],
    )
    assert [(r.target_kind, r.target, r.kinds) for r in decision.routes] == [
        ("user", OWNER_EMAIL, (Kind.COMMENT_ADDED, Kind.MENTION))
    ]


def event(event_type: str, payload: dict[str, object], prev: dict[str, object] | None = None):  # type: ignore[no-untyped-def]
    return DeskEvent.model_validate(
        {
            "eventType": event_type,
            "eventTime": "1718102394000",
            "orgId": "700000001",
            "payload": {"id": "77", "departmentId": DEPT, "assigneeId": OWNER, **payload},
            "prevState": prev,
        }
    )


@pytest.mark.parametrize(
    ("event_type", "payload", "prev", "kinds"),
    [
        ("Ticket_Add", {"status": "Open"}, None, (Kind.TICKET_CREATED,)),
        (
            "Ticket_Update",
            {"statusType": "Closed", "status": "Closed"},
            {"statusType": "Open", "status": "Open"},
            (Kind.TICKET_CLOSED,),
        ),
        (
            "Ticket_Update",
            {"statusType": "Open", "status": "Open"},
            {"statusType": "Closed", "status": "Closed"},
            (Kind.TICKET_REOPENED,),
        ),
        (
            "Ticket_Update",
            {"statusType": "On Hold", "status": "On Hold"},
            {"statusType": "Open", "status": "Open"},
            (Kind.STATUS_CHANGED,),
        ),
        ("Ticket_Update", {"assigneeId": OTHER}, {"assigneeId": OWNER}, (Kind.OWNER_CHANGED,)),
        (
            "Ticket_Update",
            {"departmentId": "6000"},
            {"departmentId": DEPT},
            (Kind.DEPARTMENT_CHANGED,),
        ),
        ("Ticket_Update", {"isEscalated": True}, {"isEscalated": False}, (Kind.ESCALATED,)),
        (
            "Ticket_Update",
            {"statusType": "Closed", "status": "Closed", "assigneeId": OTHER},
            {"statusType": "Open", "status": "Open", "assigneeId": OWNER},
            (Kind.TICKET_CLOSED, Kind.OWNER_CHANGED),
        ),
        ("Ticket_Update", {"subject": "new words"}, {"subject": "old words"}, None),
        ("Ticket_Comment_Add", {"ticketId": "77", "content": "hi"}, None, (Kind.COMMENT_ADDED,)),
        (
            "Ticket_Comment_Update",
            {"ticketId": "77", "content": "hi"},
            None,
            (Kind.COMMENT_EDITED,),
        ),
        ("Task_Add", {"ownerId": OWNER, "subject": "Call back"}, None, (Kind.ACTIVITY_CREATED,)),
        (
            "Call_Update",
            {"ownerId": OWNER, "status": "Completed"},
            {"status": "Open"},
            (Kind.ACTIVITY_COMPLETED,),
        ),
        ("Event_Update", {"ownerId": OWNER, "subject": "x"}, {"subject": "y"}, None),
        ("Contact_Add", {}, None, None),
    ],
)
def test_classify(
    event_type: str,
    payload: dict[str, object],
    prev: dict[str, object] | None,
    kinds: tuple[Kind, ...] | None,
) -> None:
    happening = classify(event(event_type, payload, prev))
    assert (happening.kinds if happening else None) == kinds


def test_comment_mentions_are_found() -> None:
    happening = classify(
        event(
            "Ticket_Comment_Add",
            {
                "ticketId": "77",
                "content": "zsu[@user:123]zsu and zsu[@user:456]zsu zsu[@user:123]zsu",
            },
        )
    )
    assert happening is not None and happening.mentioned_zuids == ("123", "456")
    assert happening.ticket_id == "77"


def test_parse_kind_accepts_values_and_labels() -> None:
    assert parse_kind("Due in 1 hour") is Kind.DUE_IN_1H
    assert parse_kind("  comment_edited ") is Kind.COMMENT_EDITED
    assert parse_kind("nonsense") is None


@pytest.mark.parametrize(
    ("typed", "kind"),
    [
        ("1時間後に期限", Kind.DUE_IN_1H),
        ("問い合わせの完了", Kind.TICKET_CLOSED),
        ("ｍｅｎｔｉｏｎ", Kind.MENTION),
        ("DUE IN 30 MINUTES", Kind.DUE_IN_30M),
        ("コメントの　編集", Kind.COMMENT_EDITED),
    ],
)
def test_parse_kind_reads_labels_in_every_language(typed: str, kind: Kind) -> None:
    assert parse_kind(typed) is kind


def test_every_dm_names_the_channel_that_takes_it_if_cliq_refuses_it() -> None:
    """A refused owner DM is never silently lost: the route carries its fallback channel."""
    settings = RuleSettings(channel_map={"d1": "support"})
    decision = decide(
        Happening((Kind.TICKET_CLOSED,), "t1", "owner", "actor", "d1"),
        settings,
        owner_email="owner@example.com",
        actor_email="actor@example.com",
        mentioned_emails=["someone@example.com"],
    )
    assert {(r.target, r.fallback) for r in decision.routes} == {
        ("owner@example.com", "support"),
        ("someone@example.com", "support"),
    }
    assert "posted to #support with an @mention instead" in decision.explain()
    unmapped = decide(
        Happening((Kind.TICKET_CLOSED,), "t1", "owner", "actor", "d2"),
        settings,
        owner_email="owner@example.com",
    )
    assert [r.fallback for r in unmapped.routes] == ["desk"]
