"""The geoparser: read, recognise, resolve and date, one article at a time.

Examples
--------
>>> import geo
>>> gdf = geo.parse(["Talks in Moscow ended on October 8, 2020."])  # doctest: +SKIP
>>> gdf.loc[0, ["name", "country", "date"]].tolist()  # doctest: +SKIP
['Moscow', 'RU', '2020-10-08']
"""

from __future__ import annotations

import datetime as dt
import logging
import os
import re
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from geo.errors import InputError, InputTypeError
from geo.gazetteer.index import Gazetteer
from geo.gazetteer.names import name_key
from geo.limits import DEFAULT_MAX_CHARS
from geo.model import Article, Mention
from geo.parsing.components import ParserSetup, recognizers, resolvers
from geo.parsing.dates import date_at, date_sentences
from geo.parsing.resolve import document_focus
from geo.parsing.roles import RoleClassifier, RoleInput, parse_roles
from geo.parsing.rules import Rules, load_rules

if TYPE_CHECKING:
    import geopandas

__all__ = ["DEFAULT_MAX_CHARS", "RECORD_FIELDS", "Geoparser", "chunk_spans", "mention_record", "parse"]

logger = logging.getLogger(__name__)

# Where a chunk may end: after a paragraph, else after a sentence's end (closing quotes and brackets
# included), else at a space. A chunk is cut in its last half so that no chunk comes out tiny.
_PARAGRAPH_END = re.compile(r"\n[^\S\n]*\n\s*")
_SENTENCE_END = re.compile(r"[.!?…。！？][\"'”’»)\]]*\s+")
_SPACE_RUN = re.compile(r"\s+")

RECORD_FIELDS = (
    "doc",
    "title",
    "start",
    "end",
    "text",
    "name",
    "id",
    "kind",
    "role",
    "role_cue",
    "feature",
    "feature_class",
    "country",
    "admin1",
    "lat",
    "lon",
    "geometry_type",
    "score",
    "date",
    "date_source",
    "date_text",
    "published",
    "sentence",
    "sentence_start",
    "url",
)


