"""Cliq's limits, in one place (reference/cliq.md §1.6, §2.1). Where sources disagree we keep
the smaller number, so a message that passes here passes in Cliq."""

from __future__ import annotations

MAX_BUTTONS = 5
BUTTON_LABEL = 20
BUTTON_KEY = 100
BUTTON_HINT = 100
URL = 256
CARD_TITLE = 200
MAX_SLIDES = 20
SLIDES_TOTAL_CHARS = 10_000
TEXT = 5_000
BANNER_TEXT = 50  # Cliq's banner page gives none; Zoho's form-controller banner says 50 (audit §3)
CONFIRM_FIELD = 100
COPY_TEXT = 200
PERCENTAGE_ENTRIES = 5
CHANNEL_NAME = 50  # a channel's name (its unique name is made from it): Cliq v2 channels.yml

FORM_INPUTS = 25
FORM_NAME = 50
FORM_TITLE = 100
INPUT_NAME = 50
INPUT_NAME_PATTERN = r"^[A-Za-z0-9_-]+$"
INPUT_LABEL = 50
INPUT_HINT = 100
INPUT_PLACEHOLDER = 100
OPTION_LABEL = 100
OPTION_VALUE = 50
SELECT_OPTIONS = 100
RADIO_OPTIONS = (2, 5)
CHECKBOX_OPTIONS = (1, 5)
TEXTAREA_MAX_LENGTH = 5_000  # multi-line-input.html: max_length at most 5000
HIDDEN_VALUE = 2_000  # pre-filled-input.html: a hidden input's value at most 2000 characters

MENU_ACTIONS = 5  # bothandler-menu.html: "You can add up to five custom menus for a bot"
MENU_SUB_ACTIONS = 5  # subactions.html: "upto a maximum of 5 unique sub actions" per menu
MENU_NAME = 15  # v3 bots API: menu action names (reference/cliq.md §1.6)

BOT_SUGGESTIONS = 10
COMMAND_SUGGESTIONS = 10


class Limit:
    """An `Annotated` marker putting one of these limits on an outbound field (bot/cliq/outbound.py):
    a str's characters, a list's items, a dict's keys, or an int's value, with the error that
    names it: `Annotated[str, Limit(BUTTON_LABEL, "button label is at most 20 characters (Cliq
    limit)")]`. `at_least`/`too_few` add a lower bound with its own message (e.g. "a button
    needs a label")."""

    __slots__ = ("at_least", "at_most", "message", "too_few")

    def __init__(self, at_most: int, message: str, *, at_least: int = 0, too_few: str = "") -> None:
        self.at_most = at_most
        self.message = message
        self.at_least = at_least
        self.too_few = too_few


def chars(what: str, at_most: int) -> Limit:
    """`Limit` for a text field: "`what` is at most `at_most` characters (Cliq limit)"."""
    return Limit(at_most, f"{what} is at most {at_most} characters (Cliq limit)")
