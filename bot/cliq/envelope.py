"""Inbound: the handler-call envelope Cliq (or a Deluge shim) sends us (reference/cliq.md §3).

Parsing is lenient where Cliq varies (unknown keys ignored, optional keys optional and a key sent
as `null` read as absent, a message as a plain string or an object, `handler` as an object or the
older string plus `handler_name`) and
strict about the types of the keys we read, so a wrong type is a 400 naming the field.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import (
    AliasChoices,
    BaseModel,
    ConfigDict,
    Field,
    GetCoreSchemaHandler,
    ValidationError,
    field_validator,
    model_validator,
)
from pydantic_core import SchemaValidator, core_schema, from_json

from bot import jsonsafe
from bot.cliq import direct
from bot.cliq.deluge import ENCODING, DelugeValueError, decode_params, json_shaped

ComponentType = Literal[
    "bot", "command", "function", "messageaction", "widget", "link_preview", "extension"
]

HANDLER_TYPES: dict[str, frozenset[str]] = {
    "bot": frozenset(
        {
            "welcome_handler",
            "message_handler",
            "mention_handler",
            "context_handler",
            "action_handler",
            "menu_handler",
            "incomingwebhook_handler",
            "incoming_webhook_handler",
            "participation_handler",
            "alert_handler",
            "call_handler",
        }
    ),
    "command": frozenset({"execution_handler", "suggestion_handler"}),
    "function": frozenset(
        {
            "button_handler",
            "form_handler",
            "form_submit_handler",
            "form_change_handler",
            "form_values_handler",
            "form_dynamic_select_handler",
            "form_view_handler",
            "applet_button_handler",
            "widget_button_handler",
        }
    ),
    "messageaction": frozenset({"execution_handler"}),
    "widget": frozenset({"view_handler", "widget_button_handler"}),
    "link_preview": frozenset({"preview_handler", "action_handler", "menu_handler"}),
    "extension": frozenset(
        {"installation_handler", "installation_validator", "uninstallation_handler"}
    ),
}


# Handler types whose banner Cliq shows (https://www.zoho.com/cliq/help/platform/cliq-banner.html:
# command, message action, bot menu, mention and message handlers, button function, form submit).
BANNER_HANDLERS: frozenset[tuple[str, str]] = frozenset(
    {
        ("command", "execution_handler"),
        ("messageaction", "execution_handler"),
        ("bot", "action_handler"),
        ("bot", "menu_handler"),
        ("bot", "mention_handler"),
        ("bot", "message_handler"),
        ("function", "button_handler"),
        ("function", "form_handler"),
        ("function", "form_submit_handler"),
    }
)


def shows_banners(component: str, handler: str) -> bool:
    """Whether Cliq shows a banner returned by this handler type (else it is lost)."""
    return (component, handler) in BANNER_HANDLERS


class Wire(BaseModel):
    model_config = ConfigDict(
        extra="ignore",
        populate_by_name=True,
        frozen=True,
        coerce_numbers_to_str=True,
        allow_inf_nan=False,  # (as `bot.jsonsafe` refuses them in a body, whichever way it is read)
    )

    @model_validator(mode="before")
    @classmethod
    def _null_is_absent(cls, data: Any) -> Any:
        """A key sent as `null` where its field takes no `None` is read as if it were absent:
        the field takes its default (an empty text, list or map, a part with nothing set), and
        a required one is refused as missing. (A field that takes `None` has `None` for its
        default: its `null` is kept, and counts as said, as the direct way reads it.)"""
        if isinstance(data, dict) and None in data.values():
            keep = _NULLABLE.get(cls)
            if keep is None:
                keep = _NULLABLE[cls] = frozenset(
                    name for name, field in cls.model_fields.items() if field.default is None
                )
            return {key: value for key, value in data.items() if value is not None or key in keep}
        return data


_NULLABLE: dict[type[BaseModel], frozenset[str]] = {}
"""Each model's fields whose default is `None` (the ones that take it), found at first need."""


