"""Routers: listeners registered with decorators, collected by `Bot.include`.

A router is plain data (which listener answers which call); matching and calling live in
`bot.dispatch`. Registration order decides ties.
"""

from __future__ import annotations

import inspect
import re
import unicodedata
from collections.abc import Awaitable, Callable, Collection, Mapping
from dataclasses import dataclass, field
from typing import Any, TypeAlias, TypeVar, cast, get_type_hints, overload

from pydantic import BaseModel

from bot.cliq import limits
from bot.cliq.form import DynamicOptions
from bot.cliq.message import CommandSuggestion
from bot.cliq.replies import Reply
from bot.i18n import Words

C = TypeVar("C")
"""The context type listeners get: what the bot's `context_factory` builds (`bot.context.Context`
or an app's subclass of it, e.g. `CommandListener[DeskContext]`)."""

# What each kind of listener is called with and may return (`Reply`: bot.cliq.replies). The
# form listener's values are a dict, or the pydantic model its parameter is annotated with.
# The decorators check a listener against its kind's shape (with any context type) and return
# it unchanged, so it keeps its own precise type.
CommandListener: TypeAlias = Callable[[C, str], Awaitable[Reply]]
"""`/name args`: `listener(ctx, args)`."""
KeywordListener: TypeAlias = Callable[[C], Awaitable[Reply]]
"""A string keyword: `listener(ctx)`."""
PatternListener: TypeAlias = Callable[[C, "re.Match[str]"], Awaitable[Reply]]
"""A regex keyword: `listener(ctx, match)`."""
ButtonListener: TypeAlias = Callable[[C, str], Awaitable[Reply]]
"""A button `prefix:rest`: `listener(ctx, rest)`."""
FormListener: TypeAlias = Callable[[C, Any], Awaitable[Reply]]
"""A form submit: `listener(ctx, values)`, values a dict or the annotated pydantic model."""
DynamicSelectListener: TypeAlias = Callable[[C, str, dict[str, Any]], Awaitable[DynamicOptions]]
"""A dynamic select's options: `listener(ctx, query, values)`."""
MenuListener: TypeAlias = Callable[[C], Awaitable[Reply]]
"""A menu action or sub-action: `listener(ctx)`."""
SuggestionListener: TypeAlias = Callable[[C, str], Awaitable[list[CommandSuggestion] | None]]
"""Autocomplete for a command: `listener(ctx, typed)` (None answers no suggestions)."""
WelcomeListener: TypeAlias = Callable[[C], Awaitable[Reply]]
"""The welcome handler: `listener(ctx)`."""
OtherwiseListener: TypeAlias = Callable[[C, str], Awaitable["Reply | None"]]
"""A bot-chat message no keyword matched: `listener(ctx, text)` (None: not this listener's)."""
AnyListener: TypeAlias = Callable[..., Awaitable[Any]]
"""Any of the above, for code that only inspects a listener (its name, docstring, signature)."""

_Command = TypeVar("_Command", bound=CommandListener[Any])
_Keyword = TypeVar("_Keyword", bound=KeywordListener[Any])
_Pattern = TypeVar("_Pattern", bound=PatternListener[Any])
_Button = TypeVar("_Button", bound=ButtonListener[Any])
_Form = TypeVar("_Form", bound=FormListener[Any])
_DynamicSelect = TypeVar("_DynamicSelect", bound=DynamicSelectListener[Any])
_Menu = TypeVar("_Menu", bound=MenuListener[Any])
_Suggestion = TypeVar("_Suggestion", bound=SuggestionListener[Any])
_Welcome = TypeVar("_Welcome", bound=WelcomeListener[Any])
_Otherwise = TypeVar("_Otherwise", bound=OtherwiseListener[Any])

AdminRule = bool | Callable[[Any, str], bool]
"""Which calls are admin-only: `True` (all), `False` (none), or a function of the context and the
arguments (`lambda ctx, args: args.split()[:1] == ["purge"]`) for commands whose subcommands
differ. Admin-only calls are refused unless `await ctx.caller_is_admin()`, asked on each call."""
Guard = Callable[[Any], "Reply | Awaitable[Reply]"]
"""A condition declared on a decorator (`requires=`), asked on every call after the admin rule:
`guard(ctx)` (plain or `async`) returns the reply refusing the call (a `Banner`, a `Message`…),
or None to let the listener run. Deskbot's `desk_agent` ("the caller is a Desk agent") is one."""


