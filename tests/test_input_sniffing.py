"""What a file is, told from its first bytes: UTF-16/32, binary files, and CSV with a quote never closed."""

from __future__ import annotations

import gzip
import io
import json
import struct
import sys
import zipfile
from pathlib import Path

import pytest

from geo.cli import main
from geo.parsing.articles import ArticleProblem, read_articles

CSV_TEXT = "id,text,date\nu1,Protests in Ürümqi.,2024-01-01\nu2,Snow in Tromsø.,2024-01-02\n"
JSONL_TEXT = "".join(
    json.dumps(r, ensure_ascii=False) + "\n" for r in ({"text": "Fighting in Hadrut."}, {"text": "Talks in Genève."})
)
PROSE = "date 2020-10-08 Shelling hit Stepanakert; residents fled to Goris."


def read(*paths: Path, **options) -> tuple[list, list[ArticleProblem]]:
    problems: list[ArticleProblem] = []
    return list(read_articles(list(paths), on_error=problems.append, **options)), problems


# -- encodings -----------------------------------------------------------------------------------


@pytest.mark.parametrize("codec", ["utf-16", "utf-16-le-bom", "utf-16-be-bom", "utf-32", "utf-32-be-bom", "utf-8-sig"])
@pytest.mark.parametrize(("name", "content"), [("a.csv", CSV_TEXT), ("a.jsonl", JSONL_TEXT), ("a.txt", PROSE)])
def test_byte_order_mark_chooses_the_encoding(codec: str, name: str, content: str, tmp_path: Path) -> None:
    boms = {
        "utf-16-le-bom": ("\ufeff", "utf-16-le"),
        "utf-16-be-bom": ("\ufeff", "utf-16-be"),
        "utf-32-be-bom": ("\ufeff", "utf-32-be"),
    }
    prefix, python_codec = boms.get(codec, ("", codec))
    path = tmp_path / name
    path.write_bytes((prefix + content).encode(python_codec))
    expected, _ = read(_utf8_copy(path, content))
    articles, problems = read(path)
    assert problems == []
    assert [(a.text, a.published, a.id) for a in articles] == [(a.text, a.published, a.id) for a in expected]
    assert articles and "\ufeff" not in articles[0].text


def _utf8_copy(path: Path, content: str) -> Path:
    folder = path.parent / "utf8"
    folder.mkdir()
    copy = folder / path.name  # the same name: ids come from it
    copy.write_text(content, encoding="utf-8")
    return copy


@pytest.mark.parametrize("codec", ["utf-16-le", "utf-16-be"])
def test_utf16_without_bom_is_told_by_its_nul_bytes(codec: str, tmp_path: Path) -> None:
    jsonl = tmp_path / "wide.jsonl"
    jsonl.write_bytes(JSONL_TEXT.encode(codec))
    text = tmp_path / "wide.txt"
    text.write_bytes(PROSE.encode(codec))
    articles, problems = read(jsonl, text)
    assert problems == []
    assert [a.text for a in articles] == [
        "Fighting in Hadrut.",
        "Talks in Genève.",
        "Shelling hit Stepanakert; residents fled to Goris.",
    ]


def test_utf16_on_standard_input(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(JSONL_TEXT.encode("utf-16"))))
    articles, problems = read(Path("-"))
    assert problems == [] and [a.text for a in articles] == ["Fighting in Hadrut.", "Talks in Genève."]


def test_nul_character_in_valid_utf8_is_text(tmp_path: Path) -> None:
    path = tmp_path / "odd.txt"
    path.write_bytes(b"Rain in Oslo.\x00 Then sun.")
    [article], problems = read(path)
    assert problems == [] and article.text == "Rain in Oslo.\x00 Then sun."


def test_explicit_encoding_is_used_as_given(tmp_path: Path) -> None:
    path = tmp_path / "latin.csv"
    path.write_bytes("text\nCafé in Liège.\n".encode("latin-1"))
    [article], problems = read(path, encoding="latin-1")
    assert (article.text, problems) == ("Café in Liège.", [])


# -- binary files --------------------------------------------------------------------------------


def _zip_bytes() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("word/document.xml", "<w:t>Talks in Paris</w:t>")
    return buffer.getvalue()


def _elf_bytes() -> bytes:
    return b"\x7fELF\x02\x01\x01" + b"\x00" * 9 + struct.pack("<HHI", 2, 62, 1) + b"\x00" * 200


