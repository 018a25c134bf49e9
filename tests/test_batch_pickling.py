"""A batch of articles crosses to a worker process as tuples of fields and arrives as the same articles."""

from __future__ import annotations

import datetime as dt
import multiprocessing
import pickle

from geo.batch.run import _Batch
from geo.model import Article

TASKS = [
    (b"\x00" * 16, Article(id="a", text="Rain in Oslo.")),
    (
        bytes(range(16)),
        Article(
            id="feed:2",
            text="Fighting near Hadrut\u2019s edge; \u0130stanbul \U0001f642",
            published=dt.date(2020, 10, 8),
            title="T\u00edtulo",
            url="https://example.org/x",
            source="/data/feed.jsonl:2",
            origin="file:/data/feed.jsonl",
        ),
    ),
]


def _echo(batch: list[tuple[bytes, Article]]) -> list[tuple[bytes, Article]]:
    return list(batch)


def test_a_batch_pickles_as_field_tuples_and_comes_back_equal() -> None:
    blob = pickle.dumps(_Batch(TASKS), protocol=pickle.HIGHEST_PROTOCOL)
    back = pickle.loads(blob)
    assert type(back) is _Batch and back == TASKS
    assert all(type(article) is Article for _, article in back)
    # Tuples, not dataclass instances (each rebuilt from its pickled state): the class is not in the stream.
    assert b"Article" not in blob
    assert b"Article" in pickle.dumps(TASKS, protocol=pickle.HIGHEST_PROTOCOL)


def test_a_batch_reaches_a_worker_process_intact() -> None:
    with multiprocessing.get_context("forkserver").Pool(1) as pool:
        assert pool.apply(_echo, (_Batch(TASKS),)) == TASKS
