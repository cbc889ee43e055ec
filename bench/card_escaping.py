"""What showing people's text literally costs: building a ticket card and a notification with
escaping (bot/cliq/markup.py) against the same builds with escaping switched off, in one run.

Run by hand (not by CI):

    .venv/bin/python bench/card_escaping.py [--rounds 20000]

Each build is the real card code (jinja2 template, the outbound structs, limits) for a ticket whose
subject, customer and names are plain text, then for one full of Cliq markup. "Off" replaces the
escaping function by one returning its input, everywhere it is used, so the difference is the
escaping alone. The two are measured in turn, five times, and the best of each is kept. Prints
microseconds per pair of cards and the ratio on/off.
"""

from __future__ import annotations

import argparse
import functools
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from typing import Any
from zoneinfo import ZoneInfo

import bot.cards.text as card_text
import bot.cliq.markup as markup
import bot.cliq.outbound as outbound
from bot.cards.notifications import notification_card
from bot.cards.tickets import ticket_card
from bot.desk.tickets import Ticket
from bot.i18n import ENGLISH
from bot.notify.classify import Happening
from bot.notify.kinds import Kind
from bot.notify.readers import Reader

NOW = datetime(2026, 3, 2, 1, 0, tzinfo=UTC)
ZONE = ZoneInfo("Asia/Tokyo")
READER = Reader(ZONE, role="agent", agent_id="9")


def ticket(subject: str, email: str) -> Ticket:
    return Ticket.model_validate(
        {
            "id": "1166045000000000115",
            "ticketNumber": "115",
            "subject": subject,
            "status": "Open",
            "priority": "High",
            "email": email,
            "assigneeId": "1",
            "departmentId": "2",
            "dueDate": "2026-03-02T02:00:00.000Z",
            "modifiedTime": "2026-03-02T00:00:00.000Z",
            "webUrl": "https://desk.zoho.com/support/acme/ShowHomePage.do#Cases/dv/115",
        }
    )


CASES = {
    "plain": (ticket("Printer on fire", "mary@customer.com"), {"1": "Aiko Tanaka", "2": "Support"}),
    "hostile": (
        ticket("Refund please {@all} *50% off* # SALE [x](https://e.x)", "john_doe@x.com"),
        {"1": "_Aiko_ ~T~ `x`", "2": "{#general} > Support"},
    ),
}


def build(case: str) -> None:
    item, names = CASES[case]
    ticket_card(item, now=NOW, zone=ZONE, names=names, viewer_agent_id="9", words=ENGLISH).to_json()
    happening = Happening((Kind.TICKET_CLOSED,), item.id, "1", "1", "2", subject=item.subject)
    notification_card(
        (Kind.TICKET_CLOSED,),
        happening,
        item,
        reader=READER,
        now=NOW,
        names=names,
        actor=names["1"],
    ).to_json()


@contextmanager
def escaping_off() -> Iterator[None]:
    def same(text: object, **_: Any) -> Any:
        return text if isinstance(text, str) else ("" if text is None else str(text))

    saved = (markup.escape, outbound.plain, card_text.escape)
    markup.escape, outbound.plain, card_text.escape = same, same, same  # type: ignore[assignment]
    try:
        yield
    finally:
        markup.escape, outbound.plain, card_text.escape = saved


def per_card(run: Callable[[], None], rounds: int) -> float:
    """CPU microseconds per call, over `rounds` calls (CPU time: the machine is shared)."""
    start = time.process_time()
    for _ in range(rounds):
        run()
    return (time.process_time() - start) / rounds * 1e6


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rounds", type=int, default=4000)
    rounds = parser.parse_args().rounds
    for case in CASES:
        run = functools.partial(build, case)
        on, off = float("inf"), float("inf")
        for _ in range(5):  # interleaved, best of five: the machine is shared
            on = min(on, per_card(run, rounds))
            with escaping_off():
                off = min(off, per_card(run, rounds))
        print(
            f"{case:8} ticket + notification card: {on:7.1f} µs escaped, {off:7.1f} µs not:"
            f" {on / off:.2f}×"
        )


if __name__ == "__main__":
    main()
