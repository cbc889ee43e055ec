"""Agents as an admin names them after `/attendance status|checkout|report|export` (SPEC A5-A8).

One reading for every verb: `Kenji Watanabe`, `"Kenji Watanabe"` (any quotes `names.words`
knows), `Kenji_Watanabe`, `kenji@example.com` and, when only one agent has it, a first or last
name alone (`Kenji`). Several agents are separated by spaces or commas (`"Kenji Watanabe" Yuki`,
`Kenji Watanabe, Yuki Sato`): the longest run of words naming one agent is taken first. Case,
width and spacing are forgiven (`names.fold`).
"""

from __future__ import annotations

from collections.abc import Sequence

from bot.commands.names import fold, words
from bot.desk.people import Agent


class NameProblem(Exception):
    """`typed` names no agent (`matches` empty), or several (`matches`: their Desk agents)."""

    def __init__(self, typed: str, matches: Sequence[Agent] = ()) -> None:
        self.typed, self.matches = typed, list(matches)
        super().__init__(typed)


def _keys(agent: Agent) -> tuple[set[str], set[str]]:
    """The agent's whole names (display name, first + last, e-mail) and their parts (first
    name, last name, each word of the display name), folded."""
    full = " ".join(p for p in (agent.first_name, agent.last_name) if p)
    whole = {fold(agent.display_name), fold(full)}
    email = (agent.email_id or "").strip().casefold()
    parts = {fold(p) for p in (agent.first_name, agent.last_name) if p}
    parts |= set(fold(agent.display_name).split())
    return {k for k in whole if k} | ({email} if email else set()), {p for p in parts if p}


def _typed(said: Sequence[str]) -> list[str]:
    """The words of `said` (already split at spaces), quotes kept together and commas apart:
    a run between commas is never joined to the next one."""
    return words(" ".join(said).replace(",", " , "))


def pick(said: Sequence[str], agents: Sequence[Agent]) -> list[Agent]:
    """The agents `said` names, in order, each once. Raises NameProblem for the first run of
    words that names no agent, or (a part of a name such as `Yuki`) several."""
    keyed = [(agent, *_keys(agent)) for agent in agents]
    tokens = _typed(said)
    found: dict[str, Agent] = {}
    start = 0
    while start < len(tokens):
        if tokens[start] == ",":
            start += 1
            continue
        end = next((i for i in range(start, len(tokens)) if tokens[i] == ","), len(tokens))
        taken, chosen = _longest(tokens[start:end], keyed)
        for agent in chosen:
            found.setdefault(agent.id, agent)
        start += taken
    return list(found.values())


def _longest(
    tokens: list[str], keyed: list[tuple[Agent, set[str], set[str]]]
) -> tuple[int, list[Agent]]:
    """How many of `tokens` the longest run naming one agent takes, and that agent."""
    for taken in range(len(tokens), 0, -1):
        run = " ".join(tokens[:taken])
        key = fold(run)
        email = run.strip().casefold()
        whole = [a for a, names, _ in keyed if key in names or email in names]
        if len(whole) == 1:
            return taken, whole
        if len(whole) > 1:
            raise NameProblem(run, whole)
        if taken == 1:
            partial = [a for a, _, parts in keyed if key in parts]
            if len(partial) == 1:
                return 1, partial
            raise NameProblem(run, partial)
    raise NameProblem(" ".join(tokens))  # not reached: tokens is never empty