AS_MAP, AS_TEXT = "(as map)", "(as text)"
"""Labels of the two ways a part may come (`_or_as_text`); `describe` leaves them out."""


def _or_as_text(model: core_schema.CoreSchema, read: Any) -> core_schema.CoreSchema:
    """`model`'s schema, or text that `read` turns into what `model` takes: a union whose first
    branch, a map, is the model alone (no Python call); only text goes through `read`."""
    if model["type"] == "union":  # (already wrapped: the model's own schema, reused)
        return model
    as_text = core_schema.chain_schema(
        [
            core_schema.str_schema(strict=True),
            core_schema.no_info_plain_validator_function(read),
            model,
        ]
    )
    return core_schema.union_schema([(model, AS_MAP), (as_text, AS_TEXT)], mode="left_to_right")


def _map_from_text(value: str) -> Any:
    """A part's map that came as text, read back (else the text, refused as the model is)."""
    return _shaped(value, dict)


class Part(Wire):
    """A map inside `params`: what a Deluge shim may send as text (`Envelope`, `Handler` and
    `Params` themselves never are).

    A map that came as text (a Deluge shim tags by `isText()`, which may not answer null for
    maps as documented) is read back from its JSON. The step is a branch of the part's schema
    taken only for text, so a map (nearly every call) is validated in pydantic-core with no
    Python call; any other value fails as the model itself would."""

    @classmethod
    def __get_pydantic_core_schema__(
        cls, source: Any, handler: GetCoreSchemaHandler
    ) -> core_schema.CoreSchema:
        return _or_as_text(handler(source), _map_from_text)


def _shaped(value: Any, kind: type | tuple[type, ...]) -> Any:
    """`value`, or the map/list (`kind`) it holds as text (`bot.cliq.deluge.json_shaped`)."""
    if isinstance(value, str):
        found = json_shaped(value)
        if isinstance(found, kind):
            return found
    return value


def _option_shaped(value: Any) -> Any:
    """A form value: a select/radio option `{label, value}` or a list of them (checkbox,
    multi-select) that came as text is read back; any other text stays text."""
    found = _shaped(value, (dict, list))
    if isinstance(found, dict) and "value" in found:
        return found
    if (
        isinstance(found, list)
        and found
        and all(isinstance(o, dict) and "value" in o for o in found)
    ):
        return found
    return value


class User(Part):
    """The person who made the call (`ctx.user`): Cliq's `user` map, each key optional
    (https://www.zoho.com/cliq/help/platform/bot-handlers.html): `email`, `first_name`,
    `last_name`, `name`, `admin` (Cliq's own admin flag), `timezone` (an IANA name; `ctx.now()`
    reads it), `language` (as Cliq sends it: `ja`, `ja_JP`; `ctx.words` reads it), `country`,
    `organization_id` and `zoho_user_id`."""

    id: str = ""
    email: str = ""
    first_name: str = ""
    last_name: str = ""
    name: str = ""
    admin: bool = False
    organization_id: str = ""
    timezone: str = "UTC"
    country: str = ""
    language: str = ""
    zoho_user_id: str = ""

    @property
    def display_name(self) -> str:
        """The name to show: Cliq's `name`, else first and last name, else e-mail, else id."""
        full = f"{self.first_name} {self.last_name}".strip()
        return self.name or full or self.email or self.id


class Chat(Part):
    """The chat a call came from (`ctx.chat`): Cliq's `chat` map
    (https://www.zoho.com/cliq/help/platform/bot-handlers.html): `id`, `type` (`bot`, `chat`,
    `channel`…; `is_channel` asks), `title`, `owner`, and for a channel its
    `channel_unique_name` (what `CliqClient.post_to_channel` takes) and `channel_id`."""

    id: str = ""
    type: str = Field(default="", validation_alias=AliasChoices("type", "chat_type"))
    title: str = ""
    owner: str = ""
    channel_unique_name: str = ""
    channel_id: str = ""

    @property
    def is_channel(self) -> bool:
        """Whether the call came from a channel (`chat.type` is `channel`)."""
        return self.type == "channel"


