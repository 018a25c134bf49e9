"""The article in a saved web page: its main text, title, URL and publication date.

A news page wraps its article in the site's template: navigation, related links,
teasers and a footer that name places of their own. trafilatura keeps the
article's body (and reads the title and the canonical URL); htmldate reads the
publication date from the page's markup (JSON-LD, ``<meta>``, ``<time>``,
``<abbr>`` ...). Neither guesses from the free text: a footer's "© 2024" or a
date the story mentions is not when it was published.

The text keeps the page's own paragraphs and line breaks, taken from the caller's
reader of the whole page (``geo.parsing.articles``); a page where trafilatura finds no
main text (a bare fragment, a page that is all template) is read by that reader
alone, every visible word.

Examples
--------
>>> page = read_page(
...     "<html><head><title>Quake</title></head><body><nav><a href='/'>Lisbon</a></nav>"
...     "<article><p>A strong earthquake shook Izmir on Friday, and the tremor was felt as far "
...     "as Athens and the islands of the eastern Aegean.</p>"
...     "<time datetime='2020-10-30'>30 October</time></article></body></html>"
... )
>>> "Lisbon" in page.text, "Izmir" in page.text, page.published
(False, True, datetime.date(2020, 10, 30))
"""

from __future__ import annotations

import datetime as dt
import difflib
import functools
import logging
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

__all__ = ["HTML_COLUMN", "Fallback", "WebPage", "read_page", "record_from_page"]

logger = logging.getLogger(__name__)

#: Name of the JSON Lines / CSV / Parquet column that holds a whole web page instead of its text.
HTML_COLUMN = "html"

#: The whole page's visible text (paragraphs apart by a blank line), ``<title>`` and date.
Fallback = Callable[[str], tuple[str, str, "dt.date | None"]]

# Pages of archived newspapers carry old dates; htmldate's own lower bound is 1995.
_EARLIEST = "1800-01-01"
_DATE_OPTIONS: dict[str, Any] = {"extensive_search": False, "original_date": True, "min_date": _EARLIEST}
# Below this share of trafilatura's text found among the page's lines, its own lines are used.
_ALIGNED_SHARE = 0.9
_TITLE_SEPARATORS = re.compile(r"\s+[|\-–—:·•»]+\s+")


@dataclass(frozen=True, slots=True)
class WebPage:
    """What a web page says about its article; empty strings and ``None`` for what it does not say."""

    text: str
    title: str = ""
    url: str = ""
    published: dt.date | None = None


def _normalized(line: str) -> str:
    return " ".join(line.split()).casefold()


def _in_page_layout(selected: str, layout: str) -> str | None:
    """The lines of ``selected`` (trafilatura's text) laid out as in ``layout`` (the whole page's text).

    trafilatura's plain text puts every paragraph and line break on a line of its own; the
    page reader keeps paragraphs apart by a blank line and line breaks by a newline. The
    page's lines that trafilatura kept, aligned in order (so a menu entry that repeats a
    line of the article is not taken for it), keep their paragraphs. ``None`` when the two
    do not line up well enough to trust the alignment (tables, lists: trafilatura writes them
    its own way).
    """
    lines: list[tuple[str, int]] = []  # (line, paragraph number)
    for number, paragraph in enumerate(layout.split("\n\n")):
        lines.extend((line.strip(), number) for line in paragraph.split("\n") if line.strip())
    wanted = [_normalized(line) for line in selected.splitlines() if line.strip()]
    matcher = difflib.SequenceMatcher(None, [_normalized(line) for line, _ in lines], wanted, autojunk=False)
    kept = [lines[block.a + i] for block in matcher.get_matching_blocks() for i in range(block.size)]
    if sum(len(line) for line, _ in kept) < _ALIGNED_SHARE * sum(len(line) for line in wanted):
        return None
    out: list[str] = []
    for i, (line, number) in enumerate(kept):
        if i:
            out.append("\n" if number == kept[i - 1][1] else "\n\n")
        out.append(line)
    return "".join(out)


def _paragraphs(text: str) -> str:
    return "\n\n".join(line.strip() for line in text.splitlines() if line.strip())


def _title(page_title: str, headline: str) -> str:
    """The page's ``<title>`` without the site's name ("Headline | Site"), else the headline."""
    if page_title and headline:
        for part in _TITLE_SEPARATORS.split(page_title):
            if _normalized(part) == _normalized(headline):
                return part.strip()
    return page_title or headline


def _date(value: str | None) -> dt.date | None:
    try:
        return dt.date.fromisoformat(value[:10]) if value else None
    except ValueError:
        return None


@functools.cache
def _quiet_libraries() -> None:
    """Keep trafilatura's and htmldate's per-page complaints off the user's terminal.

    Both log each page they find nothing in ("empty HTML tree", "discarding data") as errors and
    warnings; here that is an ordinary outcome, which the fallback reader handles and geo reports
    itself when a page is empty. Levels an application set are kept (importing trafilatura sets
    htmldate's to WARNING, which counts as unset).
    """
    for name, default in (("trafilatura", logging.NOTSET), ("htmldate", logging.WARNING)):
        library = logging.getLogger(name)
        if library.level in (logging.NOTSET, default):
            library.setLevel(logging.CRITICAL)


def read_page(page: str | bytes, *, url: str | None = None, fallback: Fallback | None = None) -> WebPage:
    """The article of one web page.

    Parameters
    ----------
    page : str or bytes
        The page's HTML (bytes are decoded by the page's own declaration, else as UTF-8).
    url : str, optional
        Where the page came from, if known; else the page's canonical URL is used.
    fallback : callable, optional
        The whole page's visible text, title and date, with its paragraphs. The
        article's lines are laid out as it lays them out, and a page in which
        trafilatura finds no main text is read by it alone. Without one such a
        page gives an empty text.
    """
    import htmldate
    import trafilatura
    from trafilatura.settings import Document

    _quiet_libraries()

    document = trafilatura.bare_extraction(
        page,
        url=url,
        with_metadata=True,
        include_comments=False,  # readers' comments are not the article
        date_extraction_params=_DATE_OPTIONS,
    )
    text = page.decode("utf-8", "replace") if isinstance(page, bytes) else page
    layout, page_title, page_date = fallback(text) if fallback is not None else ("", "", None)
    if isinstance(document, Document) and document.text and document.text.strip():
        return WebPage(
            text=(_in_page_layout(document.text, layout) if layout else None) or _paragraphs(document.text),
            title=_title(page_title, (document.title or "").strip()),
            url=(url or document.url or "").strip(),
            published=_date(document.date) or page_date,
        )
    logger.debug("trafilatura found no main text in a page of %d characters; reading all of it", len(text))
    published = _date(htmldate.find_date(page, url=url, **_DATE_OPTIONS)) or page_date
    return WebPage(text=layout, title=page_title, url=url or "", published=published)


def record_from_page(
    get: Callable[[str], Any], *, text_column: str, date_column: str, fallback: Fallback | None = None
) -> dict[str, Any]:
    """A record whose ``html`` field holds a web page, as the record of its article.

    ``get`` reads the record's fields by name. The record's own ``title``,
    ``url`` and date win over what the page says; ``id`` is kept.
    """
    raw = get(HTML_COLUMN)
    page = read_page(raw if isinstance(raw, (str, bytes)) else str(raw), url=get("url") or None, fallback=fallback)
    return {
        "id": get("id"),
        text_column: page.text,
        date_column: get(date_column) or page.published,
        "title": get("title") or page.title,
        "url": get("url") or page.url,
    }
