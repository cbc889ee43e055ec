"""Parts for reading a body straight into pydantic models with a validator of one's own: the
models' own field schemas, reused, with chosen fields read another way and no Python step.

`bot.cliq.envelope` builds its direct way from these (`parse_envelope`): a validator that takes
the usual call in pydantic-core alone and refuses, for the careful way to read, whatever it
cannot read the same as the models' own validators would.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from pydantic import BaseModel
from pydantic_core import SchemaValidator, core_schema

Schema = core_schema.CoreSchema


def json_value(depth: int, text: Schema | None = None) -> Schema:
    """Any JSON value whose numbers are finite and which nests at most `depth` arrays and objects
    deep, read as `json.loads` reads it (strict choices: an int stays an int, a float a float);
    `text`, if given, is the schema of a text at the top (deeper ones are any text). Its
    containers name the levels below (`json_levels` defines them)."""
    containers = [json_map(depth - 1), core_schema.list_schema(json_ref(depth - 1))]
    return core_schema.union_schema(
        [
            text or core_schema.str_schema(strict=True),
            core_schema.int_schema(strict=True),
            core_schema.float_schema(strict=True, allow_inf_nan=False),
            core_schema.bool_schema(strict=True),
            core_schema.none_schema(),
            *(containers if depth > 0 else []),
        ],
        mode="left_to_right",
    )


def json_map(depth: int) -> Schema:
    """A JSON object whose values nest at most `depth` deep (`json_value`)."""
    return core_schema.dict_schema(core_schema.str_schema(strict=True), json_ref(depth))


def json_ref(depth: int) -> Schema:
    """`json_value(depth)`, by its name in `json_levels`."""
    return core_schema.definition_reference_schema(f"json-{depth}")


def json_levels(deepest: int) -> list[Schema]:
    """The definitions `json_ref` names, up to `deepest`. (Each level's schema is named by
    pydantic-core after the one below, twice over, so the names double: keep `deepest` small.)"""
    return [{**json_value(depth), "ref": f"json-{depth}"} for depth in range(deepest + 1)]


PYTHON_SPACE_CODES = (
    *range(0x9, 0xE),
    *range(0x1C, 0x21),
    0x85,
    0xA0,
    0x1680,
    *range(0x2000, 0x200B),
    0x2028,
    0x2029,
    0x202F,
    0x205F,
    0x3000,
)
"""The characters `str.isspace()` (so `str.strip()`) takes for spaces (a test checks them all)."""

PYTHON_SPACES = "".join(f"\\x{{{code:x}}}" for code in PYTHON_SPACE_CODES)
"""`PYTHON_SPACE_CODES` as the inside of a Rust regex class."""


def opening_not(refused: str, spaces: str) -> str:
    """A Rust regex matching exactly the texts that `^[spaces]*[refused]` does not match: only
    spaces, or a first character after them that is neither a space nor one of `refused`
    (both are the insides of regex classes)."""
    return f"^[{spaces}]*(?:$|[^{spaces}{refused}])"


def model_fields(model: type[BaseModel]) -> tuple[dict[str, Any], dict[str, Any]]:
    """The `model-fields` schema and the config pydantic built for `model`."""
    found = _model_schema(model.__pydantic_core_schema__, model)
    if found is None:
        raise TypeError(f"{model.__name__}: no model schema")
    fields = found["schema"]
    while fields["type"] != "model-fields":  # (a model validator's function wraps them)
        fields = fields["schema"]
    return fields, found["config"]


def _model_schema(schema: Any, model: type[BaseModel]) -> Any:
    """The `model` schema of `model` inside `schema` (None if there is none)."""
    if isinstance(schema, dict):
        if schema.get("type") == "model" and schema.get("cls") is model:
            return schema
        schema = list(schema.values())
    if isinstance(schema, list | tuple):
        for item in schema:
            found = _model_schema(item, model)
            if found is not None:
                return found
    return None


TEXT: Schema = core_schema.union_schema(
    [
        core_schema.str_schema(strict=True),
        core_schema.chain_schema(
            [
                core_schema.int_schema(strict=True),
                core_schema.str_schema(coerce_numbers_to_str=True),
            ]
        ),
    ],
    mode="left_to_right",
)
"""A text field read from JSON: text, or a whole number as its digits (as the models read both).
A float is refused: pydantic-core writes a float it read from JSON its own way (`1e5` as
`100000`, `0.0` as `0`), where the models write what Python's `str` writes (`100000.0`)."""


