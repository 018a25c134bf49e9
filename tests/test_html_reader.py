"""Saved web pages: the article's own text, title, URL and date, not the site around it.

Each body below is wrapped in three ordinary site templates (a menu of city sections, related
stories, teasers and a footer that name places of their own); the places found in every
wrapped page must be those of the bare body.
"""

from __future__ import annotations

import csv
import datetime as dt
import json
from collections.abc import Callable
from pathlib import Path

import pytest

from geo.parsing.articles import read_articles
from geo.parsing.html_reader import read_page

BODIES = {
    "kherson": (
        "Floodwaters rise in Kherson",
        [
            "Residents of Kherson were evacuated on Tuesday after the destruction of the Kakhovka dam sent "
            "water down the Dnipro river. Officials in Mykolaiv said shelters had opened for families from "
            "the flooded districts along the riverbank.",
            "Volunteers from Odesa brought boats and drinking water, and the regional governor said the level "
            "would keep rising until Thursday. Aid agencies warned that the water had carried mines from the "
            "fields into the streets.",
        ],
    ),
    "quake": (
        "Strong earthquake shakes western Nepal",
        [
            "A magnitude 6.4 earthquake struck the Jajarkot district of Nepal late on Friday, flattening "
            "mud-brick houses in villages across the hills. Tremors were felt as far away as Kathmandu and "
            "New Delhi.",
            "Army helicopters flew the injured to hospitals in Nepalgunj, while rescuers dug through rubble "
            "with their hands because the roads were blocked by landslides.",
        ],
    ),
    "harbour": (
        "Ferry strike strands travellers",
        [
            "Ferries between Helsinki and Tallinn stayed in port on Monday as crews walked out over pay, "
            "leaving thousands of passengers to find seats on the few flights across the Gulf of Finland.",
            "The union said the strike would spread to the routes to Stockholm unless the operators returned "
            "to the table before the weekend.",
        ],
    ),
}
TEMPLATE_PLACES = {"Paris", "London", "Tokyo", "Athens", "Madrid", "Seville", "Manila", "New York", "Berlin", "Nairobi"}


def _article_html(title: str, paragraphs: list[str]) -> str:
    return f"<h1>{title}</h1><p class='byline'>By our correspondent</p>" + "".join(f"<p>{p}</p>" for p in paragraphs)


def news_site(title: str, paragraphs: list[str], head: str = "") -> str:
    """A site with a header menu, the story in <article>, a related-stories aside and a footer."""
    return (
        f"<!DOCTYPE html><html lang='en'><head><meta charset='utf-8'><title>{title} | The Daily Ledger</title>{head}"
        "</head><body><header><a href='/'>The Daily Ledger</a><nav><ul>"
        "<li><a href='/paris'>Paris</a></li><li><a href='/london'>London</a></li><li><a href='/tokyo'>Tokyo</a></li>"
        "<li><a href='/sport'>Sport</a></li></ul></nav></header>"
        f"<main><article>{_article_html(title, paragraphs)}</article>"
        "<aside><h2>Related stories</h2><ul><li><a href='/a'>Wildfires spread near Athens</a></li>"
        "<li><a href='/b'>Heatwave grips Madrid and Seville</a></li><li><a href='/c'>Typhoon nears Manila</a></li>"
        "</ul></aside></main><footer><p>The Daily Ledger has offices in New York, Berlin and Nairobi.</p>"
        "<p>&copy; 2024 Ledger Media. All rights reserved.</p></footer></body></html>"
    )


def blog_layout(title: str, paragraphs: list[str], head: str = "") -> str:
    """Div soup: no <article> or <main>, a sidebar of teasers before the story, links after it."""
    teasers = "".join(
        f"<div class='teaser'><a href='/t{i}'>{t}</a></div>"
        for i, t in enumerate(["Markets slide in Tokyo", "Elections in Paris", "Rail strike hits London"])
    )
    return (
        f"<html><head><title>{title} - World Desk</title>{head}</head><body>"
        "<div id='top'><div class='menu'><a href='/'>Home</a> <a href='/berlin'>Berlin</a> "
        "<a href='/nairobi'>Nairobi</a></div></div>"
        f"<div id='sidebar'><h3>Most read</h3>{teasers}</div>"
        f"<div id='content'><div class='post-body entry-content'>{_article_html(title, paragraphs)}</div>"
        "<div class='share'>Share this story</div><div class='tags'>Tags: weather, Athens, Madrid</div></div>"
        "<div id='footer'><p>World Desk, New York. Contact us.</p></div></body></html>"
    )


