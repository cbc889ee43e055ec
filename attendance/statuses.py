"""Status definitions (SPEC A1): four defaults, renaming, up to 20 custom statuses, deletion.

Check In (Online) and Check Out (Offline) can be renamed but never deleted or retyped; Meal Break
and Short Break (both Offline) can be deleted. Deletion is soft, so past events keep their name
and reports of earlier days still show the time spent in a status that no longer exists.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Callable, Iterable
from typing import Any

from attendance.errors import StatusError, UnknownStatus
from attendance.models import CHECK_IN, CHECK_OUT, MEAL_BREAK, SHORT_BREAK, Status, StatusType
from attendance.words import DEFAULT_NAMES, N_
from bot.store.db import Database

MAX_CUSTOM = 20
MAX_NAME = 40
"""A status name's most characters, once its spaces are folded (`clean_name`)."""
MAX_SENT = 4 * MAX_NAME
"""The most characters read of a name as sent, spaces included (more is refused unread)."""

DEFAULTS: list[tuple[int, str, StatusType]] = [
    (CHECK_IN, DEFAULT_NAMES[CHECK_IN], StatusType.ONLINE),
    (CHECK_OUT, DEFAULT_NAMES[CHECK_OUT], StatusType.OFFLINE),
    (MEAL_BREAK, DEFAULT_NAMES[MEAL_BREAK], StatusType.OFFLINE),
    (SHORT_BREAK, DEFAULT_NAMES[SHORT_BREAK], StatusType.OFFLINE),
]

_COLUMNS = "id, name, type, builtin, deleted, renamed"

DefaultWords = Callable[[int], Iterable[str]]
"""A default status's id -> its default name in every language (how people may type it)."""


def english_only(status_id: int) -> list[str]:
    """The default words when no catalog is at hand: the English default name."""
    return [name for sid, name, _ in DEFAULTS if sid == status_id]


def name_key(text: str) -> str:
    """How a typed status name is compared: Unicode compatibility form (full-width letters and
    digits as ASCII), case folded, every space removed ('ｍｅａｌ　ｂｒｅａｋ', '食事 休憩' and
    'MealBreak' read as 'mealbreak' and '食事休憩')."""
    return "".join(unicodedata.normalize("NFKC", text).split()).casefold()


def _as_written(text: str) -> str:
    """`text` with width and spacing forgiven but its case kept (see `name_key`)."""
    return " ".join(unicodedata.normalize("NFKC", text).split())


def _status(row: Any) -> Status:
    return Status(
        id=row["id"],
        name=row["name"],
        type=StatusType(row["type"]),
        builtin=bool(row["builtin"]),
        deleted=bool(row["deleted"]),
        renamed=bool(row["renamed"]),
    )


INVISIBLE = frozenset({"Cc", "Cf", "Cs", "Co", "Cn", "Zl", "Zp"})
"""Unicode general categories a status name may not hold: control characters (NUL, line
breaks, tabs), format marks (zero-width spaces, bidi overrides), surrogates, private-use and
unassigned code points, line and paragraph separators."""

ZWJ = "\u200d"
"""The zero-width joiner: allowed only inside an emoji sequence (between two symbols)."""


def has_invisible(name: str) -> bool:
    """Whether `name` holds a character of `INVISIBLE` (a zero-width joiner inside an emoji
    aside): the one test for every name an admin gives (statuses here, channels in
    bot.notify.changes)."""
    for i, char in enumerate(name):
        if unicodedata.category(char) not in INVISIBLE:
            continue
        if char == ZWJ and 0 < i < len(name) - 1:
            around = unicodedata.category(name[i - 1]), unicodedata.category(name[i + 1])
            if all(c in ("So", "Sk", "Mn") for c in around):
                continue  # 👩‍💻: one emoji of joined symbols
        return True
    return False


def clean_name(name: str) -> str:
    """A status name as typed (chat or console, add or rename) → as kept: Unicode NFC, runs of
    spaces (any Unicode space) as one, none at the ends. Raises StatusError (said in the
    reader's language) when it is empty, longer than MAX_NAME characters (or sent with more than
    `MAX_SENT` characters, spaces included), or holds a control character or invisible mark
    (`INVISIBLE`), which a person could neither see nor type back. The one place the limit is
    said: the console and chat refuse with this message."""
    if len(name) > MAX_SENT:
        raise StatusError(N_("A status name can have at most {most} characters."), most=MAX_NAME)
    if has_invisible(name):
        raise StatusError(
            N_(
                "A status name cannot hold control characters or invisible marks (line breaks,"
                " tabs, zero-width spaces, direction marks); type it again."
            )
        )
    cleaned = " ".join(unicodedata.normalize("NFC", name).split())
    if not cleaned:
        raise StatusError(N_("A status needs a name."))
    if len(cleaned) > MAX_NAME:
        raise StatusError(N_("A status name can have at most {most} characters."), most=MAX_NAME)
    return cleaned


def _type(value: StatusType | str) -> StatusType:
    try:
        return StatusType(str(value).strip().lower())
    except ValueError:
        raise StatusError(N_("A status type is Online or Offline.")) from None


