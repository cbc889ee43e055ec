"""Talk to a bot over HTTP as Cliq would: send text, run commands, click buttons, submit forms."""

from __future__ import annotations

import copy
from collections.abc import AsyncIterator, Callable, Mapping
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from typing import Any, Protocol

from aiohttp.test_utils import TestClient, TestServer
from multidict import CIMultiDict

from bot.cliq.verify import HmacVerifier
from bot.clock import epoch_ms
from bot.dispatch import Bot
from bot.handlers.web import make_web_app
from bot.testing.signing import DEFAULT_CHAT, DEFAULT_USER, SignedRequests, Wire, envelope, has_shim


class _Poster(Protocol):
    def post(self, url: str, *, data: bytes, headers: dict[str, str]) -> Any: ...


@dataclass
class Answer:
    """What the bot answered to one call."""

    status: int
    body: Any
    headers: Mapping[str, str] = field(default_factory=CIMultiDict)

    @property
    def output(self) -> Any:
        """The `output` Cliq would show (the JSON under `{"output": …}`), or None."""
        return self.body.get("output") if isinstance(self.body, dict) else None

    @property
    def kind(self) -> str:
        """message, banner, form, message_edit, form_error, suggestions, list or none."""
        out = self.output
        if isinstance(out, list):
            return "list"
        if not out:
            return "none"
        return str(out.get("type", "message"))

    @property
    def text(self) -> str:
        """The message's `text` (empty for banners, forms and lists)."""
        out = self.output
        return out.get("text", "") if isinstance(out, dict) else ""

    @property
    def title(self) -> str:
        """The card's title, or empty."""
        out = self.output
        if isinstance(out, dict):
            return str((out.get("card") or {}).get("title", "") or out.get("title", ""))
        return ""

    @property
    def buttons(self) -> list[dict[str, Any]]:
        """The message's buttons as Cliq receives them (label, key, action…)."""
        out = self.output
        return list(out.get("buttons", [])) if isinstance(out, dict) else []

    @property
    def slides(self) -> list[dict[str, Any]]:
        """The card's slides as Cliq receives them."""
        out = self.output
        return list(out.get("slides", [])) if isinstance(out, dict) else []

    def button(self, label: str) -> dict[str, Any]:
        """The button whose label is `label`; raises LookupError naming the labels there are."""
        for button in self.buttons:
            if button.get("label") == label:
                return button
        labels = [b.get("label") for b in self.buttons]
        raise LookupError(f"no button {label!r}; the answer has {labels}")

    def all_text(self) -> str:
        """Text, card title and every slide flattened: handy for `in` assertions."""
        parts = [self.title, self.text]
        for slide in self.slides:
            parts.append(str(slide.get("title", "")))
            parts.append(str(slide.get("data", "")))
        return "\n".join(p for p in parts if p)


