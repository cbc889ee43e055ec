"""The attendance sweep: stores the 24-hour automatic check-outs as they fall due
(attendance/machine.py). Reads are right without it; it makes the stored log match them."""

from __future__ import annotations

import logging

from attendance.service import AttendanceService
from bot.clock import Clock
from bot.store.db import StoreUnavailable

log = logging.getLogger(__name__)

EVERY_SECONDS = 60.0
"""Seconds between sweeps."""


async def sweep_attendance(attendance: AttendanceService, clock: Clock) -> None:
    """Sweep every `EVERY_SECONDS` of `clock` until cancelled; a failed sweep is logged and
    retried at the next one (a store that cannot be written is waited out)."""
    while True:
        try:
            await attendance.sweep()
        except StoreUnavailable as exc:  # reads stay right; stored at the next sweep
            log.warning("attendance sweep waits: the store cannot be written (%s)", exc.reason)
        except Exception:
            log.exception("attendance sweep failed")
        await clock.sleep(EVERY_SECONDS)
