"""What a spool file holds: a load's call as plain JSON, rebuilt by the load function's own signature.

A spool file cannot run code when it is read. It names no class and no function that is looked
up: its `kind` must be one of `LOADS`, the loads a run spools, and each argument is rebuilt as
the type its parameter declares (`typing.get_type_hints`), field by field, from JSON's strings,
numbers, lists and objects. A value that does not fit its declared type (a string where a number
goes, an unknown field, a wrong enum value) makes the file unreadable, never something else.

    encode(value)          -- dataclasses, enums, datetimes, dates, bytes, paths, tuples, dicts -> JSON data
    decode(data, hint)     -- the reverse, checked against `hint`; raises SpoolDataError
    call_data(kind, args)  / call_args(kind, data)  -- a load's arguments, checked against its signature

The format is versioned by `newsflow.spool.SPOOL_FORMAT`; docs/concurrency.md, "The spool".
"""

from __future__ import annotations

import base64
import binascii
import collections.abc
import functools
import importlib
import types
import typing
from collections.abc import Callable, Mapping
from dataclasses import fields, is_dataclass
from datetime import date, datetime, timedelta
from enum import Enum
from pathlib import Path, PurePath
from typing import Any

# The loads a run spools (module:function); a new one must be added here, and to the round-trip test.
LOADS: frozenset[str] = frozenset({
    "newsflow.polls:load_polls",
    "newsflow.pipeline:load_batch",
    "newsflow.readersafe:record_run_start",
    "newsflow.readersafe:record_run_end",
    "newsflow.readersafe:store_fetch_events",
    "newsflow.readersafe:store_host_pauses",
})
# Nesting deeper than this is not a load's arguments (FeedPoll.abandoned nests once or twice).
MAX_DEPTH = 40


class SpoolDataError(ValueError):
    """JSON data that is not a value of the type it must be."""


def load_function(kind: str) -> Callable[..., Any]:
    """The load `kind` names; only the ones in LOADS, whatever a file says."""
    if kind not in LOADS:
        raise SpoolDataError(f"names {kind!r}, which is not a load newsflow spools")
    module_name, _, name = kind.partition(":")
    target: Callable[..., Any] = getattr(importlib.import_module(module_name), name)
    return target


def call_data(kind: str, args: tuple[Any, ...]) -> list[Any]:
    hints = parameter_hints(load_function(kind))  # refuse to write what could not be read back
    if len(args) > len(hints):
        raise TypeError(f"{kind} takes {len(hints)} arguments after the store, not {len(args)}")
    return [encode(arg) for arg in args]


def call_args(kind: str, data: object) -> tuple[Any, ...]:
    """The positional arguments after the store, each rebuilt as its parameter's declared type."""
    hints = parameter_hints(load_function(kind))
    if not isinstance(data, list) or len(data) > len(hints):
        raise SpoolDataError(f"the arguments of {kind} are not a list of at most {len(hints)} values")
    pairs = enumerate(zip(data, hints[:len(data)], strict=True))
    return tuple(decode(value, hint, f"argument {n + 1}") for n, (value, hint) in pairs)


@functools.cache
def parameter_hints(load_fn: Callable[..., Any]) -> list[Any]:
    hints = typing.get_type_hints(load_fn)
    names = load_fn.__code__.co_varnames[1:load_fn.__code__.co_argcount]  # after the store
    return [hints[name] for name in names]


# --- writing --------------------------------------------------------------------------------------


