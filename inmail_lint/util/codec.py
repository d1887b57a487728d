"""Dataclasses to JSON values and back, exactly, by their type annotations.

The result cache keeps what linting a draft gave as JSON, never as pickle: a cache folder can be committed to a
repository or written by someone else, and reading it must not run code. Decoding is driven by the annotations
of the dataclass it is asked for, so a value of the wrong shape is an error (the caller treats the entry as
missing), and what comes back is equal to what went in: tuples stay tuples, an ``IntEnum`` its member, a
``NamedTuple`` itself, a float the same float (JSON writes a float's shortest repr, which reads back the same).
"""

from __future__ import annotations

import collections.abc
import dataclasses
import enum
import types
import typing
from collections.abc import Callable
from functools import cache
from typing import Any, Union


class DecodeError(ValueError):
    """A JSON value that does not have the shape its type asks for."""


def encode(value: Any, skip: frozenset[str] = frozenset()) -> Any:
    """A JSON value for a dataclass, named tuple, enum, mapping, sequence or scalar (``skip``: fields of the
    outermost dataclass left out)."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        # a list of the fields in order (the ones skipped as None): half the size of a mapping, and faster to read
        return [None if f.name in skip else encode(getattr(value, f.name)) for f in _init_fields(type(value))]
    if isinstance(value, enum.Enum):
        return encode(value.value)
    if isinstance(value, tuple):  # named tuples too: as a list, in field order
        return [encode(item) for item in value]
    if isinstance(value, list):
        return [encode(item) for item in value]
    if isinstance(value, dict):
        return {str(key): encode(item) for key, item in value.items()}
    if value is None or isinstance(value, (bool, int, float, str)):
        return value
    raise TypeError(f"cannot encode a {type(value).__name__}")


def decode(data: Any, tp: Any) -> Any:
    """The value of type ``tp`` that :func:`encode` turned into ``data``."""
    return decoder(tp)(data)


def _tuple(tp: Any) -> Callable[[Any], Any]:
    args = typing.get_args(tp)
    if len(args) == 2 and args[1] is Ellipsis:
        item = decoder(args[0])
        return lambda data: tuple(item(x) for x in _list(data, tp))
    items = [decoder(arg) for arg in args]

    def fixed(data: Any) -> tuple[Any, ...]:
        values = _list(data, tp)
        if len(values) != len(items):
            raise DecodeError(f"expected {len(items)} items for {tp}")
        return tuple(f(x) for f, x in zip(items, values, strict=True))

    return fixed


@cache
def decoder(tp: Any) -> Callable[[Any], Any]:
    """A function that decodes JSON values of type ``tp``, built once per type (reading a cache of a thousand
    results calls these a few hundred thousand times)."""
    if tp is Any:
        return _same
    origin = typing.get_origin(tp)
    if origin in (Union, types.UnionType):
        return _union([option for option in typing.get_args(tp)], tp)
    if origin is tuple:
        return _tuple(tp)
    if origin is list:
        (arg,) = typing.get_args(tp) or (Any,)
        item = decoder(arg)
        return lambda data: [item(x) for x in _list(data, tp)]
    if origin in (dict, collections.abc.Mapping):
        _, arg = typing.get_args(tp) or (str, Any)
        value = decoder(arg)
        return lambda data: {key: value(x) for key, x in _dict(data, tp).items()}
    if not isinstance(tp, type):
        raise TypeError(f"cannot decode {tp}")
    if dataclasses.is_dataclass(tp):
        return _dataclass(tp)
    if issubclass(tp, tuple) and hasattr(tp, "_fields"):  # a NamedTuple
        return _dataclass(tp)
    if issubclass(tp, enum.Enum):
        members = {member.value: member for member in tp}

        def member(data: Any) -> Any:
            try:
                return members[data]
            except (KeyError, TypeError):
                raise DecodeError(f"{data!r} is not a {tp.__name__}") from None

        return member
    if tp is float:
        return _float
    if tp in (bool, int, str, type(None)):
        return _scalar(tp)
    raise TypeError(f"cannot decode {tp.__name__}")


def _same(data: Any) -> Any:
    return data


def _float(data: Any) -> float:
    if type(data) is float:
        return data
    if type(data) is int:
        return float(data)
    raise DecodeError(f"expected a number, got {type(data).__name__}")


def _scalar(tp: type) -> Callable[[Any], Any]:
    def scalar(data: Any) -> Any:
        if type(data) is not tp:
            raise DecodeError(f"expected {tp.__name__}, got {type(data).__name__}")
        return data

    return scalar


def _list(data: Any, tp: Any) -> list[Any]:
    if not isinstance(data, list):
        raise DecodeError(f"expected a list for {tp}")
    return data


def _dict(data: Any, tp: Any) -> dict[str, Any]:
    if not isinstance(data, dict):
        raise DecodeError(f"expected a mapping for {tp}")
    return data


def _union(options: list[Any], tp: Any) -> Callable[[Any], Any]:
    optional = type(None) in options
    decoders = [decoder(option) for option in options if option is not type(None)]
    if len(decoders) == 1:
        (only,) = decoders

        def maybe(data: Any) -> Any:
            return None if data is None and optional else only(data)

        return maybe

    def first(data: Any) -> Any:
        if data is None and optional:
            return None
        for option in decoders:
            try:
                return option(data)
            except DecodeError:
                continue
        raise DecodeError(f"no type of {tp} fits {type(data).__name__}")

    return first


@cache
def _init_fields(tp: type) -> tuple[dataclasses.Field[Any], ...]:
    return tuple(f for f in dataclasses.fields(tp) if f.init)


_SCALARS = (str, int, bool)


def _dataclass(tp: type) -> Callable[[Any], Any]:
    """A decoder for one dataclass, written as one function (as ``dataclasses`` writes ``__init__``): a scalar
    field is checked in line, other fields call their type's decoder. Only this module's own text and the
    dataclass's field positions go into the function; nothing from the data does. (A dataclass that holds
    itself, directly or not, is not supported: its decoder would be written forever.)"""
    return _write_decoder(tp)


def _write_decoder(tp: type) -> Callable[[Any], Any]:
    hints = typing.get_type_hints(tp)
    named_tuple = not dataclasses.is_dataclass(tp)
    names = tp._fields if named_tuple else tuple(f.name for f in _init_fields(tp))  # type: ignore[attr-defined]
    namespace: dict[str, Any] = {"tp": tp, "DecodeError": DecodeError, "_float": _float}
    count = len(names)
    lines = [
        "def decode_dataclass(v):",
        f"    if type(v) is not list or len(v) != {count}:",
        f"        raise DecodeError('expected {count} fields for ' + tp.__name__)",
    ]
    arguments = []
    for i, name in enumerate(names):
        hint = hints[name]
        options = typing.get_args(hint) if typing.get_origin(hint) in (Union, types.UnionType) else (hint,)
        optional = type(None) in options
        rest = [o for o in options if o is not type(None)]
        lines.append(f"    x{i} = v[{i}]")
        if len(rest) == 1 and rest[0] in _SCALARS:
            namespace[f"t{i}"] = rest[0]
            test = f"type(x{i}) is not t{i}"
            if optional:
                test = f"x{i} is not None and {test}"
            lines.append(f"    if {test}:")
            lines.append(f"        raise DecodeError('field {i} of ' + tp.__name__ + ' has the wrong type')")
            arguments.append(f"x{i}")
        else:
            namespace[f"d{i}"] = decoder(hint)
            arguments.append(f"d{i}(x{i})")
    if named_tuple:
        namespace["new"] = tuple.__new__
        lines.append(f"    return new(tp, ({', '.join(arguments)},))")
    elif hasattr(tp, "__post_init__") or hasattr(tp, "__slots__"):
        lines.append(f"    return tp({', '.join(arguments)})")
    else:  # every field given: fill the instance's dictionary (a frozen __init__ sets each field the slow way)
        namespace["new"] = object.__new__
        pairs = ", ".join(f"{name!r}: {argument}" for name, argument in zip(names, arguments, strict=True))
        lines += ["    o = new(tp)", f"    o.__dict__.update({{{pairs}}})", "    return o"]
    exec("\n".join(lines), namespace)  # the text above is this module's own
    function: Callable[[Any], Any] = namespace["decode_dataclass"]
    return function
