"""Measure a geoparser against hand-annotated news corpora.

Readers
-------
:func:`read_corpus` streams the gold articles of one XML corpus file. The layout
is detected from the XML itself; four are known:

``LGL`` / ``TR-News``
    ``<article docid=...>`` with ``<title>``, ``<dltime>``, ``<text>`` and
    ``<toponyms><toponym>`` holding ``<start>``, ``<end>``, ``<phrase>`` and
    ``<gaztag>`` with ``<lat>``/``<lon>``. The publication date is the date
    part of ``<dltime>``.
``GeoVirus``
    ``<article>`` with ``<source>``, ``<text>`` and ``<locations><location>``
    holding ``<name>``, ``<start>``, ``<end>``, ``<lat>``, ``<lon>``, ``<page>``.
``GeoWebNews``
    ``<article>`` with ``<text>`` and ``<toponym>`` elements (at any depth)
    holding ``<extractedName>``, ``<start>``, ``<end>``, ``<latitude>``,
    ``<longitude>`` and a ``<type>`` from the pragmatic taxonomy of toponyms
    (Literal, Metonymic, Non_Literal_Modifier ...), read into
    ``GoldArticle.roles`` (see *Roles* below).

Gold is every toponym with coordinates; one without is left out. Gold offsets
that do not frame their name (GeoVirus offsets are often one character late)
are re-anchored on the name nearest to the given start, within
:data:`REANCHOR_WINDOW` characters; if the name is not there the offsets stay.

Counting
--------
A predicted mention is *correct* when its span overlaps a gold span; a gold
toponym is *found* when some prediction overlaps it. Spans are half-open, so
``[0, 5)`` and ``[5, 9)`` touch but do not overlap. Precision = correct
predictions / predictions, recall = found gold / gold, F1 their harmonic mean.

For each found gold toponym the error is the smallest great-circle distance
between the gold point and an overlapping prediction. ``accuracy_161`` is the
share of those errors <= 161 km, ``end_to_end_accuracy_161`` the share of all
gold that is found *and* within 161 km. ``median_km`` and ``mean_km`` summarise
the errors.

``auc`` is the area under the error curve of Gritta et al. (2018), "What's
missing in geographical parsing?": each error is scaled as
``log(1 + km) / log(1 + MAX_ERROR_KM)`` so that 0 is a perfect answer and 1 the
worst possible one (half the Earth's circumference away), and the area is the
mean of those scaled errors. Lower is better; the log scale keeps one wild
answer from outweighing many close ones.

Where the gold names its GeoNames entity (LGL's ``<gaztag geonameid=...>``),
``id_accuracy`` is the share of those found gold toponyms whose prediction (the
nearest overlapping one) carries that GeoNames id: the right entity, whatever
point the gazetteer gives a large area. ``id_right_far`` counts the right entity
placed more than 161 km from the gold point (a different conventional point),
``id_wrong_near`` a different entity within 161 km (the town for its county).
A prediction's GeoNames id is its place id where that is a GeoNames id (digits).

Resolution errors (found gold more than 161 km off; in gold-span mode also no
answer) are broken down by feature level: ``errors_by_level`` counts, for each
level of the predicted place (``country``, ``division`` for first-level,
``county`` for second-level divisions, ``populated place``, ``other``, ``none``
for no answer), the resolved gold toponyms and the errors among them;
``error_levels`` counts the errors by gold level -> predicted level where the gold
carries a feature code (LGL's ``<fcode>``). Levels come from GeoNames feature
codes: PCL* country, ADM1* division, ADM2* county, PPL* populated place.

In gold-span mode (:func:`evaluate_gold_spans`) the resolver is handed the gold
spans; a missing answer counts as an error of ``MAX_ERROR_KM``, and
accuracy@161km, median, mean and AUC are taken over *all* gold toponyms.

Roles
-----
Where a corpus annotates what each toponym does (GeoWebNews's ``<type>``), its
types map to the roles of :mod:`geo.parsing.roles` as :data:`GEOWEBNEWS_ROLES` says:
Literal, Literal_Modifier, Embedded_Literal and Coercion are ``place``,
Metonymic is ``actor``, Non_Literal_Modifier is ``affiliation``,
Embedded_Non_Lit is ``name``, and Mixed accepts ``place`` or ``actor``. Other
types (Demonym, Homonym, Language ...) are not scored. Every typed toponym
counts, with coordinates or without. Role accuracy is scored over the typed
toponyms *found* (some prediction overlaps them): a found toponym is right
when the role of the prediction overlapping it most is one its type accepts.
``role_all_place`` is the same share for a parser that calls everything a
place, the baseline to beat. In gold-span mode the answers for the gold
spans carry the roles, so recognition drops out of the role figure.

Any ratio with a zero denominator is reported as 0.0.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import itertools
import logging
import math
import os
import statistics
import time
import xml.etree.ElementTree as ET
from collections.abc import Callable, Generator, Iterable, Iterator, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from geo.errors import InputError
from geo.geometry import EARTH_RADIUS_KM, haversine_km

__all__ = [
    "GoldRole",
    "GEOWEBNEWS_ROLES",
    "GoldToponym",
    "GoldArticle",
    "Prediction",
    "Scores",
    "read_corpus",
    "corpus_format",
    "ANNOTATES_DEMONYMS",
    "evaluate",
    "evaluate_gold_spans",
    "score",
    "score_gold_spans",
    "haversine_km",
    "EARTH_RADIUS_KM",
    "MAX_ERROR_KM",
    "ACCURACY_KM",
    "REANCHOR_WINDOW",
    "KNOWN_FORMATS",
    "LEVELS",
    "feature_level",
]

logger = logging.getLogger(__name__)

#: Largest possible error: half the Earth's circumference, as in Gritta et al. (2018).
MAX_ERROR_KM = 20039.0
#: The customary "correct" threshold: 161 km = 100 miles.
ACCURACY_KM = 161.0
#: How far (in characters) a gold span may be moved to land on its name.
REANCHOR_WINDOW = 5
#: The corpus layouts :func:`read_corpus` understands.
KNOWN_FORMATS = ("LGL", "TR-News", "GeoVirus", "GeoWebNews")

_ANNOTATION_TAGS = ("toponyms", "toponym", "locations", "location")
_KNOWN = (
    "known formats: LGL and TR-News (<article> with <toponyms><toponym><gaztag>), "
    "GeoVirus (<article> with <locations><location>), GeoWebNews (<article> with <toponym><latitude>)"
)


# --------------------------------------------------------------------------- records


@dataclass(frozen=True, slots=True)
class GoldToponym:
    """One annotated toponym: character span into the article text and its point.

    ``geonameid`` and ``feature_code`` are the GeoNames entity and its feature code where the
    corpus gives them (LGL), else ""; they do not take part in comparisons.
    """

    start: int
    end: int
    name: str
    lat: float
    lon: float
    geonameid: str = field(default="", compare=False)
    feature_code: str = field(default="", compare=False)


#: Feature levels of the error breakdown, in report order.
LEVELS = ("country", "division", "county", "populated place", "other", "none")


def feature_level(feature_code: str | None) -> str:
    """The level of a GeoNames feature code: country, division, county, populated place or other.

    Examples
    --------
    >>> [feature_level(c) for c in ("PCLI", "ADM1", "ADM2", "PPLC", "STM", None)]
    ['country', 'division', 'county', 'populated place', 'other', 'none']
    """
    if feature_code is None:
        return "none"
    code = feature_code.upper()
    if code.startswith("PCL"):
        return "country"
    if code.startswith("ADM1"):
        return "division"
    if code.startswith("ADM2"):
        return "county"
    if code.startswith("PPL"):
        return "populated place"
    return "other"


#: GeoWebNews toponym types and the roles (geo.parsing.roles) each accepts; other types are not scored.
GEOWEBNEWS_ROLES: dict[str, frozenset[str]] = {
    "Literal": frozenset({"place"}),
    "Literal_Modifier": frozenset({"place"}),
    "Embedded_Literal": frozenset({"place"}),
    "Coercion": frozenset({"place"}),
    "Metonymic": frozenset({"actor"}),
    "Non_Literal_Modifier": frozenset({"affiliation"}),
    "Embedded_Non_Lit": frozenset({"name"}),
    "Mixed": frozenset({"place", "actor"}),
}


def _type_key(kind: str) -> str:
    key = "".join(ch for ch in kind.lower() if ch.isalpha())
    return key.replace("literal", "lit").replace("metonymy", "metonymic")


_ROLES_BY_KEY = {_type_key(kind): roles for kind, roles in GEOWEBNEWS_ROLES.items()}


@dataclass(frozen=True, slots=True)
class GoldRole:
    """One toponym annotated with a type of the pragmatic taxonomy (GeoWebNews ``<type>``)."""

    start: int
    end: int
    name: str
    type: str

    @property
    def accepts(self) -> frozenset[str]:
        """The roles that count as right for this type (empty: not scored).

        Case, spaces and underscores do not matter, nor "Lit" for "Literal"
        ("Embedded_Non_Literal", "non-literal modifier", "Metonymy" are read too).

        Examples
        --------
        >>> sorted(GoldRole(0, 4, "Lima", "Embedded_Non_Literal").accepts)
        ['name']
        """
        return _ROLES_BY_KEY.get(_type_key(self.type), frozenset())


@dataclass(frozen=True, slots=True)
class GoldArticle:
    """One annotated article; ``toponyms`` (with coordinates) and ``roles`` are sorted by position."""

    id: str
    text: str
    published: dt.date | None
    title: str
    toponyms: tuple[GoldToponym, ...]
    roles: tuple[GoldRole, ...] = ()


@dataclass(frozen=True, slots=True)
class Prediction:
    """One predicted mention: character span into the article text and its point."""

    start: int
    end: int
    lat: float
    lon: float
    role: str | None = None  # "place", "actor", "affiliation" or "name"; None when the parser gives none
    place_id: str = ""  # the gazetteer id of the place chosen, "" when unknown
    feature_code: str = ""  # its GeoNames feature code, "" when unknown

    @property
    def geonameid(self) -> str:
        """The GeoNames id of the place chosen: its id where that is one (digits), else ""."""
        return self.place_id if self.place_id.isdigit() else ""

    @classmethod
    def from_mention(cls, mention: Any) -> Prediction:
        """Build a prediction from a :class:`geo.model.Mention` (or anything with
        ``start``, ``end`` and ``place.lat``/``place.lon``, and optionally ``role``,
        ``place.id`` and ``place.feature_code``).

        Examples
        --------
        >>> from types import SimpleNamespace as NS
        >>> Prediction.from_mention(NS(start=0, end=5, place=NS(lat=48.85, lon=2.35, id="2988507")))
        Prediction(start=0, end=5, lat=48.85, lon=2.35, role=None, place_id='2988507', feature_code='')
        """
        place = mention.place
        return cls(
            int(mention.start),
            int(mention.end),
            float(place.lat),
            float(place.lon),
            getattr(mention, "role", None),
            str(getattr(place, "id", "") or ""),
            str(getattr(place, "feature_code", "") or ""),
        )


@dataclass
class Scores:
    """The figures for one run; see the module docstring for how each is counted."""

    corpus: str
    articles: int
    gold: int
    predictions: int
    correct_predictions: int
    found_gold: int
    precision: float
    recall: float
    f1: float
    accuracy_161: float
    end_to_end_accuracy_161: float
    median_km: float
    mean_km: float
    auc: float
    seconds: float
    articles_per_second: float
    gold_spans: bool
    failures: int = 0
    role_gold: int = 0  # typed toponyms whose type is scored (GEOWEBNEWS_ROLES)
    role_found: int = 0  # ... of them overlapped by a prediction
    role_correct: int = 0  # ... found with a role the type accepts
    role_accuracy: float = 0.0  # role_correct / role_found
    role_all_place: float = 0.0  # the same share if every prediction were a place
    role_confusion: dict[str, dict[str, int]] = field(default_factory=dict)  # gold type -> predicted role -> count
    id_gold: int = 0  # gold toponyms with a GeoNames id that were found (gold-span mode: all of them)
    id_correct: int = 0  # ... whose prediction carries that id
    id_accuracy: float = 0.0  # id_correct / id_gold
    id_right_far: int = 0  # the right entity, more than 161 km from the gold point
    id_wrong_near: int = 0  # another entity, within 161 km
    errors_by_level: dict[str, dict[str, int]] = field(default_factory=dict)  # predicted level -> toponyms, errors
    error_levels: dict[str, dict[str, int]] = field(default_factory=dict)  # gold level -> predicted level -> errors

    def as_dict(self) -> dict[str, Any]:
        """Return the scores as a plain dict (JSON-ready).

        Examples
        --------
        >>> score([], []).as_dict()["gold"]
        0
        """
        return asdict(self)

    def format(self) -> str:
        """Return a readable two-column table of the scores.

        Examples
        --------
        >>> score([], []).format().splitlines()[0].split()
        ['corpus', '-', '(end', 'to', 'end)']
        """
        mode = "gold spans" if self.gold_spans else "end to end"
        accuracy_note = "over all gold" if self.gold_spans else "over found gold"
        rows = [
            ("corpus", f"{self.corpus or '-'} ({mode})"),
            ("articles", f"{self.articles}" + (f" ({self.failures} failed)" if self.failures else "")),
            ("gold toponyms", f"{self.gold}"),
            ("predictions", f"{self.predictions}"),
            ("correct predictions", f"{self.correct_predictions}"),
            ("found gold", f"{self.found_gold}"),
            ("precision", f"{self.precision:.3f}"),
            ("recall", f"{self.recall:.3f}"),
            ("F1", f"{self.f1:.3f}"),
            ("accuracy@161km", f"{self.accuracy_161:.3f} ({accuracy_note})"),
            ("end-to-end acc@161km", f"{self.end_to_end_accuracy_161:.3f} (over all gold)"),
            ("median error", f"{self.median_km:.1f} km"),
            ("mean error", f"{self.mean_km:.1f} km"),
            ("AUC", f"{self.auc:.3f} (lower is better)"),
        ]
        if self.role_gold:
            rows += [
                ("typed toponyms", f"{self.role_gold} ({self.role_found} found)"),
                (
                    "role accuracy",
                    f"{self.role_accuracy:.3f} (over found typed toponyms; "
                    f"all-place baseline {self.role_all_place:.3f})",
                ),
            ]
            rows += [
                (f"  {kind}", ", ".join(f"{role} {n}" for role, n in sorted(got.items())))
                for kind, got in sorted(self.role_confusion.items())
            ]
        if self.id_gold:
            rows += [
                (
                    "accuracy by GeoNames id",
                    f"{self.id_accuracy:.3f} ({self.id_correct} of {self.id_gold} gold with an id; "
                    f"right entity > 161 km {self.id_right_far}, other entity <= 161 km {self.id_wrong_near})",
                )
            ]
        if self.errors_by_level:
            rows.append(("errors by level", "(of the predicted place: errors / toponyms)"))
            rows += [
                (f"  {level}", f"{got.get('errors', 0)} / {got.get('toponyms', 0)}")
                for level in LEVELS
                if (got := self.errors_by_level.get(level))
            ]
        if self.error_levels:
            rows.append(("errors gold -> predicted", "(where the gold gives a feature code)"))
            rows += [
                (f"  {gold_level}", ", ".join(f"{level} {n}" for level, n in sorted(got.items(), key=_level_order)))
                for gold_level, got in sorted(self.error_levels.items(), key=_level_order)
            ]
        rows += [
            ("seconds", f"{self.seconds:.2f}"),
            ("articles/second", f"{self.articles_per_second:.1f}"),
        ]
        width = max(len(label) for label, _ in rows) + 2
        return "\n".join(f"{label:<{width}}{value}".rstrip() for label, value in rows)


def _level_order(item: tuple[str, Any]) -> int:
    return LEVELS.index(item[0]) if item[0] in LEVELS else len(LEVELS)


# --------------------------------------------------------------------------- distance


# --------------------------------------------------------------------------- reading


def read_corpus(path: str | os.PathLike[str]) -> Generator[GoldArticle, None, None]:
    """Stream the gold articles of an annotated corpus file.

    The layout (LGL, TR-News, GeoVirus or GeoWebNews) is detected from the
    XML. The file is parsed incrementally, so corpora of any size fit.

    Parameters
    ----------
    path
        The corpus XML file.

    Returns
    -------
    Iterator[GoldArticle]
        One record per ``<article>``, in file order.

    Raises
    ------
    InputError
        If the file is missing, is not well-formed XML, has an unknown layout
        or holds a malformed annotation. Only a missing file is raised at
        once; the rest while iterating, and a file whose articles carry no
        annotation element at all when the stream ends.

    Examples
    --------
    >>> for article in read_corpus("lgl.xml"):  # doctest: +SKIP
    ...     print(article.id, len(article.toponyms))
    """
    p = Path(path)
    if not p.is_file():
        raise InputError(f"{p}: corpus file not found; pass the path of an annotated corpus XML file ({_KNOWN})")
    return _iter_articles(p)


# Whether a corpus format's annotation scheme marks demonyms ("Russian", "Iraqi") as toponyms.
# LGL and TR-News do, GeoWebNews tags them as a toponym type; GeoVirus marks place names only.
ANNOTATES_DEMONYMS = {"LGL": True, "GeoWebNews": True, "GeoVirus": False}


def corpus_format(path: str | os.PathLike[str]) -> str:
    """The layout of a corpus file, from its first annotated article: "LGL", "GeoVirus" or "GeoWebNews".

    TR-News shares LGL's layout and is reported as "LGL".

    Examples
    --------
    >>> corpus_format("GeoVirus.xml")  # doctest: +SKIP
    'GeoVirus'
    """
    p = Path(path)
    if not p.is_file():
        raise InputError(f"{p}: corpus file not found; pass the path of an annotated corpus XML file ({_KNOWN})")
    try:
        with p.open("rb") as handle:
            for _event, elem in ET.iterparse(handle, events=("end",)):
                if elem.tag == "article" and any(elem.find(f".//{tag}") is not None for tag in _ANNOTATION_TAGS):
                    return _detect_format(elem)
    except ET.ParseError as err:
        raise InputError(f"{p}: not well-formed XML ({err}); fix or re-export the corpus file") from err
    raise InputError(f"{p}: unknown corpus layout: no annotated <article> element found; {_KNOWN}")


def _iter_articles(path: Path) -> Generator[GoldArticle, None, None]:
    seen = 0
    annotated = False
    root: ET.Element | None = None
    try:
        with path.open("rb") as handle:
            for event, elem in ET.iterparse(handle, events=("start", "end")):
                if root is None:
                    root = elem
                if event != "end" or elem.tag != "article":
                    continue
                seen += 1
                annotated = annotated or any(elem.find(f".//{tag}") is not None for tag in _ANNOTATION_TAGS)
                article = _read_article(path, elem, seen)
                # Drop parsed articles so memory stays flat on big corpora.
                root.clear()
                yield article
    except ET.ParseError as err:
        line, column = err.position
        raise InputError(
            f"{path}: not well-formed XML at line {line}, column {column} ({err}); fix or re-export the corpus file"
        ) from err
    except OSError as err:
        raise InputError(f"{path}: cannot read the corpus file ({err}); check that it exists and is readable") from err
    if seen == 0:
        raise InputError(f"{path}: unknown corpus layout: no <article> element found; {_KNOWN}")
    if not annotated:
        # Only knowable at the end: a single unannotated article is legal, a whole file is not a gold corpus.
        raise InputError(
            f"{path}: unknown corpus layout: {seen} <article> elements but none holds "
            f"<toponyms>, <toponym>, <locations> or <location>; {_KNOWN}"
        )


def _detect_format(elem: ET.Element) -> str:
    if elem.find(".//location") is not None:
        return "GeoVirus"
    for toponym in elem.iter("toponym"):
        if toponym.find("gaztag") is not None:
            return "LGL"
        if toponym.find("latitude") is not None or toponym.find("extractedName") is not None:
            return "GeoWebNews"
    if elem.find("locations") is not None:
        return "GeoVirus"
    return "LGL"


def _read_article(path: Path, elem: ET.Element, number: int) -> GoldArticle:
    article_id = elem.get("docid") or elem.get("id") or (elem.findtext("id") or "").strip() or str(number)
    text_elem = elem.find("text")
    if text_elem is None:
        raise InputError(
            f"{path}: unknown corpus layout: <article> number {number} ({article_id}) has no <text>; {_KNOWN}"
        )
    text = text_elem.text or ""
    where = f"{path}, article {article_id}"
    fmt = _detect_format(elem)
    if fmt == "GeoVirus":
        gold = [_gold(where, text, loc, "name", loc) for loc in elem.iter("location")]
    elif fmt == "GeoWebNews":
        gold = [
            _gold(where, text, top, "extractedName", top, lat_tag="latitude", lon_tag="longitude")
            for top in elem.iter("toponym")
        ]
    else:
        gold = [_gold(where, text, top, "phrase", top.find("gaztag")) for top in elem.iter("toponym")]
    toponyms = tuple(sorted((g for g in gold if g is not None), key=lambda g: (g.start, g.end)))
    roles = tuple(sorted(_gold_roles(where, text, elem), key=lambda g: (g.start, g.end))) if fmt == "GeoWebNews" else ()
    if number == 1:
        logger.debug("%s: reading as %s", path, fmt)
    return GoldArticle(
        id=article_id,
        text=text,
        published=_published(where, elem),
        title=(elem.findtext("title") or "").strip(),
        toponyms=toponyms,
        roles=roles,
    )


def _gold_roles(where: str, text: str, elem: ET.Element) -> Iterator[GoldRole]:
    """The toponyms of a GeoWebNews article that carry a ``<type>``, coordinates or not."""
    for top in elem.iter("toponym"):
        kind = (top.findtext("type") or "").strip()
        if not kind:
            continue
        name = top.findtext("extractedName") or ""
        try:
            start, end = int((top.findtext("start") or "").strip()), int((top.findtext("end") or "").strip())
        except ValueError as err:
            raise InputError(
                f"{where}: toponym {name!r} lacks integer <start>/<end> offsets; fix the annotation"
            ) from err
        start, end = _reanchor(text, name, start, end)
        if not 0 <= start < end <= len(text):
            raise InputError(
                f"{where}: toponym {name!r} has span [{start}, {end}) that is empty or outside its "
                f"{len(text)}-character text; fix the annotation"
            )
        if _type_key(kind) not in _ROLES_BY_KEY:
            logger.debug("%s: toponym %r has type %r, which role scoring leaves out", where, name, kind)
        yield GoldRole(start=start, end=end, name=name, type=kind)


def _published(where: str, elem: ET.Element) -> dt.date | None:
    stamp = (elem.findtext("dltime") or elem.findtext("date") or "").strip()
    if not stamp:
        return None
    try:
        return dt.date.fromisoformat(stamp[:10])
    except ValueError:
        logger.warning("%s: publication date %r is not YYYY-MM-DD...; left unset", where, stamp)
        return None


def _gold(
    where: str,
    text: str,
    elem: ET.Element,
    name_tag: str,
    point: ET.Element | None,
    *,
    lat_tag: str = "lat",
    lon_tag: str = "lon",
) -> GoldToponym | None:
    if point is None:
        return None
    lat_text = (point.findtext(lat_tag) or "").strip()
    lon_text = (point.findtext(lon_tag) or "").strip()
    if not lat_text or not lon_text:
        return None
    name = elem.findtext(name_tag) or ""
    try:
        lat, lon = float(lat_text), float(lon_text)
    except ValueError as err:
        raise InputError(
            f"{where}: toponym {name!r} has coordinates {lat_text!r}, {lon_text!r} that are not "
            "numbers; fix the annotation"
        ) from err
    if not (-90.0 <= lat <= 90.0 and -180.0 <= lon <= 180.0):
        raise InputError(
            f"{where}: toponym {name!r} has coordinates {lat}, {lon} outside lat -90..90, "
            "lon -180..180; fix the annotation"
        )
    try:
        start, end = int((elem.findtext("start") or "").strip()), int((elem.findtext("end") or "").strip())
    except ValueError as err:
        raise InputError(f"{where}: toponym {name!r} lacks integer <start>/<end> offsets; fix the annotation") from err
    start, end = _reanchor(text, name, start, end)
    if not 0 <= start < end <= len(text):
        raise InputError(
            f"{where}: toponym {name!r} has span [{start}, {end}) that is empty or outside its "
            f"{len(text)}-character text; fix the annotation"
        )
    # LGL's <gaztag geonameid=...> with <fcode>; other layouts name no entity.
    geonameid = (point.get("geonameid") or "").strip()
    feature_code = (point.findtext("fcode") or "").strip()
    return GoldToponym(
        start=start,
        end=end,
        name=name,
        lat=lat,
        lon=lon,
        geonameid=geonameid if geonameid.isdigit() else "",
        feature_code=feature_code,
    )


def _reanchor(text: str, name: str, start: int, end: int) -> tuple[int, int]:
    if not name or text[start:end] == name:
        return start, end
    # Nearest first; on a tie the earlier position wins because offsets
    # in these corpora err late, not early.
    for shift in itertools.chain.from_iterable((-d, d) for d in range(1, REANCHOR_WINDOW + 1)):
        at = start + shift
        if at >= 0 and text.startswith(name, at):
            return at, at + len(name)
    return start, end


# --------------------------------------------------------------------------- scoring


def _ratio(numerator: float, denominator: float) -> float:
    return numerator / denominator if denominator else 0.0


def _overlaps(a_start: int, a_end: int, b_start: int, b_end: int) -> bool:
    return a_start < b_end and b_start < a_end


def _auc(errors: Sequence[float]) -> float:
    scale = math.log1p(MAX_ERROR_KM)
    return _ratio(sum(math.log1p(min(e, MAX_ERROR_KM)) / scale for e in errors), len(errors))


def _summarise(
    *,
    corpus: str,
    articles: int,
    gold: int,
    predictions: int,
    correct: int,
    found: int,
    errors: Sequence[float],
    accuracy_base: int,
    gold_spans: bool,
    seconds: float = 0.0,
    failures: int = 0,
) -> Scores:
    precision, recall = _ratio(correct, predictions), _ratio(found, gold)
    within = sum(1 for e in errors if e <= ACCURACY_KM)
    return Scores(
        corpus=corpus,
        articles=articles,
        gold=gold,
        predictions=predictions,
        correct_predictions=correct,
        found_gold=found,
        precision=precision,
        recall=recall,
        f1=_ratio(2 * precision * recall, precision + recall),
        accuracy_161=_ratio(within, accuracy_base),
        end_to_end_accuracy_161=_ratio(within, gold),
        median_km=statistics.median(errors) if errors else 0.0,
        mean_km=statistics.fmean(errors) if errors else 0.0,
        auc=_auc(errors),
        seconds=seconds,
        articles_per_second=_ratio(articles, seconds),
        gold_spans=gold_spans,
        failures=failures,
    )


def score(gold: Iterable[GoldArticle], predictions: Iterable[Sequence[Prediction]]) -> Scores:
    """Count recognition and resolution figures for predictions against gold.

    Pure counting, no timing: ``seconds`` and ``articles_per_second`` are 0.

    Parameters
    ----------
    gold
        The annotated articles.
    predictions
        One sequence of predictions per article, in the same order.

    Returns
    -------
    Scores
        With ``corpus == ""`` and ``gold_spans == False``.

    Raises
    ------
    InputError
        If there are not as many prediction lists as articles.

    Examples
    --------
    >>> g = GoldArticle("1", "Paris is nice.", None, "", (GoldToponym(0, 5, "Paris", 48.85, 2.35),))
    >>> s = score([g], [[Prediction(0, 5, 48.86, 2.34)]])
    >>> (s.precision, s.recall, s.accuracy_161)
    (1.0, 1.0, 1.0)
    """
    articles = n_gold = n_pred = correct = found = 0
    errors: list[float] = []
    try:
        pairs = list(zip(gold, predictions, strict=True))
    except ValueError as err:
        raise InputError(
            f"score(): the number of prediction lists differs from the number of gold articles ({err}); "
            "pass one list (possibly empty) per article"
        ) from err
    roles = _RoleTally()
    entities = _EntityTally()
    for article, preds in pairs:
        articles += 1
        roles.add(article.roles, preds)
        n_gold += len(article.toponyms)
        n_pred += len(preds)
        correct += sum(1 for p in preds if any(_overlaps(p.start, p.end, g.start, g.end) for g in article.toponyms))
        for g in article.toponyms:
            scored = [
                (haversine_km(g.lat, g.lon, p.lat, p.lon), k, p)
                for k, p in enumerate(preds)
                if _overlaps(p.start, p.end, g.start, g.end)
            ]
            if scored:
                km, _, nearest = min(scored)
                found += 1
                errors.append(km)
                entities.add(g, nearest, km)
    result = _summarise(
        corpus="",
        articles=articles,
        gold=n_gold,
        predictions=n_pred,
        correct=correct,
        found=found,
        errors=errors,
        accuracy_base=found,
        gold_spans=False,
    )
    roles.fill(result)
    entities.fill(result)
    return result


class _RoleTally:
    """Counts for role accuracy over the typed toponyms that some prediction overlaps."""

    def __init__(self) -> None:
        self.gold = self.found = self.correct = self.all_place = 0
        self.confusion: dict[str, dict[str, int]] = {}

    def add(self, gold: Sequence[GoldRole], preds: Sequence[Prediction]) -> None:
        for g in gold:
            accepts = g.accepts
            if not accepts:
                continue
            self.gold += 1
            overlapping = [p for p in preds if _overlaps(p.start, p.end, g.start, g.end)]
            if not overlapping:
                continue
            best = max(overlapping, key=lambda p: min(p.end, g.end) - max(p.start, g.start))
            self.found += 1
            predicted = best.role or "place"
            self.correct += predicted in accepts
            self.all_place += "place" in accepts
            row = self.confusion.setdefault(g.type, {})
            row[predicted] = row.get(predicted, 0) + 1

    def fill(self, scores: Scores) -> None:
        scores.role_gold, scores.role_found, scores.role_correct = self.gold, self.found, self.correct
        scores.role_accuracy = _ratio(self.correct, self.found)
        scores.role_all_place = _ratio(self.all_place, self.found)
        scores.role_confusion = self.confusion


class _EntityTally:
    """Counts for accuracy by GeoNames id and for resolution errors by feature level."""

    def __init__(self) -> None:
        self.gold = self.correct = self.right_far = self.wrong_near = 0
        self.by_level: dict[str, dict[str, int]] = {}
        self.confusion: dict[str, dict[str, int]] = {}

    def add(self, gold: GoldToponym, pred: Prediction | None, km: float) -> None:
        """One resolved gold toponym: its nearest overlapping prediction (None: no answer) and the error."""
        wrong = km > ACCURACY_KM
        # A prediction that names no feature code (a parser other than geo's) has no level to count.
        level = "none" if pred is None else feature_level(pred.feature_code) if pred.feature_code else ""
        if level:
            row = self.by_level.setdefault(level, {"toponyms": 0, "errors": 0})
            row["toponyms"] += 1
            row["errors"] += wrong
            if wrong and gold.feature_code:
                by_gold = self.confusion.setdefault(feature_level(gold.feature_code), {})
                by_gold[level] = by_gold.get(level, 0) + 1
        if not gold.geonameid or (pred is not None and not pred.place_id):
            return  # no entity in the gold, or a parser that names none
        self.gold += 1
        right = pred is not None and pred.geonameid == gold.geonameid
        self.correct += right
        self.right_far += right and wrong
        self.wrong_near += not right and not wrong

    def fill(self, scores: Scores) -> None:
        scores.id_gold, scores.id_correct = self.gold, self.correct
        scores.id_accuracy = _ratio(self.correct, self.gold)
        scores.id_right_far, scores.id_wrong_near = self.right_far, self.wrong_near
        scores.errors_by_level = self.by_level
        scores.error_levels = self.confusion


def score_gold_spans(gold: Iterable[GoldArticle], answers: Iterable[Sequence[Prediction | None]]) -> Scores:
    """Count resolution figures when the resolver was given the gold spans.

    Each answer belongs to the gold toponym at the same position; its span is
    not checked. ``None`` means no answer and counts as an error of
    :data:`MAX_ERROR_KM`. Accuracy@161km, median, mean and AUC are over all
    gold toponyms. Recognition is given, so precision is 1.0 whenever there is
    an answer and recall is the share of gold toponyms that got one.

    Raises
    ------
    InputError
        If the answers do not match the articles or their toponyms one for one.

    Examples
    --------
    >>> g = GoldArticle("1", "Paris is nice.", None, "", (GoldToponym(0, 5, "Paris", 48.85, 2.35),))
    >>> score_gold_spans([g], [[None]]).accuracy_161
    0.0
    """
    articles = n_gold = answered = 0
    errors: list[float] = []
    try:
        pairs = list(zip(gold, answers, strict=True))
    except ValueError as err:
        raise InputError(
            f"score_gold_spans(): the number of answer lists differs from the number of gold articles "
            f"({err}); pass one list per article"
        ) from err
    roles = _RoleTally()
    entities = _EntityTally()
    for article, row in pairs:
        if len(row) != len(article.toponyms):
            raise InputError(
                f"article {article.id}: {len(row)} answers for {len(article.toponyms)} gold toponyms; "
                "give exactly one answer (or None) per gold toponym"
            )
        articles += 1
        n_gold += len(row)
        for g, p in zip(article.toponyms, row, strict=True):
            if p is None:
                errors.append(MAX_ERROR_KM)
            else:
                answered += 1
                errors.append(haversine_km(g.lat, g.lon, p.lat, p.lon))
            entities.add(g, p, errors[-1])
        roles.add(article.roles, [p for p in row if p is not None])
    result = _summarise(
        corpus="",
        articles=articles,
        gold=n_gold,
        predictions=answered,
        correct=answered,
        found=answered,
        errors=errors,
        accuracy_base=n_gold,
        gold_spans=True,
    )
    roles.fill(result)
    entities.fill(result)
    return result


# --------------------------------------------------------------------------- running


def _as_prediction(item: Any) -> Prediction:
    if isinstance(item, Prediction):
        return item
    if hasattr(item, "place") and not hasattr(item, "lat"):
        return Prediction.from_mention(item)
    return Prediction(int(item.start), int(item.end), float(item.lat), float(item.lon))


def _check_limit(limit: int | None) -> None:
    if limit is not None and (isinstance(limit, bool) or not isinstance(limit, int) or limit < 0):
        raise InputError(f"limit={limit!r} is not a whole number >= 0; pass a count of articles or None for all")


def evaluate(
    path: str | os.PathLike[str], parse: Callable[[GoldArticle], Sequence[Prediction]], *, limit: int | None = None
) -> Scores:
    """Run a geoparser over a corpus and score it end to end.

    An article whose ``parse`` call raises (or returns something that is not
    predictions) counts as having no predictions; a warning names it and
    ``Scores.failures`` counts it. Only time spent inside ``parse`` is timed.

    Parameters
    ----------
    path
        The corpus XML file (see :func:`read_corpus`).
    parse
        Called once per article; returns predicted mentions with offsets into
        ``article.text``. Items may be :class:`Prediction` or anything with
        ``start``, ``end``, ``lat``, ``lon`` (or ``place.lat``/``place.lon``,
        like :class:`geo.model.Mention`).
    limit
        Score only the first ``limit`` articles.

    Returns
    -------
    Scores

    Raises
    ------
    InputError
        If the corpus cannot be read or ``limit`` is not a count.

    Examples
    --------
    >>> s = evaluate("lgl.xml", lambda a: [], limit=10)  # doctest: +SKIP
    >>> print(s.format())  # doctest: +SKIP
    """
    _check_limit(limit)
    articles: list[GoldArticle] = []
    outputs: list[list[Prediction]] = []
    seconds = 0.0
    failures = 0
    with contextlib.closing(read_corpus(path)) as corpus:
        for article in itertools.islice(corpus, limit):
            began = time.perf_counter()
            try:
                preds = [_as_prediction(p) for p in parse(article)]
            except Exception as err:  # one bad article must not end a long run
                failures += 1
                preds = []
                logger.warning(
                    "article %s: parse failed (%s: %s); counted as no predictions", article.id, type(err).__name__, err
                )
                logger.debug("article %s: traceback", article.id, exc_info=True)
            seconds += time.perf_counter() - began
            articles.append(_strip_text(article))
            outputs.append(preds)
    result = score(articles, outputs)
    return _finish(result, path, seconds, failures)


def evaluate_gold_spans(
    path: str | os.PathLike[str],
    resolve: Callable[[GoldArticle], Sequence[Prediction | None]],
    *,
    limit: int | None = None,
) -> Scores:
    """Run a resolver on the gold spans of a corpus and score its resolution.

    ``resolve`` receives each article (gold spans in ``article.toponyms``) and
    returns one prediction, or ``None`` for no answer, per gold toponym in the
    same order. An article whose call raises or returns the wrong number of
    answers counts as all ``None``; a warning names it and
    ``Scores.failures`` counts it.

    Parameters
    ----------
    path
        The corpus XML file (see :func:`read_corpus`).
    resolve
        The resolver under test.
    limit
        Score only the first ``limit`` articles.

    Returns
    -------
    Scores
        With ``gold_spans == True``; accuracy@161km is over all gold toponyms.

    Examples
    --------
    >>> s = evaluate_gold_spans("GeoVirus.xml", lambda a: [None] * len(a.toponyms))  # doctest: +SKIP
    >>> s.accuracy_161  # doctest: +SKIP
    0.0
    """
    _check_limit(limit)
    articles: list[GoldArticle] = []
    outputs: list[list[Prediction | None]] = []
    seconds = 0.0
    failures = 0
    with contextlib.closing(read_corpus(path)) as corpus:
        for article in itertools.islice(corpus, limit):
            began = time.perf_counter()
            try:
                answers = [None if p is None else _as_prediction(p) for p in resolve(article)]
                if len(answers) != len(article.toponyms):
                    raise ValueError(f"{len(answers)} answers for {len(article.toponyms)} gold toponyms")
            except Exception as err:  # one bad article must not end a long run
                failures += 1
                answers = [None] * len(article.toponyms)
                logger.warning(
                    "article %s: resolve failed (%s: %s); counted as no answers", article.id, type(err).__name__, err
                )
                logger.debug("article %s: traceback", article.id, exc_info=True)
            seconds += time.perf_counter() - began
            articles.append(_strip_text(article))
            outputs.append(answers)
    result = score_gold_spans(articles, outputs)
    return _finish(result, path, seconds, failures)


def _strip_text(article: GoldArticle) -> GoldArticle:
    # Scoring needs only the spans; dropping the text keeps big corpora light.
    return GoldArticle(article.id, "", article.published, article.title, article.toponyms, article.roles)


def _finish(result: Scores, path: str | os.PathLike[str], seconds: float, failures: int) -> Scores:
    result.corpus = Path(path).name
    result.seconds = seconds
    result.articles_per_second = _ratio(result.articles, seconds)
    result.failures = failures
    if failures:
        logger.warning(
            "%s: %d of %d articles failed and were scored as empty", result.corpus, failures, result.articles
        )
    return result
