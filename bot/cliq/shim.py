"""`deskbot shim`: the Deluge to paste into Cliq for each handler, command and function.

Each shim builds the handler envelope (reference/cliq.md §3.1) from the Deluge handler's own
variables, signs `timestamp + "." + body` with `zoho.encryption.hmacsha256`, sends it with
`invokeUrl` (`body:`, never `parameters:`) and returns our `output`.
"""

from __future__ import annotations

from dataclasses import dataclass

from bot.dispatch import Bot

# The Deluge variables each handler gets (reference/cliq.md §3.4), in envelope order.
_BOT_VARS = ("user", "chat", "location")
HANDLER_VARIABLES: dict[str, tuple[str, ...]] = {
    "message_handler": ("message", *_BOT_VARS, "mentions", "attachments"),
    "mention_handler": ("message", *_BOT_VARS, "mentions"),
    "welcome_handler": ("user", "newuser"),
    "action_handler": _BOT_VARS,
    "participation_handler": ("operation", "data", "user", "chat"),
    "execution_handler": ("arguments", "options", "selections", *_BOT_VARS, "mentions"),
    "suggestion_handler": ("arguments", "options", *_BOT_VARS),
    "button_handler": ("arguments", "target", "message", *_BOT_VARS),
    "form_handler": ("form", "target", "message", "user", "chat"),
}


@dataclass(frozen=True)
class Shim:
    """Where to paste it in Cliq, and the envelope it sends."""

    where: str
    component: str
    handler: str
    name: str
    handler_name: str = ""

    def deluge(self, url: str, secret: str) -> str:
        lines = [
            f"// {self.where}",
            "payload = Map();",
            f'payload.put("type", "{self.component}");',
            f'payload.put("name", "{self.name}");',
            "handler = Map();",
            f'handler.put("type", "{self.handler}");',
        ]
        if self.handler_name:
            lines.append(f'handler.put("name", "{self.handler_name}");')
        lines += ['payload.put("handler", handler);', "params = Map();"]
        for variable in HANDLER_VARIABLES[self.handler]:
            lines.append(f'if({variable} != null) {{ params.put("{variable}", {variable}); }}')
        lines += [
            'payload.put("params", params);',
            "now = zoho.currenttime.toLong();",
            'payload.put("timestamp", now);',
            "body = payload.toString();",
            "ts = now.toString();",
            f'sig = zoho.encryption.hmacsha256("{secret}", ts + "." + body, "hex");',
            "headers = Map();",
            'headers.put("Content-Type", "application/json");',
            'headers.put("X-Deskbot-Timestamp", ts);',
            'headers.put("X-Deskbot-Signature", sig);',
            "response = invokeUrl",
            "[",
            f'\turl: "{url}"',
            "\ttype: POST",
            "\tbody: body",
            "\theaders: headers",
            "];",
            "// invokeUrl may hand back a map or text: go through text to be sure.",
            'output = response.toString().toMap().get("output");',
            'if(output == null || output.toString() == "") { return Map(); }',
            "return output;",
        ]
        return "\n".join(lines)


def shims(bot: Bot, *, button_function: str, form_function: str) -> list[Shim]:
    """One shim per bot handler, menu action, command (and its suggestions) and function."""
    unique = bot.name.lower().replace(" ", "")
    found = [
        Shim(f"Bot {bot.name} → Message handler", "bot", "message_handler", unique),
        Shim(f"Bot {bot.name} → Mention handler", "bot", "mention_handler", unique),
        Shim(f"Bot {bot.name} → Welcome handler", "bot", "welcome_handler", unique),
        Shim(f"Bot {bot.name} → Participation handler", "bot", "participation_handler", unique),
    ]
    for menu in bot.router.menus:
        where = f"Bot {bot.name} → Menu action “{menu.name}”"
        found.append(Shim(where, "bot", "action_handler", unique, handler_name=menu.name))
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
    return found


def render_all(bot: Bot, url: str, secret: str, *, button_function: str, form_function: str) -> str:
    parts = [
        "// Deluge shims for Zoho Cliq: paste each block into the handler named in its first line.",
        f"// They forward every call to {url}, signed with your DESKBOT_CLIQ_SECRET.",
    ]
    for shim in shims(bot, button_function=button_function, form_function=form_function):
        parts.append(shim.deluge(url, secret))
    return "\n\n".join(parts) + "\n"
