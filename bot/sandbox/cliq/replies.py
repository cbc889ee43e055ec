"""What Cliq accepts as a handler's answer (a message, banner, message edit, form, or command
suggestions), written from Zoho's platform pages — never from our own models, so a limit we
got wrong is caught. The sandbox applies it to response-URL posts; Deskbot's tests apply it to
every answer the bot gives (`tests/deskbot/conftest.py`).

Sources:
- BANNER   https://www.zoho.com/cliq/help/platform/cliq-banner.html
- EDIT     https://www.zoho.com/cliq/help/platform/cliq-message-edit.html
- FORM     https://zoho.com/cliq/help/platform/cliq-form.html
- FORMS    https://www.zoho.com/cliq/help/platform/cliq-forms.html (at most 25 inputs)
- RADIO    https://zoho.com/cliq/help/platform/cliq-forms/input-type-radio.html (`hint*`, 2–5)
- CHECKBOX https://www.zoho.com/cliq/help/platform/cliq-forms/input-type-checkbox.html (1–5)
- SELECT   https://zoho.com/cliq/help/platform/cliq-forms/drop-down-developer-defined.html
- TEXTAREA https://zoho.com/cliq/help/platform/cliq-forms/multi-line-input.html
- HIDDEN   https://zoho.com/cliq/help/platform/cliq-forms/pre-filled-input.html
- CMD      https://www.zoho.com/cliq/help/platform/command-suggestion.html
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from bot.sandbox.cliq.spec import CONTENT_KEYS, check_keys, check_message, mismatch

REPLY_MESSAGE_KEYS = CONTENT_KEYS | {"suggestions", "context", "references", "styles"}
BANNER_STATUS = frozenset({"success", "failure"})  # [BANNER]
FORM_KEYS = frozenset(
    {
        "type",
        "title",
        "name",
        "hint",
        "button_label",
        "inputs",
        "action",
        "actions",
        "version",
        "trigger_on_cancel",
    }
)  # [FORM]
FORM_NAME_MAX = 50  # [FORM]
MAX_INPUTS = 25  # [FORMS]
INPUT_TYPES = frozenset(
    {
        "text",
        "textarea",
        "number",
        "select",
        "native_select",
        "dynamic_select",
        "radio",
        "checkbox",
        "toggle",
        "date",
        "datetime",
        "location",
        "file",
        "hidden",
        "catalogue",
        "dynamic_catalogue",
        "phone_number",
    }
)  # the input pages under [FORMS]
INPUT_NAME = re.compile(r"^[A-Za-z0-9_-]{1,50}$")  # name ≤ 50 [FORM input pages]
LABEL_MAX = 50
HINT_MAX = 100
PLACEHOLDER_MAX = 100
OPTION_LABEL_MAX = 100
OPTION_VALUE_MAX = 50
OPTION_COUNTS = {
    "radio": (2, 5),
    "checkbox": (1, 5),
    "select": (1, 100),
}  # [RADIO][CHECKBOX][SELECT]
NEEDS_HINT = frozenset({"radio"})  # `hint*` on the radio page [RADIO]
NEEDS_PLACEHOLDER = frozenset({"text", "textarea", "select"})  # [TEXTAREA], text and select pages
TEXTAREA_MAX_LENGTH = 5000  # [TEXTAREA]
HIDDEN_VALUE_MAX = 2000  # [HIDDEN]
SUGGESTION_KEYS = frozenset({"title", "description", "imageurl"})  # [CMD]


def check_reply(output: Any) -> None:
    """A handler's answer as Cliq takes it; raises spec.Refusal (400) naming the broken rule."""
    if output in (None, "", {}):
        return
    if isinstance(output, list):  # command suggestions
        for item in output:
            if not isinstance(item, dict) or not isinstance(item.get("title"), str):
                raise mismatch("a command suggestion is an object with a title")
            check_keys(item, SUGGESTION_KEYS, "suggestion.")
        return
    if not isinstance(output, dict):
        raise mismatch("an answer is an object or a list of suggestions")
    if set(output) == {"options"}:  # a form's dynamic field handler (dynamic-field-handler.html)
        options = output["options"]
        if not isinstance(options, list) or len(options) > 100:
            raise mismatch("a dynamic select answers at most 100 options")
        for option in options:
            if not isinstance(option, dict) or set(option) != {"label", "value"}:
                raise mismatch("a dynamic select option is {label, value}")
        return
    kind = output.get("type")
    if kind == "banner":
        check_keys(output, frozenset({"type", "status", "text"}), "banner.")
        if not output.get("text") or output.get("status", "success") not in BANNER_STATUS:
            raise mismatch("a banner needs text and a status of success or failure")
    elif kind == "form":
        check_form(output)
    elif kind in (None, "message_edit"):
        check_keys(output, REPLY_MESSAGE_KEYS | {"type", "navigation"})
        check_message(output, text_required=kind == "message_edit")  # text* [EDIT]
    elif kind not in ("form_error", "form_modification"):
        raise mismatch(f"unknown answer type {kind!r}")


