"""Reading articles: every format, good and bad rows, stdin, directories, ids, encodings."""

from __future__ import annotations

import datetime as dt
import doctest
import gzip
import io
import json
import logging
import sys
from pathlib import Path

import pytest

import geo.parsing.articles
from geo.errors import InputError
from geo.model import Article
from geo.parsing.articles import ArticleProblem, article_from_text, parse_article_text, read_articles

SEEDS = Path(__file__).resolve().parent.parent / "seeds"


class Problems(list):
    """Collects problems; ``at(line)`` picks the ones reported for one line."""

    def at(self, line: int | None) -> list[ArticleProblem]:
        return [p for p in self if p.line == line]


def read(*paths: object, **options: object) -> tuple[list[Article], Problems]:
    problems = Problems()
    articles = list(read_articles([str(p) for p in paths], on_error=problems.append, **options))
    return articles, problems


def write_jsonl(path: Path, rows: list[object]) -> Path:
    path.write_text("\n".join(r if isinstance(r, str) else json.dumps(r) for r in rows) + "\n", encoding="utf-8")
    return path


# -- the seed format and plain text --------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "published", "start"),
    [
        ("000_3f32031976f0a617.txt", dt.date(2025, 11, 8), "During"),
        ("002_074ed6157461f61d.txt", dt.date(2023, 10, 4), "Top US"),
    ],
)
def test_seed_files_parse_with_their_dates_and_bodies(name: str, published: dt.date, start: str) -> None:
    articles, problems = read(SEEDS / name)
    assert problems == []
    [article] = articles
    assert article.published == published
    assert article.text.startswith(start)
    assert article.id == name.removesuffix(".txt")
    assert article.source == str(SEEDS / name)
    raw = (SEEDS / name).read_text(encoding="utf-8")
    assert raw.endswith(article.text)


def test_seed_directory_yields_both_in_sorted_order() -> None:
    articles, problems = read(SEEDS)
    assert problems == []
    assert [a.id for a in articles] == sorted(p.stem for p in SEEDS.glob("*.txt"))


def test_header_body_starts_after_date_and_its_whitespace() -> None:
    article = parse_article_text("  date 2024-02-29 \n\n  Body here.\n", id="x")
    assert article.published == dt.date(2024, 2, 29)
    assert article.text == "Body here.\n"


def test_header_accepts_datetime_and_capitalised_colon_form() -> None:
    assert parse_article_text("date 2024-01-02T10:30:00Z Kyiv.", id="x").published == dt.date(2024, 1, 2)
    article = parse_article_text("Date: 2024-01-03 Kyiv.", id="x")
    assert (article.published, article.text) == (dt.date(2024, 1, 3), "Kyiv.")


def test_plain_text_keeps_whole_body_and_default_date() -> None:
    raw = "Protests in Tbilisi.\nMore text."
    assert parse_article_text(raw, id="x").published is None
    article = parse_article_text(raw, id="x", default_date=dt.date(2020, 5, 1))
    assert (article.text, article.published) == (raw, dt.date(2020, 5, 1))


def test_prose_starting_with_date_word_is_not_a_header() -> None:
    problems = Problems()
    article = parse_article_text("Date palms grow in Basra.", id="x", on_error=problems.append)
    assert article.text == "Date palms grow in Basra."
    assert problems == []


@pytest.mark.parametrize("raw", ["date 2023-13-45 Fighting near Bakhmut.", "date yesterday Fighting near Bakhmut."])
def test_malformed_header_is_reported_on_line_1_and_text_kept(tmp_path: Path, raw: str) -> None:
    path = tmp_path / "bad.txt"
    path.write_text(raw, encoding="utf-8")
    articles, problems = read(path, default_date=dt.date(2022, 1, 1))
    [article] = articles
    assert article.text == raw
    assert article.published == dt.date(2022, 1, 1)
    [problem] = problems
    assert (problem.source, problem.line, problem.fatal) == (str(path), 1, False)
    assert "date" in problem.message and "YYYY-MM-DD" in problem.message
    assert raw.split()[1] in problem.message


def test_malformed_header_without_handler_is_logged(caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.WARNING, logger="geo.parsing.articles"):
        article = parse_article_text("date 2023-02-30 Text.", id="doc", source="doc.txt")
    assert article.text == "date 2023-02-30 Text."
    assert any("doc.txt:1" in r.getMessage() and "2023-02-30" in r.getMessage() for r in caplog.records)


