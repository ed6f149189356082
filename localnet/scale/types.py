"""A small scale-info type model, a parser for Rust-like type strings, and the named type space.

Pallets declare storage, calls and events with type strings ("u64", "Vec<(u16, u16)>", "AxonInfo").
The same parsed tree feeds two consumers: the codec compiler (values <-> bytes) and the portable registry
that becomes the metadata. Keeping one tree is what makes runtime, RPC and metadata agree by construction.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

PRIMITIVES = ("bool", "char", "str", "u8", "u16", "u32", "u64", "u128", "u256",
              "i8", "i16", "i32", "i64", "i128", "i256")


@dataclass(frozen=True)
class Prim:
    """A primitive such as `u64`, `bool` or `str`."""

    name: str


@dataclass(frozen=True)
class Compact:
    """`Compact<T>` for an unsigned integer T."""

    inner: TypeRef


@dataclass(frozen=True)
class Seq:
    """`Vec<T>`."""

    inner: TypeRef


@dataclass(frozen=True)
class Array:
    """`[T; N]`."""

    inner: TypeRef
    length: int


@dataclass(frozen=True)
class Tup:
    """A tuple `(A, B, ...)`; the empty tuple is `()`."""

    items: tuple[TypeRef, ...]


@dataclass(frozen=True)
class Field:
    """A struct or variant field; `name` is None for tuple-like fields."""

    name: str | None
    ty: TypeRef
    type_name: str | None = None
    docs: tuple[str, ...] = ()


@dataclass(frozen=True)
class Composite:
    """A struct. `path` is the Rust path clients key on (e.g. `sp_core::crypto::AccountId32`)."""

    path: tuple[str, ...]
    fields: tuple[Field, ...]
    params: tuple[tuple[str, TypeRef | None], ...] = ()
    docs: tuple[str, ...] = ()


@dataclass(frozen=True)
class Variant:
    """One variant of an enum with its explicit index."""

    name: str
    index: int
    fields: tuple[Field, ...] = ()
    docs: tuple[str, ...] = ()


@dataclass(frozen=True)
class Enum:
    """A Rust enum (scale-info `Variant` type)."""

    path: tuple[str, ...]
    variants: tuple[Variant, ...]
    params: tuple[tuple[str, TypeRef | None], ...] = ()
    docs: tuple[str, ...] = ()


@dataclass(frozen=True)
class Named:
    """A reference by name into the TypeSpace, resolved lazily (this is what allows recursive types)."""

    name: str


TypeRef = Prim | Compact | Seq | Array | Tup | Composite | Enum | Named


@dataclass
class TypeSpace:
    """Named types shared by all pallets: core Substrate types plus each pallet's structs and enums.

    `lazy` holds factories for types that can only be built once every pallet is known (the outer
    RuntimeCall/RuntimeEvent enums); they run on first resolution.
    """

    named: dict[str, TypeRef] = field(default_factory=dict)
    lazy: dict[str, Callable[[], TypeRef]] = field(default_factory=dict)
    aliases: dict[str, str] = field(default_factory=dict)

    def define(self, name: str, ty: TypeRef) -> None:
        """Register (or replace) a named type."""
        self.named[name] = ty

    def define_lazy(self, name: str, factory: Callable[[], TypeRef]) -> None:
        """Register a type built on first use, and forget any earlier build of it."""
        self.lazy[name] = factory
        self.named.pop(name, None)

    def resolve(self, ty: TypeRef) -> TypeRef:
        """Follow Named references to the underlying definition."""
        seen = 0
        while isinstance(ty, Named):
            name = self.aliases.get(ty.name, ty.name)
            if name in self.named:
                ty = self.named[name]
            elif name in self.lazy:
                self.named[name] = self.lazy[name]()
                ty = self.named[name]
            else:
                raise KeyError(f"unknown type {ty.name!r}: declare it with pallet.struct/enum first")
            seen += 1
            if seen > 64:
                raise KeyError(f"type alias loop at {ty!r}")
        return ty

    def parse(self, text: str) -> TypeRef:
        """Parse a Rust-like type string into a type tree."""
        parser = _Parser(text)
        ty = parser.parse_type()
        parser.expect_end()
        return ty


class _Parser:
    """Recursive-descent parser for `u8`, `Vec<T>`, `Option<T>`, `Compact<T>`, `(A, B)`, `[T; N]`, names."""

    def __init__(self, text: str) -> None:
        self.text = text.replace(" ", "")
        self.pos = 0

    def expect_end(self) -> None:
        if self.pos != len(self.text):
            raise ValueError(f"unexpected {self.text[self.pos:]!r} in type {self.text!r}")

    def eat(self, token: str) -> bool:
        if self.text.startswith(token, self.pos):
            self.pos += len(token)
            return True
        return False

    def need(self, token: str) -> None:
        if not self.eat(token):
            raise ValueError(f"expected {token!r} at {self.pos} in type {self.text!r}")

    def ident(self) -> str:
        start = self.pos
        while self.pos < len(self.text) and (self.text[self.pos].isalnum() or self.text[self.pos] in "_:"):
            self.pos += 1
        if start == self.pos:
            raise ValueError(f"expected a type name at {start} in {self.text!r}")
        return self.text[start:self.pos]

    def parse_type(self) -> TypeRef:
        if self.eat("("):
            items: list[TypeRef] = []
            while not self.eat(")"):
                items.append(self.parse_type())
                if not self.eat(","):
                    self.need(")")
                    break
            return Tup(tuple(items))
        if self.eat("["):
            inner = self.parse_type()
            self.need(";")
            start = self.pos
            while self.pos < len(self.text) and self.text[self.pos].isdigit():
                self.pos += 1
            length = int(self.text[start:self.pos])
            self.need("]")
            return Array(inner, length)
        name = self.ident()
        if self.eat("<"):
            args = [self.parse_type()]
            while self.eat(","):
                args.append(self.parse_type())
            self.need(">")
            return self.generic(name, args)
        if name in PRIMITIVES:
            return Prim(name)
        if name == "String":
            return Prim("str")
        return Named(name)

    @staticmethod
    def generic(name: str, args: list[TypeRef]) -> TypeRef:
        if name == "Vec" and len(args) == 1:
            return Seq(args[0])
        if name == "Compact" and len(args) == 1:
            return Compact(args[0])
        if name == "Option" and len(args) == 1:
            return option_of(args[0])
        raise ValueError(f"unsupported generic type {name}<…>")


def option_of(inner: TypeRef) -> Enum:
    """`Option<T>` as scale-info describes it (path `Option`, param `T`, variants None/Some)."""
    return Enum(("Option",), (Variant("None", 0), Variant("Some", 1, (Field(None, inner),))),
                params=(("T", inner),))


def is_option(ty: TypeRef) -> bool:
    """True when `ty` is the Option enum built by `option_of`."""
    return isinstance(ty, Enum) and ty.path == ("Option",)


def struct(path: str, fields: list[tuple[str | None, str | TypeRef]], space: TypeSpace,
           docs: tuple[str, ...] = ()) -> Composite:
    """Build a Composite from (name, type string) pairs; the Rust path is given as `a::b::C`."""
    return Composite(tuple(path.split("::")), tuple(
        Field(name, space.parse(t) if isinstance(t, str) else t, t if isinstance(t, str) else None)
        for name, t in fields), docs=docs)


def enum(path: str, variants: list[tuple[str, list[tuple[str | None, str]]]], space: TypeSpace,
         docs: tuple[str, ...] = ()) -> Enum:
    """Build an Enum whose variant indices are their positions (dense, as clients assume)."""
    return Enum(tuple(path.split("::")), tuple(
        Variant(vname, i, tuple(Field(n, space.parse(t), t) for n, t in vfields))
        for i, (vname, vfields) in enumerate(variants)), docs=docs)


def describe(value: Any) -> str:
    """Short value description for error messages, never echoing long byte strings."""
    text = repr(value)
    return text if len(text) < 60 else text[:57] + "..."