class Geoparser:
    """Finds, locates and dates the places of articles.

    Parameters
    ----------
    gazetteer : Gazetteer, optional
        An open index; default: the cached one, built on first use.
    demonyms : bool
        Whether "Russian", "Armenians" count as mentions of their country.
    rules : Rules or path, optional
        Pins and exclusions (see :mod:`geo.parsing.rules`).
    max_chars : int
        Articles longer than this are parsed in chunks cut on sentence
        boundaries (:func:`chunk_spans`); mention offsets still index the
        whole article.
    roles : str or collection of str, optional
        Keep only mentions of these roles ("place,actor"; see :mod:`geo.parsing.roles`); default all.
    recognizer, resolver : str
        Registered names of the two stages (:mod:`geo.parsing.components`); default the gazetteer's own.

    Examples
    --------
    >>> parser = Geoparser()  # doctest: +SKIP
    >>> [m.place.name for m in parser.parse_text("Fighting near Hadrut.")]  # doctest: +SKIP
    ['Hadrut']
    """

    def __init__(
        self,
        gazetteer: Gazetteer | None = None,
        *,
        demonyms: bool = True,
        rules: Rules | str | os.PathLike[str] | None = None,
        cache_dir: str | os.PathLike[str] | None = None,
        curated: Iterable[str | os.PathLike[str]] | None = None,
        max_chars: int = DEFAULT_MAX_CHARS,
        roles: str | Iterable[str] | None = None,
        recognizer: str = "gazetteer",
        resolver: str = "gazetteer",
    ) -> None:
        self.max_chars = check_max_chars(max_chars)
        self.roles = parse_roles(roles)
        self.role_classifier = RoleClassifier()
        self.gazetteer = gazetteer or Gazetteer.open(cache_dir=cache_dir, curated=curated)
        if rules is not None and not isinstance(rules, Rules):
            rules = load_rules(rules, gazetteer=self.gazetteer)
        self.rules = rules or Rules()
        self.demonyms = demonyms
        # By name, from the registries of geo.parsing.components (a plug-in recogniser is one more name).
        setup = ParserSetup(self.gazetteer, self.rules, demonyms)
        self.recognizer_name, self.resolver_name = recognizer, resolver
        self.recognizer = recognizers.create(recognizer, setup)
        self.resolver = resolvers.create(resolver, setup)

    def __getstate__(self) -> dict[str, Any]:
        # Shipped to worker processes: they reopen the index and rebuild the automaton there.
        return {
            "path": str(self.gazetteer.path),
            "demonyms": self.demonyms,
            "rules": self.rules,
            "max_chars": self.max_chars,
            "roles": self.roles,
            "recognizer": self.recognizer_name,
            "resolver": self.resolver_name,
        }

    def __setstate__(self, state: dict[str, Any]) -> None:
        self.__init__(  # type: ignore[misc]
            Gazetteer(state["path"]),
            demonyms=state["demonyms"],
            rules=state["rules"],
            max_chars=state.get("max_chars", DEFAULT_MAX_CHARS),
            roles=state.get("roles"),
            recognizer=state.get("recognizer", "gazetteer"),
            resolver=state.get("resolver", "gazetteer"),
        )

    def parse_article(self, article: Article) -> list[Mention]:
        """Every place mention of one article, in text order.

        An article longer than ``max_chars`` is parsed chunk by chunk; each
        chunk is recognised, resolved and dated on its own, and its offsets are
        moved back into the whole text.
        """
        text = article.text
        if not isinstance(text, str):
            raise InputTypeError(
                f"article {article.id!r}: its text is a {type(text).__name__}, not a str; pass the article text "
                "as a str (decode bytes first, e.g. data.decode('utf-8'))"
            )
        if len(text) <= self.max_chars:
            return self._parse_chunk(article, 0, len(text), article.title)
        spans = chunk_spans(text, self.max_chars)
        logger.debug("article %s: %d characters, parsed in %d chunks", article.id, len(text), len(spans))
        title = article.title
        if not title:  # every chunk's mentions carry the article's lead, not their chunk's
            first = text[spans[0][0] : spans[0][1]]
            title = _lead_title(first, _whole_sentences(date_sentences(first, article.published)))
        mentions: list[Mention] = []
        for start, end in spans:
            mentions.extend(self._parse_chunk(article, start, end, title))
        return mentions

    def _parse_chunk(self, article: Article, offset: int, end: int, title: str) -> list[Mention]:
        text = article.text if (offset, end) == (0, len(article.text)) else article.text[offset:end]
        sentences = date_sentences(text, article.published)
        whole = _whole_sentences(sentences)
        # only a sentence's first part opens it
        spans = self.recognizer.find(text, [lo for (lo, _), s in zip(whole, sentences, strict=True) if lo == s.start])
        title = title or _lead_title(text, whole)
        whole_at = {s.start: bounds for s, bounds in zip(sentences, whole, strict=True)}
        mentions = []
        resolved = self.resolver.resolve(text, spans)
        roles = self.role_classifier(text, [RoleInput(r.span.start, r.span.end, r.kind, r.place) for r in resolved])
        for r, role in zip(resolved, roles, strict=True):
            if self.roles is not None and role.role not in self.roles:
                continue
            sentence = date_at(sentences, r.span.start)
            # The date is the part's; the quote is the whole sentence, which a reader can follow.
            lo, hi = whole_at[sentence.start]
            mentions.append(
                Mention(
                    doc=article.id,
                    start=offset + r.span.start,
                    end=offset + r.span.end,
                    text=r.span.text,
                    place=r.place,
                    kind=r.kind,
                    score=r.score,
                    sentence=text[lo:hi],
                    sentence_start=offset + lo,
                    date=sentence.date,
                    date_source=sentence.date_source,
                    date_text=sentence.date_text,
                    published=article.published,
                    title=title,
                    role=role.role,
                    role_cue=role.cue,
                    url=article.url,
                )
            )
        return mentions

    def parse_text(
        self, text: str, *, published: dt.date | None = None, doc: str = "text", title: str = ""
    ) -> list[Mention]:
        """Mentions of a text given as a string."""
        return self.parse_article(Article(id=doc, text=text, published=published, title=title))

    def resolve_spans(self, text: str, spans: Iterable[tuple[int, int]]) -> list[Any]:
        """The place chosen for each given span (gold-span evaluation), or None.

        A span whose words are not a gazetteer name as a whole falls back to the
        longest name the recogniser finds inside it ("the Cottonport area").
        """
        from geo.parsing.recognize import Span

        given = []
        for start, end in spans:
            surface = text[start:end]
            key = name_key(surface)
            if key not in self.recognizer.keys:
                inner = self.recognizer.find(surface)
                if inner:
                    best = max(inner, key=lambda s: s.end - s.start)
                    given.append(Span(start + best.start, start + best.end, best.text, best.key, best.demonym))
                    continue
            given.append(Span(start, end, surface, key, key in self.recognizer.demonym_keys))
        chosen = {(r.span.start, r.span.end): r.place for r in self.resolver.resolve(text, given, keep_all=True)}
        return [chosen.get((s.start, s.end)) for s in given]

    def span_roles(self, text: str, spans: Sequence[tuple[int, int]], places: Sequence[Any]) -> list[Any]:
        """The :class:`geo.parsing.roles.Role` of each given span with its place (as from :meth:`resolve_spans`),
        or None where the place is None (gold-span evaluation of roles)."""
        demonyms = self.recognizer.demonym_keys

        def kind(start: int, end: int) -> str:
            key = name_key(text[start:end])
            return "demonym" if key in demonyms or (key.endswith("s") and key[:-1] in demonyms) else "toponym"

        found = [
            RoleInput(start, end, kind(start, end), place)
            for (start, end), place in zip(spans, places, strict=True)
            if place is not None
        ]
        roles = iter(self.role_classifier(text, found))
        return [None if place is None else next(roles) for place in places]

    def focus(self, mentions: list[Mention]) -> tuple[str, Any]:
        """The main country code and main place of one article's mentions."""
        from geo.gazetteer.names import name_key
        from geo.parsing.recognize import Span
        from geo.parsing.resolve import Resolved

        return document_focus(
            [Resolved(Span(m.start, m.end, m.text, name_key(m.text)), m.place, m.kind, m.score) for m in mentions]
        )