Takes = int | Mapping[str, int | None] | None
"""What a command takes after its name, declared once on its decorator (`takes=`): `None`, any
words (the listener reads them); a number, at most that many words; or sub-commands, a mapping
of each first word (case forgiven) to at most how many words may follow it (`None`: any), `""`
standing for the command alone and `ANY_OTHER` (`"*"`) for any other first word (one the listener
looks up at run time, e.g. a name kept in a database). A call with more words, or (with
sub-commands and no `ANY_OTHER`) an unknown first word, gets the command's usage card naming what
was extra; the listener never runs."""

ANY_OTHER = "*"
"""In a `Takes` mapping: every first word not listed, all words (the first included) counted."""


def check_command(name: str, takes: Takes) -> None:
    """Raise ValueError for a command name that cannot be typed after the slash (empty, or more
    than one word), or a `takes=` that is not a `Takes`: a word count (0 or more), None, or a
    mapping of sub-commands (each one lower-case word, `""` or `ANY_OTHER`) to a word count or
    None. A sub-command in capitals would never match: the first word typed is compared
    case-folded."""
    if not name or len(name.split()) != 1 or name != name.strip():
        raise ValueError(f"a command name is one word, as typed after the slash: got {name!r}")
    if takes is None or _word_count(takes):
        return
    if not isinstance(takes, Mapping) or not takes:
        raise ValueError(
            f"/{name}: takes= is a number of words, None, or {{sub-command: words}}; got {takes!r}"
        )
    for verb, most in takes.items():
        if not isinstance(verb, str) or verb != verb.casefold() or len(verb.split()) > 1:
            raise ValueError(
                f"/{name}: takes= sub-commands are lower-case single words (the first word typed "
                f'is compared case-folded), "" or ANY_OTHER; got {verb!r}'
            )
        if most is not None and not _word_count(most):
            raise ValueError(
                f"/{name}: takes={{{verb!r}: …}} is how many words may follow (0 or more) or "
                f"None; got {most!r}"
            )


def check_names(
    *,
    prefix: str | None = None,
    form: str | None = None,
    patterns: tuple[object, ...] | None = None,
) -> None:
    """Raise ValueError for what no call can ever carry, so the listener would never run: a
    button prefix that is empty, holds a `:` (a key is split at its first `:`, so `ack:` never
    matches) or is longer than a button key may be (100, Cliq limit); a form name that is
    empty or longer than a form's name may be (50); a keyword registered with no pattern, or
    a string pattern that is nothing once normalised (empty, blank)."""
    if prefix is not None and (not prefix or ":" in prefix or len(prefix) > limits.BUTTON_KEY):
        raise ValueError(
            "a button prefix is 1-100 characters without a colon: it answers keys `prefix` and "
            f"`prefix:rest` (the key is split at its first colon); got {prefix!r}"
        )
    if form is not None and not 1 <= len(form) <= limits.FORM_NAME:
        raise ValueError(
            f"a form name is 1-{limits.FORM_NAME} characters, as Form(name=...) takes (Cliq "
            f"limit); got {form!r}"
        )
    if patterns is not None:
        if not patterns:
            raise ValueError("keyword() needs at least one pattern: a string or a compiled regex")
        for pattern in patterns:
            if isinstance(pattern, str) and not normalise(pattern):
                raise ValueError(
                    f"a string keyword is a message someone may type; got {pattern!r}, which "
                    "matches no message"
                )


