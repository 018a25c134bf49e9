"""Large articles: parsed in chunks cut on sentence boundaries with exact offsets, and a per-article time budget."""

from __future__ import annotations

import itertools
import json
import time
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import geo
from geo.batch.run import ERRORS_NAME, read_mentions, run_batch
from geo.cli import main
from geo.errors import InputError
from geo.model import Article
from geo.parsing.pipeline import Geoparser, chunk_spans

CAPITALS = ["Paris", "Berlin", "Tokyo", "Nairobi", "Lima", "Cairo", "Madrid", "Oslo"]


def long_text(sentences: int) -> str:
    parts = []
    for i in range(sentences):
        city = CAPITALS[i % len(CAPITALS)]
        parts.append(f"On day {i} the delegation reached {city} and met officials there.")
        if i % 7 == 6:
            parts.append("\n\n")
    return " ".join(parts)


# -- cutting -------------------------------------------------------------------------------------


@settings(max_examples=200, deadline=None)
@given(text=st.text(alphabet=st.sampled_from(list("ab .!?\n\"')")), max_size=5000), size=st.integers(1000, 2500))
def test_chunks_cover_the_text_exactly_and_are_never_too_long(text: str, size: int) -> None:
    spans = chunk_spans(text, size)
    assert "".join(text[a:b] for a, b in spans) == text
    assert all(0 < b - a <= size for a, b in spans) or text == ""
    assert all(a1 == b0 for (_, b0), (a1, _) in itertools.pairwise(spans))


def test_chunks_end_after_a_sentence_or_paragraph() -> None:
    text = long_text(400)
    spans = chunk_spans(text, 3000)
    assert len(spans) > 5
    for start, end in spans[:-1]:
        piece = text[start:end]
        assert piece.rstrip().endswith(".") and piece[-1].isspace(), piece[-40:]
        assert end - start > 1500  # cut in the second half of the window, never tiny


def test_text_without_sentence_ends_or_spaces_is_cut_at_spaces_then_hard() -> None:
    words = "word " * 1000
    assert all(words[a:b].endswith(" ") for a, b in chunk_spans(words, 1000)[:-1])
    letters = "x" * 2500
    assert chunk_spans(letters, 1000) == [(0, 1000), (1000, 2000), (2000, 2500)]


# -- parsing in chunks ---------------------------------------------------------------------------


def test_chunked_parse_keeps_offsets_into_the_whole_article(geoparser) -> None:
    article = Article(id="big", text=long_text(300), title="")
    whole = geoparser.parse_article(article)
    chunked = Geoparser(geoparser.gazetteer, max_chars=2000)
    mentions = chunked.parse_article(article)
    assert len(chunk_spans(article.text, 2000)) > 5
    assert [(m.start, m.end, m.place.id) for m in mentions] == [(m.start, m.end, m.place.id) for m in whole]
    for m in mentions:
        assert article.text[m.start : m.end] == m.text
        assert article.text[m.sentence_start : m.sentence_start + len(m.sentence)] == m.sentence
        assert m.sentence_start <= m.start < m.end <= m.sentence_start + len(m.sentence)
    # Every chunk's mentions carry the article's title, the lead of its first sentence.
    assert {m.title for m in mentions} == {whole[0].title}


def test_max_chars_is_checked() -> None:
    for bad in (0, 999, "100000", 2.5, True):
        with pytest.raises(InputError, match="max_chars"):
            geo.parse("Talks in Paris.", max_chars=bad)  # type: ignore[arg-type]


def test_python_api_and_command_line_take_max_chars(geoparser, tmp_path: Path, full_gazetteer, capsys) -> None:
    text = long_text(120)
    frame = geo.parse([text], geoparser=geoparser, max_chars=1500)
    assert geoparser.max_chars != 1500  # the option applies to this call only
    assert all(text[s:e] == t for s, e, t in zip(frame["start"], frame["end"], frame["text"], strict=True))
    assert len(frame) == len(geoparser.parse_text(text))
    path = tmp_path / "big.txt"
    path.write_text(text, encoding="utf-8")
    cache = ["--cache-dir", str(full_gazetteer.path.parent)]
    assert main(["parse", str(path), "--max-chars", "1500", *cache]) == 0
    rows = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert [(r["start"], r["end"]) for r in rows] == list(zip(frame["start"], frame["end"], strict=True))
    assert main(["parse", str(path), "--max-chars", "10", *cache]) == 2
    assert "--max-chars" in capsys.readouterr().err


def test_batch_run_parses_in_chunks(full_gazetteer, tmp_path: Path, geoparser) -> None:
    text = long_text(200)
    feed = tmp_path / "big.jsonl"
    feed.write_text(json.dumps({"id": "big", "text": text}) + "\n", encoding="utf-8")
    summary = run_batch(
        [feed], tmp_path / "out", gazetteer_path=full_gazetteer.path, jobs=1, max_chars=2500, progress=False
    )
    assert (summary.articles, summary.failures) == (1, 0)
    mentions = read_mentions(tmp_path / "out").sort_values("start")
    expected = Geoparser(geoparser.gazetteer, max_chars=2500).parse_text(text, doc="big")
    assert list(zip(mentions["start"], mentions["end"], strict=True)) == [(m.start, m.end) for m in expected]


