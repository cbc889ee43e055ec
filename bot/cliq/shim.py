"""`deskbot shim`: the Deluge to paste into Cliq for each handler, menu, command and function.

Each shim builds the handler envelope (reference/cliq.md §3.1) from the Deluge variables that
Zoho documents for its handler (`HANDLERS`, one row per handler, with the page it comes from),
carries every value Deluge-safe (`bot.cliq.deluge`: each leaf base64-encoded and tagged, so the
body is plain ASCII and `Map.toString()` cannot corrupt it), signs `timestamp + "." + body` with
`zoho.encryption.hmacsha256`, sends it with `invokeUrl` (`body:`, never `parameters:`) and
returns our `output`. Any other answer (401, 400, 5xx, nothing at all) becomes a short error
line the user sees: a failure banner where Cliq shows banners, a text elsewhere, a one-entry
list for a suggestion handler (the participation handler, which hears every channel message,
only logs it).
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from bot.cliq.deluge import ENCODING, JSON_TAG, TEXT_TAG, deluge_to_string, encode_leaf
from bot.cliq.envelope import shows_banners
from bot.dispatch import Bot


class Shape(StrEnum):
    """How a Deluge variable is laid out, which decides how the shim carries it."""

    TEXT = "text"  # one value (a text, number or boolean): one tagged leaf
    MAP = "map"  # a map: each value one tagged leaf (deeper maps travel as JSON leaves)
    MAPS = "maps"  # a list of maps, each as MAP
    LEAVES = "leaves"  # a list of values, each one tagged leaf
    TEXT_OR_MAP = "text_or_map"  # a message: a text in some handlers, a map in others
    FORM = "form"  # {name, action, values}: values as MAP
    DATA = "data"  # participation data: {message (TEXT_OR_MAP), time}


@dataclass(frozen=True)
class HandlerDoc:
    """What Zoho documents for one handler: its Deluge variables (with their shapes), the page
    that lists them, which of them the shim forwards, and what the handler returns."""

    source: str
    variables: dict[str, Shape]
    forwarded: tuple[str, ...]
    returns_list: bool = False


_HELP = "https://www.zoho.com/cliq/help/platform"
_COMMAND_VARIABLES = {
    "arguments": Shape.TEXT,
    "chat": Shape.MAP,
    "user": Shape.MAP,
    "options": Shape.MAP,
    "mentions": Shape.MAPS,
    "attachments": Shape.LEAVES,
    "selections": Shape.MAPS,
    "location": Shape.MAP,
}

HANDLERS: dict[str, HandlerDoc] = {
    "message_handler": HandlerDoc(
        f"{_HELP}/bot-messagehandler.html",
        {
            "message": Shape.TEXT_OR_MAP,
            "attachments": Shape.LEAVES,
            "mentions": Shape.MAPS,
            "links": Shape.LEAVES,
            "user": Shape.MAP,
            "chat": Shape.MAP,
            "location": Shape.MAP,
        },
        ("message", "user", "chat", "location", "mentions"),
    ),
    "mention_handler": HandlerDoc(
        f"{_HELP}/bot-mentionshandler.html",
        {
            "message": Shape.TEXT_OR_MAP,
            "mentions": Shape.MAPS,
            "user": Shape.MAP,
            "chat": Shape.MAP,
            "location": Shape.MAP,
        },
        ("message", "user", "chat", "location", "mentions"),
    ),
    "welcome_handler": HandlerDoc(
        f"{_HELP}/bot-welcomehandler.html",
        {"user": Shape.MAP, "newuser": Shape.TEXT},
        ("user", "newuser"),
    ),
    "action_handler": HandlerDoc(
        f"{_HELP}/bothandler-menu.html",
        {
            "user": Shape.MAP,
            "location": Shape.MAP,
            "chat": Shape.MAP,
            "context_id": Shape.TEXT,
            "sub_action": Shape.TEXT,
        },
        ("user", "chat", "location", "sub_action"),
    ),
    "participation_handler": HandlerDoc(
        f"{_HELP}/bot-participation-handler.html",
        {
            "operation": Shape.TEXT,
            "data": Shape.DATA,
            "chat": Shape.MAP,
            "user": Shape.MAP,
            "environment": Shape.MAP,
            "access": Shape.MAP,
        },
        ("operation", "data", "user", "chat"),
    ),
    "execution_handler": HandlerDoc(
        f"{_HELP}/commandexecution.html",
        _COMMAND_VARIABLES,
        ("arguments", "options", "selections", "user", "chat", "location", "mentions"),
    ),
    "suggestion_handler": HandlerDoc(
        f"{_HELP}/command-suggestion.html",
        _COMMAND_VARIABLES,
        ("arguments", "options", "selections", "user", "chat", "location"),
        returns_list=True,
    ),
    "button_handler": HandlerDoc(
        f"{_HELP}/functions_workflow.html",
        {
            "user": Shape.MAP,
            "message": Shape.MAP,
            "arguments": Shape.MAP,
            "chat": Shape.MAP,
            "target": Shape.MAP,
        },
        ("arguments", "target", "message", "user", "chat"),
    ),
    "form_handler": HandlerDoc(
        f"{_HELP}/form_functions_workflow/submit-handler.html",
        {
            "access": Shape.MAP,
            "environment": Shape.MAP,
            "user": Shape.MAP,
            "chat": Shape.MAP,
            "form": Shape.FORM,
        },
        ("form", "user", "chat"),
    ),
    "form_dynamic_select_handler": HandlerDoc(
        f"{_HELP}/form_functions_workflow/dynamic-field-handler.html",
        {
            "target": Shape.MAP,
            "form": Shape.FORM,
            "user": Shape.MAP,
            "chat": Shape.MAP,
        },
        ("target", "form", "user", "chat"),
    ),
}


@dataclass(frozen=True)
class Shim:
    """Where to paste it in Cliq, and the envelope it sends."""

    where: str
    component: str
    handler: str
    name: str
    handler_name: str = ""

    @property
    def doc(self) -> HandlerDoc:
        return HANDLERS[self.handler]

    def deluge(self, url: str, secret: str, bot_name: str = "Bot") -> str:
        """The Deluge for this shim. Raises ValueError if a constant it sends is not ASCII."""
        for constant in (self.component, self.name, self.handler, self.handler_name):
            if not constant.isascii():
                raise ValueError(f"{constant!r}: shim constants must be ASCII (signed as sent)")
        lines = [
            f"// {self.where}",
            f"// Variables: {', '.join(self.doc.forwarded)} (as {self.doc.source})",
            "payload = Map();",
            f"payload.put({_q('type')}, {_q(self.component)});",
            f"payload.put({_q('name')}, {_q(self.name)});",
            f"payload.put({_q('encoding')}, {_q(ENCODING)});",
            "handler = Map();",
            f"handler.put({_q('type')}, {_q(self.handler)});",
        ]
        if self.handler_name:
            lines.append(f"handler.put({_q('name')}, {_q(self.handler_name)});")
        lines += ['payload.put("handler", handler);', "params = Map();"]
        for variable in self.doc.forwarded:
            lines += _carry(variable, self.doc.variables[variable])
        lines += [
            'payload.put("params", params);',
            "now = zoho.currenttime.toLong();",
            'payload.put("timestamp", now);',
            "// Every value above is ASCII (tagged base64), so toString() is exact JSON.",
            "body = payload.toString();",
            "ts = now.toString();",
            f'sig = zoho.encryption.hmacsha256({_q(secret)}, ts + "." + body, "hex");',
            "headers = Map();",
            'headers.put("Content-Type", "application/json");',
            'headers.put("X-Deskbot-Timestamp", ts);',
            'headers.put("X-Deskbot-Signature", sig);',
            'response = "";',
            "try",
            "{",
            "\tresponse = invokeUrl",
            "\t[",
            f"\t\turl: {_q(url)}",
            "\t\ttype: POST",
            "\t\tbody: body",
            "\t\theaders: headers",
            "\t];",
            "}",
            "catch (e)",
            "{",
            '\tresponse = "";',
            "}",
            "// invokeUrl may hand back a map or text: go through text to be sure.",
            "answer = Map();",
            "try",
            "{",
            "\tanswer = response.toString().toMap();",
            "}",
            "catch (e)",
            "{",
            "\tanswer = Map();",
            "}",
            'if(answer == null || !answer.containKey("output"))',
            "{",
            '\treason = "unreachable";',
            '\tif(answer != null && answer.containKey("error"))',
            "\t{",
            '\t\treason = answer.get("error").toString();',
            "\t}",
            *("\t" + line for line in self._error_reply(bot_name)),
            "}",
            'output = answer.get("output");',
            'if(output == null || output.toString() == "")',
            "{",
            f"\treturn {'List()' if self.doc.returns_list else 'Map()'};",
            "}",
            "return output;",
        ]
        return "\n".join(lines)

    def _error_reply(self, bot_name: str) -> list[str]:
        """Deluge that returns the error line for this handler type (`reason` holds why): a
        failure banner where Cliq shows one, a text elsewhere, one row for a suggestion handler.
        """
        said = _q(f"{bot_name[:15]} failed: ")
        lines = ["failed = Map();"]
        if self.handler == "participation_handler":
            # Nobody addressed the bot: every message in the channel calls this handler, so an
            # error line here would answer all of them while the bot is down. Log it only.
            return ['info "Deskbot did not answer: " + reason;', "return failed;"]
        if self.handler == "form_dynamic_select_handler":
            # The drop-down shows no options; the reason goes to the function's log.
            return [
                *lines,
                f"info {said} + reason;",
                'failed.put("options", List());',
                "return failed;",
            ]
        if self.doc.returns_list:
            lines += [
                f'failed.put("title", {said} + reason);',
                'failed.put("description", "Try again in a moment.");',
                "rows = List();",
                "rows.add(failed);",
                "return rows;",
            ]
        elif shows_banners(self.component, self.handler):
            lines += [
                'failed.put("type", "banner");',
                'failed.put("status", "failure");',
                f'failed.put("text", {said} + reason);',
                "return failed;",
            ]
        else:
            lines += [f'failed.put("text", {said} + reason + ". Try again in a moment.");']
            lines.append("return failed;")
        return lines


def _q(text: str) -> str:
    """A Deluge string literal (our own constants only: names, URL, secret)."""
    return json.dumps(text, ensure_ascii=False)


def _leaf(value: str, put: str) -> list[str]:
    """Statements that carry one Deluge value as a tagged leaf; `put` takes the leaf expression."""
    encoded = f'zoho.encryption.base64Encode({value}.toString(), "UTF-8")'
    return [
        f"if(isText({value}) == null) {{ {put.format(f'{_q(JSON_TAG)} + {encoded}')}; }}",
        f"else {{ {put.format(f'{_q(TEXT_TAG)} + {encoded}')}; }}",
    ]


def _map_into(source: str, target: str) -> list[str]:
    """Copy a Deluge map into `target`, each value as a tagged leaf."""
    return [
        f"{target} = Map();",
        f"for each k in {source}.keys()",
        "{",
        f"\tx = {source}.get(k);",
        "\tif(x != null)",
        "\t{",
        *("\t\t" + line for line in _leaf("x", f"{target}.put(k, {{}})")),
        "\t}",
        "}",
    ]


def _carry(variable: str, shape: Shape, into: str = "params", key: str = "") -> list[str]:
    """Deluge that puts `variable` into the map `into` (under `key`, default its own name),
    Deluge-safe, if Cliq passed it."""
    key = _q(key or variable)
    if shape is Shape.TEXT:
        body = _leaf(variable, f"{into}.put({key}, {{}})")
    elif shape is Shape.MAP:
        body = [*_map_into(variable, "m"), f"{into}.put({key}, m);"]
    elif shape is Shape.TEXT_OR_MAP:
        body = [
            f"if(isText({variable}) == null)",
            "{",
            *("\t" + line for line in _map_into(variable, "m")),
            f"\t{into}.put({key}, m);",
            "}",
            "else",
            "{",
            *("\t" + line for line in _leaf(variable, f"{into}.put({key}, {{}})")),
            "}",
        ]
    elif shape is Shape.MAPS:
        body = [
            "l = List();",
            f"for each e in {variable}",
            "{",
            *("\t" + line for line in _map_into("e", "m")),
            "\tl.add(m);",
            "}",
            f"{into}.put({key}, l);",
        ]
    elif shape is Shape.LEAVES:
        body = [
            "l = List();",
            f"for each e in {variable}",
            "{",
            *("\t" + line for line in _leaf("e", "l.add({})")),
            "}",
            f"{into}.put({key}, l);",
        ]
    elif shape is Shape.FORM:
        body = [
            "f = Map();",
            f'f.put("name", {_q(TEXT_TAG)} + zoho.encryption.base64Encode({variable}.get("name"), "UTF-8"));',
            f'if({variable}.get("action") != null)',
            "{",
            f'\tf.put("action", {_q(TEXT_TAG)} + zoho.encryption.base64Encode({variable}.get("action"), "UTF-8"));',
            "}",
            f'values = {variable}.get("values");',
            "m = Map();",
            "if(values != null)",
            "{",
            *("\t" + line for line in _map_into("values", "m")),
            "}",
            'f.put("values", m);',
            f"{into}.put({key}, f);",
        ]
    else:  # Shape.DATA
        body = [
            "d = Map();",
            f'said = {variable}.get("message");',
            "if(said != null)",
            "{",
            *("\t" + line for line in _carry("said", Shape.TEXT_OR_MAP, "d", "message")),
            "}",
            f'when = {variable}.get("time");',
            "if(when != null)",
            "{",
            *("\t" + line for line in _leaf("when", 'd.put("time", {})')),
            "}",
            f"{into}.put({key}, d);",
        ]
    return [f"if({variable} != null)", "{", *("\t" + line for line in body), "}"]


def shims(bot: Bot, *, button_function: str, form_function: str) -> list[Shim]:
    """One shim per bot handler, menu action, command (and its suggestions) and function."""
    unique = bot.name.lower().replace(" ", "")
    found = [
        Shim(f"Bot {bot.name} → Message handler", "bot", "message_handler", unique),
        Shim(f"Bot {bot.name} → Mention handler", "bot", "mention_handler", unique),
        Shim(f"Bot {bot.name} → Welcome handler", "bot", "welcome_handler", unique),
        Shim(f"Bot {bot.name} → Participation handler", "bot", "participation_handler", unique),
    ]
    for menu, sub_actions in bot.menus().items():
        where = f"Bot {bot.name} → Menu action “{menu}”"
        if sub_actions:
            where += " with sub-actions: " + ", ".join(f"“{s}”" for s in sub_actions)
        found.append(Shim(where, "bot", "action_handler", unique, handler_name=menu))
    for command in bot.router.commands:
        found.append(
            Shim(
                f"Command /{command.name} → Execution handler",
                "command",
                "execution_handler",
                command.name,
            )
        )
    for suggestion in bot.router.suggestions:
        found.append(
            Shim(
                f"Command /{suggestion.command} → Suggestion handler",
                "command",
                "suggestion_handler",
                suggestion.command,
            )
        )
    if bot.router.buttons:
        prefixes = ", ".join(b.prefix for b in bot.router.buttons)
        where = f"Function {button_function} (type Button; serves keys: {prefixes})"
        found.append(Shim(where, "function", "button_handler", button_function))
    if bot.router.forms:
        names = ", ".join(f.name for f in bot.router.forms)
        where = f"Function {form_function} (type Form; serves forms: {names})"
        found.append(Shim(where, "function", "form_handler", form_function))
    if bot.router.dynamic_selects:
        fields = ", ".join(f"{d.form}.{d.field}" for d in bot.router.dynamic_selects)
        where = f"Function {form_function} → Dynamic field handler (serves: {fields})"
        found.append(Shim(where, "function", "form_dynamic_select_handler", form_function))
    return found


def render_all(bot: Bot, url: str, secret: str, *, button_function: str, form_function: str) -> str:
    parts = [
        "// Deluge shims for Zoho Cliq: paste each block into the handler named in its first line.",
        f"// They forward every call to {url}, signed with your DESKBOT_CLIQ_SECRET.",
    ]
    for shim in shims(bot, button_function=button_function, form_function=form_function):
        parts.append(shim.deluge(url, secret, bot.name))
    return "\n\n".join(parts) + "\n"


def shim_body(envelope: Mapping[str, Any]) -> bytes:
    """The body a shim sends for this envelope: the Python twin of `Shim.deluge`, for test kits.

    Only the variables the handler's shim forwards are kept, each carried as the shim carries it
    (`bot.cliq.deluge`), and the whole is serialised as Deluge's `Map.toString()` does (no
    escaping: safe only because every value is ASCII). Raises ValueError for a handler type
    that has no shim (an extension's installation calls, for one).
    """
    handler = envelope.get("handler")
    handler_type = handler.get("type") if isinstance(handler, Mapping) else handler
    doc = HANDLERS.get(str(handler_type))
    if doc is None:
        raise ValueError(f"no Deluge shim sends a {handler_type!r} call")
    params = envelope.get("params") or {}
    carried = {
        name: _carried(params[name], doc.variables[name])
        for name in doc.forwarded
        if params.get(name) is not None
    }
    sent = {key: value for key, value in envelope.items() if key not in ("params", "response_url")}
    sent["encoding"] = ENCODING
    sent["params"] = carried
    return deluge_to_string(sent).encode("utf-8")


def _carried(value: Any, shape: Shape) -> Any:
    if shape is Shape.TEXT:
        return encode_leaf(value)
    if shape is Shape.MAP:
        return {k: encode_leaf(v) for k, v in dict(value).items() if v is not None}
    if shape is Shape.MAPS:
        return [_carried(item, Shape.MAP) for item in value]
    if shape is Shape.LEAVES:
        return [encode_leaf(item) for item in value]
    if shape is Shape.TEXT_OR_MAP:
        return _carried(value, Shape.MAP if isinstance(value, Mapping) else Shape.TEXT)
    if shape is Shape.FORM:
        form = {"name": encode_leaf(value.get("name", ""))}
        if value.get("action") is not None:
            form["action"] = encode_leaf(value["action"])
        form["values"] = _carried(value.get("values") or {}, Shape.MAP)
        return form
    data: dict[str, Any] = {}  # Shape.DATA
    if value.get("message") is not None:
        data["message"] = _carried(value["message"], Shape.TEXT_OR_MAP)
    if value.get("time") is not None:
        data["time"] = encode_leaf(value["time"])
    return data
