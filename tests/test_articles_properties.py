"""Property tests for reading articles: bodies round-trip, nothing crashes on odd input."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import sys
import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from geo.parsing.articles import ArticleProblem, parse_article_text, read_articles

FILE_SETTINGS = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])

# \s in Python patterns and str.isspace() agree, so these are all header whitespace.
SPACES = st.text(alphabet=" \t\n\r\f\v\u00a0\u2003\u3000\x85", max_size=4)
SAME_LINE = st.text(alphabet=" \t\u00a0\u2009", min_size=1, max_size=3)
DATES = st.dates(min_value=dt.date(1000, 1, 1), max_value=dt.date(9999, 12, 31))


def starts_like_header(text: str) -> bool:
    return text.lstrip()[:4].casefold() == "date"


@given(lead=SPACES, sep=SAME_LINE, published=DATES, gap=SPACES, body=st.text())
def test_header_is_removed_and_body_kept_exactly(lead: str, sep: str, published: dt.date, gap: str, body: str) -> None:
    assume(not body[:1].isspace())
    assume(gap or not body)  # the date must end at whitespace or at the end of the text
    raw = f"{lead}date{sep}{published.isoformat()}{gap}{body}"
    problems: list[ArticleProblem] = []
    article = parse_article_text(raw, id="p", default_date=dt.date(1999, 1, 1), on_error=problems.append)
    assert article.published == published
    assert article.text == body
    assert problems == []


@given(body=st.text())
def test_text_without_header_is_kept_whole(body: str) -> None:
    assume(not starts_like_header(body))
    article = parse_article_text(body, id="p", default_date=dt.date(1999, 1, 1))
    assert article.text == body
    assert article.published == dt.date(1999, 1, 1)


@given(raw=st.text())
def test_any_text_body_is_a_suffix_of_the_input(raw: str) -> None:
    problems: list[ArticleProblem] = []
    article = parse_article_text(raw, id="p", on_error=problems.append)
    assert raw.endswith(article.text)
    assert all(not p.fatal and p.line is not None for p in problems)
    if article.published is not None:
        assert article.text != raw or raw == ""


def clean_body(body: str) -> bool:
    # Newlines are normalised and a leading BOM dropped in files; blank bodies are skipped.
    return bool(body.strip()) and "\r" not in body and not body.startswith("\ufeff") and not starts_like_header(body)


@FILE_SETTINGS
@given(body=st.text(min_size=1), published=st.none() | DATES)
def test_text_file_round_trip(body: str, published: dt.date | None) -> None:
    assume(clean_body(body) and not body[:1].isspace())
    raw = body if published is None else f"date {published.isoformat()} {body}"
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder, "a.txt")
        path.write_bytes(raw.encode("utf-8"))
        problems: list[ArticleProblem] = []
        [article] = read_articles(path, on_error=problems.append)
    assert (article.text, article.published, problems) == (body, published, [])


@FILE_SETTINGS
@given(bodies=st.lists(st.text(min_size=1), min_size=1, max_size=5))
def test_jsonl_and_csv_round_trip(bodies: list[str]) -> None:
    assume(all(b.strip() and not starts_like_header(b) for b in bodies))
    with tempfile.TemporaryDirectory() as folder:
        jsonl = Path(folder, "a.jsonl")
        jsonl.write_text("".join(json.dumps({"text": b}) + "\n" for b in bodies), encoding="utf-8")
        table = Path(folder, "b.csv")
        with table.open("w", encoding="utf-8", newline="") as out:
            writer = csv.writer(out)
            writer.writerow(["id", "text"])
            writer.writerows([i, b] for i, b in enumerate(bodies))
        problems: list[ArticleProblem] = []
        articles = list(read_articles([jsonl, table], on_error=problems.append))
    assert problems == []
    assert [a.text for a in articles] == bodies + bodies
    assert len({a.id for a in articles}) == len(articles)


FORMATS = [".txt", ".md", ".html", ".jsonl", ".csv", ".tsv", ".parquet", ".jsonl.gz", ".dat"]


@FILE_SETTINGS
@given(data=st.binary(max_size=400), suffix=st.sampled_from(FORMATS))
def test_arbitrary_bytes_in_any_format_never_raise(data: bytes, suffix: str) -> None:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder, "x" + suffix)
        path.write_bytes(data)
        problems: list[ArticleProblem] = []
        articles = list(read_articles(path, on_error=problems.append))
    for article in articles:
        assert article.text.strip()
        assert article.source.startswith(str(path))
    assert all(p.source == str(path) for p in problems)


MARKUP = st.text(alphabet=st.sampled_from(list("<>/&;#=\"' !-[]{}:,\n\tabpdiv0123xtitlescript")), max_size=300)


@FILE_SETTINGS
@given(page=MARKUP, suffix=st.sampled_from([".html", ".md", ".txt", ".csv", ".jsonl"]))
def test_markup_and_punctuation_never_raise(page: str, suffix: str) -> None:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder, "m" + suffix)
        path.write_text(page, encoding="utf-8")
        problems: list[ArticleProblem] = []
        articles = list(read_articles(path, on_error=problems.append))
    assert all(a.text.strip() and "<script" not in a.text for a in articles if suffix == ".html")


@FILE_SETTINGS
@given(data=st.binary(max_size=300))
def test_arbitrary_stdin_never_raises(monkeypatch: pytest.MonkeyPatch, data: bytes) -> None:
    stream = io.TextIOWrapper(io.BytesIO(data), encoding="utf-8")
    monkeypatch.setattr(sys, "stdin", stream)
    problems: list[ArticleProblem] = []
    articles = list(read_articles("-", on_error=problems.append))
    assert all(a.id.startswith("stdin") for a in articles)
    assert all(p.source == "<stdin>" for p in problems)


def test_huge_lines_in_every_line_format(tmp_path: Path) -> None:
    body = ("Kharkiv " * 300_000).strip()  # a 2.4 MB line
    (tmp_path / "a.jsonl").write_text(json.dumps({"text": body}) + "\n", encoding="utf-8")
    (tmp_path / "b.csv").write_text(f"text\n{body}\n", encoding="utf-8")
    (tmp_path / "c.txt").write_text(body, encoding="utf-8")
    (tmp_path / "d.html").write_text(f"<p>{body}</p>", encoding="utf-8")
    problems: list[ArticleProblem] = []
    articles = list(read_articles(tmp_path, on_error=problems.append))
    assert problems == []
    assert [a.id for a in articles] == ["a:1", "b:2", "c", "d"]
    assert all(a.text == body for a in articles)
