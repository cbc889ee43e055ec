"""The Bot: finds the listener for a handler call, runs it within its deadline, renders the reply.

Matching rules (DESIGN §3): commands by name; keywords against the whole message (bot DM, @mention
with the mention stripped, channel messages via the participation handler); buttons by key prefix;
forms by name; menu actions by name (falling back to keywords). Registration order decides ties.
"""

from __future__ import annotations

import inspect
import json
import logging
import re
from collections.abc import Awaitable, Callable, Mapping
from typing import Any

from pydantic import ValidationError

from bot import answers
from bot.cliq.envelope import Envelope
from bot.cliq.form import DynamicOptions, Form, FormError
from bot.cliq.message import MessageEdit, Suggestions
from bot.cliq.outbound import Outbound
from bot.cliq.replies import Reply
from bot.cliq.sealed import SEAL, opened, seal
from bot.clock import Clock, SystemClock
from bot.context import Context
from bot.i18n import ENGLISH, N_, Languages, Words
from bot.router import (
    AdminRule,
    ButtonRoute,
    Command,
    FormRoute,
    Guard,
    Keyword,
    MenuRoute,
    Router,
    check_menus,
    check_unique,
    normalise,
    unoffered,
)

log = logging.getLogger(__name__)

ContextFactory = Callable[[Envelope, "Bot", str], Awaitable[Context]]
LateReply = Callable[[Envelope, bytes], Awaitable[None]]
Run = Callable[[Context], Awaitable["Reply | DynamicOptions | _Raw"]]
"""A routed call, ready to run with the context: what the edge renders (`render`)."""
ErrorReply = Callable[..., "Reply | Awaitable[Reply]"]
"""`reply(exc)` or `reply(exc, ctx)` (plain or `async`): the answer to a listener that raised
`exc`, e.g. a card the person can act on; the context says who asked (to name them, or to make
them a link of their own)."""

_MENTION_TOKEN = re.compile(r"\{@[^}]*\}")


class UsageError(Exception):
    """Raised by a listener for a bad argument: the caller gets the command's usage card."""