class Mention(Part):
    id: str = ""
    type: str = ""
    name: str = ""
    dname: str = ""
    first_name: str = ""
    email: str = ""


class IncomingMessage(Part):
    """A chat message: the text a person typed, or the message that carried a button."""

    text: str = ""
    type: str = "text"
    id: str = ""
    time: int | None = None
    sender: dict[str, Any] | None = None

    @model_validator(mode="before")
    @classmethod
    def _from_string(cls, data: Any) -> Any:
        if isinstance(data, str):
            return {"text": data}
        if isinstance(data, dict) and "text" not in data and isinstance(data.get("content"), str):
            return {**data, "text": data["content"]}
        return data


class Location(Part):
    latitude: float | None = None
    longitude: float | None = None
    accuracy: float | None = None
    status: str = ""


class Target(Part):
    """What a button click or form change points at."""

    id: str = ""
    name: str = ""
    hint: str = ""
    label: str = ""
    input: str = ""
    query: str = ""
    value: Any = None


class FormSubmission(Part):
    name: str
    action: str = "submit"
    values: dict[str, Any] = Field(default_factory=dict)

    @field_validator("values", mode="before")
    @classmethod
    def _options_sent_as_text(cls, value: Any) -> Any:
        value = _shaped(value, dict)
        if isinstance(value, dict):
            return {k: _option_shaped(v) for k, v in value.items()}
        return value


class Access(Part):
    user_id: str = ""
    chat_id: str = ""
    message_id: str = ""
    organization: dict[str, Any] | None = None


class Environment(Part):
    tld: str = ""
    data_center: str = ""
    base_url: str = ""


class ParticipationData(Part):
    message: IncomingMessage | None = None
    time: int | None = None


def _button_arguments(value: str) -> Any:
    """A button's `arguments` map (`{"key": …}`) that came as text; a command's text stays text
    (nobody types a map holding only a button key)."""
    found = _shaped(value, dict)
    return found if isinstance(found, dict) and set(found) == {"key"} else value


_MAYBE_BUTTON_MAP = r"^\s*\{"
"""A text that may be a button's `arguments` map sent as text (a command's text stays text)."""


class _ButtonArgumentsAsText:
    """`Annotated` marker for `Params.arguments`: only text opening with `{` (after spaces) goes
    through `_button_arguments`; a command's words and a map pass in pydantic-core alone."""

    def __get_pydantic_core_schema__(
        self, source: Any, handler: GetCoreSchemaHandler
    ) -> core_schema.CoreSchema:
        plain = handler(source)
        map_as_text = core_schema.chain_schema(
            [
                core_schema.str_schema(pattern=_MAYBE_BUTTON_MAP, strict=True),
                core_schema.no_info_plain_validator_function(_button_arguments),
                plain,
            ]
        )
        return core_schema.union_schema([map_as_text, plain], mode="left_to_right")


class Params(Wire):
    user: User = Field(default_factory=User)
    chat: Chat | None = None
    message: IncomingMessage | None = None
    mentions: list[Mention] = Field(default_factory=list)
    location: Location | None = None
    arguments: Annotated[str | dict[str, Any], _ButtonArgumentsAsText()] = ""
    options: dict[str, Any] = Field(default_factory=dict)
    selections: list[dict[str, Any]] = Field(default_factory=list)
    target: Target | None = None
    form: FormSubmission | None = None
    access: Access | None = None
    environment: Environment | None = None
    # participation handler
    operation: str = ""
    data: ParticipationData | None = None
    # welcome handler
    newuser: bool = False
    # menu action
    sub_action: str = ""

    @field_validator("mentions", "selections", mode="before")
    @classmethod
    def _none_is_empty(cls, value: Any) -> Any:
        value = [] if value is None else _shaped(value, list)
        return [_shaped(item, dict) for item in value] if isinstance(value, list) else value

    @field_validator("options", mode="before")
    @classmethod
    def _none_is_empty_map(cls, value: Any) -> Any:
        return {} if value is None else _shaped(value, dict)


