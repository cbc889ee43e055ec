"""Hidden form inputs that come back as they were sent (issue 11 item 1).

A form's hidden inputs (a ticket id, the time a card was drawn) are sent to Cliq and return with
the submit, where any client could change them. `seal` adds one more hidden input, `_sealed`,
naming the hidden inputs and carrying an HMAC-SHA256 of the form's name and their values under
the bot's key; `opened` checks it on submit and hands back the values without it, or None when
a hidden value was changed, dropped or added, or the seal is missing. Values other than hidden
ones are left to the form's values model and its `offered` choices (bot.router).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
from typing import Any

from bot.cliq import limits
from bot.cliq.form import Form, HiddenInput

SEAL = "_sealed"
"""The name of the hidden input that carries the seal (a valid Cliq input name)."""


def seal(form: Form, key: bytes) -> Form:
    """`form` with a `_sealed` hidden input over its hidden inputs' names and values.

    Raises ValueError when the form already holds Cliq's 25 inputs (no room for the seal)."""
    hidden = {i.name: i.value for i in form.inputs if isinstance(i, HiddenInput)}
    if len(form.inputs) >= limits.FORM_INPUTS:
        raise ValueError(
            f"form {form.name!r} has {limits.FORM_INPUTS} inputs: no room for its seal "
            "(Cliq allows 25)"
        )
    names = ",".join(sorted(hidden))
    value = f"{names}.{_mac(key, form.name, hidden)}"
    return form.replace(inputs=[*form.inputs, HiddenInput(name=SEAL, value=value)])


def opened(name: str, values: dict[str, Any], key: bytes) -> dict[str, Any] | None:
    """The submitted `values` of form `name` without the seal, if its hidden values are as
    sealed; None otherwise."""
    sealed = values.get(SEAL)
    if not isinstance(sealed, str) or "." not in sealed:
        return None
    names, _, mac = sealed.rpartition(".")
    hidden: dict[str, Any] = {n: values.get(n) for n in names.split(",") if n}
    if any(not isinstance(v, str) for v in hidden.values()):
        return None
    if not hmac.compare_digest(mac, _mac(key, name, hidden)):
        return None
    return {k: v for k, v in values.items() if k != SEAL}


def _mac(key: bytes, form_name: str, hidden: dict[str, Any]) -> str:
    message = json.dumps([form_name, sorted(hidden.items())], ensure_ascii=False).encode()
    digest = hmac.new(key, message, hashlib.sha256).digest()
    return base64.urlsafe_b64encode(digest[:18]).decode()