class Bot:
    """A set of routers plus the rules for calling them."""

    def __init__(
        self,
        *,
        name: str = "Bot",
        clock: Clock | None = None,
        deadline: float = 10.0,
        context_factory: ContextFactory | None = None,
        late_reply: LateReply | None = None,
        error_replies: Mapping[type[Exception], ErrorReply] | None = None,
        form_key: bytes | None = None,
        languages: Languages | None = None,
    ) -> None:
        """A bot with no listeners yet (add them with `include`).

        Parameters:
        - `name`: the bot's display name, used in the welcome and usage answers and stripped
          from @mentions before keywords are matched.
        - `clock`: where every "now" comes from (`SystemClock` by default; tests pass
          `FrozenClock`).
        - `deadline`: seconds a listener may take before the HTTP edge answers "working on it"
          and delivers the real answer late (Cliq has no documented figure for how long it waits; about 15 s is inferred,
          reference/cliq.md §3).
        - `context_factory`: `async (envelope, bot, request_id) -> Context` building the
          context every listener gets; apps return a `Context` subclass with their own parts.
          TypeError if it is not `async def`.
        - `late_reply`: `async (envelope, output_json_bytes) -> None` delivering an answer
          that missed the deadline (to the call's `response_url`, or posted as the bot); and
          channel keyword answers, which are always posted. Without it, late answers are
          dropped with a warning.
        - `error_replies`: exception class → `reply(exc)` or `reply(exc, ctx)` (see
          `ErrorReply`) for a listener that raised it (the nearest class in the exception's MRO
          wins, as starlette's exception handlers), logged as one line without a traceback;
          `UsageError` gives the command's usage card; anything else the error card with a
          reference id (and the traceback in the log).
        - `form_key`: seals the hidden inputs of every form a listener returns
          (`bot.cliq.sealed`), so a submit whose hidden values were changed, or whose seal is
          missing, is answered "outdated" and no listener runs. Keep it the same across restarts
          and processes (Deskbot derives it from `DESKBOT_TOKEN_KEY`); None: not sealed.
        - `languages`: the languages the bot speaks and its default (`bot.i18n.Languages`;
          English by default); each call's `ctx.words` is the caller's (Cliq's `user.language`).
        """
        _check_hooks(deadline, late_reply, error_replies or {}, context_factory)
        self.name = name
        self.clock = clock or SystemClock()
        self.deadline = deadline
        self.context_factory = context_factory or self._plain_context
        self.late_reply = late_reply
        self.error_replies = dict(error_replies or {})
        self.form_key = form_key
        self.languages = languages or Languages()
        self.router = Router()

    def include(self, *routers: Router) -> Bot:
        """Add the listeners of `routers` after those already there (registration order decides
        ties); returns the bot, so calls chain. Raises MenuLimitError if the bot would then have more
        menu actions or sub-actions than Cliq allows (bothandler-menu.html, subactions.html),
        ListenerError if two listeners would answer the same call (`check_unique`), TypeError
        for something that is not a Router.
        """
        for router in routers:
            if not isinstance(router, Router):
                raise TypeError(f"Bot.include takes Routers, got {type(router).__name__}")
        check_unique(self.router, *routers)
        for router in routers:
            self.router.commands.extend(router.commands)
            self.router.keywords.extend(router.keywords)
            self.router.buttons.extend(router.buttons)
            self.router.forms.extend(router.forms)
            self.router.dynamic_selects.extend(router.dynamic_selects)
            check_menus([*self.router.menus, *router.menus])  # Cliq's limits, per bot
            self.router.menus.extend(router.menus)
            self.router.suggestions.extend(router.suggestions)
            self.router.welcomes.extend(router.welcomes)
            self.router.unmatched.extend(router.unmatched)
        return self

    def menus(self) -> dict[str, list[str]]:
        """Each menu action's name → its sub-actions' names (empty for a plain menu action)."""
        found: dict[str, list[str]] = {}
        for menu in self.router.menus:
            subs = found.setdefault(menu.name, [])
            if menu.sub_action:
                subs.append(menu.sub_action)
        return found

    # --- lookups -------------------------------------------------------------------------

    def find_command(self, name: str) -> Command | None:
        """The command `name` (leading `/`, case and full width ignored), or None."""
        return self.router.find_command(name)

    def find_keyword(self, text: str) -> tuple[Keyword, re.Match[str] | bool] | None:
        """The first keyword matching the whole message `text` and its match (True for a string
        keyword, the `re.Match` for a pattern), or None.
        """
        plain = normalise(text)  # once per message, not once per keyword
        for keyword in self.router.keywords:
            found = keyword.match(text, plain)
            if found:
                return keyword, found
        return None

    def find_button(self, key: str) -> tuple[ButtonRoute, str] | None:
        """The button route for a key `prefix` or `prefix:rest` and the `rest`, or None."""
        prefix, _, rest = key.partition(":")
        route = next((b for b in self.router.buttons if b.prefix == prefix), None)
        return (route, rest) if route else None

    def find_form(self, name: str) -> FormRoute | None:
        """The form route registered for form `name`, or None."""
        return next((f for f in self.router.forms if f.name == name), None)

    def find_menu(self, name: str, sub_action: str = "") -> MenuRoute | None:
        """The menu action `name`, or its sub-action `sub_action` (case and spacing forgiven)."""
        name, sub_action = normalise(name), normalise(sub_action)
        for menu in self.router.menus:
            if normalise(menu.name) == name and normalise(menu.sub_action) == sub_action:
                return menu
        return None

    # --- dispatch ------------------------------------------------------------------------

    async def dispatch(self, envelope: Envelope, request_id: str = "") -> bytes:
        """Answer one handler call: the JSON of the value Cliq expects in `{"output": …}`.

        The listener runs in the caller's task (no task per call); the HTTP edge applies the
        deadline, so a call that overruns it still finishes here and is delivered late.
        """
        run = self._resolve(envelope)
        if run is None:
            return NO_SUGGESTIONS if _wants_list(envelope) else EMPTY
        if self.context_factory is Bot._plain_context:  # (the plain context, with no coroutine)
            ctx = Context(envelope=envelope, bot=self, clock=self.clock, request_id=request_id)
        else:
            ctx = await self.context_factory(envelope, self, request_id)
        try:
            reply = await run(ctx)
            if isinstance(reply, MessageEdit) and envelope.handler.type not in EDITABLE:
                raise TypeError(not_editable(envelope))
            if isinstance(reply, Form):
                self.check_form(reply)
                if self.form_key is not None:
                    reply = seal(reply, self.form_key)
            output = reply.to_json() if isinstance(reply, Outbound) else render(reply)
        except UsageError as exc:
            output = answers.usage(self, envelope, ctx.words, problem=str(exc)).to_json()
        except Exception as exc:
            answered: bytes | None = None
            try:  # (rendered here too: an error reply returning no reply is the error card)
                reply = await self._error_reply(exc, ctx)
                answered = None if reply is None else render(reply, "an error reply")
            except Exception:
                log.exception("error reply failed [ref %s]", request_id)
            if answered is not None:
                log.warning(
                    "listener answered %s [ref %s]: %s", type(exc).__name__, request_id, exc
                )
                output = answered
            else:
                log.exception("listener failed [ref %s]", request_id)
                output = answers.error(request_id, ctx.words).to_json()
        if envelope.handler.type == "participation_handler" and self.late_reply is not None:
            # Whether Cliq shows a participation handler's answer is undocumented (audit
            # §2.13): post it as the bot instead, and answer empty so it is never shown twice.
            await self.deliver_late(envelope, output)
            return EMPTY
        return output

    def check_form(self, form: Form) -> None:
        """Raise TypeError, saying what to change, for a form whose submit could never reach
        its listener as meant: no `@router.form(name)` answers it (the submit would be answered
        "outdated"), or its listener's values model has a required field the form has no input
        for (every submit would fail, and the `form_error` would name an input Cliq does not
        show, so nothing would be highlighted). Asked for each form a listener returns."""
        route = self.find_form(form.name)
        if route is None:
            raise TypeError(
                f"form {form.name!r} has no listener, so its submit would be answered "
                f"“outdated”: register one with @router.form({form.name!r}) (a router included "
                "in this Bot), or give the form the name its listener has"
            )
        if route.model is None:
            return
        inputs = {field.name for field in form.inputs}
        missing = sorted(
            name
            for name, field in route.model.model_fields.items()
            if field.is_required() and (field.alias or name) not in inputs
        )
        if missing:
            raise TypeError(
                f"form {form.name!r} has no input for {', '.join(missing)}, a required field of "
                f"{route.model.__name__} (the values model of its listener): every submit would "
                "fail on an input Cliq does not show; name the model's fields as the form's "
                f"inputs ({', '.join(sorted(inputs))})"
            )

    async def _error_reply(self, exc: Exception, ctx: Context) -> Any:
        """The registered reply for `exc`'s nearest class, or None."""
        for kind in type(exc).__mro__:
            make = self.error_replies.get(kind)
            if make is not None:
                reply = make(exc, ctx) if _takes_context(make) else make(exc)
                return await reply if inspect.isawaitable(reply) else reply
        return None

    async def deliver_late(self, envelope: Envelope, output: bytes) -> None:
        """Deliver an answer that missed the deadline, or a channel keyword answer, through the
        `late_reply` hook (DESIGN §3): `response_url`, or a post as the bot."""
        if output in (EMPTY, NO_SUGGESTIONS):
            return
        if self.late_reply is None:
            log.warning(
                "%s %s %r: answer past the deadline dropped: Bot(late_reply=...) delivers "
                "such answers, and this Bot has none",
                envelope.type,
                envelope.handler.type,
                envelope.name,
            )
            return
        try:
            await self.late_reply(envelope, output)
        except Exception as exc:
            log.error("late answer not delivered: %s", exc)

    def _resolve(self, env: Envelope) -> Run | None:
        kind, handler = env.type, env.handler.type
        if kind == "command" and handler == "execution_handler":
            return self._command(env)
        if kind == "command" and handler == "suggestion_handler":
            return self._suggestion(env)
        if kind == "bot":
            return self._bot_handler(env)
        if kind == "function" and handler in ("button_handler", "applet_button_handler"):
            return self._button(env)
        if kind == "function" and handler in ("form_handler", "form_submit_handler"):
            return self._form(env)
        if kind == "function" and handler == "form_dynamic_select_handler":
            return self._dynamic_select(env)
        if kind == "extension":
            return self._extension(env)
        log.warning("unhandled %s %s %r: answered empty", kind, handler, env.name)
        return None

    def _command(self, env: Envelope) -> Run:
        command = self.router.find_command(env.name)
        if command is None:
            log.warning("no command listener for /%s: answered usage", env.name)
            return _constant(
                lambda ctx: answers.usage(self, env, ctx.words, unknown=f"/{env.name}")
            )
        params = env.params
        args = params.arguments if isinstance(params.arguments, str) else ""
        if params.selections and env.selected:
            # A picked suggestion is what the user meant: `/ticket 11` + "#115" → "#115".
            args = " ".join(env.selected)
        if command.takes is not None and command.extra_words(args, ENGLISH) is not None:
            log.info("/%s with more than it takes: answered usage", command.name)
            return _constant(
                lambda ctx: answers.usage(
                    self, env, ctx.words, problem=command.extra_words(args, ctx.words) or ""
                )
            )
        args = args.strip()
        listener = command.listener

        def call(ctx: Context) -> Awaitable[Any]:
            return listener(ctx, args)

        if command.admin is False and command.requires is None:
            return call  # (most commands: no guard to wrap it in)
        return _guarded(call, admin=command.admin, requires=command.requires, args=args)

    def _suggestion(self, env: Envelope) -> Run | None:
        name = env.name.lstrip("/").lower()
        route = next((s for s in self.router.suggestions if s.command == name), None)
        if route is None:
            log.warning("no suggestion listener for /%s: answered no suggestions", name)
            return None
        typed = env.params.arguments if isinstance(env.params.arguments, str) else ""

        async def run(ctx: Context) -> Any:
            found = await route.listener(ctx, typed)
            return [] if found is None else found  # a suggestion handler answers a list

        return run

    def _bot_handler(self, env: Envelope) -> Run | None:
        handler = env.handler.type
        if handler == "welcome_handler":
            if self.router.welcomes:
                return self.router.welcomes[0]
            return _constant(lambda ctx: answers.welcome(self, ctx.words))
        if handler in ("action_handler", "menu_handler"):
            return self._menu(env)
        if handler == "message_handler":
            return self._keyword(env, env.text, reply_when_unknown=True)
        if handler == "mention_handler":
            return self._keyword(env, self._strip_mentions(env.text), reply_when_unknown=True)
        if handler == "participation_handler" and env.params.operation == "message_sent":
            return self._keyword(env, env.text, reply_when_unknown=False)
        log.warning(
            "unhandled bot %s (operation %r): answered empty", handler, env.params.operation
        )
        return None

    def _menu(self, env: Envelope) -> Run | None:
        """A menu action, or one of its sub-actions (`sub_action`, subactions.html).

        Zoho calls `sub_action` "a unique identifier for each bot sub action" without saying
        whether it is the name: a parent called with a sub_action we cannot match (or none)
        offers its sub-actions as bot suggestions, whose texts come back to the message handler
        and are matched there by name, so it works either way. Other unknown names fall back
        to keywords (a menu renamed in Cliq still works if its name is a keyword).
        """
        name, sub_action = env.handler.name, env.params.sub_action
        menu = self.find_menu(name, sub_action)
        if menu is not None:
            return _guarded(menu.listener, requires=menu.requires)
        parent = next((m for m in self.menus() if normalise(m) == normalise(name)), "")
        subs = self.menus().get(parent)
        if subs:
            if sub_action:
                log.warning(
                    "menu %r: unknown sub_action %r, offering its sub-actions", name, sub_action
                )
            return _constant(
                lambda ctx: Suggestions.of(
                    ctx.words.gettext("{menu}: pick one.", menu=parent), *subs
                )
            )
        return self._keyword(env, sub_action or name, reply_when_unknown=True)

    def _extension(self, env: Envelope) -> Run | None:
        """A webhook-type extension's installation calls, answered as Zoho's sample server does
        (reference/cliq.md S12, audit §1.13): the validator with `{"status": "200"}` (the
        install may go ahead), the installation handler with a status, a title and a note."""
        handler = env.handler.type
        if handler == "installation_validator":
            return _constant(lambda ctx: _Raw({"status": "200"}))
        if handler == "installation_handler":
            return _constant(lambda ctx: _Raw(self._installed(ctx.words)))
        log.warning("unhandled extension %s: answered empty", handler)
        return None

    def _installed(self, words: Words) -> dict[str, Any]:
        """The extension installation handler's answer, in the installer's language."""
        name = self.name
        return {
            "status": "200",
            "title": words.gettext("{name} is installed", name=name),
            "message": words.gettext("Say hi to {name}, or type /help.", name=name),
            "note": [
                words.gettext("{name} answers commands, menu actions and buttons.", name=name)
            ],
            "footer": "",
        }

    def _keyword(self, env: Envelope, text: str, *, reply_when_unknown: bool) -> Run | None:
        text = text.strip()  # (what a stripped @mention or a phone's autocomplete leaves)
        found = self.find_keyword(text)
        if found is None:
            if not reply_when_unknown:
                return None  # channel chatter that is not for us: stay silent
            named = self._menu_named(text)  # a sub-action offered as a suggestion, clicked
            if named is not None:
                return _guarded(named.listener, requires=named.requires)
            if self.router.unmatched:
                return self._otherwise(env, text)
            log.info("no keyword matches %r: answered usage", text[:80])
            return _constant(lambda ctx: answers.usage(self, env, ctx.words, unknown=text))
        keyword, match = found
        return _guarded(keyword.bound(match), requires=keyword.requires)

    def _otherwise(self, env: Envelope, text: str) -> Run:
        """The `Router.otherwise` listeners in turn; the usual answer if none replies."""

        async def run(ctx: Context) -> Any:
            for listener in self.router.unmatched:
                reply = await listener(ctx, text)
                if reply is not None:
                    return reply
            log.info("no keyword matches %r: answered usage", text[:80])
            return answers.usage(self, env, ctx.words, unknown=text)

        return run

    def _menu_named(self, text: str) -> MenuRoute | None:
        """The menu action or sub-action whose name is `text` (case and spacing forgiven)."""
        typed = normalise(text)
        for menu in self.router.menus:
            if typed in (
                normalise(menu.sub_action),
                normalise(menu.name) if not menu.sub_action else None,
            ):
                return menu
        return None

    def _strip_mentions(self, text: str) -> str:
        text = _MENTION_TOKEN.sub(" ", text)
        return re.sub(rf"@{re.escape(self.name)}\b", " ", text, flags=re.IGNORECASE)

    def _button(self, env: Envelope) -> Run:
        found = self.find_button(env.button_key)
        if found is None:
            prefix = env.button_key.partition(":")[0]
            log.warning("no button listener for prefix %r: answered stale_button", prefix)
            return _constant(lambda ctx: answers.stale_button(ctx.words))
        route, rest = found
        return _guarded(
            lambda ctx: route.listener(ctx, rest), admin=route.admin, requires=route.requires
        )

    def _dynamic_select(self, env: Envelope) -> Run | None:
        form, target = env.params.form, env.params.target
        if form is None or target is None:
            log.warning("dynamic select call without form or target: answered empty")
            return None
        route = next(
            (
                d
                for d in self.router.dynamic_selects
                if d.form == form.name and d.field == target.name
            ),
            None,
        )
        if route is None:
            log.warning("no dynamic select for %s.%s", form.name, target.name)
            return None
        values = form_values(form.values)
        values.pop(SEAL, None)
        return lambda ctx: route.listener(ctx, target.query, values)

    def _form(self, env: Envelope) -> Run | None:
        form = env.params.form
        if form is None:
            log.warning("%s call without a form: answered empty", env.handler.type)
            return None
        if form.action == "cancel":
            return None
        route = self.find_form(form.name)
        if route is None:
            log.warning("no form listener for form %r: answered stale_button", form.name)
            return _constant(lambda ctx: answers.stale_button(ctx.words))
        values = form_values(form.values)
        if self.form_key is not None:
            unsealed = opened(form.name, values, self.form_key)
            if unsealed is None:
                log.warning("form %r: hidden values changed or unsealed: answered stale", form.name)
                return _constant(lambda ctx: answers.stale_button(ctx.words))
            values = unsealed

        async def call(ctx: Context) -> Any:
            # After the admin and requires checks; every input found wrong is named at once.
            wrong: dict[str, str] = {}
            if route.offered is not None:
                offered = route.offered(ctx, values)
                if inspect.isawaitable(offered):
                    offered = await offered
                wrong = unoffered(values, offered, ctx.words)
                if wrong:
                    log.warning("form %r: values not offered in %s", route.name, sorted(wrong))
            parsed: Any = values
            if route.model is not None:
                try:
                    parsed = route.model.model_validate(values)
                except ValidationError as exc:
                    invalid = form_error(exc, ctx.words)
                    return invalid.replace(inputs={**invalid.inputs, **wrong})
            if wrong:
                text = ctx.words.gettext("Please pick again from the list.")
                return FormError(text=text, inputs=wrong)
            return await route.listener(ctx, parsed)

        return _guarded(call, admin=route.admin, requires=route.requires)

    @staticmethod
    async def _plain_context(envelope: Envelope, bot: Bot, request_id: str) -> Context:
        return Context(envelope=envelope, bot=bot, clock=bot.clock, request_id=request_id)