def test_article_from_text_understands_header_and_explicit_date_wins() -> None:
    article = article_from_text(" date 2025-11-08 During talks in Moscow.", id="a", title="T")
    assert (article.id, article.published, article.text, article.title) == (
        "a",
        dt.date(2025, 11, 8),
        "During talks in Moscow.",
        "T",
    )
    assert article_from_text("date 2025-11-08 x", published=dt.date(2020, 1, 1)).published == dt.date(2020, 1, 1)
    assert article_from_text("Just text.").id == "text"


def test_empty_and_whitespace_files_are_reported_and_skipped(tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text("", encoding="utf-8")
    (tmp_path / "b.txt").write_text("  \n\t\n", encoding="utf-8")
    (tmp_path / "c.txt").write_text("date 2024-01-01   \n", encoding="utf-8")
    articles, problems = read(tmp_path / "a.txt", tmp_path / "b.txt", tmp_path / "c.txt")
    assert articles == []
    assert [p.source for p in problems] == [str(tmp_path / n) for n in ("a.txt", "b.txt", "c.txt")]
    assert all("empty" in p.message and not p.fatal for p in problems)


def test_crlf_text_is_normalised(tmp_path: Path) -> None:
    path = tmp_path / "win.txt"
    path.write_bytes(b"\xef\xbb\xbfdate 2024-03-01 Line one.\r\nLine two.\r\n")
    [article], problems = read(path)
    assert problems == []
    assert article.text == "Line one.\nLine two.\n"
    assert article.published == dt.date(2024, 3, 1)


def test_markdown_title_from_heading(tmp_path: Path) -> None:
    path = tmp_path / "note.md"
    path.write_text("# Floods in Valencia\n\nRain fell.", encoding="utf-8")
    [article], _ = read(path)
    assert article.title == "Floods in Valencia"
    assert article.text.startswith("# Floods")


def test_html_is_stripped_with_title_and_meta_date(tmp_path: Path) -> None:
    path = tmp_path / "page.html"
    path.write_text(
        "<html><head><title> Quake &amp; aftershocks </title>"
        '<meta property="article:published_time" content="2023-02-06T04:17:00Z">'
        "<style>p {color: red}</style><script>var x = '<p>Ankara</p>';</script></head>"
        "<body><h1>Quake</h1><p>Buildings fell in\n   Gaziantep.</p>"
        "<p>Aid reached Hatay.<br>More soon.</p></body></html>",
        encoding="utf-8",
    )
    [article], problems = read(path)
    assert problems == []
    assert article.title == "Quake & aftershocks"
    assert article.published == dt.date(2023, 2, 6)
    assert article.text == "Quake\n\nBuildings fell in Gaziantep.\n\nAid reached Hatay.\nMore soon."
    assert "Ankara" not in article.text and "color" not in article.text


# -- JSON Lines ----------------------------------------------------------------------------------


def test_jsonl_good_and_bad_lines(tmp_path: Path) -> None:
    path = write_jsonl(
        tmp_path / "news.jsonl",
        [
            {
                "id": "a1",
                "text": "Talks in Geneva.",
                "title": "Talks",
                "date": "2024-05-06T12:00:00+02:00",
                "url": "http://x/1",
            },
            "{not json",
            {"title": "no text here"},
            {"text": "   "},
            {"text": "Strikes on Odesa.", "date": "sometime"},
            "",
            ["a", "list"],
            {"text": 42},
            {"text": "Rain in Lagos.", "date": "2021-07-08"},
            {"text": "Plain.", "date": None},
        ],
    )
    articles, problems = read(path, default_date=dt.date(2000, 1, 1))
    assert [a.id for a in articles] == ["a1", "news:5", "news:9", "news:10"]
    first = articles[0]
    assert (first.title, first.url, first.source) == ("Talks", "http://x/1", f"{path}:1")
    assert first.published == dt.date(2024, 5, 6)
    assert articles[1].published == dt.date(2000, 1, 1)
    assert articles[2].published == dt.date(2021, 7, 8)
    assert articles[3].published == dt.date(2000, 1, 1)
    assert sorted(p.line for p in problems) == [2, 3, 4, 5, 7, 8]
    assert not any(p.fatal for p in problems)
    assert "JSON" in problems.at(2)[0].message
    assert "'text'" in problems.at(3)[0].message
    assert "empty" in problems.at(4)[0].message
    assert "sometime" in problems.at(5)[0].message and "2000-01-01" in problems.at(5)[0].message
    assert "object" in problems.at(7)[0].message
    assert "int" in problems.at(8)[0].message


def test_jsonl_configurable_columns_and_header_in_text(tmp_path: Path) -> None:
    path = write_jsonl(
        tmp_path / "feed.ndjson",
        [{"body": "date 2022-02-24 Kyiv was shelled.", "when": ""}, {"body": "Lviv.", "when": "2022-03-01"}],
    )
    articles, problems = read(path, text_column="body", date_column="when")
    assert problems == []
    assert [(a.text, a.published) for a in articles] == [
        ("Kyiv was shelled.", dt.date(2022, 2, 24)),
        ("Lviv.", dt.date(2022, 3, 1)),
    ]


def test_jsonl_gz(tmp_path: Path) -> None:
    path = tmp_path / "wire.jsonl.gz"
    with gzip.open(path, "wt", encoding="utf-8") as out:
        out.write(json.dumps({"text": "Riots in Dakar."}) + "\n" + json.dumps({"text": "Calm in Accra."}) + "\n")
    articles, problems = read(path)
    assert problems == []
    assert [(a.id, a.text) for a in articles] == [("wire:1", "Riots in Dakar."), ("wire:2", "Calm in Accra.")]


def test_json_array_is_a_fatal_problem_with_a_remedy(tmp_path: Path) -> None:
    path = tmp_path / "dump.json"
    path.write_text('[\n  {"text": "a"},\n  {"text": "b"}\n]\n', encoding="utf-8")
    articles, problems = read(path)
    assert articles == []
    [problem] = problems
    assert problem.fatal and problem.line == 1 and "one object per line" in problem.message


def test_truncated_gzip_is_fatal_and_keeps_what_came_before(tmp_path: Path) -> None:
    data = gzip.compress(b"".join(json.dumps({"text": f"Item {i} " * 50}).encode() + b"\n" for i in range(200)))
    path = tmp_path / "cut.jsonl.gz"
    path.write_bytes(data[: len(data) // 2])
    other = write_jsonl(tmp_path / "ok.jsonl", [{"text": "After."}])
    articles, problems = read(path, other)
    assert articles[-1].text == "After."
    assert len(articles) > 1
    assert [p.fatal for p in problems] == [True]
    assert problems[0].source == str(path)


# -- CSV -----------------------------------------------------------------------------------------


def test_csv_good_and_bad_rows_with_line_numbers(tmp_path: Path) -> None:
    path = tmp_path / "news.csv"
    path.write_text(
        "id,title,text,date,url\n"
        'n1,First,"Clashes in Khartoum,\nthen calm.",2023-04-15,http://a\n'
        ",,   ,2023-01-01,\n"
        ",Second,Floods in Derna.,15/09/2023,\n"
        "\n"
        ",Third,Quiet in Tripoli.,,\n"
        "n1,Dup,Same id.,2023-01-02,\n",
        encoding="utf-8",
    )
    articles, problems = read(path)
    assert [a.id for a in articles] == ["n1", "news:5", "news:7", "n1#2"]
    assert articles[0].text == "Clashes in Khartoum,\nthen calm."
    assert (articles[0].title, articles[0].url, articles[0].published) == ("First", "http://a", dt.date(2023, 4, 15))
    assert articles[1].published is None and articles[1].source == f"{path}:5"
    assert [(p.line, p.fatal) for p in problems] == [(4, False), (5, False)]
    assert "empty" in problems[0].message and "15/09/2023" in problems[1].message


def test_csv_problem_lines(tmp_path: Path) -> None:
    path = tmp_path / "rows.csv"
    path.write_text("text,date\nGood one.,2020-01-01\n ,2020-01-02\nBad date.,nope\n", encoding="utf-8")
    articles, problems = read(path)
    assert [a.text for a in articles] == ["Good one.", "Bad date."]
    assert [(p.line, p.fatal) for p in problems] == [(3, False), (4, False)]
    assert "empty" in problems[0].message and "nope" in problems[1].message


def test_csv_without_text_column_is_fatal(tmp_path: Path) -> None:
    path = tmp_path / "wrong.csv"
    path.write_text("body,date\nSomething.,2020-01-01\n", encoding="utf-8")
    articles, problems = read(path)
    assert articles == []
    [problem] = problems
    assert problem.fatal and "'text'" in problem.message and "--text-column" in problem.message
    articles, problems = read(path, text_column="body")
    assert [a.text for a in articles] == ["Something."] and problems == []


def test_csv_record_with_extra_fields_is_reported(tmp_path: Path) -> None:
    path = tmp_path / "extra.csv"
    path.write_text("text,date\nA, B,2020-01-01\n", encoding="utf-8")
    articles, problems = read(path)
    assert [a.text for a in articles] == ["A"]
    assert [p.line for p in problems] == [2, 2]  # field count, and " B" is not a date
    assert "3 fields" in problems[0].message


def test_tsv_semicolon_csv_and_huge_field_in_gz(tmp_path: Path) -> None:
    tsv = tmp_path / "a.tsv"
    tsv.write_text("Text\tDate\nOne, with comma.\t2020-02-02\n", encoding="utf-8")
    semi = tmp_path / "b.csv"
    semi.write_text("text;date\nTwo.;2020-03-03\n", encoding="utf-8")
    big = tmp_path / "c.csv.gz"
    huge = "Moscow " * 40_000  # well past csv's default 128 KiB field limit
    with gzip.open(big, "wt", encoding="utf-8", newline="") as out:
        out.write(f'text\n"{huge}"\n')
    articles, problems = read(tsv, semi, big)
    assert problems == []
    assert [(a.id, a.published) for a in articles] == [
        ("a:2", dt.date(2020, 2, 2)),
        ("b:2", dt.date(2020, 3, 3)),
        ("c:2", None),
    ]
    assert articles[0].text == "One, with comma."
    assert articles[2].text == huge


# -- Parquet -------------------------------------------------------------------------------------


def test_parquet_in_batches_with_bad_rows(tmp_path: Path) -> None:
    pa = pytest.importorskip("pyarrow")
    pq = pytest.importorskip("pyarrow.parquet")
    n = 600  # more than one batch
    texts = [f"Report {i} from Aleppo." for i in range(n)]
    texts[3] = ""
    texts[4] = None
    dates = [dt.date(2020, 1, 1) + dt.timedelta(days=i) for i in range(n)]
    table = pa.table({"text": texts, "date": dates, "title": [f"T{i}" for i in range(n)]})
    path = tmp_path / "big.parquet"
    pq.write_table(table, path, row_group_size=250)
    articles, problems = read(path)
    assert len(articles) == n - 2
    assert articles[0].id == "big:1" and articles[0].published == dt.date(2020, 1, 1)
    assert articles[-1].id == f"big:{n}" and articles[-1].title == f"T{n - 1}"
    assert articles[-1].published == dates[-1]
    assert [(p.line, p.fatal) for p in problems] == [(4, False), (5, False)]


def test_parquet_string_dates_ids_and_missing_text_column(tmp_path: Path) -> None:
    pa = pytest.importorskip("pyarrow")
    pq = pytest.importorskip("pyarrow.parquet")
    good = tmp_path / "g.parquet"
    pq.write_table(pa.table({"id": [7, 8], "text": ["A.", "B."], "date": ["2021-01-01 10:00", "bad"]}), good)
    wrong = tmp_path / "w.parquet"
    pq.write_table(pa.table({"content": ["A."]}), wrong)
    broken = tmp_path / "x.parquet"
    broken.write_bytes(b"PAR1 not really")
    articles, problems = read(good, wrong, broken)
    assert [(a.id, a.published) for a in articles] == [("7", dt.date(2021, 1, 1)), ("8", None)]
    assert [(p.source, p.line, p.fatal) for p in problems] == [
        (str(good), 2, False),
        (str(wrong), None, True),
        (str(broken), None, True),
    ]
    assert "content" in problems[1].message


# -- standard input ------------------------------------------------------------------------------


def fake_stdin(monkeypatch: pytest.MonkeyPatch, data: bytes) -> io.TextIOWrapper:
    stream = io.TextIOWrapper(io.BytesIO(data), encoding="utf-8")
    monkeypatch.setattr(sys, "stdin", stream)
    return stream


def test_stdin_plain_text_with_header(monkeypatch: pytest.MonkeyPatch) -> None:
    stream = fake_stdin(monkeypatch, b" date 2023-10-04 Top US officials met in Istanbul.\n")
    articles, problems = read("-")
    assert problems == []
    assert [(a.id, a.published, a.text, a.source) for a in articles] == [
        ("stdin", dt.date(2023, 10, 4), "Top US officials met in Istanbul.\n", "<stdin>")
    ]
    assert not stream.buffer.closed  # reading must not close the process's stdin


def test_stdin_jsonl_is_sniffed(monkeypatch: pytest.MonkeyPatch) -> None:
    fake_stdin(monkeypatch, b'\n{"text": "A in Baku."}\nnot json\n{"text": "B in Yerevan."}\n')
    articles, problems = read("-")
    assert [(a.id, a.source) for a in articles] == [("stdin:2", "<stdin>:2"), ("stdin:4", "<stdin>:4")]
    assert [(p.source, p.line) for p in problems] == [("<stdin>", 3)]


def test_stdin_csv_and_gzip_are_sniffed(monkeypatch: pytest.MonkeyPatch) -> None:
    fake_stdin(monkeypatch, gzip.compress(b"title,text\nT,Snow in Oslo.\n"))
    [article], problems = read("-")
    assert problems == []
    assert (article.id, article.title, article.text) == ("stdin:2", "T", "Snow in Oslo.")


def test_stdin_parquet_is_sniffed(monkeypatch: pytest.MonkeyPatch) -> None:
    pa = pytest.importorskip("pyarrow")
    pq = pytest.importorskip("pyarrow.parquet")
    sink = io.BytesIO()
    pq.write_table(pa.table({"text": ["Fog in Lima."]}), sink)
    fake_stdin(monkeypatch, sink.getvalue())
    [article], problems = read("-")
    assert (article.id, article.text, problems) == ("stdin:1", "Fog in Lima.", [])


def test_stdin_text_only_stream(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sys, "stdin", io.StringIO("Heat in Delhi."))
    [article], _ = read("-")
    assert (article.id, article.text) == ("stdin", "Heat in Delhi.")


# -- directories, ids, missing paths -------------------------------------------------------------


def test_directory_recursion_sorted_skips_hidden_and_unknown(tmp_path: Path) -> None:
    (tmp_path / "b").mkdir()
    (tmp_path / "b" / "z.txt").write_text("Z in Riga.", encoding="utf-8")
    (tmp_path / "a.txt").write_text("A in Oslo.", encoding="utf-8")
    (tmp_path / "c.txt.gz").write_bytes(gzip.compress(b"C in Bern."))
    (tmp_path / ".hidden.txt").write_text("Hidden.", encoding="utf-8")
    (tmp_path / ".git").mkdir()
    (tmp_path / ".git" / "x.txt").write_text("Also hidden.", encoding="utf-8")
    (tmp_path / "image.png").write_bytes(b"\x89PNG")
    write_jsonl(tmp_path / "b" / "y.jsonl", [{"text": "Y in Rome."}])
    articles, problems = read(tmp_path)
    assert problems == []
    assert [a.text for a in articles] == ["A in Oslo.", "Y in Rome.", "Z in Riga.", "C in Bern."]
    assert [a.id for a in articles] == ["a", "y:1", "z", "c"]


def test_empty_directory_is_a_fatal_problem(tmp_path: Path) -> None:
    (tmp_path / "notes.docx").write_bytes(b"PK")
    articles, problems = read(tmp_path)
    assert articles == []
    [problem] = problems
    assert problem.fatal and ".txt" in problem.message


def test_duplicate_ids_get_suffixes_across_files(tmp_path: Path) -> None:
    (tmp_path / "one").mkdir()
    (tmp_path / "two").mkdir()
    (tmp_path / "one" / "story.txt").write_text("First.", encoding="utf-8")
    (tmp_path / "two" / "story.md").write_text("Second.", encoding="utf-8")
    write_jsonl(tmp_path / "two" / "z.jsonl", [{"id": "story", "text": "Third."}, {"id": "story#2", "text": "Fourth."}])
    articles, _ = read(tmp_path)
    ids = [a.id for a in articles]
    assert ids == ["story", "story#2", "story#3", "story#2#2"]
    assert len(set(ids)) == len(ids)


def test_missing_path_is_fatal_and_others_still_read(tmp_path: Path) -> None:
    good = tmp_path / "ok.txt"
    good.write_text("Fine.", encoding="utf-8")
    missing = tmp_path / "nope.txt"
    articles, problems = read(missing, good)
    assert [a.text for a in articles] == ["Fine."]
    [problem] = problems
    assert (problem.source, problem.line, problem.fatal) == (str(missing), None, True)
    assert "check the path" in problem.message
    error = problem.to_error()
    assert isinstance(error, InputError) and str(missing) in str(error)


def test_problems_without_handler_are_logged(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.WARNING, logger="geo.parsing.articles"):
        assert list(read_articles(tmp_path / "absent.csv")) == []
    assert any("absent.csv" in r.getMessage() and r.levelno == logging.WARNING for r in caplog.records)


def test_handler_may_stop_the_run(tmp_path: Path) -> None:
    path = write_jsonl(tmp_path / "x.jsonl", ["oops", {"text": "never reached"}])

    def stop(problem: ArticleProblem) -> None:
        raise problem.to_error()

    with pytest.raises(InputError, match=r"x\.jsonl:1"):
        list(read_articles(path, on_error=stop))


def test_bad_options_raise_at_call_time() -> None:
    with pytest.raises(InputError, match="encoding"):
        read_articles("x.txt", encoding="no-such-codec")
    with pytest.raises(InputError, match="text_column"):
        read_articles("x.txt", text_column="")


def test_unknown_extension_given_explicitly_is_sniffed(tmp_path: Path) -> None:
    lines = tmp_path / "export.dat"
    write_jsonl(lines, [{"text": "Sniffed JSON."}])
    prose = tmp_path / "README"
    prose.write_text("date 2020-01-01 Sniffed prose.", encoding="utf-8")
    articles, problems = read(lines, prose)
    assert problems == []
    assert [(a.id, a.text, a.published) for a in articles] == [
        ("export:1", "Sniffed JSON.", None),
        ("README", "Sniffed prose.", dt.date(2020, 1, 1)),
    ]


# -- encodings -----------------------------------------------------------------------------------


def test_undecodable_bytes_in_text_are_replaced_and_reported(tmp_path: Path) -> None:
    path = tmp_path / "latin.txt"
    path.write_bytes("First line.\nCaf\xe9 in Li\xe8ge.\n".encode("latin-1"))
    [article], problems = read(path)
    assert article.text == "First line.\nCaf\ufffd in Li\ufffdge.\n"
    [problem] = problems
    assert (problem.source, problem.line, problem.fatal) == (str(path), 2, False)
    assert "utf-8" in problem.message and "--encoding" in problem.message
    [article], problems = read(path, encoding="latin-1")
    assert "Café in Liège" in article.text and problems == []


def test_undecodable_bytes_in_jsonl_and_csv_name_the_line(tmp_path: Path) -> None:
    jsonl = tmp_path / "a.jsonl"
    jsonl.write_bytes(b'{"text": "ok"}\n{"text": "bad \xff byte"}\n')
    csv_path = tmp_path / "b.csv"
    csv_path.write_bytes(b'text\nfine\n"two\nli\xfe\xfene"\n')
    articles, problems = read(jsonl, csv_path)
    assert [a.text for a in articles] == ["ok", "bad \ufffd byte", "fine", "two\nli\ufffdne"]
    assert [(p.source, p.line, p.fatal) for p in problems] == [(str(jsonl), 2, False), (str(csv_path), 4, False)]


def test_utf16_text_with_encoding_option(tmp_path: Path) -> None:
    path = tmp_path / "wide.csv"
    path.write_bytes("text,date\nÜrümqi news.,2024-01-01\n".encode("utf-16"))
    [article], problems = read(path, encoding="utf-16")
    assert problems == []
    assert (article.text, article.published) == ("Ürümqi news.", dt.date(2024, 1, 1))


def test_docstring_examples_run() -> None:
    result = doctest.testmod(geo.parsing.articles)
    assert result.attempted > 0
    assert result.failed == 0