def _word_count(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and value >= 0


Choices = Mapping[str, Collection[str]]
Offered = Callable[[Any, dict[str, Any]], "Choices | Awaitable[Choices]"]
"""What a form offered, declared on its decorator (`offered=`): `offered(ctx, values)` (plain
or `async`) returns, for each choice input (select, radio, checkbox, dynamic select), the values
this caller may submit now: those the form offered them, derived again on submit (e.g. from the
app's current lists). A submitted value outside them gets a `form_error` naming the input and
the listener never runs; the values a client sends are never trusted."""


class ListenerError(TypeError):
    """A listener that cannot answer its kind of call (not `async def`, or the wrong number of
    parameters): raised when it is registered, so a bot with one fails at import, not at the
    first call."""


def check_listener(kind: str, listener: Any, *params: str) -> None:
    """Raise ListenerError unless `listener` is an `async def` function that can be called with
    the positional arguments named in `params` (e.g. `"ctx", "args"` for a command)."""
    name = getattr(listener, "__qualname__", repr(listener))
    shape = f"async def {name}({', '.join(params)})"
    if not inspect.iscoroutinefunction(listener):
        raise ListenerError(f"{kind} listener {name} must be a coroutine function: {shape}")
    try:
        signature = inspect.signature(listener)
        signature.bind(*params)
    except TypeError:
        raise ListenerError(
            f"{kind} listener {name} must take {len(params)} positional argument(s), "
            f"{shape}: it is declared {name}{signature}"
        ) from None


_QUOTES = str.maketrans("‘’‚‛′“”„‟″", "'''''" + '"' * 5)
"""Typographic quotes → the typewriter ones: phones and Macs type “who’s” for "who's"."""

_ENDS = ".?!。…"
"""Sentence ends a person adds to a whole message ('Who's on call?'); `。` is Japanese's."""


def normalise(text: str) -> str:
    """Keyword matching forgives what a person does not mean: case, spacing, width (full-width
    'ｐｉｎｇ', as Japanese input methods type it), typographic quotes (“who’s”, as phones and
    Macs type it) and the sentence's end ('Overdue tickets?', 'ping.'): '  overdue   TICKETS? '
    reads as 'overdue tickets'. A text that is only such ends keeps them."""
    plain = " ".join(typed(text).translate(_QUOTES).split()).casefold()
    return plain.rstrip(_ENDS).rstrip() or plain


def typed(text: str) -> str:
    """What a person typed, in Unicode's compatibility form (NFKC): full-width letters and
    digits ('１１５', 'ｐｉｎｇ') become the ASCII ones; used where commands, keywords and
    numbers are matched, never on text that is kept or passed on."""
    return unicodedata.normalize("NFKC", text)


@dataclass(frozen=True)
class Command:
    name: str
    listener: CommandListener[Any]
    usage: str
    description: str
    admin: AdminRule = False
    requires: Guard | None = None
    takes: Takes = None

    def extra_words(self, args: str, words: Words) -> str | None:
        """Why `args` is more than this command takes (see `Takes`), in `words`' language for
        its usage card; None when it is fine."""
        if self.takes is None:
            return None
        given = typed(args).split()
        if isinstance(self.takes, int):
            return _too_many(f"/{self.name}", self.takes, given, words)
        verb = given[0].casefold() if given else ""
        if verb not in self.takes and verb and ANY_OTHER in self.takes:
            other = self.takes[ANY_OTHER]
            return None if other is None else _too_many(f"/{self.name}", other, given, words)
        if verb not in self.takes:
            if not verb:
                return words.gettext("Say what to do.")
            shown = verb if len(verb) <= 40 else verb[:39] + "…"
            return words.gettext(
                "“{typed}” is not something {command} does.", typed=shown, command=f"/{self.name}"
            )
        most = self.takes[verb]
        if most is None:
            return None
        return _too_many(f"/{self.name} {verb}", most, given[1:], words)


@dataclass(frozen=True)
class Keyword:
    pattern: str | re.Pattern[str]
    listener: KeywordListener[Any] | PatternListener[Any]
    requires: Guard | None = None

    def match(self, text: str, plain: str | None = None) -> re.Match[str] | bool:
        """True (a string keyword) or the `re.Match` (a pattern) if `text` matches, else False;
        `plain` is `normalise(text)` when the caller already has it."""
        if isinstance(self.pattern, str):
            return (normalise(text) if plain is None else plain) == self.pattern
        return self.pattern.search(text) or False

    def bound(self, match: re.Match[str] | bool) -> KeywordListener[Any]:
        """The call to make for a message this keyword matched (`match` from `match`): the
        listener itself (a string keyword), or the listener given the `re.Match` (a regex)."""
        if isinstance(match, re.Match):
            # Registration checked that a regex keyword's listener takes (ctx, match).
            with_match = cast(PatternListener[Any], self.listener)
            return lambda ctx: with_match(ctx, match)
        return cast(KeywordListener[Any], self.listener)

    @property
    def label(self) -> str:
        return self.pattern if isinstance(self.pattern, str) else self.pattern.pattern


@dataclass(frozen=True)
class ButtonRoute:
    prefix: str
    listener: ButtonListener[Any]
    admin: bool = False
    requires: Guard | None = None


@dataclass(frozen=True)
class FormRoute:
    name: str
    listener: FormListener[Any]
    model: type[BaseModel] | None
    admin: bool = False
    requires: Guard | None = None
    offered: Offered | None = None


def unoffered(
    values: Mapping[str, Any], offered: Mapping[str, Collection[str]], words: Words
) -> dict[str, str]:
    """For each choice input whose submitted value (or one of whose values, for a multiple
    choice) is not among `offered[name]`, the message shown next to it (in `words`' language);
    empty when all are."""
    wrong: dict[str, str] = {}
    for name, allowed in offered.items():
        value = values.get(name)
        if value is None or value == "":
            continue  # nothing chosen: whether it must be is the values model's rule
        for one in value if isinstance(value, list) else [value]:
            if not isinstance(one, str) or one not in allowed:
                shown = str(one) if len(str(one)) <= 30 else str(one)[:29] + "…"
                wrong[name] = words.gettext(
                    "“{typed}” is not one of the choices offered: pick one from the list.",
                    typed=shown,
                )
                break
    return wrong


@dataclass(frozen=True)
class DynamicSelectRoute:
    form: str
    field: str
    listener: DynamicSelectListener[Any]


@dataclass(frozen=True)
class MenuRoute:
    """A bot menu action (`sub_action` empty), or one sub-action of a parent menu action."""

    name: str
    listener: MenuListener[Any]
    sub_action: str = ""
    requires: Guard | None = None


class MenuLimitError(ValueError):
    """More menu actions, or sub-actions, than Cliq allows (raised at registration)."""


def check_menus(menus: list[MenuRoute]) -> None:
    """Cliq's menu limits: at most 5 menu actions per bot
    (https://www.zoho.com/cliq/help/platform/bothandler-menu.html), at most 5 sub-actions per menu
    action (https://www.zoho.com/cliq/help/platform/subactions.html), names ≤ 15 characters
    (reference/cliq.md §1.6), and a menu action is either plain or a parent of sub-actions.

    Raises MenuLimitError naming the limit.
    """
    parents: dict[str, list[MenuRoute]] = {}
    for menu in menus:
        for name in (menu.name, menu.sub_action):
            if len(name) > limits.MENU_NAME:
                raise MenuLimitError(
                    f"menu name “{name}” is longer than {limits.MENU_NAME} characters (Cliq limit)"
                )
        parents.setdefault(normalise(menu.name), []).append(menu)
    if len(parents) > limits.MENU_ACTIONS:
        names = ", ".join(routes[0].name for routes in parents.values())
        raise MenuLimitError(
            f"a bot has at most {limits.MENU_ACTIONS} menu actions (Cliq limit), got "
            f"{len(parents)}: {names}; group them as sub-actions of a parent menu"
        )
    for routes in parents.values():
        subs = [normalise(r.sub_action) for r in routes]
        if "" in subs and len(routes) > 1:
            raise MenuLimitError(
                f"menu action “{routes[0].name}” is registered twice, or both plain and as a parent"
            )
        if len(subs) > limits.MENU_SUB_ACTIONS:
            raise MenuLimitError(
                f"menu action “{routes[0].name}” has {len(subs)} sub-actions; at most "
                f"{limits.MENU_SUB_ACTIONS} (Cliq limit)"
            )
        if len(set(subs)) != len(subs):
            raise MenuLimitError(f"menu action “{routes[0].name}” repeats a sub-action")


@dataclass(frozen=True)
class SuggestionRoute:
    command: str
    listener: SuggestionListener[Any]


def check_unique(*routers: Router) -> None:
    """Raise ListenerError if two listeners of `routers` (taken together) answer the same call:
    the same command, string keyword (as matched: case, spacing and width forgiven), regex,
    button prefix, form, dynamic select or suggestion, or a second welcome. Only the first would
    ever run."""
    seen: dict[tuple[str, object], AnyListener] = {}
    for router in routers:
        for kind, key, shown, listener in _answered(router):
            first = seen.get((kind, key))
            if first is not None:
                raise ListenerError(
                    f"{kind} {shown} is registered twice ({_name(first)} and "
                    f"{_name(listener)}): only the first would ever run; rename one, "
                    "or include its router once"
                )
            seen[(kind, key)] = listener


def check_answered(router: Router) -> None:
    """Raise ListenerError for a suggestion listener of a command no listener answers, or a
    dynamic select of a form no listener receives (a misspelt name, or a router not included):
    it could never be called, or its choices never submitted."""
    commands = {command.name for command in router.commands}
    for suggestion in router.suggestions:
        if suggestion.command not in commands:
            raise ListenerError(
                f"suggestion listener {_name(suggestion.listener)} is for /{suggestion.command}, "
                f"which no command listener answers: register @router.command"
                f"({suggestion.command!r}) or include its router"
            )
    forms = {form.name for form in router.forms}
    for select in router.dynamic_selects:
        if select.form not in forms:
            raise ListenerError(
                f"dynamic select listener {_name(select.listener)} is for form {select.form!r}, "
                f"which no form listener receives: register @router.form({select.form!r}) or "
                "include its router"
            )


def _answered(router: Router) -> list[tuple[str, object, str, AnyListener]]:
    """Each call a router's listeners answer: (kind, key, the key as shown, listener)."""
    found: list[tuple[str, object, str, AnyListener]] = []
    found += [("command", c.name, f"/{c.name}", c.listener) for c in router.commands]
    for k in router.keywords:
        if isinstance(k.pattern, str):
            found.append(("keyword", k.pattern, f"“{k.pattern}”", k.listener))
        else:
            key = (k.pattern.pattern, k.pattern.flags)
            found.append(("regex keyword", key, repr(k.pattern.pattern), k.listener))
    found += [("button", b.prefix, f"key “{b.prefix}”", b.listener) for b in router.buttons]
    found += [("form", f.name, f"“{f.name}”", f.listener) for f in router.forms]
    found += [
        ("dynamic select", (d.form, d.field), f"{d.form}.{d.field}", d.listener)
        for d in router.dynamic_selects
    ]
    found += [("suggestion", s.command, f"/{s.command}", s.listener) for s in router.suggestions]
    found += [("welcome", "", "listener", welcome) for welcome in router.welcomes]
    return found


def _name(listener: Any) -> str:
    return str(getattr(listener, "__qualname__", repr(listener)))


@dataclass
class Router:
    """A feature's listeners. Deskbot has one router per feature module in `bot/commands/`.
    Each decorator returns the listener unchanged."""

    commands: list[Command] = field(default_factory=list)
    keywords: list[Keyword] = field(default_factory=list)
    buttons: list[ButtonRoute] = field(default_factory=list)
    forms: list[FormRoute] = field(default_factory=list)
    dynamic_selects: list[DynamicSelectRoute] = field(default_factory=list)
    menus: list[MenuRoute] = field(default_factory=list)
    suggestions: list[SuggestionRoute] = field(default_factory=list)
    welcomes: list[WelcomeListener[Any]] = field(default_factory=list)
    unmatched: list[OtherwiseListener[Any]] = field(default_factory=list)

    def _add(self, routes: list[Any], *added: Any) -> None:
        """Append `added` to `routes` (one of this router's lists), unless a listener already
        answers one of the same calls: then raise ListenerError (see `check_unique`)."""
        routes.extend(added)
        try:
            check_unique(self)
        except ListenerError:
            del routes[len(routes) - len(added) :]
            raise

    def find_command(self, name: str) -> Command | None:
        """The command `name` (leading `/`, case and full width ignored), or None."""
        name = (name if name.isascii() else typed(name)).lstrip("/").lower()  # (NFKC keeps ASCII)
        for command in self.commands:
            if command.name == name:
                return command
        return None

    def command(
        self,
        name: str,
        *,
        usage: str = "",
        description: str = "",
        admin: AdminRule = False,
        requires: Guard | None = None,
        takes: Takes = None,
    ) -> Callable[[_Command], _Command]:
        """`/name args`: the listener is called as `listener(ctx, args: str)`; `admin` says
        which calls are admin-only (see `AdminRule`), `requires` what else a caller must be
        (see `Guard`), `takes` how many words may follow the name (see `Takes`). Raises
        ListenerError for a listener of the wrong shape, ValueError for a name or `takes` that
        cannot work (`check_command`)."""
        name = name.lstrip("/").lower()
        check_command(name, takes)

        def register(listener: _Command) -> _Command:
            check_listener("command", listener, "ctx", "args")
            doc = description or _first_line(listener)
            self._add(
                self.commands,
                Command(name, listener, usage or f"/{name}", doc, admin, requires, takes),
            )
            return listener

        return register

    @overload
    def keyword(
        self, *patterns: str, requires: Guard | None = None
    ) -> Callable[[_Keyword], _Keyword]: ...

    @overload
    def keyword(
        self, *patterns: re.Pattern[str], requires: Guard | None = None
    ) -> Callable[[_Pattern], _Pattern]: ...

    def keyword(
        self, *patterns: str | re.Pattern[str], requires: Guard | None = None
    ) -> Callable[[Any], Any]:
        """A whole message (string: case, spacing, width, quotes and the sentence's end forgiven,
        see `normalise`) or a regex that is searched.

        String keywords call `listener(ctx)`; regex keywords call `listener(ctx, match)`;
        `requires` as for commands. Raises ListenerError for a listener of the wrong shape,
        ValueError for no pattern or a string that matches no message (`check_names`).
        """
        check_names(patterns=patterns)

        def register(listener: Any) -> Any:
            for pattern in patterns:
                if isinstance(pattern, str):
                    check_listener("keyword", listener, "ctx")
                else:
                    check_listener("regex keyword", listener, "ctx", "match")
            keys = [normalise(p) if isinstance(p, str) else p for p in patterns]
            self._add(self.keywords, *(Keyword(key, listener, requires) for key in keys))
            return listener

        return register

    def button(
        self, prefix: str, *, admin: bool = False, requires: Guard | None = None
    ) -> Callable[[_Button], _Button]:
        """A button whose key is `prefix` or `prefix:rest`: called as `listener(ctx, rest)`;
        `admin` and `requires` as for commands. Raises ListenerError for a listener of the
        wrong shape, ValueError for a prefix no key can match (`check_names`)."""
        check_names(prefix=prefix)

        def register(listener: _Button) -> _Button:
            check_listener("button", listener, "ctx", "rest")
            self._add(self.buttons, ButtonRoute(prefix, listener, admin, requires))
            return listener

        return register

    def form(
        self,
        name: str,
        *,
        admin: bool = False,
        requires: Guard | None = None,
        offered: Offered | None = None,
    ) -> Callable[[_Form], _Form]:
        """A form submit by form name: `listener(ctx, values)`; `admin` and `requires` as for
        commands; `offered` what each choice input may be (see `Offered`), checked after them.

        If the second parameter is annotated with a pydantic model, the submitted values are
        validated into it (select and radio values reduced to their `value`); a validation error
        goes back to Cliq as a `form_error` naming the inputs. Raises ListenerError for a
        listener of the wrong shape, ValueError for a name no form can have (`check_names`).
        """
        check_names(form=name)

        def register(listener: _Form) -> _Form:
            check_listener("form", listener, "ctx", "values")
            model = _values_model(listener)
            self._add(self.forms, FormRoute(name, listener, model, admin, requires, offered))
            return listener

        return register

    def dynamic_select(self, form: str, field: str) -> Callable[[_DynamicSelect], _DynamicSelect]:
        """The options of a form's `dynamic_select` input as the person types:
        `listener(ctx, query, values) -> DynamicOptions`, `values` being the form's current
        values (hidden inputs included) (Cliq's dynamic field handler). Raises ListenerError
        for a listener of the wrong shape, ValueError for a form name no form can have."""
        check_names(form=form)

        def register(listener: _DynamicSelect) -> _DynamicSelect:
            check_listener("dynamic select", listener, "ctx", "query", "values")
            self._add(self.dynamic_selects, DynamicSelectRoute(form, field, listener))
            return listener

        return register

    def menu(
        self, name: str, *, sub_action: str = "", requires: Guard | None = None
    ) -> Callable[[_Menu], _Menu]:
        """A bot menu action by its name, or (`sub_action`) one sub-action of the parent menu
        action `name`: `listener(ctx)`; `requires` as for commands. Cliq's limits are checked
        here and in `Bot.include`.

        Raises MenuLimitError past 5 menu actions or 5 sub-actions of one menu action, and
        ListenerError for a listener of the wrong shape.
        """

        def register(listener: _Menu) -> _Menu:
            check_listener("menu", listener, "ctx")
            menus = [*self.menus, MenuRoute(name, listener, sub_action, requires)]
            check_menus(menus)
            self.menus = menus
            return listener

        return register

    def suggestion(self, command: str) -> Callable[[_Suggestion], _Suggestion]:
        """Autocomplete for `/command`: `listener(ctx, typed: str) -> list[CommandSuggestion]`.
        Raises ListenerError for a listener of the wrong shape."""

        def register(listener: _Suggestion) -> _Suggestion:
            check_listener("suggestion", listener, "ctx", "typed")
            self._add(self.suggestions, SuggestionRoute(command.lstrip("/").lower(), listener))
            return listener

        return register

    def otherwise(self) -> Callable[[_Otherwise], _Otherwise]:
        """A message in the bot's chat (or an @mention) that no keyword or menu name matches:
        `listener(ctx, text) -> reply | None`, for words only known at run time (names kept in
        a database). None passes to the next such listener, and after the last to the bot's
        usual "I don't know" answer. Channel chatter never reaches it. Raises ListenerError for
        a listener of the wrong shape."""

        def register(listener: _Otherwise) -> _Otherwise:
            check_listener("otherwise", listener, "ctx", "text")
            self.unmatched.append(listener)
            return listener

        return register

    def welcome(self) -> Callable[[_Welcome], _Welcome]:
        """The bot's welcome handler: `listener(ctx)`. Raises ListenerError for a listener of
        the wrong shape."""

        def register(listener: _Welcome) -> _Welcome:
            check_listener("welcome", listener, "ctx")
            self._add(self.welcomes, listener)
            return listener

        return register


def _too_many(what: str, most: int, given: list[str], words: Words) -> str | None:
    if len(given) <= most:
        return None
    extra = " ".join(given[most:])
    shown = extra if len(extra) <= 40 else extra[:39] + "…"
    if most == 0:
        return words.gettext(
            "{command} takes nothing more: “{extra}” is extra.", command=what, extra=shown
        )
    return words.ngettext(
        "{command} takes at most {n} word: “{extra}” is extra.",
        "{command} takes at most {n} words: “{extra}” is extra.",
        most,
        command=what,
        extra=shown,
    )


def _first_line(listener: AnyListener) -> str:
    return (inspect.getdoc(listener) or "").split("\n", 1)[0]


def _values_model(listener: AnyListener) -> type[BaseModel] | None:
    params = list(inspect.signature(listener).parameters.values())
    if len(params) < 2:
        return None
    try:
        hint = get_type_hints(listener).get(params[1].name)
    except NameError:  # another annotation unresolvable (a type imported under TYPE_CHECKING)
        hint = _values_hint(listener, params[1])
    if inspect.isclass(hint) and issubclass(hint, BaseModel):
        return hint
    return None


def _values_hint(listener: AnyListener, param: inspect.Parameter) -> Any:
    """The form listener's values annotation alone, resolved in the listener's module as
    `get_type_hints` would. Raises ListenerError if it cannot be (a model defined inside a
    function, under `from __future__ import annotations`)."""
    annotation = param.annotation
    if annotation is inspect.Parameter.empty or not isinstance(annotation, str):
        return None if annotation is inspect.Parameter.empty else annotation
    try:
        return eval(annotation, getattr(listener, "__globals__", {}))  # as get_type_hints does
    except NameError as exc:
        raise ListenerError(
            f"form listener {_name(listener)}: the annotation of {param.name}, {annotation!r}, "
            f"cannot be resolved ({exc}): with `from __future__ import annotations`, define the "
            "values model at the top level of the listener's module, not inside a function"
        ) from None
