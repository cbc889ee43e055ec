"""What every outbound Cliq model shares: the base model and the field checks.

`message.py` (messages, cards, banners, suggestions) and `form.py` (forms and form errors) both
build on these; neither imports the other. The limits themselves live in `limits.py`, each with
the Cliq document that sets it.
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, GetCoreSchemaHandler
from pydantic_core import core_schema

from bot.cliq.markup import LINE_MARKUP, needs_escape, plain


class Outbound(BaseModel):
    """A reply or post in Cliq's JSON shape: frozen, unknown fields refused when built."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    def to_wire(self) -> dict[str, Any]:
        """Cliq's JSON as a dict, unset fields left out."""
        return self.model_dump(mode="json", exclude_none=True)

    def to_json(self) -> bytes:
        """The same as `to_wire()`, encoded straight to JSON bytes (the hot path of every reply)."""
        return self.__pydantic_serializer__.to_json(self, exclude_none=True)


def at_most(what: str, limit: int, value: str | None) -> str | None:
    """`value` unchanged if it has at most `limit` characters (None passes).

    Raises ValueError naming `what` and the Cliq limit otherwise (pydantic reports it as a
    validation error of the field)."""
    if value is not None and len(value) > limit:
        shown = value if len(value) <= 40 else value[:37] + "…"
        raise ValueError(
            f"{what} is at most {limit} characters (Cliq limit), got {len(value)}: {shown!r}"
        )
    return value


def literal(value: Any, limit: int | None = None) -> Any:
    """A single-line field's text, shown literally (escaped unless it is our `Markup`).

    Escaping only adds characters, so a value within `limit` that escaping pushed past it is cut
    (ending "…") rather than refused; a value already too long is left for the limit check."""
    if not isinstance(value, str) or not needs_escape(value, block=False):
        return value  # (the usual case, kept cheap: every label and cell comes through here)
    shown = plain(value)
    if limit is not None and len(value) <= limit < len(shown):
        shown = shown[: limit - 1] + "…"
    return shown


_SHOWN_AS_IS = (
    "^[^" + "".join("\\" + c if c.isascii() and c.isprintable() else c for c in LINE_MARKUP) + "]*$"
)
"""pydantic-core's (Rust) pattern for single-line text that no escaping rule touches."""


class SingleLine:
    """An `Annotated` marker for a single-line field shown literally, put after the field's
    `Limit` (so it runs first): `Annotated[str, chars("card title", 200), SingleLine(200)]`.

    Text that holds no character a rule looks at (nearly all) passes in pydantic-core, one
    pattern match with no Python call; other text goes through `literal` (escaped, and cut at
    `limit` only if escaping pushed it past). Our `Markup` is never escaped."""

    def __init__(self, limit: int | None = None) -> None:
        self.limit = limit

    def __get_pydantic_core_schema__(
        self, source: Any, handler: GetCoreSchemaHandler
    ) -> core_schema.CoreSchema:
        limit = self.limit
        shown = core_schema.union_schema(
            [
                core_schema.str_schema(pattern=_SHOWN_AS_IS, strict=True),
                core_schema.no_info_plain_validator_function(lambda value: literal(value, limit)),
            ],
            mode="left_to_right",
        )
        return core_schema.chain_schema([shown, handler(source)])


def literal_dicts(value: Any) -> Any:
    """`literal` applied to every key and value of a list of dicts (label slides, table rows)."""
    if not isinstance(value, list):
        return value
    return [
        {literal(k): literal(v) for k, v in item.items()} if isinstance(item, dict) else item
        for item in value
    ]


__all__ = ["Outbound", "SingleLine", "at_most", "literal", "literal_dicts"]