def encode(value: object) -> Any:
    if value is None or (isinstance(value, bool | int | float) and not isinstance(value, Enum)):
        return value
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, str):
        return value
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, timedelta):  # exact, however long (a float of seconds is not)
        return [value.days, value.seconds, value.microseconds]
    if isinstance(value, bytes):
        return base64.b64encode(value).decode("ascii")
    if isinstance(value, PurePath):
        return str(value)
    if is_dataclass(value) and not isinstance(value, type):
        return {name: encode(getattr(value, name)) for name in _field_names(type(value))}
    if isinstance(value, Mapping):
        return {_key(k): encode(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [encode(item) for item in value]
    raise TypeError(f"a spool file cannot hold a {type(value).__name__}")


def _key(key: object) -> str:
    if not isinstance(key, str):
        raise TypeError(f"a spool file's mappings have string keys, not {type(key).__name__}")
    return key


# --- reading --------------------------------------------------------------------------------------


def decode(data: object, hint: Any, where: str = "value", depth: int = 0) -> Any:
    if depth > MAX_DEPTH:
        raise SpoolDataError(f"{where} nests deeper than {MAX_DEPTH}")
    origin = typing.get_origin(hint)
    if origin in (typing.Union, types.UnionType):
        return _decode_optional(data, typing.get_args(hint), where, depth)
    if origin is not None:
        return _decode_generic(data, origin, typing.get_args(hint), where, depth)
    if is_dataclass(hint) and isinstance(hint, type):
        return _decode_dataclass(data, hint, where, depth)
    return _decode_scalar(data, hint, where)


def _decode_optional(data: object, arms: tuple[Any, ...], where: str, depth: int) -> Any:
    others = [arm for arm in arms if arm is not type(None)]
    if data is None and len(others) < len(arms):
        return None
    if len(others) != 1:
        raise SpoolDataError(f"{where}: a union of {arms} is not a type a spool file holds")
    return decode(data, others[0], where, depth + 1)


def _decode_generic(data: object, origin: Any, args: tuple[Any, ...], where: str, depth: int) -> Any:
    if origin in (dict, collections.abc.Mapping):
        if not isinstance(data, dict) or args[0] is not str:
            raise SpoolDataError(f"{where} is not a mapping of strings")
        return {key: decode(value, args[1], f"{where}[{key!r}]", depth + 1) for key, value in data.items()}
    if not isinstance(data, list):
        raise SpoolDataError(f"{where} is not a list")
    if origin in (list, collections.abc.Sequence):
        return [decode(item, args[0], f"{where}[{n}]", depth + 1) for n, item in enumerate(data)]
    if origin is tuple and len(args) == 2 and args[1] is Ellipsis:
        return tuple(decode(item, args[0], f"{where}[{n}]", depth + 1) for n, item in enumerate(data))
    if origin is tuple and len(args) == len(data):
        pairs = enumerate(zip(data, args, strict=True))
        return tuple(decode(item, arg, f"{where}[{n}]", depth + 1) for n, (item, arg) in pairs)
    raise SpoolDataError(f"{where} is not a {origin.__name__} of {args}")


def _decode_dataclass(data: object, cls: type, where: str, depth: int) -> Any:
    if not isinstance(data, dict):
        raise SpoolDataError(f"{where} is not a {cls.__name__}")
    hints, known = _dataclass_schema(cls)
    unknown = sorted(set(data) - known)
    if unknown:
        raise SpoolDataError(f"{where}: {cls.__name__} has no field {unknown[0]!r}")
    values = {name: decode(value, hints[name], f"{where}.{name}", depth + 1) for name, value in data.items()}
    try:
        return cls(**values)
    except (TypeError, ValueError) as exc:  # a required field missing, or the class's own checks
        raise SpoolDataError(f"{where}: {exc}") from exc


@functools.cache
def _field_names(cls: type) -> tuple[str, ...]:
    return tuple(f.name for f in fields(cls))


@functools.cache
def _dataclass_schema(cls: type) -> tuple[dict[str, Any], frozenset[str]]:
    """Its fields' declared types and the names its constructor takes (get_type_hints is slow: once a class)."""
    return typing.get_type_hints(cls), frozenset(f.name for f in fields(cls) if f.init)


def _decode_scalar(data: object, hint: Any, where: str) -> Any:
    reader = _SCALARS.get(hint)
    if reader is None and isinstance(hint, type) and issubclass(hint, Enum):
        reader = hint
    if reader is None:
        raise SpoolDataError(f"{where}: {hint!r} is not a type a spool file holds")
    try:
        return reader(data)
    except (TypeError, ValueError, OverflowError, binascii.Error) as exc:
        raise SpoolDataError(f"{where} is not a {getattr(hint, '__name__', hint)}: {data!r:.80}") from exc


def _exactly(kind: type) -> Callable[[object], Any]:
    def read(data: object) -> Any:
        if type(data) is not kind:
            raise TypeError(f"a {type(data).__name__}")
        return data
    return read


def _float(data: object) -> float:
    if type(data) not in (int, float):
        raise TypeError(f"a {type(data).__name__}")
    return float(data)  # type: ignore[arg-type]


def _timedelta(data: object) -> timedelta:
    if not isinstance(data, list) or len(data) != 3 or any(type(part) is not int for part in data):
        raise TypeError("not [days, seconds, microseconds]")
    return timedelta(days=data[0], seconds=data[1], microseconds=data[2])


def _text(data: object) -> str:
    if not isinstance(data, str) or type(data) is not str:
        raise TypeError(f"a {type(data).__name__}")
    return data


_SCALARS: dict[Any, Callable[[object], Any]] = {
    str: _exactly(str),
    int: _exactly(int),
    bool: _exactly(bool),
    float: _float,
    type(None): lambda data: _exactly(type(None))(data),
    bytes: lambda data: base64.b64decode(_text(data), validate=True),
    datetime: lambda data: datetime.fromisoformat(_text(data)),
    date: lambda data: date.fromisoformat(_text(data)),
    timedelta: _timedelta,
    Path: lambda data: Path(_text(data)),
}