class Conversation:
    """One person chatting with the bot.

    `client` is anything with aiohttp's `post(url, data=, headers=)`: a pytest-aiohttp TestClient
    (with `url="/cliq"`) or a ClientSession (with the full URL). `wire="deluge"` (the default
    without a `response_url`) sends each call as the Deluge shim for its handler would (see `bot.testing.signing`);
    `wire="json"` as a webhook-type extension does (with `response_url`, if given).
    """

    def __init__(
        self,
        client: _Poster,
        signer: SignedRequests,
        *,
        url: str = "/cliq",
        user: dict[str, Any] | None = None,
        chat: dict[str, Any] | None = None,
        response_url: str = "",
        wire: Wire | None = None,
        check_output: Callable[[Any], None] | None = None,
        bot_name: str = "bot",
    ) -> None:
        """`bot_name` is the `name` Cliq sends with the bot's own handlers (its unique name).
        `check_output`, when given, is called with every `output` the bot answers and raises
        if Cliq would not accept it (e.g. a sandbox's rules written from Zoho's documents)."""
        self.client = client
        self.check_output = check_output
        self.bot_name = bot_name
        self.signer = signer
        self.url = url
        self.user = {**DEFAULT_USER, **(user or {})}
        self.chat = {**DEFAULT_CHAT, **(chat or {})}
        self.response_url = response_url
        # Deluge shims have no response URL: a conversation given one is an extension's.
        self.wire: Wire = wire or ("json" if response_url else "deluge")
        self.last: Answer | None = None

    async def send(self, env: dict[str, Any]) -> Answer:
        """Sign and POST one envelope (stamped with the clock's time, and this conversation's
        `response_url`); returns the answer, also kept as `last`.
        """
        env = copy.deepcopy(env)
        env.setdefault("timestamp", epoch_ms(self.signer.clock.now()))
        if self.response_url:
            env.setdefault("response_url", self.response_url)
        wire = self.wire
        if wire == "deluge" and not has_shim(env):
            wire = "json"  # no Deluge shim sends this call (an extension's installation, say)
        body, headers = self.signer.sign(env, wire)
        async with self.client.post(self.url, data=body, headers=headers) as response:
            try:
                payload = await response.json(content_type=None)
            except ValueError:
                payload = await response.text()
            self.last = Answer(response.status, payload, CIMultiDict(response.headers))
        if self.check_output is not None and response.status == 200:
            self.check_output(self.last.output)
        return self.last

    def _params(self, **extra: Any) -> dict[str, Any]:
        return {"user": self.user, "chat": self.chat, **extra}

    async def command(
        self,
        name: str,
        arguments: str = "",
        *,
        selections: list[dict[str, Any]] | None = None,
        **options: Any,
    ) -> Answer:
        """`/name arguments`, with `-option value` pairs, and the suggestions picked (`selections`,
        as the suggestion handler offered them: `{title, description?, imageurl?}`)."""
        params = self._params(arguments=arguments, options=options)
        if selections:
            params["selections"] = selections
        return await self.send(envelope("command", "execution_handler", name=name, params=params))

    async def suggest(self, name: str, typed: str) -> Answer:
        """The suggestion handler of `/name` while `typed` is typed: answers a list."""
        params = self._params(arguments=typed)
        return await self.send(envelope("command", "suggestion_handler", name=name, params=params))

    async def say(self, text: str) -> Answer:
        """A message in the bot's chat (the bot message handler, whose `message` is a plain
        text: https://www.zoho.com/cliq/help/platform/bot-messagehandler.html)."""
        params = self._params(message=text)
        return await self.send(
            envelope("bot", "message_handler", name=self.bot_name, params=params)
        )

    async def mention(self, text: str) -> Answer:
        """A message @mentioning the bot (the mention handler)."""
        params = self._params(message={"text": text, "type": "text"})
        return await self.send(
            envelope("bot", "mention_handler", name=self.bot_name, params=params)
        )

    async def channel_message(self, text: str) -> Answer:
        """A message in a channel the bot is in (the participation handler, `message_sent`)."""
        params = self._params(
            operation="message_sent", data={"message": {"text": text, "type": "text"}}
        )
        return await self.send(envelope("bot", "participation_handler", params=params))

    async def menu(self, action: str, sub_action: str = "") -> Answer:
        """A bot menu action, or one of its sub-actions."""
        env = envelope("bot", "action_handler", name=self.bot_name, handler_name=action)
        env["params"] = self._params(**({"sub_action": sub_action} if sub_action else {}))
        return await self.send(env)

    async def welcome(self) -> Answer:
        """The person opens the bot for the first time (the welcome handler)."""
        return await self.send(envelope("bot", "welcome_handler", params={"user": self.user}))

    async def click(self, button: dict[str, Any] | str) -> Answer:
        """Click a button of the last answer (by label) or a button object."""
        if isinstance(button, str):
            if self.last is None:
                raise LookupError("nothing answered yet")
            button = self.last.button(button)
        action = button.get("action", {})
        name = (action.get("data") or {}).get("name", "")
        message = {"text": self.last.text if self.last else "", "type": "text"}
        params = self._params(
            arguments={"key": button.get("key", "")},
            target={"name": button.get("label", "")},
            message=message,
        )
        return await self.send(envelope("function", "button_handler", name=name, params=params))

    async def type_in(
        self,
        field: str,
        query: str,
        values: dict[str, Any] | None = None,
        form: dict[str, Any] | None = None,
    ) -> Answer:
        """Type `query` into the dynamic select input `field` of the last answer's form (or
        `form`): the form's dynamic field handler, sent with the form's current values (its
        hidden inputs, then `values`) as Cliq sends them; the answer holds the `options`.
        LookupError if there is no form. Cliq: dynamic field handler
        (https://www.zoho.com/cliq/help/platform/form_functions_workflow/dynamic-field-handler.html).
        """
        form = form or (self.last.output if self.last else None)
        if not isinstance(form, dict) or form.get("type") != "form":
            raise LookupError("the last answer is not a form")
        current = {
            i["name"]: i["value"]
            for i in form.get("inputs", [])
            if i.get("type") == "hidden" and "value" in i
        }
        current.update(values or {})
        params = self._params(
            target={"name": field, "query": query},
            form={"name": form["name"], "values": current},
        )
        function = (form.get("action") or {}).get("name", "")
        return await self.send(
            envelope("function", "form_dynamic_select_handler", name=function, params=params)
        )

    async def submit(self, values: dict[str, Any], form: dict[str, Any] | None = None) -> Answer:
        """Submit the form of the last answer (or `form`) with `values` for its inputs.

        Hidden inputs keep their values; select and radio values the form offers are sent as
        `{label, value}` objects, as Cliq does; anything else (a value the form did not offer, an
        object) is sent as given, as a forging client could.
        """
        form = form or (self.last.output if self.last else None)
        if not isinstance(form, dict) or form.get("type") != "form":
            raise LookupError("the last answer is not a form")
        wire_values: dict[str, Any] = {}
        for field_ in form.get("inputs", []):
            name = field_["name"]
            value = values.get(name, field_.get("value"))
            if value is None:
                continue
            options = {o["value"]: o["label"] for o in field_.get("options", [])}
            if (
                field_.get("type") in ("select", "radio")
                and isinstance(value, str)
                and value in options
            ):
                value = {"label": options[value], "value": value}
            wire_values[name] = value
        params = self._params(
            form={"name": form["name"], "action": "submit", "values": wire_values}
        )
        function = (form.get("action") or {}).get("name", "")
        return await self.send(envelope("function", "form_handler", name=function, params=params))


@asynccontextmanager
async def talking_to(bot: Bot, secret: str = "test") -> AsyncIterator[Conversation]:
    """A `Conversation` with `bot` served on a loopback port as in production (`make_web_app`,
    its calls verified by an `HmacVerifier` under `secret`, each call signed and encoded as the
    Deluge shims send it); the server stops when the block ends.

        async with talking_to(Bot(clock=FrozenClock()).include(router)) as chat:
            assert (await chat.command("roll", "6")).text == "..."
    """
    app = make_web_app(bot, HmacVerifier(secret, bot.clock))
    async with TestClient(TestServer(app)) as client:
        yield Conversation(client, SignedRequests(secret, bot.clock))
