"""The framework, in one import: what a bot author needs to write and serve a Zoho Cliq bot.

    from bot.framework import Bot, Context, Message, Router, make_web_app

Listeners, routers and the bot (`Router`, `Bot`, `Context`, `UsageError`, a decorator's
`Guard`, each kind's listener type such as `CommandListener[Context]`, and `ListenerError` for a
listener of the wrong shape); the replies a listener returns (`Reply`: `Message`, `Card`,
`Button`, slides, `Banner`, `Suggestions`, `Form` and its inputs, `FormError`; a dynamic select's
`DynamicOptions`); lists of any length in pages within Cliq's limits (`Section`, `layout`,
`SlidePage`, `page_of`, `Page`, `page_number`); what Cliq sends (`Envelope`, `parse_envelope`); the HTTP edge
(`make_web_app`, `add_routes`, `add_subapp`, `EdgeLimits`, `start_server`) and its verifiers (`HmacVerifier` for Deluge
shims, `CliqSignatureVerifier` for extensions' X-Cliq-Signature); the REST client (`CliqClient`,
its errors, `TokenManager`, `late_post`: where an answer past the deadline is posted, and
`post_late`, which posts it there);
clocks; languages (`Languages`, `Words`: `ctx.words` is the
caller's). The test kit is `bot.testing`. The guide is
docs/framework.md; `tests/framework/test_exported_members.py` keeps `__all__` honest.

Nothing here belongs to Deskbot: the framework's modules are listed in docs/framework.md and a
test fails if one of them imports Deskbot's code.
"""

from bot.answers import late_post, post_late
from bot.cards.paging import Page, Section, SlidePage, layout, page_number, page_of
from bot.cliq.client import CliqClient, cliq_base_url
from bot.cliq.envelope import Chat, Envelope, EnvelopeError, User, parse_envelope
from bot.cliq.errors import (
    CliqAmbiguous,
    CliqCredentialsRefused,
    CliqError,
    CliqRateLimited,
    CliqRejected,
    CliqUnavailable,
)
from bot.cliq.form import (
    CheckboxInput,
    DateInput,
    DynamicOptions,
    DynamicSelectInput,
    Form,
    FormError,
    HiddenInput,
    NumberInput,
    Option,
    RadioInput,
    SelectInput,
    TextareaInput,
    TextInput,
    ToggleInput,
)
from bot.cliq.markup import Markup, escape
from bot.cliq.message import (
    Banner,
    Button,
    ButtonAction,
    Card,
    CommandSuggestion,
    Confirm,
    ImagesSlide,
    LabelSlide,
    ListSlide,
    Message,
    MessageEdit,
    Suggestions,
    TableSlide,
    TextSlide,
)
from bot.cliq.outbound import OutboundError
from bot.cliq.replies import Reply
from bot.cliq.verify import (
    AnyVerifier,
    CliqSignatureVerifier,
    HmacVerifier,
    VerificationError,
    Verifier,
    load_public_key,
)
from bot.clock import Clock, FrozenClock, SystemClock
from bot.context import Context
from bot.dispatch import Bot, UsageError
from bot.handlers.serving import EdgeLimits, start_server
from bot.handlers.web import add_routes, add_subapp, make_web_app
from bot.i18n import Languages, Words
from bot.oauth import FixedToken, TokenManager, token_url
from bot.router import (
    ButtonListener,
    CommandListener,
    DynamicSelectListener,
    FormListener,
    Guard,
    KeywordListener,
    ListenerError,
    MenuLimitError,
    MenuListener,
    PatternListener,
    Router,
    SuggestionListener,
    WelcomeListener,
)

__all__ = [
    "AnyVerifier",
    "Banner",
    "Bot",
    "Button",
    "ButtonAction",
    "ButtonListener",
    "Card",
    "Chat",
    "CheckboxInput",
    "CliqAmbiguous",
    "CliqClient",
    "CliqCredentialsRefused",
    "CliqError",
    "CliqRateLimited",
    "CliqRejected",
    "CliqSignatureVerifier",
    "CliqUnavailable",
    "Clock",
    "CommandListener",
    "CommandSuggestion",
    "Confirm",
    "Context",
    "DateInput",
    "DynamicOptions",
    "DynamicSelectInput",
    "DynamicSelectListener",
    "EdgeLimits",
    "Envelope",
    "EnvelopeError",
    "FixedToken",
    "Form",
    "FormError",
    "FormListener",
    "FrozenClock",
    "Guard",
    "HiddenInput",
    "HmacVerifier",
    "ImagesSlide",
    "KeywordListener",
    "LabelSlide",
    "Languages",
    "ListSlide",
    "ListenerError",
    "Markup",
    "MenuLimitError",
    "MenuListener",
    "Message",
    "MessageEdit",
    "NumberInput",
    "Option",
    "OutboundError",
    "Page",
    "PatternListener",
    "RadioInput",
    "Reply",
    "Router",
    "Section",
    "SelectInput",
    "SlidePage",
    "SuggestionListener",
    "Suggestions",
    "SystemClock",
    "TableSlide",
    "TextInput",
    "TextSlide",
    "TextareaInput",
    "ToggleInput",
    "TokenManager",
    "UsageError",
    "User",
    "VerificationError",
    "Verifier",
    "WelcomeListener",
    "Words",
    "add_routes",
    "add_subapp",
    "cliq_base_url",
    "escape",
    "late_post",
    "layout",
    "load_public_key",
    "make_web_app",
    "page_number",
    "page_of",
    "parse_envelope",
    "post_late",
    "start_server",
    "token_url",
]