class StatusBook:
    """The status definitions kept in the database (no process-memory cache, DESIGN §8).

    `words` gives each default status's name in every language, so '出勤' and 'Check In' both
    find Check In whatever it is called now (default: English only)."""

    def __init__(self, db: Database, words: DefaultWords = english_only) -> None:
        self._db = db
        self._words = words

    async def seed_defaults(self) -> None:
        """Insert the four defaults if missing (first start, and after a purge)."""
        async with self._db.transaction() as tx:
            for position, (sid, name, kind) in enumerate(DEFAULTS):
                await tx.execute(
                    "INSERT INTO attendance_statuses (id, name, type, builtin, deleted, position)"
                    " VALUES (?, ?, ?, 1, 0, ?) ON CONFLICT (id) DO NOTHING",
                    (sid, name, kind.value, position),
                )

    async def all(self, *, include_deleted: bool = False) -> list[Status]:
        where = "" if include_deleted else " WHERE deleted = 0"
        rows = await self._db.fetchall(
            f"SELECT {_COLUMNS} FROM attendance_statuses{where} ORDER BY position, id"
        )
        return [_status(row) for row in rows]

    async def get(self, ref: int | str, *, include_deleted: bool = False) -> Status:
        """A status by id, or by name among the statuses in use: its name as it is now (width,
        case and spaces forgiven, see `name_key`), else a default's name in any language (even
        once renamed: the product's words keep working). Raises UnknownStatus."""
        statuses = await self.all(include_deleted=include_deleted)
        if isinstance(ref, int):
            found = next((s for s in statuses if s.id == ref), None)
        else:
            found = self._named(statuses, ref)
        if found is None:
            raise UnknownStatus(N_("There is no status “{name}”."), name=str(ref)[:40])
        return found

    def _named(self, statuses: list[Status], name: str) -> Status | None:
        key = name_key(name)
        for status in statuses:
            if name_key(status.name) == key:
                return status
        for status in statuses:
            if status.builtin and key in {name_key(w) for w in self._words(status.id)}:
                return status
        return None

    async def add(self, name: str, type: StatusType | str) -> Status:
        name, kind = clean_name(name), _type(type)
        async with self._db.transaction() as tx:
            await self._check_free(tx, name)
            count, _ = await tx.fetchone(
                "SELECT COUNT(*), COALESCE(MAX(position), 0) FROM attendance_statuses"
                " WHERE builtin = 0 AND deleted = 0"
            ) or (0, 0)  # an aggregate: always one row
            if count >= MAX_CUSTOM:
                raise StatusError(
                    N_(
                        "You already have {most} custom statuses, the most allowed."
                        " Delete one to add another."
                    ),
                    most=MAX_CUSTOM,
                )
            position, new_id = await tx.fetchone(
                "SELECT COALESCE(MAX(position), 0) + 1, COALESCE(MAX(id), 0) + 1"
                " FROM attendance_statuses"
            ) or (1, 1)  # always one row
            await tx.execute(
                "INSERT INTO attendance_statuses (id, name, type, builtin, deleted, position)"
                " VALUES (?, ?, ?, 0, 0, ?)",
                (max(new_id, SHORT_BREAK + 1), name, kind.value, position),
            )
        return await self.get(name)

    async def rename(self, ref: int | str, new_name: str) -> Status:
        """Rename a status. A default renamed to its own default name in any language, as
        written (小休憩 → 小休憩, 'Short Break'; width and spacing forgiven, case kept: 'short
        break' is a rename), gets its default name back (see `restore`)."""
        status, name = await self.get(ref), clean_name(new_name)
        if status.builtin and _as_written(name) in {_as_written(w) for w in self._words(status.id)}:
            return await self.restore(status.id)
        async with self._db.transaction() as tx:
            await self._check_free(tx, name, except_id=status.id)
            await tx.execute(
                "UPDATE attendance_statuses SET name = ?, renamed = 1 WHERE id = ?",
                (name, status.id),
            )
        return await self.get(status.id)

    async def restore(self, ref: int | str) -> Status:
        """Give a default status its default name back: not `renamed` any more, so each reader
        sees it in their language again. Raises StatusError for a custom status (it has no
        default name), or when another status now holds the default name."""
        status = await self.get(ref)
        default = next((name for sid, name, _ in DEFAULTS if sid == status.id), None)
        if default is None or not status.builtin:
            raise StatusError(
                N_("{status} is a custom status: it has no default name to go back to."),
                status=status,
            )
        async with self._db.transaction() as tx:
            for word in {default, *self._words(status.id)}:
                await self._check_free(tx, word, except_id=status.id)
            await tx.execute(
                "UPDATE attendance_statuses SET name = ?, renamed = 0 WHERE id = ?",
                (default, status.id),
            )
        return await self.get(status.id)

    async def retype(self, ref: int | str, type: StatusType | str) -> Status:
        status, kind = await self.get(ref), _type(type)
        if not status.retypable:
            raise StatusError(
                N_("The type of {status} is fixed ({type})."), status=status, type=status.type
            )
        await self._db.execute(
            "UPDATE attendance_statuses SET type = ? WHERE id = ?", (kind.value, status.id)
        )
        return await self.get(status.id)

    async def delete(self, ref: int | str) -> Status:
        status = await self.get(ref)
        if not status.deletable:
            raise StatusError(N_("{status} cannot be deleted."), status=status)
        await self._db.execute(
            "UPDATE attendance_statuses SET deleted = 1 WHERE id = ?", (status.id,)
        )
        return await self.get(status.id, include_deleted=True)

    async def _check_free(self, tx: Any, name: str, except_id: int | None = None) -> None:
        """Refuse `name` when typing it would find another status: one named alike (see
        `name_key`), or a default whose name is `name` in some language."""
        rows = await tx.fetchall(f"SELECT {_COLUMNS} FROM attendance_statuses WHERE deleted = 0")
        key = name_key(name)
        for status in map(_status, rows):
            if status.id == except_id:
                continue
            words = [status.name, *(self._words(status.id) if status.builtin else ())]
            if key in {name_key(w) for w in words}:
                raise StatusError(N_("There is already a status named {status}."), status=status)
