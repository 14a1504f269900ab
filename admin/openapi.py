"""`python -m admin.openapi [FILE]`: writes the API's OpenAPI document (what `make openapi` runs, into
docs/openapi.json, the committed contract). The document is built as the api serves it on the local
stack, with the template's configuration; tests/unit/test_contract.py fails when the two differ."""

from __future__ import annotations

import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT / "layers" / "core"), str(ROOT)]

from debtload.api.app import document_for  # noqa: E402
from debtload.config import Config  # noqa: E402
from devstack.template import LocalStackTemplate  # noqa: E402

COMMITTED = ROOT / "docs" / "openapi.json"


def committed_document() -> str:
    """What the api serves, the way the local stack configures it."""
    environment = LocalStackTemplate().function_environment("ApiFunction", "http://127.0.0.1:9")
    os.environ.setdefault("AWS_DEFAULT_REGION", "us-east-1")
    return document_for(Config.from_env(environment))


def main(argv: list[str]) -> int:
    target = Path(argv[0]) if argv else COMMITTED
    target.write_text(committed_document(), encoding="utf-8")
    print(f"wrote {target}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
