"""Parameter checking driven by the vendored Bot API spec subset (see make_spec_subset.py).

Every request is decoded field by field according to the declared Bot API types, the way the real
server reads form fields, JSON bodies and multipart uploads, so a wrongly typed or missing parameter
fails here as it would against Telegram.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from bot.emulator.errors import ApiReject, bad_request

SUBSET_PATH = Path(__file__).with_name("bot_api_subset.json")
_INTEGER = re.compile(r"^-?\d{1,20}$")
_FLOAT = re.compile(r"^-?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?$")
_PRIMITIVES = frozenset({"Integer", "Float", "String", "Boolean", "True", "InputFile"})
_HUMAN_NAMES = {"InlineKeyboardButton": "inline keyboard button"}


@dataclass(frozen=True)
class Field:
    name: str
    types: tuple[str, ...]
    required: bool


@dataclass(frozen=True)
class Upload:
    """A file sent in a multipart/form-data request."""

    filename: str
    content: bytes
    mime_type: str


class SpecError(ValueError):
    """A JSON value that does not fit its declared Bot API type (Telegram's wording)."""


class BotApiSpec:
    """The methods and types the emulator knows, with Telegram's parameter decoding rules."""

    def __init__(self, data: dict[str, Any]):
        self._all_methods = {name.lower() for name in data["all_methods"]}
        self.methods: dict[str, list[Field]] = {
            name: [Field(f["name"], tuple(f["types"]), f["required"]) for f in entry["fields"]]
            for name, entry in data["methods"].items()
        }
        self._canonical = {name.lower(): name for name in self.methods}
        self.types: dict[str, dict[str, Any]] = data["types"]

    @classmethod
    @cache
    def load(cls) -> BotApiSpec:
        return cls(json.loads(SUBSET_PATH.read_text(encoding="utf-8")))

    def canonical_method(self, name: str) -> str | None:
        """The spec's spelling of ``name`` (method names are case-insensitive), if emulated."""
        return self._canonical.get(name.lower())

    def is_telegram_method(self, name: str) -> bool:
        return name.lower() in self._all_methods

    def parse_params(
        self, method: str, raw: dict[str, Any], uploads: dict[str, Upload]
    ) -> tuple[dict[str, Any], list[str]]:
        """Decode ``raw`` for ``method``; return (params, names the spec does not know)."""
        fields = self.methods[method]
        known = {f.name for f in fields}
        params: dict[str, Any] = {}
        for field in fields:
            value = raw.get(field.name)
            if field.name in uploads and "InputFile" in field.types:
                value = uploads[field.name]
            if value is None or value == "":
                if field.required:
                    raise _missing(field.name)
                continue
            params[field.name] = self._decode(field, value, uploads)
        unknown = sorted(name for name in raw if name not in known)
        return params, unknown

    def _decode(self, field: Field, value: Any, uploads: dict[str, Upload]) -> Any:
        if isinstance(value, Upload):
            return value
        types = field.types
        if "InputFile" in types and isinstance(value, str) and value.startswith("attach://"):
            upload = uploads.get(value.removeprefix("attach://"))
            if upload is None:
                raise bad_request(f"{field.name}: file {value} was not attached to the request")
            return upload
        if "Integer" in types and _is_integer(value):
            return int(value)
        if "Float" in types and _is_float(value):
            return float(value)
        if "Boolean" in types:
            return _decode_bool(field.name, value)
        if "String" in types:
            if isinstance(value, str):
                return value
            if isinstance(value, int | float) and not isinstance(value, bool):
                return str(value)
        complex_types = [t for t in types if t not in _PRIMITIVES]
        if not complex_types:
            raise bad_request(f"field {field.name} must be of type {' or '.join(types)}")
        if isinstance(value, str):
            try:
                value = json.loads(value)
            except ValueError:
                raise bad_request(f"can't parse {field.name} JSON object") from None
        try:
            self.check(complex_types, value)
        except SpecError as error:
            raise bad_request(str(error)) from None
        if "InputMedia" in complex_types:
            value = _attached(value, uploads)
        return value

    def check(self, types: list[str] | tuple[str, ...], value: Any) -> None:
        """Raise SpecError unless ``value`` fits one of ``types`` (e.g. "Array of BotCommand")."""
        errors = []
        for declared in types:
            try:
                self._check_one(declared, value)
                return
            except SpecError as error:
                errors.append(error)
        raise errors[0]

    def _check_one(self, declared: str, value: Any) -> None:
        if declared.startswith("Array of "):
            if not isinstance(value, list):
                raise SpecError(f"can't parse {declared}: expected an Array")
            for item in value:
                self._check_one(declared.removeprefix("Array of "), item)
            return
        if declared in _PRIMITIVES:
            if not _fits_primitive(declared, value):
                raise SpecError(f"value must be of type {declared}")
            return
        entry = self.types[declared]
        if entry.get("subtypes"):
            self.check(entry["subtypes"], value)
            return
        self._check_object(declared, entry["fields"], value)

    def _check_object(self, name: str, fields: list[dict[str, Any]], value: Any) -> None:
        label = _HUMAN_NAMES.get(name, name)
        if not isinstance(value, dict):
            raise SpecError(f"can't parse {label}: Object expected")
        for field in fields:
            if field["name"] not in value:
                if field["required"]:
                    raise SpecError(f"can't parse {label}: Can't find field \"{field['name']}\"")
                continue
            item = value[field["name"]]
            if all(t in _PRIMITIVES for t in field["types"]):
                if not any(_fits_primitive(t, item) for t in field["types"]):
                    raise SpecError(
                        f'can\'t parse {label}: Field "{field["name"]}" must be of type '
                        f"{' or '.join(field['types'])}"
                    )
            else:
                self.check(field["types"], item)

    def check_output(self, type_name: str, value: Any, path: str = "") -> list[str]:
        """Every way ``value`` differs from the spec's ``type_name`` (used by the emulator's tests).

        Fields of types outside the vendored subset are not descended into.
        """
        where = path or type_name
        entry = self.types.get(type_name)
        if entry is None or not isinstance(value, dict):
            return [] if entry is None else [f"{where}: expected an object"]
        if entry.get("subtypes"):
            attempts = [self.check_output(sub, value, path) for sub in entry["subtypes"]]
            return min(attempts, key=len)
        problems = []
        declared = {f["name"]: f for f in entry["fields"]}
        for name in value:
            if name not in declared:
                problems.append(f"{where}.{name}: not a field of {type_name}")
        for name, field in declared.items():
            if name not in value:
                if field["required"]:
                    problems.append(f"{where}.{name}: required field missing")
                continue
            problems.extend(self._output_field(field["types"], value[name], f"{where}.{name}"))
        return problems

    def _output_field(self, types: list[str], item: Any, where: str) -> list[str]:
        attempts = []
        for declared in types:
            if declared.startswith("Array of "):
                if not isinstance(item, list):
                    attempts.append([f"{where}: expected an array"])
                    continue
                inner = declared.removeprefix("Array of ")
                attempts.append(
                    [
                        problem
                        for n, element in enumerate(item)
                        for problem in self._output_field([inner], element, f"{where}[{n}]")
                    ]
                )
            elif declared in _PRIMITIVES:
                ok = _fits_primitive(declared, item, strict=True)
                attempts.append([] if ok else [f"{where}: expected {declared}"])
            else:
                attempts.append(self.check_output(declared, item, where))
        return min(attempts, key=len)


# InputMedia fields that may name a file sent in the same multipart request ("attach://<name>").
_MEDIA_FILES = ("media", "thumbnail", "cover")


def _attached(media: dict[str, Any], uploads: dict[str, Upload]) -> dict[str, Any]:
    """An InputMedia with its "attach://<name>" references swapped for the uploaded files."""
    resolved = dict(media)
    for key in _MEDIA_FILES:
        value = media.get(key)
        if isinstance(value, str) and value.startswith("attach://"):
            upload = uploads.get(value.removeprefix("attach://"))
            if upload is None:
                raise bad_request(f"{key}: file {value} was not attached to the request")
            resolved[key] = upload
    return resolved


def _missing(name: str) -> ApiReject:
    if name == "text":
        return bad_request("message text is empty")
    return bad_request(f"{name} is empty")


def _is_integer(value: Any) -> bool:
    if isinstance(value, bool):
        return False
    return isinstance(value, int) or (isinstance(value, str) and bool(_INTEGER.match(value)))


def _is_float(value: Any) -> bool:
    if isinstance(value, bool):
        return False
    return isinstance(value, int | float) or (isinstance(value, str) and bool(_FLOAT.match(value)))


def _decode_bool(name: str, value: Any) -> bool:
    if isinstance(value, bool):
        return value
    text = str(value).lower()
    if text in ("true", "1"):
        return True
    if text in ("false", "0"):
        return False
    raise bad_request(f"field {name} must be of type Boolean")


def _fits_primitive(declared: str, value: Any, *, strict: bool = False) -> bool:
    """Whether a JSON value fits a primitive type; ``strict`` refuses numbers written as strings."""
    if declared == "Integer":
        return _is_integer(value) and (isinstance(value, int) or not strict)
    if declared == "Float":
        return _is_float(value) and (not isinstance(value, str) or not strict)
    if declared == "Boolean":
        return isinstance(value, bool)
    if declared == "True":
        return value is True
    return isinstance(value, str)
