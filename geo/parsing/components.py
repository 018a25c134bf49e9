"""Recognisers and resolvers by name: the two protocols a geoparser's stages meet, and their registries.

A :class:`~geo.parsing.pipeline.Geoparser` finds place names with a
*recogniser* (text -> :class:`~geo.parsing.recognize.Span`, each carrying the
gazetteer name key it stands for) and locates them with a *resolver* (spans ->
:class:`~geo.parsing.resolve.Resolved`, a place each). Both are chosen by name,
``Geoparser(recognizer="gazetteer", resolver="gazetteer")`` being the default:
the gazetteer's own name matcher and its ranking resolver.

Another implementation plugs in by registering a *factory*, a callable that
takes the parser's :class:`ParserSetup` (its open gazetteer, rules and
options) and returns the recogniser or resolver:

* in code, ``register_recognizer("mine", factory)`` before building the parser;
* from an installed package (an optional extra, e.g. a spaCy- or GLiNER-based
  recogniser), an entry point in the group ``geo.recognizers`` or
  ``geo.resolvers`` naming the factory; it is loaded the first time its name
  is asked for, in every process, so worker processes find it too.

Examples
--------
>>> from geo.parsing.components import recognizers
>>> recognizers.names()
['gazetteer']
>>> recognizers.factory("spacy")
Traceback (most recent call last):
  ...
geo.errors.InputError: recognizer 'spacy' is not registered (registered: gazetteer); register a factory with \
geo.parsing.components.register_recognizer('spacy', factory), or install the package whose entry point in \
the group 'geo.recognizers' provides it
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Collection, Sequence
from dataclasses import dataclass
from importlib import metadata
from typing import TYPE_CHECKING, Generic, Protocol, TypeVar, runtime_checkable

from geo.errors import InputError, InputTypeError

if TYPE_CHECKING:
    from geo.gazetteer.index import Gazetteer
    from geo.parsing.recognize import Span
    from geo.parsing.resolve import Resolved
    from geo.parsing.rules import Rules

__all__ = [
    "ParserSetup",
    "SpanRecognizer",
    "SpanResolver",
    "Registry",
    "recognizers",
    "resolvers",
    "register_recognizer",
    "register_resolver",
]

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class ParserSetup:
    """What a factory gets: the parser's open gazetteer, its rules and whether demonyms count."""

    gazetteer: Gazetteer
    rules: Rules
    demonyms: bool = True


@runtime_checkable
class SpanRecognizer(Protocol):
    """Finds place names in a text.

    ``find`` returns the spans in text order, none overlapping; each span's
    ``key`` is the gazetteer name key (:func:`geo.gazetteer.names.name_key`)
    that the resolver looks up. ``keys`` and ``demonym_keys`` are the keys it
    can report and those among them that are demonyms ("russian");
    :meth:`~geo.parsing.pipeline.Geoparser.resolve_spans` maps given spans
    onto them.
    """

    @property
    def keys(self) -> Collection[str]: ...

    @property
    def demonym_keys(self) -> Collection[str]: ...

    def find(self, text: str, sentence_starts: Collection[int] = ()) -> list[Span]: ...


@runtime_checkable
class SpanResolver(Protocol):
    """Chooses a place for each span, or drops the span.

    With ``keep_all``, every span whose key names a place is kept (gold-span
    evaluation), even where the resolver would judge it no mention.
    """

    def resolve(self, text: str, spans: Sequence[Span], *, keep_all: bool = False) -> list[Resolved]: ...


T = TypeVar("T")


