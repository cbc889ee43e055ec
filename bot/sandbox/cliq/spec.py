"""What Cliq's v2 REST API accepts, written from Zoho's documents (never from our own models).

Each endpoint lists the body keys and query parameters its OpenAPI document names; anything else
is refused as Cliq refuses it (`400 extra_key_found` / `extra_param_found`). Message content is
checked against the message-format, card and button pages, with the limits they state. The
bot's own message models (`bot/cliq/message.py`) are deliberately not used here: a limit we got
wrong there must fail against this sandbox, not be mirrored by it.

Sources (cited as tags in the rules below):
- V2-MSG  https://github.com/phil-fetchski/n8n-nodes-zoho-cliq/blob/main/documentation/Zoho_Cliq_OpenAPI_Specs/messages.yml
- V2-CH   https://github.com/phil-fetchski/n8n-nodes-zoho-cliq/blob/main/documentation/Zoho_Cliq_OpenAPI_Specs/channels.yml
- FORMAT  https://www.zoho.com/cliq/help/restapi/v2/messageformat/
- CARDS   https://www.zoho.com/cliq/help/restapi/v2/messagecards/
- BUTTON  https://www.zoho.com/cliq/help/platform/cliq-objects/button-object.html
- BROAD   https://pipedream.com/apps/zoho-cliq/actions/send-bot-message (`broadcast`)
- MENTION https://www.zoho.com/cliq/help/restapi/v2/mentions/
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from bot.sandbox.cliq import text as cliq_text

V2_MSG = (
    "https://github.com/phil-fetchski/n8n-nodes-zoho-cliq/blob/main/documentation/"
    "Zoho_Cliq_OpenAPI_Specs/messages.yml"
)
V2_CH = (
    "https://github.com/phil-fetchski/n8n-nodes-zoho-cliq/blob/main/documentation/"
    "Zoho_Cliq_OpenAPI_Specs/channels.yml"
)

# Message content every posting endpoint takes: "The message can be simple text or a message card
# with buttons" [V2-MSG]; `card` [CARDS], `slides` [FORMAT], `buttons` [BUTTON], `bot` (the sender's
# name and image) [FORMAT].
CONTENT_KEYS = frozenset({"text", "card", "slides", "buttons", "bot"})

TEXT_MAX = 5000  # "Maximum Length: 5000" on every v2 post request [V2-MSG]
MAX_BUTTONS = 5  # [BUTTON]: a message card holds at most 5 buttons
BUTTON_LABEL_MAX = 20  # [BUTTON] "Maximum number of characters allowed: 20"
BUTTON_HINT_MAX = 100  # [BUTTON]
BUTTON_KEY_MAX = 100  # [BUTTON]
BUTTON_URL_MAX = 256  # [BUTTON] open.url: "web", "windows", "iOS", "android", each ≤ 256
BUTTON_TYPES = frozenset({"+", "-"})  # [BUTTON]
ACTION_TYPES = frozenset({"invoke.function", "system.api", "open.url", "preview.url", "copy"})
CARD_THEMES = frozenset({"modern-inline", "poll", "prompt", "basic"})  # [CARDS]
CARD_KEYS = frozenset({"title", "theme", "thumbnail", "icon"})  # [CARDS] (v2 card object)
CARD_TITLE_MAX = 200  # [CARDS]
SLIDE_TYPES = frozenset({"table", "list", "label", "images", "text"})  # [FORMAT]
SLIDE_KEYS = frozenset({"type", "title", "data", "styles", "buttons"})  # [FORMAT]
MAX_SLIDES = 20  # [FORMAT]
BOT_KEYS = frozenset({"name", "image"})  # [FORMAT]


@dataclass(frozen=True)
class Endpoint:
    """One posting endpoint: the keys its body may hold beyond the content, and its query."""

    body_keys: frozenset[str]
    query: frozenset[str]
    text_required: bool = True


ENDPOINTS: dict[str, Endpoint] = {
    # post-message-in-a-channel-request: text*, reply_to, sync_message; query bot_unique_name,
    # mark_as_read [V2-MSG]
    "channel": Endpoint(
        frozenset({"reply_to", "sync_message"}), frozenset({"bot_unique_name", "mark_as_read"})
    ),
    # post-message-to-a-bot-request: text*, userids, sync_message, reply_to [V2-MSG]; broadcast
    # [BROAD]
    "bot": Endpoint(frozenset({"userids", "sync_message", "reply_to", "broadcast"}), frozenset()),
    # post-message-in-chat-request: text*, reply_to, sync_message, mark_as_read [V2-MSG]
    "chat": Endpoint(frozenset({"reply_to", "sync_message", "mark_as_read"}), frozenset()),
    # /buddies/{EMAIL_ID}/message takes the same request body as a chat [V2-MSG]
    "buddy": Endpoint(frozenset({"reply_to", "sync_message", "mark_as_read"}), frozenset()),
    # A handler's response URL takes a message (reference/cliq.md §3.1); no REST keys.
    "response": Endpoint(frozenset(), frozenset(), text_required=False),
}

CHANNEL_LIST_QUERY = frozenset(
    {
        "name",
        "status",
        "limit",
        "level",
        "modified_before",
        "modified_after",
        "created_before",
        "created_after",
        "channel_ids",
        "chat_ids",
        "team_ids",
        "created_by",
        "order_by",
        "next_token",
        "sync_token",
        "pinned",
        "joined",
    }
)  # GET /channels [V2-CH]
CHANNEL_LIST_LIMIT = 100  # "Maximum limit will be 100", `maximum: 100` [V2-CH]
CHANNEL_CREATE_KEYS = frozenset(
    {
        "name",
        "description",
        "level",
        "invite_only",
        "team_ids",
        "user_ids",
        "email_ids",
        "image_data",
        "config",
    }
)  # channel-body-parameters [V2-CH]
CHANNEL_LEVELS = frozenset({"organization", "team", "private", "external"})  # [V2-CH]
CHANNEL_NAME_MAX = 50  # [V2-CH]
ASSOCIATE_KEYS = frozenset({"channel_unique_name"})  # /bots/{bot}/associate body [V2-CH]
ASSOCIATE_PER_MINUTE = 5  # "5 requests can be made per minute" [V2-CH]
ASSOCIATE_LOCK_SECONDS = 300  # "Lock period: 5 minutes" [V2-CH]
MESSAGES_QUERY = frozenset({"fromtime", "totime", "limit"})  # GET /chats/{id}/messages [V2-MSG]
MESSAGES_LIMIT = 100  # "maximum of 100 messages will be retrieved" [V2-MSG]
POSTS_PER_MINUTE = 50  # every posting endpoint: "50 requests per min per user" [V2-MSG]
POSTS_LOCK_SECONDS = 600  # "Lock period: 10 minutes" [V2-MSG]
MESSAGES_PER_MINUTE = 15  # get messages: "15 requests per min per user" [V2-MSG]
MESSAGES_LOCK_SECONDS = 300  # "Lock period: 5 minutes" [V2-MSG]

# The documented channel list item (get-all-channels-response) [V2-CH]: note there is no `bots`.
CHANNEL_LIST_FIELDS = (
    "pinned",
    "level",
    "chat_id",
    "joined",
    "creator_name",
    "unique_name",
    "organization_id",
    "channel_id",
    "creator_id",
    "invite_only",
    "last_modified_time",
    "status",
    "description",
    "creation_time",
    "participant_count",
    "current_user_role",
    "name",
)


class Refusal(Exception):
    """What Cliq answers instead: an HTTP status, Cliq's `code`, and its message."""

    def __init__(self, status: int, code: str, message: str) -> None:
        super().__init__(message)
        self.status, self.code, self.message = status, code, message