class Handler(Wire):
    """The handler called: `{"type": …, "name": …}`, or in the older shape its type alone as
    text (the name then beside it, in the envelope's `handler_name`)."""

    type: str
    name: str = ""

    @classmethod
    def __get_pydantic_core_schema__(
        cls, source: Any, handler: GetCoreSchemaHandler
    ) -> core_schema.CoreSchema:
        return _or_as_text(handler(source), lambda kind: {"type": kind})


class Envelope(Wire):
    """One handler call as Cliq (or a Deluge shim) sends it, read by `parse_envelope`:
    `type` (the component: `bot`, `command`, `function`…), `name` (the command's or bot's),
    `handler` (which of its handlers), `params` (`user`, `chat`, `message`, `arguments`,
    `selections`, a form's `values`…), `response_url` (extensions only; empty from a Deluge
    shim) and `timestamp` (epoch ms). Frozen. Listeners read it as `ctx.envelope`; `late_reply`
    gets it with the late answer. Cliq: https://www.zoho.com/cliq/help/platform/bot-handlers.html
    and the handler pages under it."""

    type: ComponentType
    name: str = ""
    unique_name: str = ""
    handler: Handler
    """The handler called (read from either shape Cliq sends; always a `Handler` once built)."""
    handler_name: str | None = Field(default=None, exclude=True, repr=False)
    """The older shape's handler name, beside `"handler": "<type>"` (read into `handler.name`)."""
    response_url: str = ""
    timestamp: int | None = None
    encoding: str = ""  # "deluge-b64" when a shim sent it (bot.cliq.deluge)
    params: Params = Field(default_factory=Params)

    @model_validator(mode="after")
    def _known_handler(self) -> Envelope:
        """The older shape, `"handler": "execution_handler"` with the name in `handler_name`, is
        read as `{"type": …, "name": …}`; then the handler type must be one Cliq has for this
        component. (One Python step after pydantic-core, for every call.)"""
        if self.handler_name is not None and not self.handler.name:
            named = Handler(type=self.handler.type, name=self.handler_name)
            object.__setattr__(self, "handler", named)
        if self.handler.type not in HANDLER_TYPES[self.type]:
            known = ", ".join(sorted(HANDLER_TYPES[self.type]))
            raise ValueError(
                f"handler.type: unknown handler {self.handler.type!r} for a {self.type} "
                f"(expected one of: {known})"
            )
        return self

    @property
    def text(self) -> str:
        """The text a person sent: a bot message, a mention, or a channel message."""
        if self.params.message is not None:
            return self.params.message.text
        if self.params.data is not None and self.params.data.message is not None:
            return self.params.data.message.text
        return ""

    @property
    def shows_banners(self) -> bool:
        """Whether Cliq shows a banner returned to this call (cliq-banner.html lists the handlers)."""
        return shows_banners(self.type, self.handler.type)

    @property
    def selected(self) -> list[str]:
        """The titles of the command suggestions the user picked (`selections`), in order."""
        titles = (str(s.get("title", "")).strip() for s in self.params.selections)
        return [title for title in titles if title]

    @property
    def button_key(self) -> str:
        """The clicked button's key: `arguments.key` of a button function call, else the
        `target.id` of a message-action-style call; empty if neither is there.
        """
        args = self.params.arguments
        key = args.get("key") if isinstance(args, dict) else None
        if isinstance(key, str):
            return key
        target = self.params.target
        return target.id if target is not None else ""


class EnvelopeError(ValueError):
    """The body is not a handler envelope; the message names the field (answered with 400)."""