def check_max_chars(max_chars: Any) -> int:
    """``max_chars`` if it is a sensible chunk size, else an :class:`InputError` saying what to give."""
    if isinstance(max_chars, bool) or not isinstance(max_chars, int) or max_chars < 1000:
        raise InputError(
            f"max_chars is {max_chars!r}; give the most characters parsed as one piece, 1000 or more "
            f"(--max-chars; default {DEFAULT_MAX_CHARS:,})"
        )
    return max_chars


def chunk_spans(text: str, max_chars: int) -> list[tuple[int, int]]:
    """``(start, end)`` spans of at most ``max_chars`` that cover ``text``, cut where sentences end.

    A cut falls after the last paragraph break in the second half of the
    window, else after the last sentence end, else at the last space; text
    with none of these (a run of ``max_chars`` letters) is cut hard. Each
    window is searched once, so the work is linear in the text's length.

    Examples
    --------
    >>> text = "Rain in Oslo. " * 100
    >>> spans = chunk_spans(text, 1000)
    >>> [b - a for a, b in spans], "".join(text[a:b] for a, b in spans) == text
    ([994, 406], True)
    """
    spans = []
    start = 0
    while len(text) - start > max_chars:
        window_end = start + max_chars
        floor = start + max_chars // 2
        cut = None
        for pattern in (_PARAGRAPH_END, _SENTENCE_END, _SPACE_RUN):
            last = None
            for last in pattern.finditer(text, floor, window_end):  # noqa: B007 - the last match is wanted
                pass
            if last is not None:
                cut = last.end()
                break
        cut = cut if cut is not None and cut > start else window_end
        spans.append((start, cut))
        start = cut
    spans.append((start, len(text)))
    return spans


def _whole_sentences(sentences: list[Any]) -> list[tuple[int, int]]:
    """The ``(start, end)`` of the whole sentence each record of :func:`date_sentences` belongs to.

    A sentence dated in parts comes as records that follow each other without a gap.
    """
    bounds: list[tuple[int, int]] = []
    first = 0  # index of the current sentence's first record
    for idx, record in enumerate(sentences):
        if idx and record.start != sentences[idx - 1].end:
            bounds.extend([(sentences[first].start, sentences[idx - 1].end)] * (idx - first))
            first = idx
    if sentences:
        bounds.extend([(sentences[first].start, sentences[-1].end)] * (len(sentences) - first))
    return bounds


def _lead_title(text: str, sentences: list[tuple[int, int]], limit: int = 80) -> str:
    """A title for an article that has none: its first sentence (``(start, end)`` bounds), shortened."""
    if not sentences:
        return ""
    lead = " ".join(text[sentences[0][0] : sentences[0][1]].split())
    return lead if len(lead) <= limit else lead[: limit - 1].rsplit(" ", 1)[0] + "…"


def mention_record(m: Mention) -> dict[str, Any]:
    """A flat, JSON-ready dict of a mention (the JSON Lines record)."""
    return {
        "doc": m.doc,
        "title": m.title,
        "start": m.start,
        "end": m.end,
        "text": m.text,
        "name": m.place.name,
        "id": m.place.id,
        "kind": m.kind,
        "role": m.role,
        "role_cue": m.role_cue,
        "feature": m.place.feature_code,
        "feature_class": m.place.feature_class,
        "country": m.place.country,
        "admin1": m.place.admin1,
        "lat": m.place.lat,
        "lon": m.place.lon,
        "geometry_type": m.place.geometry_type,
        "score": m.score,
        "date": m.date.isoformat() if m.date else None,
        "date_source": m.date_source,
        "date_text": m.date_text,
        "published": m.published.isoformat() if m.published else None,
        "sentence": m.sentence,
        "sentence_start": m.sentence_start,
        "url": m.url,
    }