class Registry(Generic[T]):
    """Factories by name, for one kind of component; names are case-insensitive."""

    def __init__(self, kind: str, group: str, register_call: str) -> None:
        self.kind = kind
        self.group = group  # the entry-point group installed packages declare their factories in
        self._register_call = register_call
        self._factories: dict[str, Callable[[ParserSetup], T]] = {}

    def register(self, name: str, factory: Callable[[ParserSetup], T], *, replace: bool = False) -> None:
        """Make ``factory`` the one built for ``name``; a name already taken needs ``replace=True``."""
        key = self._key(name)
        if not callable(factory):
            raise InputTypeError(f"{self.kind} {name!r}: the factory must be callable, not {type(factory).__name__}")
        if key in self._factories and self._factories[key] is not factory and not replace:
            raise InputError(
                f"{self.kind} {name!r} is already registered; pass replace=True to replace it, or choose another name"
            )
        self._factories[key] = factory

    def unregister(self, name: str) -> None:
        """Forget ``name`` (no error when it is not registered)."""
        self._factories.pop(self._key(name), None)

    def names(self) -> list[str]:
        """The registered names, sorted (entry points not loaded yet are not listed)."""
        return sorted(self._factories)

    def factory(self, name: str) -> Callable[[ParserSetup], T]:
        """The factory for ``name``: registered, else from an installed entry point; a clear error otherwise."""
        key = self._key(name)
        found = self._factories.get(key) or self._from_entry_point(key)
        if found is None:
            raise InputError(
                f"{self.kind} {name!r} is not registered (registered: {', '.join(self.names()) or 'none'}); "
                f"register a factory with geo.parsing.components.{self._register_call}({name!r}, factory), "
                f"or install the package whose entry point in the group {self.group!r} provides it"
            )
        return found

    def create(self, name: str, setup: ParserSetup) -> T:
        """Build the component registered as ``name`` for ``setup``."""
        return self.factory(name)(setup)

    def _key(self, name: str) -> str:
        if not isinstance(name, str):
            raise InputTypeError(f"a {self.kind} is chosen by its name (a str), not {type(name).__name__}")
        key = name.strip().lower()
        if not key:
            raise InputError(f"empty {self.kind} name; choose one of {', '.join(self.names())}")
        return key

    def _from_entry_point(self, key: str) -> Callable[[ParserSetup], T] | None:
        for point in metadata.entry_points(group=self.group):
            if point.name.strip().lower() == key:
                factory = point.load()
                logger.debug("%s %r loaded from entry point %s", self.kind, key, point.value)
                self.register(key, factory)
                return factory
        return None


recognizers: Registry[SpanRecognizer] = Registry("recognizer", "geo.recognizers", "register_recognizer")
resolvers: Registry[SpanResolver] = Registry("resolver", "geo.resolvers", "register_resolver")


def register_recognizer(name: str, factory: Callable[[ParserSetup], SpanRecognizer], *, replace: bool = False) -> None:
    """Register a recogniser factory under ``name`` (see the module's docs)."""
    recognizers.register(name, factory, replace=replace)


def register_resolver(name: str, factory: Callable[[ParserSetup], SpanResolver], *, replace: bool = False) -> None:
    """Register a resolver factory under ``name`` (see the module's docs)."""
    resolvers.register(name, factory, replace=replace)


def _gazetteer_recognizer(setup: ParserSetup) -> SpanRecognizer:
    """The gazetteer's name matcher: every name and abbreviation the index knows, less the rules' ignores."""
    from geo.parsing.recognize import Recognizer

    gazetteer = setup.gazetteer
    return Recognizer(
        gazetteer.keys(),
        gazetteer.demonym_keys(),
        demonyms=setup.demonyms,
        ignored=setup.rules.ignore,
        pinned=setup.rules.pins.keys(),
        abbreviation_keys=gazetteer.abbreviation_keys(),
        abbreviated_keys=gazetteer.abbreviated_keys(),
        common_words=gazetteer.common_words(),
    )


def _gazetteer_resolver(setup: ParserSetup) -> SpanResolver:
    """The gazetteer's ranking resolver (population, feature, nearby places, the article's focus, the rules)."""
    from geo.parsing.resolve import Resolver

    return Resolver(setup.gazetteer, rules=setup.rules, demonyms=setup.demonyms)


register_recognizer("gazetteer", _gazetteer_recognizer)
register_resolver("gazetteer", _gazetteer_resolver)
