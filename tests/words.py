"""Every word a person sees comes from the catalogs (issue 13): the check conversation tests use.

Talk to the bot in the tests' pseudo-language (`user.language = "qps"`, bot/i18n): every text
from the catalogs, and every date, time and number Babel writes, comes back in full-width
letters (`Ｏｐｅｎ`), the same length as the English. `assert_translated(output, data=[…])`
then walks what Cliq would show of an answer — message text, card title, button labels, slides
(titles, list items, table headers and cells, label pairs, text), banners, forms (title, hint,
submit label, every input's label, hint and placeholder, options' labels), form errors, confirm
dialogs, suggestions — takes out the `data` (what came from Desk or from the person: subjects,
names, statuses, what was typed) and any URLs and Cliq mentions, and fails on any ASCII letter
left: a word that escaped the catalogs.

    answer = await chat.command("ticket", "115")        # with user={"language": "qps"}
    assert_translated(answer.output, data=[ticket.subject, "Open", "Aiko Tanaka"])
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from typing import Any

VISIBLE = ("title", "text", "label", "placeholder", "hint", "description")
CONFIRM = ("title", "description", "button_label", "cancel_button_label")
URL = re.compile(r"https?://[^\s)\]]+")
MENTION = re.compile(r"\{@[^}]*\}")
ASCII_WORD = re.compile(r"[A-Za-z]+")


def visible_texts(output: Any) -> Iterator[str]:
    """Every text Cliq shows of a handler's `output` (a message, banner, form, form error,
    message edit or suggestion list), in order."""
    if isinstance(output, list):  # a suggestion handler's list
        for item in output:
            yield from visible_texts(item)
        return
    if not isinstance(output, dict):
        if isinstance(output, str):
            yield output
        return
    kind = output.get("type")
    if kind == "form_error":
        yield from (str(v) for v in (output.get("inputs") or {}).values())
        return
    for key in VISIBLE:
        if isinstance(output.get(key), str):
            yield output[key]
    if isinstance(output.get("button_label"), str):
        yield output["button_label"]
    card = output.get("card") or {}
    if isinstance(card.get("title"), str):
        yield card["title"]
    for button in output.get("buttons") or []:
        yield from visible_texts(button)
        yield from _confirm((button.get("action") or {}).get("confirm"))
    for slide in output.get("slides") or []:
        yield from _slide(slide)
    for field in output.get("inputs") or []:
        yield from visible_texts(field)
        for option in field.get("options") or []:
            yield str(option.get("label", ""))
    suggestions = output.get("suggestions") or {}
    for suggestion in suggestions.get("list") or []:
        yield from visible_texts(suggestion)


def _confirm(confirm: Any) -> Iterator[str]:
    if isinstance(confirm, dict):
        yield from (confirm[k] for k in CONFIRM if isinstance(confirm.get(k), str))


def _slide(slide: dict[str, Any]) -> Iterator[str]:
    if isinstance(slide.get("title"), str):
        yield slide["title"]
    data = slide.get("data")
    kind = slide.get("type")
    if kind == "images":
        return
    if kind == "table" and isinstance(data, dict):
        yield from (str(h) for h in data.get("headers") or [])
        for row in data.get("rows") or []:
            yield from (str(cell) for cell in row.values())
    elif kind == "label" and isinstance(data, list):
        for pair in data:
            for label, value in pair.items():
                yield str(label)
                yield str(value)
    elif isinstance(data, list):
        yield from (str(item) for item in data)
    elif isinstance(data, str):
        yield data
    for button in slide.get("buttons") or []:
        yield from visible_texts(button)


def untranslated(output: Any, *, data: Iterable[str] = ()) -> list[str]:
    """The ASCII words left in `output`'s visible texts once `data`, URLs and mentions are
    taken out (longest data first, so a name is not cut by a shorter one inside it)."""
    known = sorted({d for d in data if d}, key=len, reverse=True)
    left = []
    for text in visible_texts(output):
        for value in known:
            text = text.replace(value, " ")
        text = MENTION.sub(" ", URL.sub(" ", text))
        left += ASCII_WORD.findall(text)
    return left


def assert_translated(output: Any, *, data: Iterable[str] = ()) -> None:
    """Fail, naming them, on words of `output` that neither came from the catalogs (in the
    pseudo-language) nor are `data`."""
    left = untranslated(output, data=data)
    assert not left, (
        f"words not from the catalogs (nor data): {left} in {list(visible_texts(output))}"
    )
