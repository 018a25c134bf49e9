"""User rules files: pin, prefer and ignore, and the errors a bad file gives."""

from __future__ import annotations

from pathlib import Path

import pytest

from geo.errors import RulesError
from geo.parsing.rules import Rules, load_rules


def _rules_file(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "rules.txt"
    path.write_text(text, encoding="utf-8")
    return path


def test_rules_are_parsed_to_name_keys(tmp_path: Path) -> None:
    path = _rules_file(
        tmp_path,
        "# my rules\n"
        "\n"
        "pin Georgia = 614540        # the country, not the state\n"
        "PIN St. Louis=4407066\n"
        "prefer Alexandria = us, eg\n"
        "   ignore Bono\n"
        "ignore Côte d'Azur\n",
    )
    rules = load_rules(path)
    assert rules.pins == {"georgia": "614540", "saint louis": "4407066"}
    assert rules.prefer == {"alexandria": frozenset({"US", "EG"})}
    assert rules.ignore == {"bono", "cote dazur"}
    assert rules.preferred_countries("alexandria") == {"US", "EG"}
    assert rules.preferred_countries("springfield") == frozenset()


def test_comments_and_blank_lines_only_give_no_rules(tmp_path: Path) -> None:
    rules = load_rules(_rules_file(tmp_path, "# nothing yet\n\n   \n\t# still nothing\n"))
    assert rules == Rules()


def test_a_path_string_works(tmp_path: Path) -> None:
    assert load_rules(str(_rules_file(tmp_path, "ignore Bono\n"))).ignore == {"bono"}


@pytest.mark.parametrize(
    ("text", "line", "fragment"),
    [
        ("ignore Bono\nmove Paris = FR\n", 2, "is not a rule"),
        ("pin Georgia\n", 1, "needs '= VALUE'"),
        ("# c\nprefer Alexandria\n", 2, "needs '= VALUE'"),
        ("ignore Bono = IE\n", 1, "takes a name only"),
        ("\n\nprefer Alexandria = USA\n", 3, "ISO alpha-2"),
        ("prefer Alexandria = US,\n", 1, "ISO alpha-2"),
        ("pin --- = 614540\n", 1, "has no letters"),
        ("pin\n", 1, "is not a rule"),
    ],
)
def test_a_bad_line_names_the_file_and_line(tmp_path: Path, text: str, line: int, fragment: str) -> None:
    path = _rules_file(tmp_path, text)
    with pytest.raises(RulesError) as caught:
        load_rules(path)
    message = str(caught.value)
    assert f"{path}: line {line}:" in message
    assert fragment in message


def test_a_missing_file_is_a_rules_error(tmp_path: Path) -> None:
    with pytest.raises(RulesError, match="not found"):
        load_rules(tmp_path / "absent.txt")


def test_a_file_that_is_not_utf8_is_a_rules_error(tmp_path: Path) -> None:
    path = tmp_path / "rules.txt"
    path.write_bytes("ignore Bjørn\n".encode("latin-1"))
    with pytest.raises(RulesError, match="not UTF-8"):
        load_rules(path)


def test_rules_errors_are_value_errors(tmp_path: Path) -> None:
    with pytest.raises(ValueError):
        load_rules(_rules_file(tmp_path, "nonsense\n"))


def test_pins_are_checked_against_the_gazetteer(tmp_path: Path, tiny_gazetteer) -> None:
    rules = load_rules(_rules_file(tmp_path, "pin Moscow = 5601538\n"), gazetteer=tiny_gazetteer)
    place = rules.pinned_place("moscow", tiny_gazetteer)
    assert (place.country, place.admin1) == ("US", "Idaho")
    assert rules.pinned_place("springfield", tiny_gazetteer) is None


def test_a_pin_of_an_unknown_id_is_refused_with_a_gazetteer(tmp_path: Path, tiny_gazetteer) -> None:
    path = _rules_file(tmp_path, "ignore Bono\npin Moscow = 999999999\n")
    with pytest.raises(RulesError) as caught:
        load_rules(path, gazetteer=tiny_gazetteer)
    message = str(caught.value)
    assert f"{path}: line 2:" in message
    assert "'999999999'" in message
    assert "geo gazetteer search Moscow" in message
    # Without a gazetteer nothing can be checked, so the pin is kept.
    assert load_rules(path).pins == {"moscow": "999999999"}
