"""Who reads a post, and so the zone its times are shown in, the language it is written in
(issue 13) and the actions it offers (SPEC X2, D4, D5). The one place that chooses a reader's
zone and language:

- a reply is read by the person who called: Cliq's `user.timezone` on that call (`Context`);
- a DM is read by its recipient: the zone their Cliq last told us (`bot/store/zones.py`), else
  their Desk agent profile's `timeZone`, else the configured default (`[notifications]
  digest_zone`);
- a channel post is read by everyone there: the place's configured zone (`department_zones` for
  a department's own channel, `digest_zone` for the org channel).

Languages follow the same order: a reply's is Cliq's `user.language` on that call
(`Context.words`); a DM's is the language their Cliq last sent, else their Desk profile's
`langCode`, else the default (`[bot] language`); a channel post's is the place's: for a
department's own channel an admin's choice (`/deskbot language`, kept with the settings), else
its `[notifications] department_languages` entry, else the org channel's; for the org channel
`[notifications] language`, else the default.

Times in DMs and channel posts name their zone (`bot/cards/when.py`), since their readers may
be elsewhere; a reply's do not.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from typing import Protocol
from zoneinfo import ZoneInfo

from bot.clock import zone_named
from bot.desk.people import Agent
from bot.i18n import ENGLISH, Languages, Words
from bot.identity.directory import Role, role_of


@dataclass(frozen=True)
class Reader:
    """One post's reader: `zone` for its times, `words` for its text (bot/i18n), `labelled` when
    the times name their zone, `role` and `agent_id` for the actions offered (None: a channel,
    read by every role)."""

    zone: ZoneInfo
    labelled: bool = True
    role: Role | None = None
    agent_id: str | None = None
    words: Words = ENGLISH


class ZoneMemory(Protocol):
    async def zone_of(self, email: str) -> ZoneInfo | None: ...

    async def language_of(self, email: str) -> str | None: ...


class AgentLookup(Protocol):
    async def by_email(self, email: str) -> Agent | None: ...


UTC = ZoneInfo("UTC")


class Readers:
    """`default_zone` and `place_zones` (department id → zone name) are `[notifications]
    digest_zone` and `department_zones`; names that are not IANA zones count as UTC.
    `languages` holds the default language; `place_languages` gives a channel's (department id
    → language tag, None → the org channel's; a tag the bot does not speak counts as the
    default), and `chosen_languages` reads the admins' choices for department channels
    (`Settings.place_languages`), which win over `place_languages`."""

    def __init__(
        self,
        *,
        zones: ZoneMemory,
        agents: AgentLookup,
        default_zone: str,
        place_zones: Mapping[str, str],
        languages: Languages | None = None,
        place_languages: Mapping[str | None, str] | None = None,
        chosen_languages: Callable[[], Awaitable[Mapping[str, str]]] | None = None,
    ) -> None:
        self._zones, self._agents = zones, agents
        self._default = zone_named(default_zone) or UTC
        self._places = dict(place_zones)
        self.languages = languages or Languages()
        self._place_languages = dict(place_languages or {})
        self._chosen = chosen_languages

    async def person(self, email: str) -> Reader:
        """A DM's reader, by e-mail. Raises the directory's DeskError only for a person never
        seen while Desk cannot be read."""
        agent = await self._agents.by_email(email)
        zone = await self._zones.zone_of(email)
        if zone is None and agent is not None:
            zone = zone_named(agent.time_zone)
        said = await self._zones.language_of(email)
        return Reader(
            zone=zone or self._default,
            role=role_of(agent) if agent else None,
            agent_id=agent.id if agent else None,
            words=self.languages.first(said, agent.lang_code if agent else None),
        )

    async def place(self, department_id: str | None = None) -> Reader:
        """A channel post's reader: the department's own channel (`department_id`) or, with
        None, the org channel."""
        name = self._places.get(department_id) if department_id else None
        return Reader(
            zone=(zone_named(name) if name else None) or self._default,
            words=self.languages.words(await self.place_language(department_id)),
        )

    async def place_language(self, department_id: str | None = None) -> str:
        """The language code of the org channel (None) or of `department_id`'s own channel."""
        org = self.languages.code(self._place_languages.get(None)) or self.languages.default
        if department_id is None:
            return org
        chosen = await self._chosen() if self._chosen is not None else {}
        for tag in (chosen.get(department_id), self._place_languages.get(department_id)):
            code = self.languages.code(tag)
            if code is not None:
                return code
        return org

    async def of(
        self,
        target_kind: str,
        target: str,
        department_channel: str | None,
        department_id: str | None,
    ) -> Reader:
        """The reader of a post to `target` (`"user"` e-mail or `"channel"` unique name);
        `department_channel` is the channel mapped to `department_id`, if any (a post there is
        read in the department's zone, one to any other channel in the org's)."""
        if target_kind == "user":
            return await self.person(target)
        mapped = (
            department_channel is not None and target.casefold() == department_channel.casefold()
        )
        return await self.place(department_id if mapped else None)
