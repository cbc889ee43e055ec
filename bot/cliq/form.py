"""Outbound forms and form errors (reference/cliq.md §2), with Cliq's limits checked on build.

Every rule Cliq's form pages state (https://zoho.com/cliq/help/platform/cliq-form.html and the
input pages under https://www.zoho.com/cliq/help/platform/cliq-forms.html) is a pydantic
constraint here: a form these models build is one Cliq takes. Mandatory: the form's title and
name; every input's label (but a hidden input's); the placeholder of text, textarea and select
inputs (multi-line-input.html and the text and drop-down pages); a radio input's hint. Limits: a
textarea's max_length ≤ 5000, a hidden value ≤ 2000 characters (pre-filled-input.html).
`tests/test_form_rules.py` walks the sandbox's rules and shows these models refuse the same.

What a form shows (its title and hint, input labels, hints and placeholders, option labels) is
shown literally, as the single-line fields of messages are (`bot/cliq/markup.py`); values are
data and left alone."""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Annotated, Any, Literal

from pydantic import Field, field_validator, model_validator

from bot.cliq import limits
from bot.cliq.limits import Limit, chars
from bot.cliq.outbound import Outbound, at_most, literal

FORM_FUNCTION = "botform"
"""The Cliq function that receives every form submit; the framework routes by form name."""

_NAME = re.compile(limits.INPUT_NAME_PATTERN)

InputLabel = Annotated[
    str,
    Limit(
        limits.INPUT_LABEL,
        f"input label is at most {limits.INPUT_LABEL} characters (Cliq limit)",
        at_least=1,
        too_few="an input needs a label (Cliq: label is mandatory on every input but hidden)",
    ),
]
"""An input's label: mandatory, 1-50 characters (Cliq's form input pages)."""

