"""checkov finds nothing in template.yaml beyond the skips of .checkov.yaml, each with its reason."""

from __future__ import annotations

import subprocess

import pytest

from devstack.template import PROJECT_ROOT

pytestmark = pytest.mark.template
CHECKOV = PROJECT_ROOT / ".venv" / "checkov" / "bin" / "checkov"


@pytest.mark.skipif(
    not CHECKOV.exists(), reason="checkov is installed by `make lint` or `make test` into .venv/checkov"
)
def test_checkov_reports_no_failed_check() -> None:
    result = subprocess.run(
        [str(CHECKOV), "-f", "template.yaml", "--config-file", ".checkov.yaml"],
        cwd=PROJECT_ROOT,
        capture_output=True,
        text=True,
        check=False,
        timeout=300,
    )
    assert result.returncode == 0, result.stdout[-5000:] + result.stderr[-2000:]
    assert "Passed checks:" in result.stdout, result.stdout  # it scanned the template


def test_every_skip_says_why() -> None:
    lines = (PROJECT_ROOT / ".checkov.yaml").read_text().splitlines()
    skips = [line for line in lines if line.strip().startswith("- CKV_")]
    assert skips, "no skip-check list in .checkov.yaml"
    for line in skips:
        _, _, reason = line.partition("#")
        assert len(reason.strip()) > 20, f"skip without a reason: {line.strip()}"
