"""The framework's form models (bot/cliq/form.py) against the sandbox's form rules
(bot/sandbox/cliq/replies.py, written from Zoho's form pages): walking every rule the sandbox
checks, a form the models build is one the sandbox takes, and what the sandbox refuses the
models refuse too — so the two cannot drift apart unnoticed."""

from __future__ import annotations

import copy
from collections.abc import Iterator
from typing import Any, get_args, get_type_hints

import pytest

from bot.cliq.form import (
    CheckboxInput,
    DateInput,
    DynamicSelectInput,
    FileInput,
    Form,
    HiddenInput,
    Input,
    LocationInput,
    NativeSelectInput,
    NumberInput,
    RadioInput,
    SelectInput,
    TextareaInput,
    TextInput,
    ToggleInput,
)
from bot.cliq.outbound import OutboundError
from bot.sandbox.cliq import replies as sandbox
from bot.sandbox.cliq.spec import Refusal


def _model_types() -> set[str]:
    kinds: set[str] = set()
    for model in get_args(Input):
        kinds |= set(get_args(get_type_hints(model)["type"]))
    return kinds


def _base() -> dict[str, Any]:
    """A form the models build holding one input of each type they offer."""
    form = Form(
        title="Every input",
        name="every",
        inputs=[
            TextInput(name="text", label="Text", placeholder="Type"),
            TextareaInput(name="textarea", label="Notes", placeholder="Write", max_length=500),
            NumberInput(name="number", label="Number"),
            SelectInput(name="select", label="Select", placeholder="Pick", options=["a", "b"]),
            NativeSelectInput(name="native", label="Channel", data_source="channels"),
            DynamicSelectInput(name="dynamic", label="Owner"),
            RadioInput(name="radio", label="Radio", hint="Pick one", options=["a", "b"]),
            CheckboxInput(name="checkbox", label="Tags", options=["a"]),
            ToggleInput(name="toggle", label="On"),
            DateInput(name="date", label="Day"),
            DateInput(name="datetime", type="datetime", label="When"),
            LocationInput(name="location", label="Where"),
            FileInput(name="file", label="File"),
            HiddenInput(name="hidden", value="7"),
        ],
    )
    return form.to_wire()


LENGTHS = sorted(
    {
        sandbox.FORM_NAME_MAX,
        sandbox.LABEL_MAX,
        sandbox.HINT_MAX,
        sandbox.PLACEHOLDER_MAX,
        sandbox.OPTION_LABEL_MAX,
        sandbox.OPTION_VALUE_MAX,
        sandbox.HIDDEN_VALUE_MAX,
    }
)
"""Every text length the sandbox's rules name: each is tried at the limit and one past it."""

SHOWN = ("label", "hint", "placeholder")


def _texts() -> Iterator[str]:
    yield ""
    for length in LENGTHS:
        yield "x" * length
        yield "x" * (length + 1)


def _mutations(base: dict[str, Any]) -> Iterator[tuple[str, dict[str, Any]]]:
    """Each way of breaking (or nearly breaking) a rule the sandbox checks, as (what, form)."""

    def changed(what: str, edit: Any) -> tuple[str, dict[str, Any]]:
        form = copy.deepcopy(base)
        edit(form)
        return what, form

    for key in ("title", "name"):
        yield changed(f"form.{key} removed", lambda f, k=key: f.pop(k))
        for text in _texts():
            yield changed(f"form.{key}={len(text)}", lambda f, k=key, t=text: f.update({k: t}))
    yield changed("form.action.name empty", lambda f: f["action"].update(name=""))
    for count in (0, sandbox.MAX_INPUTS, sandbox.MAX_INPUTS + 1):

        def resize(f: dict[str, Any], n: int = count) -> None:
            extra = [{"type": "hidden", "name": f"h{i}", "value": "v"} for i in range(n)]
            f["inputs"] = extra if n == 0 else (f["inputs"] + extra)[:n]

        yield changed(f"{count} inputs", resize)
    for index, field in enumerate(base["inputs"]):
        kind = field["type"]

        def on(edit: Any, i: int = index) -> Any:
            return lambda f: edit(f["inputs"][i])

        for key in ("name", "label", "hint", "placeholder", "value"):
            if key in field:
                yield changed(f"{kind}.{key} removed", on(lambda d, k=key: d.pop(k)))
            if key == "value" and kind != "hidden":
                continue  # a shown input's value is a typed default, not a rule of the sandbox
            for text in _texts():
                yield changed(
                    f"{kind}.{key}={len(text)}", on(lambda d, k=key, t=text: d.update({k: t}))
                )
        yield changed(f"{kind}.name with a space", on(lambda d: d.update(name="a b")))
        if kind == "textarea":
            for length in (sandbox.TEXTAREA_MAX_LENGTH, sandbox.TEXTAREA_MAX_LENGTH + 1):
                yield changed(
                    f"textarea.max_length={length}", on(lambda d, n=length: d.update(max_length=n))
                )
        if kind in sandbox.OPTION_COUNTS:
            low, high = sandbox.OPTION_COUNTS[kind]
            for count in (low - 1, low, high, high + 1):
                options = [{"label": f"o{i}", "value": f"o{i}"} for i in range(count)]
                yield changed(
                    f"{kind} with {count} options", on(lambda d, o=options: d.update(options=o))
                )
            for key in ("label", "value"):
                for text in _texts():
                    yield changed(
                        f"{kind}.options[0].{key}={len(text)}",
                        on(lambda d, k=key, t=text: d["options"][0].update({k: t})),
                    )


