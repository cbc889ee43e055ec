"""The wire models parse every fixture, coerce Desk's scalars and give the wire form back."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest
from hypothesis import given
from hypothesis import strategies as st
from pydantic import ValidationError

from bot.desk import models as m
from tests.desk_client.fixtures import load


def test_ticket_fixture_parses_with_strings_ints_and_aware_times() -> None:
    ticket = m.Ticket.model_validate(load("ticket"))
    assert ticket.id == "1166045000005133186"
    assert ticket.ticket_number == "4863"
    assert ticket.thread_count == 1 and ticket.comment_count == 0
    assert ticket.created_time == datetime(2026, 2, 23, 4, 20, 19, tzinfo=UTC)
    assert ticket.due_date is not None and ticket.due_date.tzinfo is not None
    assert ticket.response_due_date is None
    assert ticket.assignee is not None and ticket.assignee.address == "marko@acme.com"
    assert ticket.assignee.display_name == "Marko M"
    assert ticket.department is not None and ticket.department.name == "Support"
    assert ticket.contact is not None and ticket.contact.display_name == "Mary"
    assert ticket.cf == {"cf_escalation_signal": None}
    assert not ticket.is_closed and not ticket.is_unassigned


def test_ticket_round_trips_to_the_same_wire_json() -> None:
    raw = load("ticket")
    wire = m.Ticket.model_validate(raw).to_wire()
    # every key the model knows comes back exactly as Desk sent it (strings, `Z` times, nulls)
    for key, value in wire.items():
        assert raw[key] == value, key
    assert "description" in wire and "chatStatus" not in wire


def test_numbers_become_string_ids_and_strings_become_counts() -> None:
    ticket = m.Ticket.model_validate(
        {"id": 1166045000005133186, "assigneeId": 42, "threadCount": " 7 ", "taskCount": 3.0}
    )
    assert ticket.id == "1166045000005133186" and ticket.assignee_id == "42"
    assert ticket.thread_count == 7 and ticket.task_count == 3
    assert ticket.to_wire()["threadCount"] == "7"


@pytest.mark.parametrize("bad", [{"id": True}, {"id": "1", "threadCount": "many"}])
def test_bad_scalars_are_rejected(bad: dict) -> None:
    with pytest.raises(ValidationError):
        m.Ticket.model_validate(bad)


@pytest.mark.parametrize(
    "raw",
    [
        "2026-02-23T04:20:19.000Z",
        "2026-02-23T04:20:19Z",
        "2026-02-23T09:50:19.000+05:30",
        "2026-02-23T04:20:19",
        1771820419000,
        "1771820419000",
    ],
)
def test_times_parse_aware_utc_and_serialise_with_z(raw: object) -> None:
    ticket = m.Ticket.model_validate({"id": "1", "createdTime": raw})
    assert ticket.created_time == datetime(2026, 2, 23, 4, 20, 19, tzinfo=UTC)
    assert ticket.created_time.utcoffset() == timedelta(0)
    assert ticket.to_wire()["createdTime"] == "2026-02-23T04:20:19.000Z"


def test_format_time_rejects_naive_and_converts_zones() -> None:
    zone = timezone(timedelta(hours=2))
    assert m.format_time(datetime(2026, 1, 1, 2, 0, 0, 123456, tzinfo=zone)) == (
        "2026-01-01T00:00:00.123Z"
    )
    with pytest.raises(ValueError):
        m.format_time(datetime(2026, 1, 1))


def test_list_and_search_fixtures() -> None:
    listed = [m.Ticket.model_validate(t) for t in load("tickets_list")["data"]]
    assert [t.ticket_number for t in listed] == ["4863", "4862"]
    assert listed[1].is_unassigned and listed[1].status_type == "On Hold"
    assert listed[0].last_thread is not None and listed[0].last_thread.direction == "in"
    found = m.Ticket.model_validate(load("tickets_search")["data"][0])
    assert found.assignee is not None and found.assignee.address == "marko@acme.com"
    assert found.assignee.zuid == "898129712" and found.is_over_due is False


def test_people_fixtures() -> None:
    me = m.Agent.model_validate(load("myinfo"))
    assert me.email == "marko@acme.com" and me.associated_department_ids == ["1166045000000006907"]
    agents = [m.Agent.model_validate(a) for a in load("agents")["data"]]
    assert agents[1].display_name == "Jade Tywin"
    departments = [m.Department.model_validate(d) for d in load("departments")["data"]]
    assert departments[0].is_assign_to_team_enabled and not departments[1].is_assign_to_team_enabled
    teams = [m.Team.model_validate(t) for t in load("teams")["teams"]]
    assert teams[0].agents == ["1166045000000384009"] and teams[1].name == "Printers"


def test_status_field_lists_statuses_and_plain_picklists() -> None:
    fields = [m.OrganizationField.model_validate(f) for f in load("organization_fields")["data"]]
    status = next(f for f in fields if f.api_name == "status")
    assert status.allowed_values is not None
    assert ("Escalated", "Open") in [(v.value, v.status_type) for v in status.allowed_values]
    plain = m.OrganizationField.model_validate(
        {"apiName": "priority", "allowedValues": ["High", "Low"]}
    )
    assert plain.allowed_values is not None and plain.allowed_values[1].value == "Low"


def test_counts_by_field_values_case_insensitive() -> None:
    counts = m.TicketsCountByFieldValues.model_validate(load("tickets_count_by_field_values"))
    assert counts.count_of("statusType", "Open") == 13
    assert counts.count_of("statusType", "On Hold") == 0
    assert counts.count_of("status", "Escalated") == 4
    assert counts.count_of("priority", "low") == 0
    assert counts.over_due == 2 and counts.escalated == 10
    with pytest.raises(ValueError):
        counts.count_of("overDue", "x")
    assert m.TicketCount.model_validate({"count": "17"}).count == 17
    assert m.TicketCount.model_validate(load("tickets_count")).to_wire() == {"count": 200}


def test_happiness_comment_thread_blueprint_webhook() -> None:
    ratings = [m.HappinessRating.model_validate(r) for r in load("customer_happiness")["data"]]
    assert [r.level for r in ratings] == ["GOOD", "BAD"]
    assert ratings[0].ticket is not None and ratings[0].ticket.ticket_number == "4863"
    assert m.HappinessRating.model_validate({"id": 1, "rating": "ok"}).level == "OK"

    comment = m.Comment.model_validate(load("comment"))
    assert comment.is_public is False and comment.commenter is not None
    mentioned = m.Comment.model_validate(load("comments")["data"][0])
    assert mentioned.mention[0].zuid == "898129712" and mentioned.mention[0].length == 24

    thread = m.Thread.model_validate(load("thread"))
    assert thread.direction == "out" and thread.author is not None
    assert thread.author.name == "Marko M"

    blueprint = m.Blueprint.model_validate(load("blueprint"))
    assert [t.name for t in blueprint.pending_for("1166045000000384009")] == ["Escalate"]
    assert blueprint.pending_for("someone-else") == []

    webhook = m.Webhook.model_validate(load("webhook"))
    assert webhook.subscriptions["Ticket_Comment_Add"] is None
    assert webhook.subscriptions["Ticket_Update"] == {"includePrevState": True}


def test_event_delivery_parses_and_dedupes() -> None:
    events = [m.DeskEvent.model_validate(e) for e in load("events")]
    update, comment = events
    assert update.event_time == datetime(2026, 2, 23, 6, 0, tzinfo=UTC)
    assert update.module == "Ticket" and update.ticket().is_closed
    assert update.changed() == {"status", "statusType", "closedTime"}
    assert update.dedupe_key == "Ticket_Update:1166045000005133186:1771826400000"
    assert update.to_wire()["eventTime"] == "1771826400000"
    assert comment.module == "Ticket_Comment" and comment.comment().ticket_id is not None
    assert comment.prev_state is None and comment.changed() == set()


def test_unknown_fields_are_ignored_everywhere() -> None:
    agent = m.Agent.model_validate({"id": "1", "brandNewField": {"x": 1}})
    assert agent.to_wire() == {"id": "1"}


@given(st.datetimes(timezones=st.just(UTC)))
def test_any_aware_time_round_trips_to_the_millisecond(moment: datetime) -> None:
    expected = moment.replace(microsecond=moment.microsecond // 1000 * 1000)
    assert m.parse_time(m.format_time(moment)) == expected


# Every collection Desk's OpenAPI documents type as nullable, with the model that carries it:
# `null` reads as empty, never as a ValidationError (Agent.json, Ticket.json, Team.json,
# TicketComment.json, Webhook.json, EntityBlueprints via the blueprint answer).
NULLABLE_COLLECTIONS = [
    (m.Agent, {"id": "1"}, "associatedDepartmentIds", "associated_department_ids", []),
    (m.Ticket, {"id": "1"}, "cf", "cf", {}),
    (m.Ticket, {"id": "1"}, "sharedDepartments", "shared_departments", []),
    (m.Comment, {"id": "1"}, "attachments", "attachments", []),
    (m.Comment, {"id": "1"}, "mention", "mention", []),
    (m.Team, {"id": "1"}, "agents", "agents", []),
    (m.Team, {"id": "1"}, "derivedAgents", "derived_agents", []),
    (m.Team, {"id": "1"}, "subTeams", "sub_teams", []),
    (m.Blueprint, {"id": "1"}, "transitions", "transitions", []),
    (m.Transition, {"id": "1"}, "owners", "owners", []),
    (m.TransitionOwner, {}, "agentIds", "agent_ids", []),
    (m.TransitionOwner, {}, "teamIds", "team_ids", []),
    (m.Webhook, {"id": "1"}, "subscriptions", "subscriptions", {}),
]


@pytest.mark.parametrize(("model", "base", "wire", "attribute", "empty"), NULLABLE_COLLECTIONS)
def test_desk_models_accept_null_wherever_desk_documents_it(
    model: type[m.DeskModel], base: dict[str, object], wire: str, attribute: str, empty: object
) -> None:
    parsed = model.model_validate({**base, wire: None})
    assert getattr(parsed, attribute) == empty


def test_a_count_row_without_a_value_is_read_and_never_matches() -> None:
    counts = m.TicketsCountByFieldValues.model_validate(
        {"priority": [{"value": None, "count": "3"}, {"value": "high", "count": "2"}]}
    )
    assert counts.count_of("priority", "High") == 2
