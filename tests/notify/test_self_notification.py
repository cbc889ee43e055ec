"""SPEC D3 for every notification, derived ones included (issue 11 item 4): whatever the kind
and whichever way a notice would reach them (owner DM, channel post, DM-only kinds such as a
blueprint step, the previous owner of a moved ticket, a mention), nobody is told of what they
did themselves, while everyone else still is."""

from __future__ import annotations

import itertools

import pytest

from bot.notify.classify import Happening
from bot.notify.kinds import Kind
from bot.notify.rules import RuleSettings, decide

ACTOR, OTHER = "9001", "9002"
ACTOR_EMAIL, OTHER_EMAIL = "aiko@example.com", "maria@example.com"
DEPT = "5000"
SETTINGS = [
    RuleSettings(dm_owner=True),
    RuleSettings(dm_owner=False),
    RuleSettings(dm_owner=True, channel_map={DEPT: "support"}),
]


def happening(kind: Kind, *, owner: str | None, actor: str | None) -> Happening:
    return Happening(
        kinds=(kind,),
        ticket_id="1",
        owner_id=owner,
        actor_id=actor,
        department_id=DEPT,
        previous_owner_id=ACTOR if kind is Kind.OWNER_CHANGED else None,
        mentioned_zuids=("70001",),
    )


@pytest.mark.parametrize(
    ("kind", "settings", "spelling"),
    list(itertools.product(list(Kind), SETTINGS, [ACTOR_EMAIL, "  AIKO@Example.com "])),
)
def test_the_owner_acting_tells_nobody_through_any_path(
    kind: Kind, settings: RuleSettings, spelling: str
) -> None:
    """The actor owns the record, was its previous owner and mentioned themselves: no DM, and
    (D3: the owner acted) no channel post either."""
    decision = decide(
        happening(kind, owner=ACTOR, actor=ACTOR),
        settings,
        owner_email=ACTOR_EMAIL,
        actor_email=spelling,
        mentioned_emails=[ACTOR_EMAIL],
        previous_owner_email=ACTOR_EMAIL,
    )
    assert decision.routes == (), decision.explain()
    assert "self-notification" in decision.explain() or "themselves" in decision.explain()


@pytest.mark.parametrize("kind", list(Kind))
def test_the_actor_is_never_sent_a_dm_while_the_owner_still_is(kind: Kind) -> None:
    """Someone else owns the record; the actor was its previous owner and mentions themselves
    and the owner: only the owner hears of it."""
    decision = decide(
        happening(kind, owner=OTHER, actor=ACTOR),
        RuleSettings(),
        owner_email=OTHER_EMAIL,
        actor_email=ACTOR_EMAIL,
        mentioned_emails=[ACTOR_EMAIL, OTHER_EMAIL],
        previous_owner_email=ACTOR_EMAIL,
    )
    targets = {route.target for route in decision.routes}
    assert ACTOR_EMAIL not in targets
    assert targets == {OTHER_EMAIL}, decision.explain()


@pytest.mark.parametrize("kind", list(Kind))
def test_an_actor_desk_does_not_know_by_e_mail_is_matched_by_id(kind: Kind) -> None:
    """The directory could not name the actor (no e-mail), but Desk's ids say the owner acted."""
    decision = decide(
        happening(kind, owner=ACTOR, actor=ACTOR), RuleSettings(), owner_email=ACTOR_EMAIL
    )
    assert decision.routes == ()


def test_a_blueprint_step_the_owner_caused_is_not_sent_to_them() -> None:
    """The reported case: an agent escalates their own ticket from a card, and the blueprint
    step now waiting on them is no news to them."""
    kinds = (Kind.ESCALATED, Kind.STATUS_CHANGED, Kind.BLUEPRINT)
    escalated = Happening(kinds, "1", ACTOR, ACTOR, DEPT)
    decision = decide(escalated, RuleSettings(), owner_email=ACTOR_EMAIL, actor_email=ACTOR_EMAIL)
    assert decision.routes == ()
    by_someone_else = decide(
        Happening(kinds, "1", ACTOR, OTHER, DEPT),
        RuleSettings(),
        owner_email=ACTOR_EMAIL,
        actor_email=OTHER_EMAIL,
    )
    [route] = by_someone_else.routes
    assert route.target == ACTOR_EMAIL and Kind.BLUEPRINT in route.kinds


def test_taking_a_ticket_tells_the_previous_owner_only() -> None:
    """Assign to me: the new owner acted (no notice to them, none to the channel); the agent it
    was taken from is told by DM. Giving a ticket away tells the new owner only."""
    taken = Happening((Kind.OWNER_CHANGED,), "1", ACTOR, ACTOR, DEPT, previous_owner_id=OTHER)
    decision = decide(
        taken,
        RuleSettings(),
        owner_email=ACTOR_EMAIL,
        actor_email=ACTOR_EMAIL,
        previous_owner_email=OTHER_EMAIL,
    )
    assert [(r.target_kind, r.target) for r in decision.routes] == [("user", OTHER_EMAIL)]
    given = Happening((Kind.OWNER_CHANGED,), "1", OTHER, ACTOR, DEPT, previous_owner_id=ACTOR)
    decision = decide(
        given,
        RuleSettings(),
        owner_email=OTHER_EMAIL,
        actor_email=ACTOR_EMAIL,
        previous_owner_email=ACTOR_EMAIL,
    )
    assert [(r.target_kind, r.target) for r in decision.routes] == [("user", OTHER_EMAIL)]
