"""Web archives as input: every HTML page of a ``.warc`` / ``.warc.gz`` is an article, read like an ``.html`` file.

The archives are written here with warcio itself: HTTP responses of news pages
in a site template, with the records a crawl also holds (requests, an image, a
redirect, a 404 page) that are no articles.
"""

from __future__ import annotations

import gzip
import io
from pathlib import Path

import pytest

from geo.parsing.articles import ArticleProblem, read_articles

warcio = pytest.importorskip("warcio", reason="web archives need warcio (pip install 'geo-newsmap[warc]')")
from warcio.statusandheaders import StatusAndHeaders  # noqa: E402
from warcio.warcwriter import WARCWriter  # noqa: E402

TEMPLATE = (
    "<html><head><meta charset='{declared}'><title>{title} | Daily Planet</title></head><body>"
    "<nav><a href='/'>Home</a> <a href='/lisbon'>Lisbon</a> <a href='/oslo'>Oslo</a></nav>"
    "<article><h1>{title}</h1><time datetime='{date}'>{date}</time>{body}</article>"
    "<footer>Offices in Nairobi and Lima</footer></body></html>"
)
PAGES = [
    (
        "https://news.example/quake",
        "Quake shakes Izmir",
        "2020-10-30",
        "<p>A strong earthquake shook Izmir on Friday, and the tremor was felt as far as Athens and the islands "
        "of the eastern Aegean, where residents ran into the streets.</p>"
        "<p>Rescue teams from Ankara reached the city by nightfall, officials said.</p>",
    ),
    (
        "https://news.example/flood",
        "Floods in Dresden",
        "2002-08-17",
        "<p>The Elbe rose above nine metres in Dresden on Saturday, the highest level on record, and thousands "
        "were moved from the old town as the water reached the Zwinger.</p>",
    ),
]


def _response(writer: WARCWriter, url: str, body: bytes, content_type: str, status: str = "200 OK") -> None:
    http = StatusAndHeaders(status, [("Content-Type", content_type)], protocol="HTTP/1.1")
    writer.write_record(writer.create_warc_record(url, "response", payload=io.BytesIO(body), http_headers=http))


def write_archive(
    path: Path, *, gzip_records: bool, charset: str = "utf-8", declared: str = "", pages: list = PAGES
) -> None:
    """An archive of ``pages`` encoded in ``charset``, which the HTTP header names (the page says ``declared``)."""
    with open(path, "wb") as out:
        writer = WARCWriter(out, gzip=gzip_records)
        writer.write_record(writer.create_warcinfo_record(path.name, {"software": "test"}))
        for url, title, date, body in pages:
            request = StatusAndHeaders("GET / HTTP/1.1", [("Host", "news.example")], is_http_request=True)
            writer.write_record(
                writer.create_warc_record(url, "request", payload=io.BytesIO(b""), http_headers=request)
            )
            page = TEMPLATE.format(title=title, date=date, body=body, declared=declared or charset).encode(charset)
            _response(writer, url, page, f"text/html; charset={charset}")
        _response(writer, "https://news.example/logo.png", b"\x89PNG\r\n\x1a\n", "image/png")
        _response(writer, "https://news.example/old", b"", "text/html", status="301 Moved Permanently")
        _response(writer, "https://news.example/gone", b"<html><body>Not found in Paris</body></html>", "text/html",
                  status="404 Not Found")  # fmt: skip


@pytest.mark.parametrize("name,gzip_records", [("crawl.warc", False), ("crawl.warc.gz", True)])
def test_each_html_response_is_an_article(tmp_path, name, gzip_records):
    archive = tmp_path / name
    write_archive(archive, gzip_records=gzip_records)
    problems: list[ArticleProblem] = []
    articles = list(read_articles([archive], on_error=problems.append))
    assert problems == []
    assert [a.url for a in articles] == [url for url, *_ in PAGES]
    quake, flood = articles
    # The article's own text, through the HTML reader: not the site's navigation or footer.
    assert "Izmir" in quake.text and "Ankara" in quake.text
    assert "Oslo" not in quake.text and "Nairobi" not in quake.text
    assert quake.title == "Quake shakes Izmir" and str(quake.published) == "2020-10-30"
    assert "Dresden" in flood.text and str(flood.published) == "2002-08-17"
    # The record id names the article; the source says where in the archive it is.
    assert quake.id.startswith("<urn:uuid:") and quake.id != flood.id
    assert quake.source.startswith(f"{archive}:")


