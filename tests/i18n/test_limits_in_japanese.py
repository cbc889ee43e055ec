"""Cliq's limits hold in Japanese (issue 13 Show): the models refuse a Japanese text one
character over (a character is one character, whatever its width or bytes), and every text the
catalogs hold for a limited place fits it (tests/i18n/test_catalogs.py checks them by msgctxt;
here the framework's own, as built)."""

from __future__ import annotations

import pytest

from bot import answers
from bot.cards.paging import nav_buttons
from bot.cliq import limits
from bot.cliq.form import Form, TextInput
from bot.cliq.message import Banner, Button, Card
from bot.cliq.outbound import OutboundError
from bot.i18n import LIMITED, Languages

JA = Languages().words("ja")


@pytest.mark.parametrize(
    ("build", "most"),
    [
        (lambda text: Button.invoke(text, key="k"), limits.BUTTON_LABEL),
        (lambda text: Banner(text=text), limits.BANNER_TEXT),
        (lambda text: Card(title=text), limits.CARD_TITLE),
        (lambda text: TextInput(name="n", label=text, placeholder="x"), limits.INPUT_LABEL),
        (lambda text: TextInput(name="n", label="x", placeholder=text), limits.INPUT_PLACEHOLDER),
        (
            lambda text: Form(
                name="f", title=text, inputs=[TextInput(name="n", label="x", placeholder="x")]
            ),
            limits.FORM_TITLE,
        ),
    ],
)
def test_the_models_refuse_japanese_over_the_limit(build, most: int) -> None:  # type: ignore[no-untyped-def]
    build("確" * most)  # three bytes each in UTF-8: counted as one character, as Cliq does
    with pytest.raises(OutboundError):
        build("確" * (most + 1))


def test_the_limited_contexts_are_cliqs_limits() -> None:
    assert LIMITED["button"] == 20 and LIMITED["banner"] == 50 and LIMITED["input label"] == 50


def test_the_frameworks_own_japanese_fits() -> None:
    for banner in (answers.working(JA), answers.admins_only(JA), answers.stale_button(JA)):
        assert len(banner.text) <= limits.BANNER_TEXT
    assert [b.label for b in nav_buttons(2, 3, "k", words=JA)] == ["前へ", "次へ"]