def _texts_whole(schema: dict[str, Any]) -> Any:
    """A leaf schema with its text (`{"type": "str"}`) read as `TEXT`."""
    if schema == {"type": "str"}:
        return TEXT
    if "schema" in schema:
        return {**schema, "schema": _texts_whole(schema["schema"])}
    return schema


_LEAF_TYPES = frozenset({"default", "nullable", "str", "int", "float", "bool", "literal"})


def is_leaf(schema: dict[str, Any]) -> bool:
    """Whether `schema` reads a plain value (text, number, flag, literal; maybe null, maybe with
    a default value): no Python step, no model, nothing that takes any value."""
    if schema["type"] not in _LEAF_TYPES or "default_factory" in schema:
        return False
    return "schema" not in schema or is_leaf(schema["schema"])


def field(model: type[BaseModel], name: str) -> Schema:
    """The schema of `model.name` as pydantic built it (its default included)."""
    fields, _ = model_fields(model)
    schema: Schema = fields["fields"][name]["schema"]
    return schema


def like(model: type[BaseModel], name: str, schema: Schema) -> Schema:
    """`schema` with the default of `model.name` (its value or factory, as pydantic has it)."""
    default = field(model, name)
    if default["type"] != "default":
        raise TypeError(f"{model.__name__}.{name} has no default")
    return {**default, "schema": schema}


def optional(model: type[BaseModel], name: str, schema: Schema) -> Schema:
    """`schema` or null, with the default of `model.name`."""
    return like(model, name, core_schema.nullable_schema(schema))


class Models:
    """Builds model schemas for one validator, and that validator (`validator`)."""

    def __init__(self) -> None:
        self.used: set[type[BaseModel]] = set()

    def model(self, model: type[BaseModel], **fields: Schema) -> core_schema.ModelSchema:
        """`model` with its own leaf field schemas (texts as `TEXT`) and `fields` for the others (each the field's
        whole schema, default included). Raises TypeError for a field that is not a leaf and is
        not given, so no field can take a value the validator has not been told to check."""
        found, config = model_fields(model)
        direct: dict[str, Any] = {}
        for name, one in found["fields"].items():
            if name in fields:
                one = {**one, "schema": fields[name]}
            elif is_leaf(one["schema"]):
                one = {**one, "schema": _texts_whole(one["schema"])}
            else:
                raise TypeError(f"{model.__name__}.{name}: give its schema (not a plain value)")
            direct[name] = one
        unknown = set(fields) - set(direct)
        if unknown:
            raise TypeError(f"{model.__name__} has no field {', '.join(sorted(unknown))}")
        self.used.add(model)
        return core_schema.model_schema(
            model,
            {**found, "fields": direct},
            config=config,  # type: ignore[arg-type]
        )

    def validator(self, schema: Schema) -> SchemaValidator:
        """A validator for `schema` that builds every model as `schema` says. (pydantic-core
        reuses a finished model's own validator wherever a schema names its class, which would
        bring back the Python steps and the looser reading of the model's own schema; so the
        models are marked unfinished while this one is built, and finished again after.)"""
        return _own_validator(schema, self.used)


def _own_validator(schema: Schema, models: Iterable[type[BaseModel]]) -> SchemaValidator:
    marked = [model for model in models if model.__dict__.get("__pydantic_complete__")]
    for model in marked:
        model.__pydantic_complete__ = False
    try:
        return SchemaValidator(schema)
    finally:
        for model in marked:
            model.__pydantic_complete__ = True