def magazine(title: str, paragraphs: list[str], head: str = "") -> str:
    """Breadcrumbs, a cookie banner and a 'more from' list after the story inside <main>."""
    return (
        f"<html><head><title>{title}</title>{head}</head><body>"
        "<div class='cookie-banner'>We use cookies. <button>Accept</button></div>"
        "<ol class='breadcrumb'><li><a href='/'>Home</a></li><li><a href='/europe'>Europe</a></li>"
        "<li><a href='/europe/madrid'>Madrid</a></li></ol>"
        f"<main><section class='story'>{_article_html(title, paragraphs)}</section>"
        "<section class='more'><h2>More from our correspondents</h2><ul>"
        "<li><a href='/x'>Night trains return to Berlin</a></li><li><a href='/y'>Floods in Manila</a></li>"
        "<li><a href='/z'>The cafes of Paris</a></li></ul></section></main>"
        "<footer>Offices: London, Tokyo, Nairobi</footer></body></html>"
    )


TEMPLATES: dict[str, Callable[..., str]] = {"news_site": news_site, "blog_layout": blog_layout, "magazine": magazine}


def _names(geoparser, text: str) -> set[str]:
    return {m.place.name for m in geoparser.parse_text(text)}


@pytest.mark.parametrize("template", TEMPLATES)
@pytest.mark.parametrize("body", BODIES)
def test_a_templated_page_gives_the_places_of_its_body_only(
    geoparser, tmp_path: Path, template: str, body: str
) -> None:
    title, paragraphs = BODIES[body]
    path = tmp_path / "page.html"
    path.write_text(TEMPLATES[template](title, paragraphs), encoding="utf-8")
    [article] = read_articles([path])
    bare = _names(geoparser, "\n\n".join([title, *paragraphs]))
    assert bare and not bare & TEMPLATE_PLACES
    assert _names(geoparser, article.text) == bare
    assert article.title == title  # the headline, without the site's name
    for paragraph in paragraphs:  # kept whole, each a paragraph of its own
        assert f"\n\n{paragraph}" in article.text


def test_the_hand_written_reader_alone_keeps_the_template(geoparser) -> None:
    """What the body-only reading is for: all the page's text names the site's places too."""
    from geo.parsing.articles import _html_to_text

    title, paragraphs = BODIES["kherson"]
    everything, _, _ = _html_to_text(news_site(title, paragraphs))
    assert _names(geoparser, everything) & TEMPLATE_PLACES


JSON_LD = (
    "<script type='application/ld+json'>"
    '{"@context": "https://schema.org", "@type": "NewsArticle", '
    '"datePublished": "2019-04-16T07:45:00+02:00", "dateModified": "2019-04-17T10:00:00+02:00"}</script>'
)


@pytest.mark.parametrize(
    ("where", "expected"),
    [
        ("json-ld", dt.date(2019, 4, 16)),
        ("time", dt.date(2021, 3, 14)),
        ("meta", dt.date(2023, 2, 6)),
        ("old-time", dt.date(1989, 11, 9)),  # an archive page older than htmldate's own lower bound
    ],
)
def test_the_publication_date_comes_from_the_markup(where: str, expected: dt.date) -> None:
    title, paragraphs = BODIES["quake"]
    head, body = "", list(paragraphs)
    if where == "json-ld":
        head = JSON_LD
    elif where == "meta":
        head = "<meta property='article:published_time' content='2023-02-06T04:17:00Z'>"
    else:
        iso = expected.isoformat()
        body[0] = f"<time datetime='{iso}'>{expected:%d %B %Y}</time> {body[0]}"
    for template in TEMPLATES.values():
        assert read_page(template(title, body, head)).published == expected, template.__name__


def test_no_date_is_guessed_from_the_text_or_the_footer() -> None:
    title, paragraphs = BODIES["kherson"]
    dated = [paragraphs[0].replace("on Tuesday", "on 6 June 2023"), paragraphs[1]]
    assert read_page(news_site(title, dated)).published is None  # the footer says (c) 2024