BINARIES = {
    "png": (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + b"\x00" * 50, "PNG image"),
    "jpeg": (b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + bytes(range(256)), "JPEG image"),
    "gif": (b"GIF89a\x01\x00\x01\x00Paris", "GIF image"),
    "pdf": (b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj <</Type /Catalog>> endobj\nParis Berlin Moscow\n", "PDF document"),
    "zip": (_zip_bytes(), "ZIP archive"),
    "xz": (b"\xfd7zXZ\x00\x00\x04\xe6\xd6\xb4F", "xz archive"),
    "bzip2": (b"BZh91AY&SY\x12\x34", "bzip2 archive"),
    "elf": (_elf_bytes(), "executable (ELF)"),
    "windows": (b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" + bytes(range(256)) * 4, "binary file"),
    "sqlite": (b"SQLite format 3\x00" + b"\x10\x00\x01\x01" + b"\x00" * 80, "SQLite database"),
}


@pytest.mark.parametrize("suffix", [".txt", ".jsonl", ".csv", ".md"])
@pytest.mark.parametrize("kind", sorted(BINARIES))
def test_binary_files_are_reported_and_skipped(kind: str, suffix: str, tmp_path: Path) -> None:
    data, described = BINARIES[kind]
    path = tmp_path / f"misnamed{suffix}"
    path.write_bytes(data)
    good = tmp_path / "good.txt"
    good.write_text("Floods in Derna.", encoding="utf-8")
    articles, problems = read(path, good)
    assert [a.text for a in articles] == ["Floods in Derna."]
    [problem] = problems
    assert (problem.source, problem.line, problem.fatal) == (str(path), None, True)
    assert described in problem.message and "skipped" in problem.message
    assert str(path) in str(problem)


def test_binary_inside_gzip_and_unknown_extension_and_folder(tmp_path: Path) -> None:
    (tmp_path / "scan.txt.gz").write_bytes(gzip.compress(BINARIES["pdf"][0]))
    (tmp_path / "photo.jpeg.dat").write_bytes(BINARIES["jpeg"][0])
    (tmp_path / "note.txt").write_text("Quiet in Tripoli.", encoding="utf-8")
    articles, problems = read(tmp_path, tmp_path / "photo.jpeg.dat")
    assert [a.text for a in articles] == ["Quiet in Tripoli."]
    assert sorted((Path(p.source).name, p.fatal) for p in problems) == [("photo.jpeg.dat", True), ("scan.txt.gz", True)]
    assert any("PDF document" in p.message for p in problems) and any("JPEG image" in p.message for p in problems)


def test_text_that_begins_like_a_magic_number_is_text(tmp_path: Path) -> None:
    path = tmp_path / "bz.txt"
    path.write_text("BZh! said the MZ-Ansi reporter in Pretoria.", encoding="utf-8")
    [article], problems = read(path)
    assert problems == [] and article.text.startswith("BZh!")


# -- CSV quotes ----------------------------------------------------------------------------------


def test_unclosed_quote_is_reported_at_its_line_and_the_rest_is_read(tmp_path: Path) -> None:
    path = tmp_path / "feed.csv"
    path.write_text(
        "id,text\n"
        "a,Talks in Paris.\n"
        'b,"Shelling in Kharkiv, then\n'  # the quote opened here is never closed
        "c,Floods in Lima.\n"
        'd,"A quoted one,\nover two lines."\n'
        "e,Snow in Oslo.\n",
        encoding="utf-8",
    )
    articles, problems = read(path)
    assert [a.id for a in articles] == ["a", "c", "d", "e"]
    assert articles[2].text == "A quoted one,\nover two lines."
    [problem] = problems
    assert (problem.line, problem.fatal) == (3, False)
    assert "never closed" in problem.message and "lines 3-5" in problem.message


def test_unclosed_quotes_twice_and_in_the_last_record(tmp_path: Path) -> None:
    path = tmp_path / "feed.csv"
    path.write_text('text\n"one\ntwo\n"three\nfour\n"five\n', encoding="utf-8")
    articles, problems = read(path)
    assert [a.text for a in articles] == ["two", "four"]
    assert [p.line for p in problems] == [2, 4, 6]


def test_cli_parse_names_the_line_of_an_unclosed_quote(tmp_path: Path, full_gazetteer, capsys) -> None:
    path = tmp_path / "feed.csv"
    path.write_text('text\n"Troops in Kyiv\nTalks in Paris.\n', encoding="utf-8")
    rc = main(["parse", str(path), "--cache-dir", str(full_gazetteer.path.parent)])
    captured = capsys.readouterr()
    assert rc == 0
    assert [json.loads(line)["text"] for line in captured.out.splitlines()] == ["Paris"]


# -- the options the messages name ---------------------------------------------------------------


def test_column_and_encoding_options_of_parse_and_map(tmp_path: Path, full_gazetteer, capsys) -> None:
    cache = ["--cache-dir", str(full_gazetteer.path.parent)]
    path = tmp_path / "export.csv"
    path.write_bytes(
        "Key;Body;Day;Headline;Link\nk1;Protests in Tbilisi.;2024-03-09;Tbilisi;http://x/1\n".encode("cp1252")
    )
    options = [
        "--encoding",
        "cp1252",
        "--text-column",
        "body",
        "--id-column",
        "key",
        "--date-column",
        "day",
        "--title-column",
        "headline",
        "--url-column",
        "link",
    ]
    assert main(["parse", str(path), *options, *cache]) == 0
    [row] = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert (row["doc"], row["text"], row["published"], row["title"]) == ("k1", "Tbilisi", "2024-03-09", "Tbilisi")
    out = tmp_path / "map.html"
    assert main(["map", str(path), "-o", str(out), "--offline", *options, *cache]) == 0
    assert "Tbilisi" in out.read_text(encoding="utf-8")


def test_missing_text_column_message_names_an_option_that_exists(
    tmp_path: Path, full_gazetteer, capsys, caplog
) -> None:
    path = tmp_path / "export.jsonl"
    path.write_text(json.dumps({"body": "Rain in Accra."}) + "\n", encoding="utf-8")
    cache = ["--cache-dir", str(full_gazetteer.path.parent)]
    main(["parse", str(path), *cache])
    assert any("--text-column" in r.getMessage() for r in caplog.records)
    capsys.readouterr()
    assert main(["parse", str(path), "--text-column", "body", *cache]) == 0
    assert [json.loads(line)["text"] for line in capsys.readouterr().out.splitlines()] == ["Accra"]


def test_python_api_takes_the_reading_options(tmp_path: Path, geoparser) -> None:
    import geo

    path = tmp_path / "export.jsonl"
    path.write_bytes((json.dumps({"body": "Talks in Yerevan.", "key": "y1"}) + "\n").encode("utf-16"))
    frame = geo.parse(path, geoparser=geoparser, text_column="body", id_column="key", encoding="utf-16")
    assert list(frame["doc"]) == ["y1"] and list(frame["text"]) == ["Yerevan"]
