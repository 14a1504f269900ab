import random
import sys
import types
from collections.abc import Callable

import pytest

from debtload.snapstart import reseed_after_restore


def test_without_the_runtime_hooks_nothing_is_registered(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "snapshot_restore_py", None)
    assert reseed_after_restore() is False


def test_after_a_restore_random_draws_a_new_sequence(monkeypatch: pytest.MonkeyPatch) -> None:
    hooks: list[Callable[[], None]] = []
    module = types.ModuleType("snapshot_restore_py")
    module.register_after_restore = hooks.append  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "snapshot_restore_py", module)
    assert reseed_after_restore() is True
    (hook,) = hooks

    state = random.getstate()
    try:
        snapshot = random.getstate()
        same = [random.random() for _ in range(4)]
        random.setstate(snapshot)
        hook()
        assert [random.random() for _ in range(4)] != same
    finally:
        random.setstate(state)