Placeholder = Annotated[
    str,
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


class Option(Outbound):
    label: str
    value: str

    @field_validator("label", mode="before")
    @classmethod
    def _shown_label(cls, value: Any) -> Any:
        return literal(value, limits.OPTION_LABEL)

    @model_validator(mode="after")
    def _limits(self) -> Option:
        at_most("option label", limits.OPTION_LABEL, self.label)
        at_most("option value", limits.OPTION_VALUE, self.value)
        return self


def options_of(choices: Iterable[Option | dict[str, str] | tuple[str, str] | str]) -> list[Option]:
    """Options from Option objects, (label, value) pairs or plain strings (label == value)."""
    result: list[Option] = []
    for choice in choices:
        if isinstance(choice, Option):
            result.append(choice)
        elif isinstance(choice, dict):
            result.append(Option.model_validate(choice))
        elif isinstance(choice, tuple):
            result.append(Option(label=choice[0], value=choice[1]))
        else:
            result.append(Option(label=choice, value=choice))
    return result


class _Input(Outbound):
    name: str
    label: InputLabel
    hint: str | None = None
    placeholder: str | None = None
    mandatory: bool | None = None
    disabled: bool | None = None
    trigger_on_change: bool | None = None

    @field_validator("label", "hint", "placeholder", mode="before")
    @classmethod
    def _shown(cls, value: Any) -> Any:
        return literal(value)

    @field_validator("name")
    @classmethod
    def _name(cls, value: str) -> str:
        if len(value) > limits.INPUT_NAME or not _NAME.match(value):
            raise ValueError(
                f"input name must be 1-{limits.INPUT_NAME} characters of [A-Za-z0-9_-] (Cliq limit): {value!r}"
            )
        return value

    @model_validator(mode="after")
    def _text_limits(self) -> _Input:
        at_most("input hint", limits.INPUT_HINT, self.hint)
        at_most("input placeholder", limits.INPUT_PLACEHOLDER, self.placeholder)
        return self


class _Choices(_Input):
    options: list[Option]

    @field_validator("options", mode="before")
    @classmethod
    def _coerce(cls, value: Any) -> Any:
        return options_of(value) if isinstance(value, list) else value


class TextInput(_Input):
    type: Literal["text"] = "text"
    placeholder: Placeholder
    format: Literal["email", "tel", "url", "password"] | None = None
    value: str | None = None
    min_length: int | None = None
    max_length: int | None = None


class TextareaInput(_Input):
    """A multi-line input: placeholder mandatory, max_length at most 5000
    (https://zoho.com/cliq/help/platform/cliq-forms/multi-line-input.html)."""

    type: Literal["textarea"] = "textarea"
    placeholder: Placeholder
    value: str | None = None
    min_length: int | None = None
    max_length: Annotated[int, Field(le=limits.TEXTAREA_MAX_LENGTH)] | None = None


class NumberInput(_Input):
    type: Literal["number"] = "number"
    value: float | None = None
    min: float | None = None
    max: float | None = None
    step_value: float | None = None


class SelectInput(_Choices):
    type: Literal["select"] = "select"
    placeholder: Placeholder
    value: str | None = None
    multiple: bool | None = None
    max_selections: int | None = None

    @model_validator(mode="after")
    def _count(self) -> SelectInput:
        if not self.options or len(self.options) > limits.SELECT_OPTIONS:
            raise ValueError(
                f"a select holds 1-{limits.SELECT_OPTIONS} options, got {len(self.options)}"
            )
        return self


class RadioInput(_Choices):
    """A radio group: `hint` is mandatory and 2-5 options
    (https://zoho.com/cliq/help/platform/cliq-forms/input-type-radio.html)."""

    type: Literal["radio"] = "radio"
    value: str | None = None

    @model_validator(mode="after")
    def _count(self) -> RadioInput:
        if not self.hint:
            raise ValueError("a radio input needs a hint (Cliq limit: the hint is mandatory)")
        low, high = limits.RADIO_OPTIONS
        if not low <= len(self.options) <= high:
            raise ValueError(
                f"a radio input holds {low}-{high} options (Cliq limit), got {len(self.options)}"
            )
        return self


class CheckboxInput(_Choices):
    type: Literal["checkbox"] = "checkbox"
    value: str | None = None

    @model_validator(mode="after")
    def _count(self) -> CheckboxInput:
        low, high = limits.CHECKBOX_OPTIONS
        if not low <= len(self.options) <= high:
            raise ValueError(
                f"a checkbox input holds {low}-{high} options (Cliq limit), got {len(self.options)}"
            )
        return self


class ToggleInput(_Input):
    type: Literal["toggle"] = "toggle"
    value: bool | None = None


class DateInput(_Input):
    type: Literal["date", "datetime"] = "date"
    value: str | None = None


class HiddenInput(_Input):
    """A value carried with the form, not shown: no label, value at most 2000 characters
    (https://zoho.com/cliq/help/platform/cliq-forms/pre-filled-input.html)."""

    type: Literal["hidden"] = "hidden"
    label: str | None = None  # type: ignore[assignment]  # the one input without a label
    value: Annotated[str, chars("hidden input value", limits.HIDDEN_VALUE)]


class NativeSelectInput(_Input):
    type: Literal["native_select"] = "native_select"
    data_source: Literal["channels", "conversations", "teams", "contacts"]
    multiple: bool | None = None


class DynamicSelectInput(_Input):
    """A drop-down whose options come from the form function's dynamic field handler as the
    person types: for more than 100 choices (Cliq's drop-down-developer-defined / dynamic-drop-
    down pages)."""

    type: Literal["dynamic_select"] = "dynamic_select"
    multiple: bool | None = None


class DynamicOptions(Outbound):
    """The dynamic field handler's answer: the options matching what was typed (at most 100).
    https://zoho.com/cliq/help/platform/form_functions_workflow/dynamic-field-handler.html"""

    options: list[Option] = Field(default_factory=list, max_length=limits.SELECT_OPTIONS)


class LocationInput(_Input):
    type: Literal["location"] = "location"
    boundary: dict[str, float] | None = None


class FileInput(_Input):
    type: Literal["file"] = "file"


Input = Annotated[
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
    | FileInput,
    Field(discriminator="type"),
]


class FormAction(Outbound):
    type: Literal["invoke.function"] = "invoke.function"
    name: Annotated[str, Field(min_length=1)] = FORM_FUNCTION


class Form(Outbound):
    type: Literal["form"] = "form"
    title: Annotated[
        str,
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
    inputs: list[Input]
    hint: str | None = None
    button_label: str | None = None
    version: int = 1
    trigger_on_cancel: bool | None = None
    action: FormAction = Field(default_factory=FormAction)

    @field_validator("title", mode="before")
    @classmethod
    def _shown_title(cls, value: Any) -> Any:
        return literal(value, limits.FORM_TITLE)

    @field_validator("hint", mode="before")
    @classmethod
    def _shown_hint(cls, value: Any) -> Any:
        return literal(value, limits.INPUT_HINT)

    @model_validator(mode="after")
    def _limits(self) -> Form:
        at_most("form hint", limits.INPUT_HINT, self.hint)
        if not self.inputs:
            raise ValueError("a form needs at least one input")
        if len(self.inputs) > limits.FORM_INPUTS:
            raise ValueError(
                f"a form holds at most {limits.FORM_INPUTS} inputs (Cliq limit), got {len(self.inputs)}"
            )
        names = [i.name for i in self.inputs]
        duplicates = sorted({n for n in names if names.count(n) > 1})
        if duplicates:
            raise ValueError(f"form input names must be unique: {duplicates}")
        return self


class FormError(Outbound):
    """Field-level errors for a submitted form: Cliq shows each next to its input."""

    type: Literal["form_error"] = "form_error"
    text: str
    inputs: dict[str, str] = Field(default_factory=dict)
