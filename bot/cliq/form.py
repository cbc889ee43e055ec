"""Outbound forms and form errors (reference/cliq.md §2), with Cliq's limits checked on build.

Every rule Cliq's form pages state (https://zoho.com/cliq/help/platform/cliq-form.html and the
input pages under https://www.zoho.com/cliq/help/platform/cliq-forms.html) is checked here when
an object is built (bot/cliq/outbound.py; a broken one is an `OutboundError`, a ValueError,
naming it): a form these objects make is one Cliq takes. Mandatory: the form's title and
name; every input's label (but a hidden input's); the placeholder of text, textarea and select
inputs (multi-line-input.html and the text and drop-down pages); a radio input's hint. Limits: a
textarea's max_length ≤ 5000, a hidden value ≤ 2000 characters (pre-filled-input.html).
`tests/test_form_rules.py` walks the sandbox's rules and shows these models refuse the same.

What a form shows (its title and hint, input labels, hints and placeholders, option labels) is
shown literally, as the single-line fields of messages are (`bot/cliq/markup.py`); values are
data and left alone."""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from typing import Annotated, Any, Literal

from bot.cliq import limits
from bot.cliq.limits import Limit, chars
from bot.cliq.outbound import Convert, Outbound, OutboundError, SingleLine, sent

FORM_FUNCTION = "botform"
"""The Cliq function that receives every form submit; the framework routes by form name."""

_NAME = re.compile(limits.INPUT_NAME_PATTERN)

InputLabel = Annotated[
    str,
    SingleLine(),
    Limit(
        limits.INPUT_LABEL,
        f"input label is at most {limits.INPUT_LABEL} characters (Cliq limit)",
        at_least=1,
        too_few="an input needs a label (Cliq: label is mandatory on every input but hidden)",
    ),
]
"""An input's label: mandatory, 1-50 characters (Cliq's form input pages), shown literally."""

Placeholder = Annotated[
    str,
    SingleLine(),
    Limit(
        limits.INPUT_PLACEHOLDER,
        f"input placeholder is at most {limits.INPUT_PLACEHOLDER} characters (Cliq limit)",
        at_least=1,
        too_few=(
            "a text, textarea or select input needs a placeholder (Cliq: placeholder is"
            " mandatory, https://zoho.com/cliq/help/platform/cliq-forms/multi-line-input.html)"
        ),
    ),
]
"""The grey text of an empty text, textarea or select input: mandatory, 1-100 characters."""

Hint = Annotated[str, SingleLine(), chars("input hint", limits.INPUT_HINT)]
"""An input's (or a form's) hint: at most 100 characters, shown literally."""


class Option(Outbound, kw_only=True):
    """One choice of a select, radio or checkbox input: label at most 100 characters (shown
    literally), value at most 50 (the drop-down and radio pages)."""

    label: Annotated[
        str, SingleLine(limits.OPTION_LABEL), chars("option label", limits.OPTION_LABEL)
    ]
    value: Annotated[str, chars("option value", limits.OPTION_VALUE)]


Choice = Option | dict[str, str] | tuple[str, str] | str
"""An option as a caller may give it: an Option, a {"label", "value"} dict, a (label, value)
pair, or a plain string (label == value)."""


def options_of(choices: Iterable[Choice]) -> list[Option]:
    """Options from Option objects, (label, value) pairs or plain strings (label == value)."""
    result: list[Option] = []
    for choice in choices:
        if isinstance(choice, Option):
            result.append(choice)
        elif isinstance(choice, dict):
            result.append(Option.from_wire(choice))
        elif isinstance(choice, tuple):
            result.append(Option(label=choice[0], value=choice[1]))
        else:
            result.append(Option(label=choice, value=choice))
    return result


def _options(value: Any) -> Any:
    return options_of(value) if isinstance(value, list | tuple) else value


class _Input(Outbound, kw_only=True):
    """What every form input has: a name of 1-50 characters of [A-Za-z0-9_-], a label, a hint
    and a placeholder of at most 100 characters (Cliq's form input pages)."""

    name: str
    label: InputLabel
    hint: Hint | None = None
    placeholder: (
        Annotated[str, SingleLine(), chars("input placeholder", limits.INPUT_PLACEHOLDER)] | None
    ) = None
    mandatory: bool | None = None
    disabled: bool | None = None
    trigger_on_change: bool | None = None

    def _check(self) -> None:
        name = self.name
        if len(name) > limits.INPUT_NAME or not _NAME.match(name):
            raise OutboundError(
                f"input name must be 1-{limits.INPUT_NAME} characters of [A-Za-z0-9_-] (Cliq limit): {name!r}"
            )