def extra_key(where: str, key: str) -> Refusal:
    return Refusal(400, "extra_key_found", f"'{where}{key}' is an extra key in the JSON Object.")


def mismatch(message: str) -> Refusal:
    return Refusal(400, "input_pattern_mismatch", message)


def check_query(query: Mapping[str, str], allowed: frozenset[str]) -> None:
    """Refuse a query parameter the endpoint's document does not name (`extra_param_found`)."""
    for name in query:
        if name not in allowed:
            raise Refusal(400, "extra_param_found", f"'{name}' is an extra parameter.")


def check_keys(body: Mapping[str, Any], allowed: frozenset[str], where: str = "") -> None:
    for key in body:
        if key not in allowed:
            raise extra_key(where, key)


def check_post(kind: str, body: Mapping[str, Any], query: Mapping[str, str]) -> None:
    """A post to the endpoint `kind` (see ENDPOINTS): raises Refusal as Cliq would answer."""
    endpoint = ENDPOINTS[kind]
    check_query(query, endpoint.query)
    check_keys(body, CONTENT_KEYS | endpoint.body_keys)
    check_message(body, text_required=endpoint.text_required)
    for flag in ("sync_message", "mark_as_read", "broadcast"):
        if flag in body and not isinstance(body[flag], bool):
            raise mismatch(f"{flag} must be a boolean")
    for name in ("userids", "reply_to"):
        if name in body and not isinstance(body[name], str):
            raise mismatch(f"{name} must be a string")


