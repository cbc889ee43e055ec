"""Replaying an agent's log into a timeline of status segments (pure, no I/O).

State is derived, never stored: the agent's status at time t is the status of the last event at
or before t (ties broken by log order, so a later correction at the same instant wins). A
*session* opens when an agent leaves Check Out (or has no state) and closes at the next Check
Out. The 24-hour rule (SPEC A3) is applied here, during replay: a session still open 24 hours
after it opened is closed at exactly that mark, whether or not that check-out was ever stored.
So every read is right even if the process was down at the deadline; `log.settle` then stores
those synthetic check-outs so the log itself tells the same story.

All times are epoch milliseconds, which keeps replaying a month of a thousand agents cheap.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import timedelta
from typing import NamedTuple

from attendance.models import AUTO_CHECKOUT_AFTER, CHECK_OUT

DEADLINE_MS = AUTO_CHECKOUT_AFTER // timedelta(milliseconds=1)


class Step(NamedTuple):
    """What replay needs of an event: when, which status, its type then, and if automatic."""

    at: int
    status_id: int
    online: bool
    automatic: bool = False


@dataclass(slots=True)
class Segment:
    """[start, end) spent in one status. `opens`: this segment began a session (a check-in).
    `closes`: it is the Check Out that ended one; `automatic` when that was the 24-hour rule."""

    start: int
    end: int
    status_id: int
    online: bool
    opens: bool = False
    closes: bool = False
    automatic: bool = False


@dataclass(slots=True)
class Replay:
    segments: list[Segment] = field(default_factory=list)
    auto_checkouts: list[int] = field(default_factory=list)  # synthetic check-outs applied
    session_start: int | None = None  # of the session open at `until`, when known


def replay(
    steps: Iterable[Step],
    until: int,
    *,
    start: int | None = None,
    initial: Step | None = None,
) -> Replay:
    """Segments from `start` (or the first step) to `until`, steps sorted in log order.

    `initial` is the last event before `start`: the agent's state when the window opens. Its
    session start is unknown, so the 24-hour rule is not applied to it; callers settle the log
    first (see `log.settle`), which guarantees that session is under 24 hours old at `until`.
    Steps after `until` are ignored.
    """
    out = Replay()
    segments = out.segments
    current: Segment | None = None
    session: int | None = None
    if initial is not None and start is not None and initial.at <= start:
        current = Segment(start, start, initial.status_id, initial.online)

    def switch(at: int, status_id: int, online: bool, automatic: bool) -> Segment:
        checked_out = current is None or current.status_id == CHECK_OUT
        if current is not None:
            current.end = at
            segments.append(current)
        return Segment(
            at,
            at,
            status_id,
            online,
            opens=checked_out and status_id != CHECK_OUT,
            closes=not checked_out and status_id == CHECK_OUT,
            automatic=automatic and status_id == CHECK_OUT,
        )

    for step in steps:
        if session is not None and step.at > session + DEADLINE_MS <= until:
            current = switch(session + DEADLINE_MS, CHECK_OUT, False, True)
            out.auto_checkouts.append(session + DEADLINE_MS)
            session = None
        if step.at > until:
            break
        if start is not None and step.at < start:
            continue
        if current is not None and current.status_id == step.status_id:
            continue  # a repeated status (only corrections can make one) changes nothing
        current = switch(step.at, step.status_id, step.online, step.automatic)
        if step.status_id == CHECK_OUT:
            session = None
        elif current.opens:
            session = step.at
    if session is not None and session + DEADLINE_MS <= until:
        current = switch(session + DEADLINE_MS, CHECK_OUT, False, True)
        out.auto_checkouts.append(session + DEADLINE_MS)
        session = None
    if current is not None:
        current.end = until
        segments.append(current)
    out.session_start = session
    return out