def test_a_charset_from_the_http_header_decodes_the_page(tmp_path):
    archive = tmp_path / "latin.warc"
    page = ("https://news.example/zurich", "Zürich votes", "2021-06-13",
            "<p>Voters in Zürich and Genève backed the measure on Sunday, the federal chancellery in Bern "
            "said, with turnout above sixty per cent across the cantons.</p>")  # fmt: skip
    # The page declares the wrong charset, as saved pages often do; it is read right all the same.
    write_archive(archive, gzip_records=False, charset="iso-8859-1", declared="utf-8", pages=[page])
    (article,) = read_articles([archive])
    assert "Zürich" in article.text and "Genève" in article.text


def test_a_damaged_archive_is_reported_and_other_inputs_are_read(tmp_path, capfd):
    good = tmp_path / "good.warc.gz"
    write_archive(good, gzip_records=True)
    bad = tmp_path / "bad.warc"
    bad.write_bytes(b"this is not a web archive\r\n" * 20)
    truncated = tmp_path / "cut.warc.gz"
    truncated.write_bytes(good.read_bytes()[: good.stat().st_size // 2])
    problems: list[ArticleProblem] = []
    articles = list(read_articles([bad, good, truncated], on_error=problems.append))
    assert [a.url for a in articles][:2] == [url for url, *_ in PAGES]  # the good archive, whole
    by_source = {p.source: p for p in problems}
    assert by_source[str(bad)].fatal and "not a web archive" in by_source[str(bad)].message
    assert by_source[str(truncated)].fatal and "looks truncated" in by_source[str(truncated)].message
    assert capfd.readouterr().err == ""  # nothing of warcio's own on the terminal


@pytest.mark.parametrize("gzip_records", [False, True])
def test_a_cut_archive_keeps_the_pages_before_the_cut(tmp_path, gzip_records, capfd):
    archive = tmp_path / ("cut.warc.gz" if gzip_records else "cut.warc")
    write_archive(archive, gzip_records=gzip_records)
    data = archive.read_bytes()
    archive.write_bytes(data[: data.index(b"/flood", data.index(b"/flood") + 1) + 200] if not gzip_records
                        else data[: len(data) * 2 // 3])  # fmt: skip
    problems: list[ArticleProblem] = []
    articles = list(read_articles([archive], on_error=problems.append))
    assert [a.url for a in articles][:1] == ["https://news.example/quake"]
    assert len(problems) == 1 and problems[0].fatal, problems
    assert capfd.readouterr().err == ""


def test_a_record_with_a_wrong_length_is_reported_and_the_rest_read(tmp_path, capfd):
    archive = tmp_path / "crawl.warc"
    write_archive(archive, gzip_records=False)
    data = archive.read_bytes()
    # The first page's record claims more bytes than it has: what follows is read as best warcio can.
    first = data.index(b"WARC-Type: response")
    length_at = data.index(b"Content-Length: ", first) + len(b"Content-Length: ")
    length_end = data.index(b"\r\n", length_at)
    claimed = int(data[length_at:length_end]) - 40
    archive.write_bytes(data[:length_at] + str(claimed).encode() + data[length_end:])
    problems: list[ArticleProblem] = []
    articles = list(read_articles([archive], on_error=problems.append))
    assert any("the archive is damaged before this record" in p.message and not p.fatal for p in problems), problems
    assert "https://news.example/flood" in [a.url for a in articles]  # the page after the damage
    assert capfd.readouterr().err == ""


def test_an_archive_without_pages_says_so(tmp_path):
    archive = tmp_path / "images.warc"
    with open(archive, "wb") as out:
        writer = WARCWriter(out, gzip=False)
        _response(writer, "https://news.example/a.png", b"\x89PNG", "image/png")
    problems: list[ArticleProblem] = []
    assert list(read_articles([archive], on_error=problems.append)) == []
    assert [p.message for p in problems] == ["holds no HTML page (1 records read): nothing to parse"]


def test_a_warc_in_a_folder_is_found(tmp_path):
    write_archive(tmp_path / "crawl.warc.gz", gzip_records=True)
    with gzip.open(tmp_path / "crawl.warc.gz") as unpacked:
        assert unpacked.read(5) == b"WARC/"
    assert len(list(read_articles([tmp_path]))) == len(PAGES)