# -- the time budget -----------------------------------------------------------------------------


class StallingGeoparser(Geoparser):
    """Stalls on marked articles: in a Python loop ('SPIN'), or inside one native call ('SLEEP')."""

    def parse_article(self, article):
        if "SPIN" in article.text:
            while True:
                pass
        if "SLEEP" in article.text:
            time.sleep(3600)  # one call into C: nothing inside the process can stop it
        return super().parse_article(article)


def stalling_feed(path: Path) -> Path:
    texts = ["Talks in Moscow.", "SPIN in Istanbul.", "Rain in Springfield.", "SLEEP in Turkey.", "Snow in St. Louis."]
    path.write_text(
        "".join(json.dumps({"id": f"a{i}", "text": t}) + "\n" for i, t in enumerate(texts)), encoding="utf-8"
    )
    return path


def test_an_article_past_its_budget_is_recorded_and_the_run_goes_on(tiny_index: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    summary = run_batch(
        [stalling_feed(tmp_path / "feed.jsonl")],
        out,
        gazetteer_path=tiny_index,
        jobs=2,
        batch_size=2,
        article_timeout=1,
        geoparser_factory=StallingGeoparser,
        progress=False,
    )
    errors = {e["doc"]: e for e in map(json.loads, (out / ERRORS_NAME).read_text().splitlines())}
    assert sorted(errors) == ["a1", "a3"]
    assert all("ArticleTimeout" in e["error"] and "--article-timeout" in e["error"] for e in errors.values())
    assert (summary.articles, summary.failures) == (3, 2)
    assert set(read_mentions(out)["doc"]) == {"a0", "a2", "a4"}
    # Timed-out articles are not in the manifest: the next run tries them again (and they fail again).
    again = run_batch(
        [tmp_path / "feed.jsonl"],
        out,
        gazetteer_path=tiny_index,
        jobs=1,
        article_timeout=1,
        geoparser_factory=StallingGeoparser,
        progress=False,
    )
    assert (again.articles, again.skipped, again.failures) == (0, 3, 2)


def test_bad_article_timeouts_are_refused(tiny_index: Path, tmp_path: Path) -> None:
    feed = stalling_feed(tmp_path / "feed.jsonl")
    for bad in (0, -1, "60", True):
        with pytest.raises(InputError, match="article_timeout"):
            run_batch([feed], tmp_path / "out", gazetteer_path=tiny_index, article_timeout=bad, progress=False)


def test_budget_on_a_dask_local_cluster(tiny_index: Path, tmp_path: Path) -> None:
    pytest.importorskip("distributed")
    out = tmp_path / "out"
    feed = tmp_path / "feed.jsonl"
    feed.write_text(
        "".join(
            json.dumps({"id": f"d{i}", "text": t}) + "\n" for i, t in enumerate(["Talks in Moscow.", "SPIN in Turkey."])
        ),
        encoding="utf-8",
    )
    summary = run_batch(
        [feed],
        out,
        gazetteer_path=tiny_index,
        dask_local=True,
        jobs=1,
        article_timeout=1,
        geoparser_factory=StallingGeoparser,
        progress=False,
    )
    [error] = [json.loads(line) for line in (out / ERRORS_NAME).read_text().splitlines()]
    assert error["doc"] == "d1" and "ArticleTimeout" in error["error"]
    assert (summary.articles, summary.failures) == (1, 1)


def test_command_line_batch_options_reach_the_run(tiny_index: Path, tmp_path: Path, capsys) -> None:
    import sqlite3

    from geo.batch.run import MANIFEST_NAME

    feed = tmp_path / "feed.jsonl"
    feed.write_text(json.dumps({"key": "k1", "body": "Talks in Moscow. " * 400}) + "\n", encoding="utf-8")
    out = tmp_path / "out"
    options = [
        "--index",
        str(tiny_index),
        "--jobs",
        "1",
        "--max-chars",
        "2000",
        "--article-timeout",
        "30",
        "--text-column",
        "body",
        "--id-column",
        "key",
    ]
    assert main(["parse", str(feed), "-o", str(out), "--format", "parquet", *options]) == 0
    mentions = read_mentions(out)
    assert set(mentions["doc"]) == {"k1"} and len(mentions) == 400
    text = "Talks in Moscow. " * 400
    assert all(text[s:e] == "Moscow" for s, e in zip(mentions["start"], mentions["end"], strict=True))
    with sqlite3.connect(out / MANIFEST_NAME) as con:
        config = json.loads(con.execute("SELECT value FROM meta WHERE key = 'config'").fetchone()[0])
    assert config["max_chars"] == 2000 and config["columns"][0] == "body" and config["columns"][2] == "key"
    assert main(["parse", str(feed), "-o", str(out), "--format", "parquet", *options[:-4]]) == 2
    assert "--text-column" in capsys.readouterr().err