class _Choices(_Input, kw_only=True):
    """An input offering options: Option objects, (label, value) pairs or plain strings."""

    options: Annotated[Sequence[Choice], Convert(_options, list[Option])]


class TextInput(_Input, kw_only=True):
    """A single-line text input: placeholder mandatory; `format` email, tel, url or password
    (https://zoho.com/cliq/help/platform/cliq-forms/input-type-text.html). Its value comes
    back as text."""

    type: Literal["text"] = sent("text")
    placeholder: Placeholder
    format: Literal["email", "tel", "url", "password"] | None = None
    value: str | None = None
    min_length: int | None = None
    max_length: int | None = None


class TextareaInput(_Input, kw_only=True):
    """A multi-line input: placeholder mandatory, max_length at most 5000
    (https://zoho.com/cliq/help/platform/cliq-forms/multi-line-input.html)."""

    type: Literal["textarea"] = sent("textarea")
    placeholder: Placeholder
    value: str | None = None
    min_length: int | None = None
    max_length: (
        Annotated[
            int,
            Limit(
                limits.TEXTAREA_MAX_LENGTH,
                "a textarea's max_length must be less than or equal to"
                f" {limits.TEXTAREA_MAX_LENGTH} (Cliq limit)",
            ),
        ]
        | None
    ) = None


class NumberInput(_Input, kw_only=True):
    """A number input with optional `min`, `max` and `step_value` (Cliq's single-line input
    pages, https://zoho.com/cliq/help/platform/cliq-forms/input-type-text.html). A client can
    send any value: a form's values model holds the submit to the range."""

    type: Literal["number"] = sent("number")
    value: float | None = None
    min: float | None = None
    max: float | None = None
    step_value: float | None = None


class SelectInput(_Choices, kw_only=True):
    """A drop-down of the bot's own options: placeholder mandatory, 1-100 options, `multiple`
    for several (https://zoho.com/cliq/help/platform/cliq-forms/drop-down-developer-defined.html).
    A submit sends the chosen `{label, value}`; a values model gets the `value`, and `offered=`
    on the form's decorator refuses one the form did not offer."""

    type: Literal["select"] = sent("select")
    placeholder: Placeholder
    value: str | None = None
    multiple: bool | None = None
    max_selections: int | None = None

    def _check(self) -> None:
        super()._check()
        if not self.options or len(self.options) > limits.SELECT_OPTIONS:
            raise OutboundError(
                f"a select holds 1-{limits.SELECT_OPTIONS} options (Cliq limit), got {len(self.options)}"
            )


class RadioInput(_Choices, kw_only=True):
    """A radio group: `hint` is mandatory and 2-5 options
    (https://zoho.com/cliq/help/platform/cliq-forms/input-type-radio.html)."""

    type: Literal["radio"] = sent("radio")
    value: str | None = None

    def _check(self) -> None:
        super()._check()
        if not self.hint:
            raise OutboundError("a radio input needs a hint (Cliq limit: the hint is mandatory)")
        low, high = limits.RADIO_OPTIONS
        if not low <= len(self.options) <= high:
            raise OutboundError(
                f"a radio input holds {low}-{high} options (Cliq limit), got {len(self.options)}"
            )


class CheckboxInput(_Choices, kw_only=True):
    """Check boxes: 1-5 options, any of them chosen
    (https://www.zoho.com/cliq/help/platform/cliq-forms/input-checkbox.html)."""

    type: Literal["checkbox"] = sent("checkbox")
    value: str | None = None

    def _check(self) -> None:
        super()._check()
        low, high = limits.CHECKBOX_OPTIONS
        if not low <= len(self.options) <= high:
            raise OutboundError(
                f"a checkbox input holds {low}-{high} options (Cliq limit), got {len(self.options)}"
            )


class ToggleInput(_Input, kw_only=True):
    """An on/off switch; its value is a boolean, off unless `value=True`
    (https://zoho.com/cliq/help/platform/cliq-forms/input-toggle.html)."""

    type: Literal["toggle"] = sent("toggle")
    value: bool | None = None


class DateInput(_Input, kw_only=True):
    """A date picker (`type="date"`) or date and time picker (`type="datetime"`)
    (https://zoho.com/cliq/help/platform/cliq-forms/input-type-date-time.html)."""

    type: Literal["date", "datetime"] = sent("date")
    value: str | None = None