EMPTY = b'""'
NO_SUGGESTIONS = b"[]"


def _wants_list(env: Envelope) -> bool:
    return env.type == "command" and env.handler.type == "suggestion_handler"


class _Raw:
    """A reply whose JSON Cliq's documents fix exactly (not one of our message models)."""

    def __init__(self, value: dict[str, Any]) -> None:
        self.value = value

    def to_json(self) -> bytes:
        return json.dumps(self.value, ensure_ascii=False).encode()


EDITABLE = frozenset(
    {"button_handler", "applet_button_handler", "form_handler", "form_submit_handler"}
)
"""The handlers whose answer may be a `MessageEdit`: a button's function and a form's submit
(https://www.zoho.com/cliq/help/platform/cliq-message-edit.html; reference/cliq.md §2)."""


def not_editable(envelope: Envelope) -> str:
    """Why a `MessageEdit` cannot answer `envelope`'s call: no message carried a button."""
    call = f"{envelope.type} {envelope.handler.type} {envelope.name!r}"
    return (
        f"the listener of {call} returned a MessageEdit, which edits the message carrying a "
        "clicked button: only a button's or a form's listener may return one "
        "(cliq-message-edit.html); return a Message"
    )


def render(reply: Reply | DynamicOptions | _Raw, source: str = "a listener") -> bytes:
    """A typed reply (from `source`, as the error names it) → the JSON of the value Cliq expects
    in `output`. Raises TypeError, saying what a reply may be, for anything else (a dict of
    Cliq's JSON, say)."""
    if reply is None:
        return EMPTY
    if isinstance(reply, str):
        return json.dumps({"text": reply}, ensure_ascii=False).encode()
    if isinstance(reply, list):
        return b"[" + b",".join(_json_of(item, source) for item in reply) + b"]"
    return _json_of(reply, source)


