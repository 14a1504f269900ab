"""Runs the template's functions in this process, each with its own template environment.

A function's module is imported once, with its environment applied while it imports: handlers
capture their configuration at import (debtload.config), so functions with different variables can
share one process. The process-wide environment keeps only what all of them share (endpoint,
region, credentials).
"""

from __future__ import annotations

import importlib.util
import logging
import os
import sys
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from types import ModuleType
from typing import Any

from devstack import iam_guard
from devstack.iam_policies import function_roles
from devstack.iam_requests import Scope
from devstack.lambda_limits import check_request, check_response, run_with_timeout
from devstack.template import LocalStackTemplate

log = logging.getLogger("devstack.functions")
LAYER_PATH = "layers/core"


@dataclass
class LocalLambdaContext:
    """The attributes powertools and our code read from a real LambdaContext."""

    function_name: str
    memory_limit_in_mb: int
    timeout_seconds: int
    invoked_function_arn: str
    aws_request_id: str = field(default_factory=lambda: str(uuid.uuid4()))
    function_version: str = "$LATEST"
    log_group_name: str = ""
    log_stream_name: str = ""
    _deadline: float = field(default=0.0, repr=False)

    def __post_init__(self) -> None:
        self._deadline = time.monotonic() + self.timeout_seconds
        self.log_group_name = f"/aws/lambda/{self.function_name}"
        self.log_stream_name = time.strftime("%Y/%m/%d") + "/[$LATEST]" + uuid.uuid4().hex

    def get_remaining_time_in_millis(self) -> int:
        return max(0, int((self._deadline - time.monotonic()) * 1000))


class FunctionRunner:
    def __init__(
        self, template: LocalStackTemplate, endpoint_url: str = "", *, enforce_iam: bool | None = None
    ) -> None:
        self.template = template
        self.endpoint = endpoint_url
        # On unless DEBTLOAD_LOCAL_IAM=off: a call the role does not allow fails as on AWS.
        self.enforce_iam = (
            os.environ.get("DEBTLOAD_LOCAL_IAM", "on") != "off" if enforce_iam is None else enforce_iam
        )
        if self.enforce_iam:
            # Before any function builds a client: a client class created earlier presigns unchecked.
            iam_guard.install()
        self._modules: dict[str, ModuleType] = {}
        self._import_lock = threading.Lock()
        layer = str(template.project_root / LAYER_PATH)
        if layer not in sys.path:
            sys.path.insert(0, layer)
        self._by_physical_name = {
            template.physical_name(spec.logical_id): spec.logical_id for spec in template.functions()
        }

    def logical_id_of(self, function_name: str) -> str | None:
        name = function_name.rsplit(":function:", 1)[-1].split(":", 1)[0]
        return self._by_physical_name.get(name)

    def handler(self, logical_id: str) -> Callable[[Any, Any], Any]:
        spec = self.template.function(logical_id)
        module_name, _, attribute = spec.handler.rpartition(".")
        module = self._module(logical_id, module_name)
        handler: Callable[[Any, Any], Any] = getattr(module, attribute)
        return handler

    def _module(self, logical_id: str, module_name: str) -> ModuleType:
        loaded = self._modules.get(logical_id)
        if loaded is not None:
            return loaded
        with self._import_lock:
            if logical_id in self._modules:
                return self._modules[logical_id]
            spec = self.template.function(logical_id)
            path = self.template.project_root / spec.code_uri / (module_name.replace(".", "/") + ".py")
            unique_name = f"devstack_fn_{logical_id}"
            import_spec = importlib.util.spec_from_file_location(unique_name, path)
            if import_spec is None or import_spec.loader is None:
                raise ImportError(f"cannot load {path}")
            module = importlib.util.module_from_spec(import_spec)
            with self._environment(logical_id):
                sys.modules[unique_name] = module
                import_spec.loader.exec_module(module)
            self._modules[logical_id] = module
            return module

    @contextmanager
    def _environment(self, logical_id: str) -> Iterator[None]:
        saved = dict(os.environ)
        os.environ.update(self.template.function_environment(logical_id, self.endpoint))
        os.environ["AWS_LAMBDA_FUNCTION_NAME"] = self.template.physical_name(logical_id)
        try:
            yield
        finally:
            os.environ.clear()
            os.environ.update(saved)

    def context(self, logical_id: str) -> LocalLambdaContext:
        spec = self.template.function(logical_id)
        return LocalLambdaContext(
            function_name=self.template.physical_name(logical_id),
            memory_limit_in_mb=spec.memory_size,
            timeout_seconds=spec.timeout,
            invoked_function_arn=self.template.arn(logical_id),
        )

    @contextmanager
    def acting_as(self, logical_id: str) -> Iterator[None]:
        """AWS calls inside this block are authorized against the function's template role."""
        if not self.enforce_iam:
            yield
            return
        role = function_roles(self.template)[logical_id]
        with iam_guard.acting_as(role, Scope(self.template.region, self.template.account_id)):
            yield

    def invoke(self, logical_id: str, event: Any) -> Any:
        """Run the function on `event` as a synchronous invocation; exceptions propagate, as an
        invocation error would. A request or response over Lambda's 6 MB fails, and so does a run
        past the template's Timeout, at its deadline (devstack.lambda_limits)."""
        check_request(event)
        with self.acting_as(logical_id):
            # Importing is Lambda's init phase, which the function's timeout does not cover.
            handler = self.handler(logical_id)
            context = self.context(logical_id)
            result = run_with_timeout(
                context.function_name,
                context.timeout_seconds,
                lambda: handler(event, context),
            )
        check_response(result)
        return result
