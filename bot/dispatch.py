"""The Bot: finds the listener for a handler call, runs it within its deadline, renders the reply.

Matching rules (DESIGN §3): commands by name; keywords against the whole message (bot DM, @mention
with the mention stripped, channel messages via the participation handler); buttons by key prefix;
forms by name; menu actions by name (falling back to keywords). Registration order decides ties.
"""

from __future__ import annotations

import asyncio
import logging
import re
from collections.abc import Awaitable, Callable, Iterable
from typing import Any

from pydantic import ValidationError

from bot import answers
from bot.cliq.envelope import Envelope
from bot.cliq.form import FormError
from bot.clock import Clock, SystemClock
from bot.context import Context
from bot.router import ButtonRoute, Command, FormRoute, Keyword, Listener, Router

log = logging.getLogger("deskbot.dispatch")

ContextFactory = Callable[[Envelope, "Bot", str], Awaitable[Context]]
LateReply = Callable[[Envelope, Any], Awaitable[None]]
Run = Callable[[Context], Awaitable[Any]]

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
    ) -> None:
        self.name = name
        self.clock = clock or SystemClock()
        self.deadline = deadline
        self.context_factory = context_factory or self._plain_context
        self.late_reply = late_reply
        self.router = Router()
        self._pending: set[asyncio.Task[Any]] = set()

    def include(self, *routers: Router) -> Bot:
        for router in routers:
            self.router.commands.extend(router.commands)
            self.router.keywords.extend(router.keywords)
            self.router.buttons.extend(router.buttons)
            self.router.forms.extend(router.forms)
            self.router.menus.extend(router.menus)
            self.router.suggestions.extend(router.suggestions)
            self.router.welcomes.extend(router.welcomes)
        return self

    # --- lookups -------------------------------------------------------------------------

    def find_command(self, name: str) -> Command | None:
        name = name.lstrip("/").lower()
        return next((c for c in self.router.commands if c.name == name), None)

    def find_keyword(self, text: str) -> tuple[Keyword, Any] | None:
        for keyword in self.router.keywords:
            found = keyword.match(text)
            if found:
                return keyword, found
        return None

    def find_button(self, key: str) -> tuple[ButtonRoute, str] | None:
        prefix, _, rest = key.partition(":")
        route = next((b for b in self.router.buttons if b.prefix == prefix), None)
        return (route, rest) if route else None

    def find_form(self, name: str) -> FormRoute | None:
        return next((f for f in self.router.forms if f.name == name), None)

    # --- dispatch ------------------------------------------------------------------------

    async def dispatch(self, envelope: Envelope, request_id: str = "") -> Any:
        """Answer one handler call with the wire value of `{"output": …}`."""
        run = self._resolve(envelope)
        if run is None:
            return ""
        ctx = await self.context_factory(envelope, self, request_id)
        task = asyncio.ensure_future(self._call(run, ctx))
        done, _ = await asyncio.wait((task,), timeout=self.deadline)
        if done:
            return task.result()
        self._pending.add(task)
        task.add_done_callback(lambda t: self._deliver_late(envelope, t))
        return answers.working().to_wire()

    async def _call(self, run: Run, ctx: Context) -> Any:
        try:
            return render(await run(ctx))
        except UsageError as exc:
            return answers.usage(self, ctx.envelope, problem=str(exc)).to_wire()
        except Exception:
            log.exception("listener failed [ref %s]", ctx.request_id)
            return answers.error(ctx.request_id).to_wire()

    def _deliver_late(self, envelope: Envelope, task: asyncio.Task[Any]) -> None:
        self._pending.discard(task)
        if self.late_reply is None or task.cancelled():
            log.warning("late answer dropped: no way to deliver it")
            return
        late = asyncio.ensure_future(self.late_reply(envelope, task.result()))
        self._pending.add(late)
        late.add_done_callback(self._late_done)

    def _late_done(self, task: asyncio.Task[Any]) -> None:
        self._pending.discard(task)
        if not task.cancelled() and task.exception() is not None:
            log.error("late answer not delivered: %s", task.exception())

    async def drain(self) -> None:
        """Wait for answers still being worked on (at shutdown, and in tests)."""
        while self._pending:
            await asyncio.gather(*list(self._pending), return_exceptions=True)

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
        return None

    def _command(self, env: Envelope) -> Run:
        command = self.find_command(env.name)
        if command is None:
            return _constant(lambda ctx: answers.usage(self, env, unknown=f"/{env.name}"))
        args = env.params.arguments if isinstance(env.params.arguments, str) else ""
        return _guarded(command.admin, lambda ctx: command.listener(ctx, args.strip()))

    def _suggestion(self, env: Envelope) -> Run | None:
        name = env.name.lstrip("/").lower()
        route = next((s for s in self.router.suggestions if s.command == name), None)
        if route is None:
            return None
        typed = env.params.arguments if isinstance(env.params.arguments, str) else ""
        return lambda ctx: route.listener(ctx, typed)

    def _bot_handler(self, env: Envelope) -> Run | None:
        handler = env.handler.type
        if handler == "welcome_handler":
            if self.router.welcomes:
                return self.router.welcomes[0]
            return _constant(lambda ctx: answers.welcome(self))
        if handler in ("action_handler", "menu_handler"):
            menu = next((m for m in self.router.menus if m.name == env.handler.name), None)
            if menu is not None:
                return menu.listener
            return self._keyword(env, env.handler.name, reply_when_unknown=True)
        if handler == "message_handler":
            return self._keyword(env, env.text, reply_when_unknown=True)
        if handler == "mention_handler":
            return self._keyword(env, self._strip_mentions(env.text), reply_when_unknown=True)
        if handler == "participation_handler" and env.params.operation == "message_sent":
            return self._keyword(env, env.text, reply_when_unknown=False)
        return None

    def _keyword(self, env: Envelope, text: str, *, reply_when_unknown: bool) -> Run | None:
        found = self.find_keyword(text)
        if found is None:
            if not reply_when_unknown:
                return None  # channel chatter that is not for us: stay silent
            return _constant(lambda ctx: answers.usage(self, env, unknown=text))
        keyword, match = found
        if isinstance(keyword.pattern, str):
            return keyword.listener
        return lambda ctx: keyword.listener(ctx, match)

    def _strip_mentions(self, text: str) -> str:
        text = _MENTION_TOKEN.sub(" ", text)
        return re.sub(rf"@{re.escape(self.name)}\b", " ", text, flags=re.IGNORECASE)

    def _button(self, env: Envelope) -> Run:
        found = self.find_button(env.button_key)
        if found is None:
            return _constant(lambda ctx: answers.stale_button())
        route, rest = found
        return _guarded(route.admin, lambda ctx: route.listener(ctx, rest))

    def _form(self, env: Envelope) -> Run | None:
        form = env.params.form
        if form is None or form.action == "cancel":
            return None
        route = self.find_form(form.name)
        if route is None:
            return _constant(lambda ctx: answers.stale_button())
        values = form_values(form.values)
        if route.model is None:
            return _guarded(route.admin, lambda ctx: route.listener(ctx, values))
        try:
            parsed = route.model.model_validate(values)
        except ValidationError as exc:
            error = form_error(exc)
            return _constant(lambda ctx: error)
        return _guarded(route.admin, lambda ctx: route.listener(ctx, parsed))

    @staticmethod
    async def _plain_context(envelope: Envelope, bot: Bot, request_id: str) -> Context:
        return Context(envelope=envelope, bot=bot, clock=bot.clock, request_id=request_id)