def parse_envelope(body: bytes) -> Envelope:
    """The envelope in a request body: JSON as Cliq sends it, or as a Deluge shim sends it
    (`"encoding": "deluge-b64"`, each params value a tagged leaf: `bot.cliq.deluge`).

    Raises EnvelopeError, naming the field, when the body is not a handler envelope.

    A plain body (UTF-8 JSON, not a shim's) is read the direct way (`_FROM_JSON`: pydantic-core's
    own JSON parser straight into the models, one pass, no Python step; see `_direct_envelope`).
    Any other body (a shim's, usually) is read by pydantic-core's parser, its values decoded,
    then by the direct way's validator (`_read_direct`). Anything either refuses is read the
    careful way: `bot.jsonsafe`, a shim's values decoded, then the models' own validator,
    which reads every leniency and gives every refusal its reason.
    """
    # Whether `body` may take the direct way: UTF-8 JSON opening with `{` (pydantic-core's
    # parser reads UTF-8 only; other encodings and odd openings go the careful way), and not an
    # envelope a Deluge shim encoded (its params are tagged text that only `decode_params` reads:
    # trying the models on them first would only fail, at the cost of a whole validation); and
    # none of what `_no_nan_or_infinity` sends the careful way.
    if (
        body[:1] == b"{"
        and body[1:2] != b"\x00"
        and body.find(_SHIM_ENCODED) < 0  # (a fifth cheaper than `not in`)
        and _no_nan_or_infinity(body)
    ):
        try:
            envelope: Envelope = _FROM_JSON(body)
        except ValidationError:
            pass  # (the careful way says why)
        else:
            if envelope.encoding != ENCODING:
                return envelope
    else:
        read = _read_direct(body)
        if read is not None:
            return read
    try:
        data = jsonsafe.loads(body)
    except jsonsafe.JsonBodyError as exc:
        raise EnvelopeError(str(exc)) from None
    if isinstance(data, dict) and data.get("encoding") == ENCODING:
        try:
            data = {**data, "params": decode_params(data.get("params") or {})}
        except DelugeValueError as exc:
            raise EnvelopeError(str(exc)) from None
    try:
        return Envelope.model_validate(data)
    except ValidationError as exc:
        raise EnvelopeError(describe(exc)) from None


def _read_direct(body: bytes) -> Envelope | None:
    """A body the direct way does not take whole (a shim's, usually), read by pydantic-core's
    parser (finite numbers only), a shim's values decoded, then by the direct way's validator:
    no Python step but the decoding. None if any step refuses (the careful way then says why)."""
    if not _no_nan_or_infinity(body):
        return None
    try:
        data = from_json(body, allow_inf_nan=False)
        if isinstance(data, dict) and data.get("encoding") == ENCODING:
            data = {**data, "params": decode_params(data.get("params") or {})}
        envelope: Envelope = _FROM_DATA(data)
    except ValueError:  # (what each step raises: JSON, DelugeValueError, ValidationError)
        return None
    return envelope


def describe(exc: ValidationError) -> str:
    """The first problem, naming the field: `params.user: Input should be an object`; where a
    field takes one of several shapes, each shape it was not: `params.arguments: Input should
    be a valid string or a valid dictionary`. (pydantic-core's names for a union's branches,
    such as `union[str,dict[str,any]]`, are left out of the field's path.)"""
    errors = exc.errors(include_url=False)
    error = next((e for e in errors if not _other_branch(e)), errors[0])
    if error["type"] == "json_invalid":
        return f"malformed JSON: {error.get('ctx', {}).get('error', 'invalid')}"
    where = _field_path(error["loc"])
    messages = [error["msg"].removeprefix("Value error, ")]
    for other in errors:
        if other is error or _other_branch(other) or _field_path(other["loc"]) != where:
            continue
        message = other["msg"].removeprefix("Value error, ")
        if message not in messages:
            messages.append(message)
    message = messages[0] + "".join(
        f" or {m.removeprefix('Input should be ')}" for m in messages[1:]
    )
    if not where:
        if error["type"] == "model_type":
            return "the body must be a JSON object (the handler envelope)"
        return message
    return f"{where}: {message}"


_BRANCH_TYPES = frozenset({"str", "int", "float", "bool", "none", "bytes", "list", "dict"})


def _field_path(loc: tuple[int | str, ...]) -> str:
    """`loc` as the dotted path of fields and list positions, without the union branches'
    labels (`(as map)`, `(as text)`) and the names pydantic-core gives unlabelled branches
    (`str`, `dict[str,any]`, `chain[…]`: never a field's name, which is an identifier)."""
    return ".".join(
        str(part)
        for part in loc
        if not isinstance(part, str) or (part.isidentifier() and part not in _BRANCH_TYPES)
    )