def test_url_comes_from_the_canonical_link_unless_given() -> None:
    title, paragraphs = BODIES["harbour"]
    page = news_site(title, paragraphs, head="<link rel='canonical' href='https://ledger.example/ferries'>")
    assert read_page(page).url == "https://ledger.example/ferries"
    assert read_page(page, url="file:///saved/ferries.html").url == "file:///saved/ferries.html"


def test_htm_files_and_paragraph_layout(tmp_path: Path) -> None:
    title, paragraphs = BODIES["harbour"]
    path = tmp_path / "ferries.htm"
    path.write_text(magazine(title, [paragraphs[0], paragraphs[1].replace(" unless", "<br>unless")]), encoding="utf-8")
    [article] = read_articles([path])
    assert article.id == "ferries"
    assert article.text.startswith(f"{title}\n\n")
    assert "to Stockholm\nunless the operators" in article.text  # a line break stays a line break
    assert "cookies" not in article.text and "Share this story" not in article.text


def test_a_fragment_with_no_main_text_is_read_whole(tmp_path: Path) -> None:
    path = tmp_path / "note.html"
    path.write_text("<title>Note</title><nav>Lyon</nav>", encoding="utf-8")
    [article] = read_articles([path])
    assert (article.text, article.title) == ("Lyon", "Note")


def test_an_html_column_in_json_lines(tmp_path: Path) -> None:
    title, paragraphs = BODIES["quake"]
    page = blog_layout(title, paragraphs, head=JSON_LD + "<link rel='canonical' href='https://desk.example/quake'>")
    path = tmp_path / "pages.jsonl"
    rows = [
        {"id": "q1", "html": page},
        {"id": "q2", "html": page, "title": "Own title", "date": "2020-01-02", "url": "https://mine.example/q"},
        {"id": "t1", "text": "Rain in Lagos.", "html": page},  # a text column wins over the page
    ]
    path.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    problems: list = []
    first, second, third = read_articles([path], on_error=problems.append)
    assert problems == []
    assert (first.id, first.title, first.url, first.published) == (
        "q1",
        title,
        "https://desk.example/quake",
        dt.date(2019, 4, 16),
    )
    assert "Jajarkot" in first.text and "Most read" not in first.text and "Tokyo" not in first.text
    assert (second.title, second.url, second.published) == ("Own title", "https://mine.example/q", dt.date(2020, 1, 2))
    assert third.text == "Rain in Lagos."


def test_an_html_column_in_csv_without_a_text_column(tmp_path: Path) -> None:
    path = tmp_path / "pages.csv"
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["id", "html"])
        for name, (title, paragraphs) in BODIES.items():
            writer.writerow([name, news_site(title, paragraphs, head=JSON_LD)])
    problems: list = []
    articles = list(read_articles([path], on_error=problems.append))
    assert problems == []
    assert [a.id for a in articles] == list(BODIES)
    for article, (title, paragraphs) in zip(articles, BODIES.values(), strict=True):
        assert article.title == title and article.published == dt.date(2019, 4, 16)
        assert paragraphs[1] in article.text and "Related stories" not in article.text


def test_an_empty_page_in_a_record_is_reported_not_fatal(tmp_path: Path) -> None:
    path = tmp_path / "pages.jsonl"
    rows = [
        {"id": "e", "html": "<html><body><script>x()</script></body></html>"},
        {"id": "ok", "text": "Snow in Oslo."},
    ]
    path.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    problems: list = []
    articles = list(read_articles([path], on_error=problems.append))
    assert [a.id for a in articles] == ["ok"]
    assert len(problems) == 1 and problems[0].line == 1 and "empty" in problems[0].message


def test_pages_with_nothing_in_them_raise_no_library_noise(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    import logging

    path = tmp_path / "pages.jsonl"
    rows = [{"id": "a", "html": ""}, {"id": "b", "html": "<<<>>>"}, {"id": "c", "html": "<html></html>"}]
    path.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    problems: list = []
    with caplog.at_level(logging.DEBUG):
        articles = list(read_articles([path], on_error=problems.append))
    assert [a.text for a in articles] == ["<<<>>>"]  # read whole by the fallback: it is all the page has
    assert [p.line for p in problems] == [1, 3]  # the empty ones, reported by geo itself
    assert not [r for r in caplog.records if r.name.split(".")[0] in {"trafilatura", "htmldate"}]
