"""What a function does when Lambda SnapStart restores it from a snapshot (docs/operations.md#snapstart).

Every environment restored from one snapshot starts with the same memory, so the `random` module's
generator, seeded once at import, would draw the same sequence in each of them: the retry jitter of
concurrent environments would line up. Ids and secrets (uuid4, secrets) read the OS on every call and
need nothing. The runtime's hook module exists only on Lambda with SnapStart; elsewhere this does nothing.
"""

from __future__ import annotations

import importlib
import random


def reseed_after_restore() -> bool:
    """Registers a reseed of `random` after each restore; False where the runtime has no hooks."""
    try:
        hooks = importlib.import_module("snapshot_restore_py")
    except ImportError:
        return False
    hooks.register_after_restore(_reseed)
    return True


def _reseed() -> None:
    random.seed()  # from os.urandom, drawn after the restore