def _articles(inputs: Any, default_date: dt.date | None, read_options: dict[str, Any]) -> Iterator[Article]:
    from geo.parsing.articles import article_from_text, read_articles, valid_text

    if isinstance(inputs, (str, bytes, os.PathLike, Article)):
        inputs = [inputs]
    elif inputs is None or not isinstance(inputs, Iterable):
        raise InputTypeError(
            f"geo.parse() got {type(inputs).__name__ if inputs is not None else 'None'}; give an article text, "
            "a file or folder path, a geo.Article, or a list of them"
        )
    for n, item in enumerate(inputs):
        if isinstance(item, bytes):
            try:
                item = item.decode("utf-8")  # bytes are taken as UTF-8 text, as files are read
            except UnicodeDecodeError as err:
                raise InputError(
                    f"input #{n} is bytes that are not UTF-8 (byte {err.start}); "
                    "decode them first, e.g. data.decode('cp1252')"
                ) from err
        if isinstance(item, str) and not item.strip():
            raise InputError(f"input #{n} is an empty text; give an article text, or a file or folder path")
        if isinstance(item, Article):
            yield valid_text(item)
        elif isinstance(item, os.PathLike) or (
            isinstance(item, str) and "\n" not in item and len(item) < 4096 and Path(item).exists()
        ):
            yield from read_articles([item], default_date=default_date, **read_options)
        elif isinstance(item, str):
            yield valid_text(article_from_text(item, id=f"text:{n}", published=default_date))
        else:
            raise InputTypeError(
                f"input #{n} is a {type(item).__name__}; "
                "give article texts, file or folder paths, or geo.Article objects"
            )


def parse(
    inputs: Any,
    *,
    date: dt.date | str | None = None,
    demonyms: bool = True,
    rules: Rules | str | os.PathLike[str] | None = None,
    geoparser: Geoparser | None = None,
    max_chars: int | None = None,
    encoding: str | None = None,
    text_column: str = "text",
    date_column: str = "date",
    id_column: str = "id",
    title_column: str = "title",
    url_column: str = "url",
    roles: str | Iterable[str] | None = None,
) -> geopandas.GeoDataFrame:
    """Parse articles into a GeoDataFrame, one row per mention.

    Text that holds lone surrogates (not characters) is parsed with U+FFFD in
    their place, and a warning names the article.

    Parameters
    ----------
    inputs : str, path, Article, or an iterable of them
        Article texts, files or folders (any format :func:`geo.read_articles` reads).
    date : date or ISO string, optional
        Publication date for texts without one.
    max_chars : int, optional
        Longer articles are parsed in chunks (default :data:`DEFAULT_MAX_CHARS`,
        or the given ``geoparser``'s).
    encoding, text_column, date_column, id_column, title_column, url_column : str, optional
        How files are read, as for :func:`geo.read_articles`.
    roles : str or collection of str, optional
        Keep only mentions of these roles, e.g. ``"place,actor"`` or ``["place"]``
        (see :mod:`geo.parsing.roles`); default all.

    Returns
    -------
    geopandas.GeoDataFrame
        Columns as :data:`RECORD_FIELDS`, geometry in EPSG:4326 (points, lines or areas).

    Examples
    --------
    >>> geo.parse("seeds/")[["text", "name", "date"]].head()  # doctest: +SKIP
    """
    if isinstance(date, str):
        try:
            date = dt.date.fromisoformat(date)
        except ValueError as err:
            raise InputError(f"date {date!r} is not an ISO date; write it as YYYY-MM-DD") from err
    wanted = parse_roles(roles)
    if geoparser is None:
        parser = Geoparser(
            demonyms=demonyms, rules=rules, max_chars=DEFAULT_MAX_CHARS if max_chars is None else max_chars
        )
    else:
        parser = geoparser
    chunk_size = parser.max_chars if max_chars is None else check_max_chars(max_chars)
    from geo.output import mentions_frame

    read_options = {
        "encoding": encoding,
        "text_column": text_column,
        "date_column": date_column,
        "id_column": id_column,
        "title_column": title_column,
        "url_column": url_column,
    }
    articles = _articles(inputs, date, read_options)
    kept, parser.max_chars = parser.max_chars, chunk_size
    try:
        rows = (
            (mention_record(m), m)
            for article in articles
            for m in parser.parse_article(article)
            if wanted is None or m.role in wanted
        )
        return mentions_frame(rows, parser.gazetteer.stamp)
    finally:
        parser.max_chars = kept