def check_message(body: Mapping[str, Any], *, text_required: bool = True) -> None:
    """The message content: text, card, slides, buttons and bot, with the documented limits."""
    text = body.get("text")
    if text is None or text == "":
        if text_required:
            raise mismatch("text is mandatory")  # `required: [text]` [V2-MSG]
    elif not isinstance(text, str):
        raise mismatch("text must be a string")
    elif len(text) > TEXT_MAX:
        raise mismatch(f"text is at most {TEXT_MAX} characters")
    elif cliq_text.restricted(text):
        # "Message delivery will fail if the authenticated user does not have permission to use
        # restricted mentions like @all or @available" [MENTION]; the sandbox's bot and org admin
        # have no such permission. The error code is not documented: this one is the sandbox's.
        raise Refusal(
            400, "restricted_mention", f"no permission for {cliq_text.restricted(text)[0]}"
        )
    card = body.get("card")
    if card is not None:
        _check_card(card)
    slides = body.get("slides")
    if slides is not None:
        if not isinstance(slides, list) or len(slides) > MAX_SLIDES:
            raise mismatch(f"slides is a list of at most {MAX_SLIDES}")
        for index, slide in enumerate(slides):
            _check_slide(slide, f"slides[{index}].")
    buttons = body.get("buttons")
    if buttons is not None:
        _check_buttons(buttons, "")
    bot = body.get("bot")
    if bot is not None:
        if not isinstance(bot, dict) or not isinstance(bot.get("name"), str):
            raise mismatch("bot needs a name")
        check_keys(bot, BOT_KEYS, "bot.")


def _check_card(card: Any) -> None:
    if not isinstance(card, dict):
        raise mismatch("card must be an object")
    check_keys(card, CARD_KEYS, "card.")
    if "theme" in card and card["theme"] not in CARD_THEMES:
        raise mismatch(f"card.theme must be one of {sorted(CARD_THEMES)}")
    title = card.get("title")
    if title is not None and (not isinstance(title, str) or len(title) > CARD_TITLE_MAX):
        raise mismatch(f"card.title is at most {CARD_TITLE_MAX} characters")


def _check_slide(slide: Any, where: str) -> None:
    if not isinstance(slide, dict):
        raise mismatch(f"{where} must be an object")
    check_keys(slide, SLIDE_KEYS, where)
    if slide.get("type") not in SLIDE_TYPES:
        raise mismatch(f"{where}type must be one of {sorted(SLIDE_TYPES)}")
    if "data" not in slide:
        raise mismatch(f"{where}data is mandatory")
    if slide["type"] == "label":
        data = slide["data"]
        if not isinstance(data, list) or any(
            not isinstance(item, dict) or len(item) != 1 for item in data
        ):
            raise mismatch(f"{where}data of a label slide is a list of one-key objects")
    if "buttons" in slide:
        _check_buttons(slide["buttons"], where)


def _check_buttons(buttons: Any, where: str) -> None:
    if not isinstance(buttons, list) or len(buttons) > MAX_BUTTONS:
        raise mismatch(f"{where}buttons is a list of at most {MAX_BUTTONS}")
    for index, button in enumerate(buttons):
        at = f"{where}buttons[{index}]."
        if not isinstance(button, dict):
            raise mismatch(f"{at} must be an object")
        check_keys(button, frozenset({"label", "hint", "type", "key", "action"}), at)
        label = button.get("label")
        if not isinstance(label, str) or not label or len(label) > BUTTON_LABEL_MAX:
            raise mismatch(f"{at}label is mandatory, at most {BUTTON_LABEL_MAX} characters")
        if button.get("type") not in BUTTON_TYPES:
            raise mismatch(f"{at}type is mandatory: + or -")
        for name, limit in (("hint", BUTTON_HINT_MAX), ("key", BUTTON_KEY_MAX)):
            value = button.get(name)
            if value is not None and (not isinstance(value, str) or len(value) > limit):
                raise mismatch(f"{at}{name} is at most {limit} characters")
        action = button.get("action")
        if not isinstance(action, dict) or action.get("type") not in ACTION_TYPES:
            raise mismatch(f"{at}action.type must be one of {sorted(ACTION_TYPES)}")
        check_keys(action, frozenset({"type", "data", "confirm"}), f"{at}action.")
        if not isinstance(action.get("data"), dict):
            raise mismatch(f"{at}action.data is mandatory")
        if action["type"] == "open.url":
            for platform, url in action["data"].items():
                if not isinstance(url, str) or len(url) > BUTTON_URL_MAX:
                    raise mismatch(
                        f"{at}action.data.{platform} is a URL of at most {BUTTON_URL_MAX}"
                        " characters"
                    )
