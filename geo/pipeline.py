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
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .dates import date_at, date_sentences
from .errors import InputError
from .gazetteer import Gazetteer
from .model import Article, Mention
from .names import name_key
from .recognize import Recognizer
from .resolve import Resolver, document_focus
from .rules import Rules, load_rules

if TYPE_CHECKING:
    import geopandas

__all__ = ["Geoparser", "parse", "mention_record", "RECORD_FIELDS"]

logger = logging.getLogger(__name__)

RECORD_FIELDS = (
    "doc",
    "title",
    "start",
    "end",
    "text",
    "name",
    "id",
    "kind",
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
        Pins and exclusions (see :mod:`geo.rules`).

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
    ) -> None:
        self.gazetteer = gazetteer or Gazetteer.open(cache_dir=cache_dir, curated=curated)
        if rules is not None and not isinstance(rules, Rules):
            rules = load_rules(rules, gazetteer=self.gazetteer)
        self.rules = rules or Rules()
        self.demonyms = demonyms
        self.recognizer = Recognizer(
            self.gazetteer.keys(),
            self.gazetteer.demonym_keys(),
            demonyms=demonyms,
            ignored=self.rules.ignore,
            pinned=self.rules.pins.keys(),
            abbreviation_keys=self.gazetteer.abbreviation_keys(),
            abbreviated_keys=self.gazetteer.abbreviated_keys(),
            common_words=self.gazetteer.common_words(),
        )
        self.resolver = Resolver(self.gazetteer, rules=self.rules, demonyms=demonyms)

    def __getstate__(self) -> dict[str, Any]:
        # Shipped to worker processes: they reopen the index and rebuild the automaton there.
        return {"path": str(self.gazetteer.path), "demonyms": self.demonyms, "rules": self.rules}

    def __setstate__(self, state: dict[str, Any]) -> None:
        self.__init__(Gazetteer(state["path"]), demonyms=state["demonyms"], rules=state["rules"])  # type: ignore[misc]

    def parse_article(self, article: Article) -> list[Mention]:
        """Every place mention of one article, in text order."""
        text = article.text
        sentences = date_sentences(text, article.published)
        spans = self.recognizer.find(text, [s.start for s in sentences])
        title = article.title or _lead_title(text, sentences)
        mentions = []
        for r in self.resolver.resolve(text, spans):
            sentence = date_at(sentences, r.span.start)
            mentions.append(
                Mention(
                    doc=article.id,
                    start=r.span.start,
                    end=r.span.end,
                    text=r.span.text,
                    place=r.place,
                    kind=r.kind,
                    score=r.score,
                    sentence=text[sentence.start : sentence.end],
                    sentence_start=sentence.start,
                    date=sentence.date,
                    date_source=sentence.date_source,
                    date_text=sentence.date_text,
                    published=article.published,
                    title=title,
                )
            )
        return mentions

    def parse_text(self, text: str, *, published: dt.date | None = None, doc: str = "text", title: str = "") -> list[Mention]:
        """Mentions of a text given as a string."""
        return self.parse_article(Article(id=doc, text=text, published=published, title=title))

    def resolve_spans(self, text: str, spans: Iterable[tuple[int, int]]) -> list[Any]:
        """The place chosen for each given span (gold-span evaluation), or None.

        A span whose words are not a gazetteer name as a whole falls back to the
        longest name the recogniser finds inside it ("the Cottonport area").
        """
        from .recognize import Span

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

    def focus(self, mentions: list[Mention]) -> tuple[str, Any]:
        """The main country code and main place of one article's mentions."""
        from .resolve import Resolved

        return document_focus([Resolved(None, m.place, m.kind, m.score) for m in mentions])  # type: ignore[arg-type]


def _lead_title(text: str, sentences: list[Any], limit: int = 80) -> str:
    """A title for an article that has none: its first sentence, shortened."""
    if not sentences:
        return ""
    lead = " ".join(text[sentences[0].start : sentences[0].end].split())
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
    }


def _articles(inputs: Any, default_date: dt.date | None) -> Iterator[Article]:
    from .articles import article_from_text, read_articles

    if isinstance(inputs, (str, os.PathLike, Article)):
        inputs = [inputs]
    for n, item in enumerate(inputs):
        if isinstance(item, Article):
            yield item
        elif isinstance(item, os.PathLike) or (isinstance(item, str) and "\n" not in item and len(item) < 4096 and Path(item).exists()):
            yield from read_articles([item], default_date=default_date)
        elif isinstance(item, str):
            yield article_from_text(item, id=f"text:{n}", published=default_date)
        else:
            raise InputError(f"input #{n} is a {type(item).__name__}; give article texts, file or folder paths, or geo.Article objects")


def parse(
    inputs: Any,
    *,
    date: dt.date | str | None = None,
    demonyms: bool = True,
    rules: Rules | str | os.PathLike[str] | None = None,
    geoparser: Geoparser | None = None,
) -> geopandas.GeoDataFrame:
    """Parse articles into a GeoDataFrame, one row per mention.

    Parameters
    ----------
    inputs : str, path, Article, or an iterable of them
        Article texts, files or folders (any format :func:`geo.read_articles` reads).
    date : date or ISO string, optional
        Publication date for texts without one.

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
    parser = geoparser or Geoparser(demonyms=demonyms, rules=rules)
    from .output import mentions_frame

    rows = ((mention_record(m), m) for article in _articles(inputs, date) for m in parser.parse_article(article))
    return mentions_frame(rows, parser.gazetteer.stamp)
