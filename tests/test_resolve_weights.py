"""The resolver's weights file: what ships, how it is read, how a bad one is refused."""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path

import pytest

from geo.errors import CuratedDataError
from geo.parsing import resolve

_FIT_SCRIPT = Path(__file__).resolve().parents[1] / "benchmarks" / "fit_weights.py"


def _shipped() -> dict:
    return json.loads(resolve.WEIGHTS_FILE.read_text(encoding="utf-8"))


def test_shipped_file_gives_every_weight_the_resolver_uses() -> None:
    weights = resolve.load_weights()
    assert set(weights) == set(resolve._WEIGHT_NAMES)
    assert weights == resolve.WEIGHTS
    assert all(isinstance(v, float) for v in weights.values())


def test_shipped_file_says_which_fit_it_is() -> None:
    fit = _shipped()["fit"]
    assert fit["fitted_on"], fit
    assert fit["command"].startswith("benchmarks/fit_weights.py") and "--write" in fit["command"]
    # cross-validated both ways: each corpus fitted alone and scored on the other
    held_out = fit["cross_validated"]
    assert len(held_out) >= 2
    assert all(0.0 < score <= 1.0 for score in held_out.values())
    assert set(fit["fitted"]) | set(fit["set_by_hand"]) == set(resolve._WEIGHT_NAMES)


def _write(tmp_path: Path, body: object) -> Path:
    path = tmp_path / "weights.json"
    path.write_text(body if isinstance(body, str) else json.dumps(body), encoding="utf-8")
    return path


@pytest.mark.parametrize(
    ("body", "said"),
    [
        ("{not json", "cannot read"),
        ({"fit": {}}, 'no "weights"'),
        ([1, 2], 'no "weights"'),
        ({"weights": {"qualifier": 1.0}}, "missing"),
        ({"weights": {**dict.fromkeys(resolve._WEIGHT_NAMES, 1.0), "near_50km": "3"}}, "not numbers ['near_50km']"),
        ({"weights": {**dict.fromkeys(resolve._WEIGHT_NAMES, 1.0), "designator": True}}, "not numbers ['designator']"),
    ],
)
def test_a_bad_weights_file_is_refused_naming_the_file(tmp_path: Path, body: object, said: str) -> None:
    path = _write(tmp_path, body)
    with pytest.raises(CuratedDataError) as err:
        resolve.load_weights(path)
    assert str(path) in str(err.value) and said in str(err.value)
    assert "fit_weights.py" in str(err.value)


def test_a_missing_weights_file_is_refused_naming_the_file(tmp_path: Path) -> None:
    with pytest.raises(CuratedDataError, match=r"weights\.json: cannot read"):
        resolve.load_weights(tmp_path / "weights.json")


def test_integers_are_read_as_numbers(tmp_path: Path) -> None:
    path = _write(tmp_path, {"weights": dict.fromkeys(resolve._WEIGHT_NAMES, 2)})
    assert resolve.load_weights(path) == dict.fromkeys(resolve._WEIGHT_NAMES, 2.0)


def test_fit_script_writes_a_file_the_resolver_reads(tmp_path: Path) -> None:
    spec = importlib.util.spec_from_file_location("fit_weights", _FIT_SCRIPT)
    assert spec is not None and spec.loader is not None
    fit_weights = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(fit_weights)
    path = tmp_path / "weights.json"
    path.write_text(resolve.WEIGHTS_FILE.read_text(encoding="utf-8"), encoding="utf-8")
    fitted = dict.fromkeys(fit_weights.TUNED, 1.25)
    fit_weights.write_weights(path, fitted, {"fitted_on": ["a.xml"], "cross_validated": {"a on b": 0.5}})
    read = resolve.load_weights(path)
    for name in resolve._WEIGHT_NAMES:
        assert read[name] == (1.25 if name in fitted else resolve.WEIGHTS[name])
    assert json.loads(path.read_text(encoding="utf-8"))["fit"]["fitted_on"] == ["a.xml"]
    assert [p.name for p in tmp_path.iterdir()] == ["weights.json"]  # no temporary file left behind