def _sandbox_refuses(form: dict[str, Any]) -> str | None:
    try:
        sandbox.check_form(form)
    except Refusal as refusal:
        return refusal.message
    return None


def test_the_base_form_covers_every_input_type_the_models_offer() -> None:
    base = _base()
    assert {field["type"] for field in base["inputs"]} == _model_types()
    assert _model_types() <= sandbox.INPUT_TYPES
    assert _sandbox_refuses(base) is None


def test_what_the_sandbox_refuses_the_models_refuse_and_what_they_build_it_takes() -> None:
    refused_by_both = 0
    for what, form in _mutations(_base()):
        refusal = _sandbox_refuses(form)
        try:
            built = Form.from_wire(form).to_wire()
        except OutboundError:
            refused_by_both += refusal is not None
            continue
        # The models took it: what they send must pass, and if the sandbox refused the raw
        # form, the models must have supplied what was missing (only the default action).
        assert _sandbox_refuses(built) is None, (what, _sandbox_refuses(built))
        if refusal is not None:
            assert built != form, (what, refusal)
            assert what == "form.action.name empty" or "removed" in what, (what, refusal)
    assert refused_by_both > 200


@pytest.mark.parametrize("kind", sorted(sandbox.NEEDS_PLACEHOLDER))
@pytest.mark.parametrize("placeholder", [None, ""])
def test_an_input_cliq_needs_a_placeholder_on_is_refused_without_one(
    kind: str, placeholder: str | None
) -> None:
    form = _base()
    field = next(f for f in form["inputs"] if f["type"] == kind)
    field.pop("placeholder")
    if placeholder is not None:
        field["placeholder"] = placeholder
    assert "placeholder is mandatory" in (_sandbox_refuses(form) or "")
    with pytest.raises(OutboundError) as info:
        Form.from_wire(form)
    assert "placeholder" in str(info.value)


@pytest.mark.parametrize("kind", sorted(_model_types() - {"hidden"}))
def test_every_shown_input_is_refused_without_a_label(kind: str) -> None:
    form = _base()
    field = next(f for f in form["inputs"] if f["type"] == kind)
    field["label"] = ""
    assert "label is mandatory" in (_sandbox_refuses(form) or "")
    with pytest.raises(OutboundError, match="an input needs a label"):
        Form.from_wire(form)


@pytest.mark.parametrize(
    ("kind", "key", "too_much", "says"),
    [
        ("textarea", "max_length", sandbox.TEXTAREA_MAX_LENGTH + 1, "less than or equal to 5000"),
        ("hidden", "value", "v" * (sandbox.HIDDEN_VALUE_MAX + 1), "at most 2000 characters"),
        ("text", "placeholder", "p" * (sandbox.PLACEHOLDER_MAX + 1), "at most 100 characters"),
    ],
)
def test_limits_the_sandbox_checks_are_refused_by_the_models(
    kind: str, key: str, too_much: Any, says: str
) -> None:
    form = _base()
    next(f for f in form["inputs"] if f["type"] == kind)[key] = too_much
    assert _sandbox_refuses(form)
    with pytest.raises(OutboundError, match=says):
        Form.from_wire(form)


@pytest.mark.parametrize("key", ["title", "name"])
def test_a_form_is_refused_without_a_title_or_name(key: str) -> None:
    form = _base()
    form[key] = ""
    assert f"form.{key} is mandatory" in (_sandbox_refuses(form) or "")
    with pytest.raises(OutboundError, match=f"a form needs a {key}"):
        Form.from_wire(form)