def _other_branch(error: Any) -> bool:
    """Whether `error` only says a part came the other way (`_or_as_text`): not a map where it
    came as text, or not text where it came as a map; the other branch's error says more."""
    loc = error["loc"]
    if not loc or loc[-1] not in (AS_MAP, AS_TEXT):
        return False
    return error["type"] in ("model_type", "string_type", "dict_type")


def _no_nan_or_infinity(body: bytes) -> bool:
    """Whether `body` surely holds no `NaN` or `Infinity` token anywhere: not JSON, refused by
    `bot.jsonsafe` wherever it stands, while a key the models do not have is skipped by
    pydantic-core's parser whatever it holds. (A body with such a word in its text goes the
    careful way, which reads it the same.) A byte search for the word's first letter (`memchr`,
    ~50 ns) comes first: the word itself is looked for (~200 ns) only in a body holding it."""
    return (body.find(b"N") < 0 or b"NaN" not in body) and (
        body.find(b"I") < 0 or b"Infinity" not in body
    )


_SHIM_ENCODED = ENCODING.encode()


# The direct way: a validator of its own (`_direct_envelope`, built from the models' own field
# schemas by `bot.cliq.direct`) reads a body straight into the same model classes, with no
# Python step for the usual call (parts as maps, a command's text or a button's map, a message as
# text or an object with its text, known handler types), and refuses whatever it cannot read as
# the careful way reads it; the careful way then reads every leniency and names every refusal.
# So the direct way may refuse more, never less, and never reads differently. Why nothing slips
# through that the careful way refuses: pydantic-core's parser refuses lone surrogates and
# over-long numbers itself, and nests at most 200 deep; the typed float fields refuse NaN and
# infinity (`allow_inf_nan=False`); the int and bool fields refuse them as not numbers; the free
# fields (`FREE_FIELDS`) take only finite JSON values nesting at most `_FREE_DEPTH` deep; a text
# field takes a whole number but no float (`bot.cliq.direct.TEXT`). A key the models do not have
# is skipped by pydantic-core's parser whatever it holds, so the rules that concern the whole
# body as JSON are judged on its bytes first (`_no_nan_or_infinity`: a `NaN` or `Infinity`
# token sends it the careful way, which refuses it). Our own limits on valid JSON apply to what
# the models read: a number too large for a float (`1e999`) or nesting deeper than
# `jsonsafe.MAX_DEPTH` under such a key is skipped (pydantic-core's parser nests at most 200
# deep, without recursion), where the careful way refuses the whole body. Finding those in the
# bytes of every body would cost a regular expression or a count of every bracket (0.3-1.5 µs
# a call, against ~10 µs for the whole parse) for a value nothing reads.
FREE_FIELDS = frozenset(
    {
        ("Params", "arguments"),
        ("Params", "options"),
        ("Params", "selections"),
        ("IncomingMessage", "sender"),
        ("Target", "value"),
        ("FormSubmission", "values"),
        ("Access", "organization"),
    }
)
"""The fields that take any JSON value (typed `Any` inside): the direct way reads them as
finite JSON values (`bot.cliq.direct.json_value`). A test keeps this list equal to the models'
fields."""


_FREE_DEPTH = 8
"""How deep a free value may nest for the direct way; deeper ones (rare) go the careful way,
which applies `jsonsafe.MAX_DEPTH` to the whole body (the deepest free field, a message sender
under `params.data.message`, sits 5 levels down, so 8 more stay well inside it)."""

_TEXT_NOT_A_BUTTON_MAP = direct.opening_not(r"\{", r"\s")
"""A command's text: one `_ButtonArgumentsAsText` leaves as it is (`_MAYBE_BUTTON_MAP` does not
match it; a test holds the two patterns to that)."""

