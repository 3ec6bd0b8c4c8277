"""The server's collector policy: survivors of a full collection leave the collector's view."""

from __future__ import annotations

import gc
from collections.abc import Iterator

import pytest

from api import collector


@pytest.fixture
def installed() -> Iterator[None]:
    """The policy as a running server has it, undone afterwards for the other tests."""
    collector.install()
    yield
    collector.uninstall()


def test_a_full_collection_freezes_what_survived_it(installed: None) -> None:
    survivor: list[object] = [[] for _ in range(1000)]
    gc.unfreeze()  # start from nothing frozen, so the survivors' move is visible
    gc.collect(2)
    assert gc.get_freeze_count() >= len(survivor)


def test_young_collections_freeze_nothing(installed: None) -> None:
    gc.unfreeze()
    gc.collect(0)
    assert gc.get_freeze_count() == 0


def test_uninstall_leaves_the_collector_as_it_was() -> None:
    collector.install()
    collector.install()  # idempotent
    collector.uninstall()
    assert gc.get_freeze_count() == 0
    gc.collect(2)
    assert gc.get_freeze_count() == 0
