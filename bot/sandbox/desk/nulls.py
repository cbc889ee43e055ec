"""Desk sends `null` for collections its documents type as nullable; the sandbox does too.

Zoho's OpenAPI documents type many collections as `["null", "array"]` / `["null", "object"]`
(Agent.json `associatedDepartmentIds`, Ticket.json `cf` and `sharedDepartments`, Team.json
`agents`/`derivedAgents`/`subTeams`, TicketComment.json `attachments`/`mention`). The sandbox
answers `null` for an empty one on about half of the records, chosen by the seed and the
record's id, so the same seed always gives the same answers and clients meet both forms.
"""

from __future__ import annotations

import hashlib
from typing import Any

NULLABLE: dict[str, tuple[str, ...]] = {
    "agent": ("associatedDepartmentIds",),
    "ticket": ("cf", "sharedDepartments", "secondaryContacts"),
    "team": ("agents", "derivedAgents", "subTeams"),
    "comment": ("attachments", "mention"),
}
EMPTY: dict[str, Any] = {"cf": {}}


def picked(seed: int, record_id: str, salt: str = "") -> bool:
    """True for about half of the records: the same for the same seed, id and salt."""
    digest = hashlib.sha256(f"{seed}:{salt}:{record_id}".encode()).digest()
    return digest[0] % 2 == 0


def as_sent(kind: str, doc: dict[str, Any], seed: int) -> dict[str, Any]:
    """`doc` as Desk would send it: each nullable collection present, empty ones as null on the
    records `picked` for that field."""
    sent = dict(doc)
    for field in NULLABLE[kind]:
        value = sent.get(field)
        if value is None:
            value = EMPTY.get(field, [])
            sent[field] = value
        if not value and picked(seed, str(doc.get("id")), field):
            sent[field] = None
    return sent