def _json_of(reply: object, source: str) -> bytes:
    if isinstance(reply, Outbound | _Raw):
        return reply.to_json()
    raise TypeError(
        f"{source} returned {type(reply).__name__}, which is not a reply: return a Message, "
        "MessageEdit, Banner, Suggestions, Form, FormError, a list of CommandSuggestion, a str "
        "or None (bot.framework.Reply), built with the framework's models rather than Cliq's JSON"
    )


def form_values(values: dict[str, Any]) -> dict[str, Any]:
    """Reduce select/radio `{label, value}` objects (and lists of them) to their values."""

    def reduce(value: Any) -> Any:
        if isinstance(value, dict) and "value" in value:
            return value["value"]
        if isinstance(value, list):
            return [reduce(item) for item in value]
        return value

    return {name: reduce(value) for name, value in values.items()}


def form_error(exc: ValidationError, words: Words) -> FormError:
    """The values failed the form's model: each failing input's message, in the reader's
    language (`input_error`)."""
    inputs: dict[str, str] = {}
    for error in exc.errors():
        name = str(error["loc"][0]) if error["loc"] else "form"
        inputs.setdefault(name, input_error(error, words))
    return FormError(text=words.gettext("Please check the highlighted fields."), inputs=inputs)


def input_error(error: Any, words: Words) -> str:
    """One pydantic error (`ValidationError.errors()` item) as a person reads it beside the
    input: the usual kinds (missing, too short or long, not a number or a date, out of range,
    not a choice) in words; a model's own `ValueError` message as written (marked `N_` for the
    catalogs, it is shown translated); anything else as "not valid"."""
    kind, ctx = error.get("type", ""), error.get("ctx") or {}
    if kind == "missing" or (kind == "string_too_short" and ctx.get("min_length") == 1):
        return words.gettext("This is required.")
    if kind == "string_too_short":
        return words.ngettext(
            "At least {n} character.", "At least {n} characters.", int(ctx["min_length"])
        )
    if kind == "string_too_long":
        return words.ngettext(
            "At most {n} character.", "At most {n} characters.", int(ctx["max_length"])
        )
    if kind in ("int_parsing", "int_type", "int_from_float"):
        return words.gettext("Enter a whole number.")
    if kind in ("float_parsing", "float_type", "decimal_parsing", "decimal_type"):
        return words.gettext("Enter a number.")
    bounds = {
        "greater_than_equal": ("ge", N_("At least {limit}.")),
        "greater_than": ("gt", N_("More than {limit}.")),
        "less_than_equal": ("le", N_("At most {limit}.")),
        "less_than": ("lt", N_("Less than {limit}.")),
    }
    if kind in bounds:
        key, message = bounds[kind]
        return words.gettext(message, limit=ctx.get(key, ""))
    if kind in ("literal_error", "enum"):
        return words.gettext("Pick one of the choices.")
    if kind.startswith(("datetime_", "time_")):
        return words.gettext("Enter a date and time.")
    if kind.startswith("date_"):
        return words.gettext("Enter a date.")
    if kind == "value_error" and ctx.get("error") is not None:
        return words.gettext(str(ctx["error"]))
    return words.gettext("This value is not valid.")