def render(reply: Any) -> Any:
    """A listener's typed reply → the wire value Cliq expects in `output`."""
    if reply is None:
        return ""
    if isinstance(reply, str):
        return {"text": reply}
    if isinstance(reply, list):
        return [item.to_wire() for item in reply]
    return reply.to_wire()


def form_values(values: dict[str, Any]) -> dict[str, Any]:
    """Reduce select/radio `{label, value}` objects (and lists of them) to their values."""

    def reduce(value: Any) -> Any:
        if isinstance(value, dict) and "value" in value:
            return value["value"]
        if isinstance(value, list):
            return [reduce(item) for item in value]
        return value

    return {name: reduce(value) for name, value in values.items()}


def form_error(exc: ValidationError) -> FormError:
    inputs: dict[str, str] = {}
    for error in exc.errors():
        name = str(error["loc"][0]) if error["loc"] else "form"
        inputs.setdefault(name, error["msg"])
    return FormError(text="Please check the highlighted fields.", inputs=inputs)


def _constant(make: Callable[[Context], Any]) -> Run:
    async def run(ctx: Context) -> Any:
        return make(ctx)

    return run


def _guarded(admin: bool, call: Callable[[Context], Awaitable[Any]]) -> Run:
    """Admin-only listeners are refused to everyone else, on every call (SPEC X4)."""
    if not admin:
        return call

    async def run(ctx: Context) -> Any:
        if not ctx.is_admin:
            return answers.admins_only()
        return await call(ctx)

    return run


def listeners(bot: Bot) -> Iterable[Listener]:
    r = bot.router
    yield from (c.listener for c in r.commands)
    yield from (k.listener for k in r.keywords)
    yield from (b.listener for b in r.buttons)
    yield from (f.listener for f in r.forms)
    yield from (m.listener for m in r.menus)
    yield from (s.listener for s in r.suggestions)
    yield from r.welcomes


__all__ = ["Bot", "UsageError", "render"]
