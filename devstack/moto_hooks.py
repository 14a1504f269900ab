"""The two places where moto would need Docker or would block, rerouted to in-process functions.

- `LambdaFunction._invoke_lambda` is what moto calls for every Lambda invocation (Invoke API, Step
  Functions tasks, S3 notifications); here it runs the real handler in this process.
- S3 notifications are asynchronous on AWS, but moto sends them inside the PutObject request and
  swallows every error; here they are Lambda async invocations (devstack.async_invoke): retried per
  the function's EventInvokeConfig, then sent to its OnFailure destination.
- An Invoke with InvocationType Event is one too: moto ran it inside the request, with no retry and
  no destination, and took up to 6 MB where Lambda queues 1 MB at most (decision 104).
- TransactWriteItems rolls back item by item instead of copying whole tables (moto_transactions).
- A main-table Query reads its partition, not the whole table (moto_query).
- One queue's receives are serialized, so a message goes to one receiver at a time (moto_sqs).
- DynamoDB item and SQS message sizes are limited as AWS limits them (moto_limits).
- DynamoDB writes are atomic, conditions included, as DynamoDB's are (moto_atomic_writes).
- A browser's POST object is held to its signed policy and the bucket's CORS rules (moto_s3_post).
"""

from __future__ import annotations

import json
import logging
import traceback
from collections.abc import Callable
from typing import Any

from moto.awslambda.models import LambdaBackend, LambdaFunction
from moto.core.exceptions import JsonRESTError
from moto.s3 import notifications as s3_notifications

from devstack.async_invoke import AsyncInvoker
from devstack.functions import FunctionRunner
from devstack.lambda_limits import InvocationError, RequestTooLarge
from devstack.moto_atomic_writes import AtomicWrites
from devstack.moto_limits import MotoLimits
from devstack.moto_query import PartitionQuery
from devstack.moto_s3_post import PostPolicy
from devstack.moto_sqs import SerializedReceive
from devstack.moto_transactions import ItemLevelRollback

log = logging.getLogger("devstack.lambda")


class _InvokeRefused(JsonRESTError):
    code = 413


class _InvokeContentRefused(JsonRESTError):
    code = 400


class MotoHooks:
    def __init__(self, runner: FunctionRunner, async_invoker: AsyncInvoker | None = None) -> None:
        self.runner = runner
        self._owns_invoker = async_invoker is None
        self.async_invoker = async_invoker or AsyncInvoker(runner)
        self._original_invoke: Callable[..., Any] | None = None
        self._original_backend_invoke: Callable[..., Any] | None = None
        self._original_s3: Callable[..., Any] | None = None
        self._transactions = ItemLevelRollback()
        self._queries = PartitionQuery()
        self._receives = SerializedReceive()
        self._limits = MotoLimits()
        self._writes = AtomicWrites()
        self._post_policy = PostPolicy()

    def install(self) -> None:
        runner = self.runner

        def invoke_in_process(function: LambdaFunction, event: Any = None) -> tuple[str, bool, str]:
            logical_id = runner.logical_id_of(function.function_name)
            if logical_id is None:
                return (
                    json.dumps({"errorMessage": f"{function.function_name} is not a template function"}),
                    True,
                    "",
                )
            payload = json.loads(event) if isinstance(event, str | bytes) and event else (event or {})
            try:
                result = runner.invoke(logical_id, payload)
            except RequestTooLarge as error:
                # Invoke's own error (HTTP 413), not a function error: the function never ran.
                raise _InvokeRefused(error.error_type, str(error)) from error
            except Exception as error:
                log.warning("%s failed: %s: %s", logical_id, type(error).__name__, error)
                body: dict[str, Any] = {"errorMessage": str(error), "errorType": type(error).__name__}
                if isinstance(error, InvocationError):
                    body["errorType"] = error.error_type  # Lambda's own failure: no handler trace
                else:
                    body["stackTrace"] = traceback.format_exception(error)
                return json.dumps(body), True, ""
            return json.dumps(result, default=str), False, ""

        self._original_invoke = LambdaFunction._invoke_lambda
        self._original_s3 = s3_notifications._invoke_awslambda
        LambdaFunction._invoke_lambda = invoke_in_process  # type: ignore[assignment,method-assign]
        self._install_event_invocations()
        s3_notifications._invoke_awslambda = self._deliver_s3_event
        self._transactions.install()
        self._queries.install()
        self._receives.install()
        self._limits.install()
        self._writes.install()
        self._post_policy.install()

    def _install_event_invocations(self) -> None:
        original: Callable[..., Any] = LambdaBackend.invoke
        self._original_backend_invoke = original
        hooks = self

        def invoke(
            backend: LambdaBackend,
            function_name: str,
            qualifier: str | None,
            body: Any,
            headers: Any,
            response_headers: Any,
        ) -> str | bytes | None:
            if (headers or {}).get("X-Amz-Invocation-Type") != "Event":
                return original(backend, function_name, qualifier, body, headers, response_headers)
            function = backend.get_function(function_name, qualifier)
            logical_id = hooks.runner.logical_id_of(function.function_name)
            if logical_id is None:
                return original(backend, function_name, qualifier, body, headers, response_headers)
            try:
                event = json.loads(body) if body else {}
            except ValueError as error:
                raise _InvokeContentRefused(
                    "InvalidRequestContentException", "Could not parse request body into json"
                ) from error
            try:
                hooks.async_invoker.invoke(logical_id, event, source="Invoke (InvocationType Event)")
            except RequestTooLarge as error:
                raise _InvokeRefused(error.error_type, str(error)) from error
            return b""  # Lambda's 202 has an empty body

        LambdaBackend.invoke = invoke  # type: ignore[assignment,method-assign]

    def _deliver_s3_event(self, account_id: str, event_body: Any, fn_arn: str, region_name: str) -> None:
        logical_id = self.runner.logical_id_of(fn_arn)
        if logical_id is None:
            log.error("S3 notification for unknown function %s dropped", fn_arn)
            return
        key = event_body.get("Records", [{}])[0].get("s3", {}).get("object", {}).get("key")
        try:
            self.async_invoker.invoke(logical_id, event_body, source=f"S3 notification for {key}")
        except (RuntimeError, RequestTooLarge) as error:  # the stack is stopping, or Lambda refused it
            log.error("S3 notification to %s for %s dropped: %s", logical_id, key, error)

    def uninstall(self) -> None:
        self._post_policy.uninstall()
        self._writes.uninstall()
        self._transactions.uninstall()
        self._queries.uninstall()
        self._receives.uninstall()
        self._limits.uninstall()
        if self._owns_invoker:
            self.async_invoker.shutdown()
        if self._original_invoke is not None:
            LambdaFunction._invoke_lambda = self._original_invoke  # type: ignore[method-assign]
        if self._original_backend_invoke is not None:
            LambdaBackend.invoke = self._original_backend_invoke  # type: ignore[method-assign]
        if self._original_s3 is not None:
            s3_notifications._invoke_awslambda = self._original_s3
