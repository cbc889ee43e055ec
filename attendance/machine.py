"""The status state machine: which moves an agent may make from where they are.

- Checked out (or never checked in): only Check In.
- Checked in, or in any other status: any other status in use, including Check Out, and Check In
  to come back from a break. Breaks and custom statuses are therefore only reachable while
  checked in, and no move may repeat the current status.
An agent left in a status that has since been deleted may still move anywhere allowed above.
"""

from __future__ import annotations

from collections.abc import Sequence

from attendance.errors import MoveRefused
from attendance.models import CHECK_IN, CHECK_OUT, Status
from attendance.words import N_


def is_checked_in(current: int | None) -> bool:
    return current is not None and current != CHECK_OUT


def allowed_moves(current: int | None, statuses: Sequence[Status]) -> list[Status]:
    """The statuses (in their display order) the agent may switch to from `current`."""
    active = [s for s in statuses if not s.deleted]
    if not is_checked_in(current):
        return [s for s in active if s.id == CHECK_IN]
    return [s for s in active if s.id != current]


def check_move(current: int | None, target: Status, statuses: Sequence[Status]) -> None:
    """Raise MoveRefused, naming the allowed moves, unless `target` is allowed from `current`."""
    allowed = allowed_moves(current, statuses)
    if any(s.id == target.id for s in allowed):
        return
    by_id = {s.id: s for s in statuses}
    if target.deleted:
        raise MoveRefused(N_("{status} is no longer in use."), allowed, status=target)
    if not is_checked_in(current) and target.id == CHECK_OUT:
        raise MoveRefused(N_("You are not checked in."), allowed)
    if target.id == current:
        raise MoveRefused(N_("You are already in {status}."), allowed, status=target)
    if not is_checked_in(current):
        raise MoveRefused(
            N_("Check in first: {status} is only possible while checked in."),
            allowed,
            status=target,
        )
    here = by_id[current] if current is not None else None  # pragma: no cover - allowed
    raise MoveRefused(
        N_("{status} is not possible from {current}."), allowed, status=target, current=here
    )