def _check_hooks(
    deadline: float,
    late_reply: object,
    error_replies: Mapping[Any, object],
    context_factory: object = None,
) -> None:
    """Refuse, when the Bot is built rather than at the first late answer or failure, what
    `Bot(...)` could not use: ValueError for a deadline that is not a positive number of
    seconds; TypeError for a `late_reply` or `context_factory` that is not `async def`, or an
    `error_replies` entry that is not an exception class → `reply(exc)` or `reply(exc, ctx)`."""
    if context_factory is not None and not _is_async(context_factory):
        raise TypeError(
            "Bot(context_factory=...) must be a coroutine function: "
            "async def context(envelope, bot, request_id) -> YourContext"
        )
    if isinstance(deadline, bool) or not isinstance(deadline, int | float) or not deadline > 0:
        raise ValueError(f"Bot(deadline=...) is a positive number of seconds, got {deadline!r}")
    if late_reply is not None and not _is_async(late_reply):
        raise TypeError(
            "Bot(late_reply=...) must be a coroutine function: "
            "async def late_reply(envelope, output)"
        )
    for kind, reply in error_replies.items():
        if not (isinstance(kind, type) and issubclass(kind, BaseException)):
            raise TypeError(f"Bot(error_replies=...) keys are exception classes, got {kind!r}")
        if not callable(reply):
            raise TypeError(
                f"Bot(error_replies=...)[{kind.__name__}] must be reply(exc) or reply(exc, ctx),"
                f" got {reply!r}"
            )
        try:
            inspect.signature(reply).bind(None)
        except TypeError:
            if not _takes_context(reply):
                raise TypeError(
                    f"Bot(error_replies=...)[{kind.__name__}] must be reply(exc) or "
                    f"reply(exc, ctx), got {getattr(reply, '__qualname__', reply)}"
                    f"{inspect.signature(reply)}"
                ) from None
        except ValueError:  # a builtin without a signature: taken as reply(exc)
            pass


