"""template.yaml passes the linters and builds, and keeps the promises the code relies on."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from devstack.template import PROJECT_ROOT, LocalStackTemplate

pytestmark = pytest.mark.template
VENV_BIN = Path(sys.executable).parent
SAM = PROJECT_ROOT / ".venv" / "sam" / "bin" / "sam"


def _run(command: list[str], **kwargs: Any) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PATH": f"{VENV_BIN}:{os.environ.get('PATH', '')}", "SAM_CLI_TELEMETRY": "0"}
    env.setdefault("AWS_DEFAULT_REGION", "us-east-1")
    return subprocess.run(
        command, cwd=PROJECT_ROOT, env=env, capture_output=True, text=True, check=False, **kwargs
    )


def test_cfn_lint_reports_nothing() -> None:
    result = _run([str(VENV_BIN / "cfn-lint"), "template.yaml"])
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.skipif(not SAM.exists(), reason="aws-sam-cli is installed by `make test` into .venv/sam")
def test_sam_validate_lint() -> None:
    result = _run([str(SAM), "validate", "--lint", "--region", "us-east-1"])
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.skipif(not SAM.exists(), reason="aws-sam-cli is installed by `make test` into .venv/sam")
def test_sam_build_without_a_container(tmp_path: Path) -> None:
    build_dir = tmp_path / "build"
    result = _run(
        [str(SAM), "build", "--build-dir", str(build_dir), "--cache-dir", str(tmp_path / "cache")],
        timeout=600,
    )
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    layer = build_dir / "CoreLayer" / "python"
    assert (layer / "debtload" / "domain" / "jobs" / "worker.py").exists()
    assert (layer / "pydantic_core").exists(), "runtime requirements must be in the layer"
    # The functions run Python 3.13 on arm64: compiled wheels must be built for that, not for this machine.
    assert list((layer / "pydantic_core").glob("*.cpython-313-aarch64-linux-gnu.so")), sorted(
        p.name for p in (layer / "pydantic_core").glob("*.so")
    )
    assert (build_dir / "ApiFunction" / "app.py").exists()


def test_every_function_has_its_handler(template: LocalStackTemplate) -> None:
    for spec in template.functions():
        module, _, attribute = spec.handler.rpartition(".")
        source = (PROJECT_ROOT / spec.code_uri / f"{module}.py").read_text(encoding="utf-8")
        assert f"def {attribute}(" in source, spec.logical_id


def _statements(node: Any) -> list[dict[str, Any]]:
    found = []
    if isinstance(node, dict):
        if "Effect" in node and "Action" in node:
            found.append(node)
        for value in node.values():
            found.extend(_statements(value))
    elif isinstance(node, list):
        for value in node:
            found.extend(_statements(value))
    return found


def test_no_allow_statement_grants_wildcard_actions(template: LocalStackTemplate) -> None:
    for statement in _statements(template.document):
        if statement["Effect"] != "Allow":
            continue
        actions = statement["Action"] if isinstance(statement["Action"], list) else [statement["Action"]]
        assert not any(a == "*" or str(a).endswith(":*") for a in actions), statement


def test_sqs_visibility_covers_the_consuming_function_timeout(template: LocalStackTemplate) -> None:
    for source in template.sqs_event_sources():
        visibility = int(template.resolve(template.properties(source.queue_id).get("VisibilityTimeout", 30)))
        timeout = template.function(source.function_id).timeout
        assert visibility >= timeout, f"{source.queue_id} ({visibility}s) < {source.function_id} ({timeout}s)"


def test_queues_have_dead_letter_queues_and_partial_failures(template: LocalStackTemplate) -> None:
    sources = {s.queue_id: s for s in template.sqs_event_sources()}
    for queue in ("JobQueue", "WebhookQueue"):
        assert "RedrivePolicy" in template.properties(queue)
        assert sources[queue].report_batch_item_failures


def test_operator_defaults_match_the_seeds(template: LocalStackTemplate) -> None:
    assert template.parameters["BatchRateLimitPerHour"] == 50
    assert template.parameters["CallBatchSize"] == 500


def test_every_api_route_but_docs_health_and_the_console_is_authorized(template: LocalStackTemplate) -> None:
    public = {(r.method, r.path) for r in template.api_routes() if not r.authorized}
    # The console's page and files need no key; every call the page makes carries one (decision 93).
    assert public == {
        ("GET", "/health"),
        ("GET", "/openapi.json"),
        ("GET", "/docs"),
        ("GET", "/console"),
        ("GET", "/console/{proxy+}"),
    }