def check_form(form: Mapping[str, Any]) -> None:
    check_keys(form, FORM_KEYS, "form.")
    for required in ("title", "name", "inputs", "action"):
        if not form.get(required):
            raise mismatch(f"form.{required} is mandatory")
    if len(str(form["name"])) > FORM_NAME_MAX:
        raise mismatch(f"form.name is at most {FORM_NAME_MAX} characters")
    action = form["action"]
    if not isinstance(action, dict) or action.get("type") != "invoke.function":
        raise mismatch("form.action is {type: invoke.function, name}")
    if not action.get("name"):
        raise mismatch("form.action.name is mandatory")
    inputs = form["inputs"]
    if not isinstance(inputs, list) or len(inputs) > MAX_INPUTS:
        raise mismatch(f"form.inputs is a list of at most {MAX_INPUTS}")
    for index, field in enumerate(inputs):
        _check_input(field, f"form.inputs[{index}].")


def _check_input(field: Any, at: str) -> None:
    if not isinstance(field, dict) or field.get("type") not in INPUT_TYPES:
        raise mismatch(f"{at}type must be one of {sorted(INPUT_TYPES)}")
    kind = field["type"]
    if not INPUT_NAME.match(str(field.get("name", ""))):
        raise mismatch(f"{at}name is mandatory: at most 50 of A-Z a-z 0-9 _ -")
    if kind == "hidden":
        value = field.get("value")
        if value is None or len(str(value)) > HIDDEN_VALUE_MAX:
            raise mismatch(f"{at}value is mandatory, at most {HIDDEN_VALUE_MAX} characters")
        return
    label = field.get("label")
    if not isinstance(label, str) or not label or len(label) > LABEL_MAX:
        raise mismatch(f"{at}label is mandatory, at most {LABEL_MAX} characters")
    hint = field.get("hint")
    if kind in NEEDS_HINT and not hint:
        raise mismatch(f"{at}hint is mandatory for a {kind} input")
    if hint is not None and len(str(hint)) > HINT_MAX:
        raise mismatch(f"{at}hint is at most {HINT_MAX} characters")
    placeholder = field.get("placeholder")
    if kind in NEEDS_PLACEHOLDER and not placeholder:
        raise mismatch(f"{at}placeholder is mandatory for a {kind} input")
    if placeholder is not None and len(str(placeholder)) > PLACEHOLDER_MAX:
        raise mismatch(f"{at}placeholder is at most {PLACEHOLDER_MAX} characters")
    if kind == "textarea" and int(field.get("max_length", 0) or 0) > TEXTAREA_MAX_LENGTH:
        raise mismatch(f"{at}max_length is at most {TEXTAREA_MAX_LENGTH}")
    if kind in OPTION_COUNTS:
        low, high = OPTION_COUNTS[kind]
        options = field.get("options")
        if not isinstance(options, list) or not low <= len(options) <= high:
            raise mismatch(f"{at}a {kind} input has {low} to {high} options")
        for option in options:
            if not isinstance(option, dict):
                raise mismatch(f"{at}an option is {{label, value}}")
            if len(str(option.get("label", ""))) > OPTION_LABEL_MAX:
                raise mismatch(f"{at}an option label is at most {OPTION_LABEL_MAX} characters")
            if len(str(option.get("value", ""))) > OPTION_VALUE_MAX:
                raise mismatch(f"{at}an option value is at most {OPTION_VALUE_MAX} characters")