def _is_async(hook: object) -> bool:
    """Whether calling `hook` gives a coroutine (an `async def`, or an object whose `__call__`
    is one)."""
    return inspect.iscoroutinefunction(hook) or inspect.iscoroutinefunction(
        getattr(hook, "__call__", None)  # noqa: B004 (the method, not callable())
    )


def _takes_context(reply: ErrorReply) -> bool:
    """Whether an error reply is `reply(exc, ctx)` rather than `reply(exc)`."""
    try:
        inspect.signature(reply).bind(None, None)
    except TypeError:
        return False
    except ValueError:  # a builtin without a signature
        return False
    return True


def _constant(make: Callable[[Context], Any]) -> Run:
    async def run(ctx: Context) -> Any:
        return make(ctx)

    return run


def _guarded(
    call: Callable[[Context], Awaitable[Any]],
    *,
    admin: AdminRule = False,
    requires: Guard | None = None,
    args: str = "",
) -> Run:
    """`call` behind the route's declared refusals: admin-only calls are refused to everyone
    else (the app's rule, `ctx.caller_is_admin`, asked on every such call, never remembered:
    SPEC X4); then `requires(ctx)` answers instead of the listener when it returns a reply."""
    if admin is False and requires is None:
        return call

    async def run(ctx: Context) -> Any:
        if admin is not False:
            needed = admin(ctx, args) if callable(admin) else bool(admin)
            if needed and not await ctx.caller_is_admin():
                return answers.admins_only(ctx.words)
        if requires is not None:
            refusal = requires(ctx)
            if inspect.isawaitable(refusal):
                refusal = await refusal
            if isinstance(refusal, bool):
                raise TypeError(
                    f"the guard {getattr(requires, '__qualname__', requires)} returned "
                    f"{refusal}: a guard returns the reply refusing the call (a Banner, say), "
                    "or None to let the listener run"
                )
            if refusal is not None:
                return refusal
        return await call(ctx)

    return run