class HiddenInput(_Input, kw_only=True):
    """A value carried with the form, not shown: no label, value at most 2000 characters
    (https://zoho.com/cliq/help/platform/cliq-forms/pre-filled-input.html)."""

    type: Literal["hidden"] = sent("hidden")
    label: Annotated[str, SingleLine()] | None = None  # type: ignore[assignment]  # the one input without a label
    value: Annotated[str, chars("hidden input value", limits.HIDDEN_VALUE)]


class NativeSelectInput(_Input, kw_only=True):
    type: Literal["native_select"] = sent("native_select")
    data_source: Literal["channels", "conversations", "teams", "contacts"]
    multiple: bool | None = None


class DynamicSelectInput(_Input, kw_only=True):
    """A drop-down whose options come from the form function's dynamic field handler as the
    person types: for more than 100 choices (Cliq's drop-down-developer-defined / dynamic-drop-
    down pages)."""

    type: Literal["dynamic_select"] = sent("dynamic_select")
    multiple: bool | None = None


class DynamicOptions(Outbound, kw_only=True):
    """The dynamic field handler's answer: the options matching what was typed (at most 100).
    https://zoho.com/cliq/help/platform/form_functions_workflow/dynamic-field-handler.html"""

    options: Annotated[
        Sequence[Choice],
        Convert(_options, list[Option]),
        Limit(
            limits.SELECT_OPTIONS,
            f"a dynamic field handler answers at most {limits.SELECT_OPTIONS} options (Cliq limit)",
        ),
    ] = sent(factory=list)


class LocationInput(_Input, kw_only=True):
    type: Literal["location"] = sent("location")
    boundary: dict[str, float] | None = None


class FileInput(_Input, kw_only=True):
    type: Literal["file"] = sent("file")


Input = (
    TextInput
    | TextareaInput
    | NumberInput
    | SelectInput
    | RadioInput
    | CheckboxInput
    | ToggleInput
    | DateInput
    | HiddenInput
    | NativeSelectInput
    | DynamicSelectInput
    | LocationInput
    | FileInput
)
"""One of a form's inputs (read back from Cliq's JSON by its `type`)."""


class FormAction(Outbound, kw_only=True):
    """The function a form's submit calls (cliq-form.html)."""

    type: Literal["invoke.function"] = sent("invoke.function")
    name: Annotated[
        str, Limit(1_000, "a form action names its function", at_least=1, too_few="")
    ] = sent(FORM_FUNCTION)


class Form(Outbound, kw_only=True):
    """A form (cliq-form.html): title 1-100 characters and name 1-50, both mandatory, 1-25
    inputs with unique names; title and hint shown literally."""

    type: Literal["form"] = sent("form")
    title: Annotated[
        str,
        SingleLine(limits.FORM_TITLE),
        Limit(
            limits.FORM_TITLE,
            f"form title is at most {limits.FORM_TITLE} characters (Cliq limit)",
            at_least=1,
            too_few="a form needs a title (Cliq: title is mandatory)",
        ),
    ]
    name: Annotated[
        str,
        Limit(
            limits.FORM_NAME,
            f"form name is at most {limits.FORM_NAME} characters (Cliq limit)",
            at_least=1,
            too_few="a form needs a name (Cliq: name is mandatory)",
        ),
    ]
    inputs: Sequence[Input]
    hint: (
        Annotated[str, SingleLine(limits.INPUT_HINT), chars("form hint", limits.INPUT_HINT)] | None
    ) = None
    button_label: str | None = None
    version: int = sent(1)
    trigger_on_cancel: bool | None = None
    action: FormAction = sent(FormAction())  # (frozen: every form may share it)

    def _check(self) -> None:
        if not self.inputs:
            raise OutboundError("a form needs at least one input")
        if len(self.inputs) > limits.FORM_INPUTS:
            raise OutboundError(
                f"a form holds at most {limits.FORM_INPUTS} inputs (Cliq limit), got {len(self.inputs)}"
            )
        names = [i.name for i in self.inputs]
        duplicates = sorted({n for n in names if names.count(n) > 1})
        if duplicates:
            raise OutboundError(f"form input names must be unique: {duplicates}")


class FormError(Outbound, kw_only=True):
    """Field-level errors for a submitted form: Cliq shows each next to its input."""

    type: Literal["form_error"] = sent("form_error")
    text: str
    inputs: dict[str, str] = sent(factory=dict)