_TEXT_NOT_AN_OPTION = direct.opening_not(r"\{\[", direct.PYTHON_SPACES)
"""A form value that `_option_shaped` leaves as text: not `{` or `[` first once stripped."""


def _message_of_text(text: str) -> dict[str, str]:
    return {"text": text}


def _direct_envelope() -> SchemaValidator:
    """The direct way's validator: one choice per component, keyed on `type`, whose handler's
    type must be one of the component's (`HANDLER_TYPES`: the rule costs no Python step); the
    older `handler` string, a `handler_name`, parts as text, `null` lists and maps, a message
    without its `text`, and texts that may hold a map (a button's arguments, a form's option)
    are refused, for the careful way to read."""
    models = direct.Models()
    free = _FREE_DEPTH

    def message() -> core_schema.CoreSchema:
        model = models.model(
            IncomingMessage,
            text=direct.TEXT,
            sender=direct.optional(IncomingMessage, "sender", direct.json_map(free - 1)),
        )
        as_text = core_schema.chain_schema(
            [
                core_schema.str_schema(strict=True),
                core_schema.no_info_plain_validator_function(_message_of_text),
                model,
            ]
        )
        return core_schema.union_schema([model, as_text], mode="left_to_right")

    arguments = core_schema.union_schema(
        [
            core_schema.str_schema(strict=True, pattern=_TEXT_NOT_A_BUTTON_MAP),
            direct.json_map(free - 1),
        ],
        mode="left_to_right",
    )
    option_text = core_schema.str_schema(strict=True, pattern=_TEXT_NOT_AN_OPTION)
    form = models.model(
        FormSubmission,
        values=direct.like(
            FormSubmission,
            "values",
            core_schema.dict_schema(
                core_schema.str_schema(strict=True), direct.json_value(free - 1, option_text)
            ),
        ),
    )
    participation = models.model(
        ParticipationData, message=direct.optional(ParticipationData, "message", message())
    )
    params = models.model(
        Params,
        user=direct.like(Params, "user", models.model(User)),
        chat=direct.optional(Params, "chat", models.model(Chat)),
        message=direct.optional(Params, "message", message()),
        mentions=direct.like(Params, "mentions", core_schema.list_schema(models.model(Mention))),
        location=direct.optional(Params, "location", models.model(Location)),
        arguments=direct.like(Params, "arguments", arguments),
        options=direct.like(Params, "options", direct.json_map(free - 1)),
        selections=direct.like(
            Params, "selections", core_schema.list_schema(direct.json_map(free - 2))
        ),
        target=direct.optional(
            Params,
            "target",
            models.model(Target, value=direct.like(Target, "value", direct.json_ref(free))),
        ),
        form=direct.optional(Params, "form", form),
        access=direct.optional(
            Params,
            "access",
            models.model(
                Access,
                organization=direct.optional(Access, "organization", direct.json_map(free - 1)),
            ),
        ),
        environment=direct.optional(Params, "environment", models.model(Environment)),
        data=direct.optional(Params, "data", participation),
    )
    choices: dict[Any, core_schema.CoreSchema] = {}
    for component, handler_types in HANDLER_TYPES.items():
        handler = models.model(Handler, type=core_schema.literal_schema(sorted(handler_types)))
        one = models.model(
            Envelope,
            handler=handler,
            handler_name=direct.like(Envelope, "handler_name", core_schema.none_schema()),
            params=direct.like(Envelope, "params", params),
        )
        choices[component] = one["schema"]
    _, config = direct.model_fields(Envelope)
    envelope = core_schema.model_schema(
        Envelope,
        core_schema.tagged_union_schema(choices, discriminator="type"),
        config=config,  # type: ignore[arg-type]
    )
    return models.validator(core_schema.definitions_schema(envelope, direct.json_levels(free)))


_DIRECT = _direct_envelope()
_FROM_JSON = _DIRECT.validate_json
"""The direct way: a body (JSON bytes) into an `Envelope`; ValidationError for anything else."""
_FROM_DATA = _DIRECT.validate_python
"""The direct way for a body already read (by `jsonsafe`, a shim's values decoded)."""
