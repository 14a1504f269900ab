"""The Docker-free local stack (not shipped to Lambda).

Lambda puts the layer's packages on the path (/opt/python); locally, importing devstack does the same
for layers/core, so `python -m devstack` and the tools built on it import `debtload` as functions do.
"""

from __future__ import annotations

import sys
from pathlib import Path

_LAYER = str(Path(__file__).resolve().parent.parent / "layers" / "core")
if _LAYER not in sys.path:
    sys.path.insert(0, _LAYER)
