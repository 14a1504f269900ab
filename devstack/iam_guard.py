"""Every AWS call that a function makes in this process is authorized as AWS would authorize it.

Why not moto's own request authorization (`INITIAL_NO_AUTH_ACTION_COUNT`): moto 5 evaluates
DynamoDB, Step Functions and EventBridge actions against the resource `*`, so SAM's table-, queue-
and state-machine-scoped statements would match nothing and every call would be denied; it also
makes every caller of the endpoint (the stack's own provisioning, the tests, a newcomer's AWS CLI)
sign with credentials that moto issued. So the check happens where the call is made: a wrapper
around botocore's `_make_api_call` knows which function's invocation the call belongs to (a context
variable set by the function runner) and evaluates it with moto's policy evaluator
(`moto.iam.access_control.IAMPolicy`, the code moto's own authorization uses) against that
function's SAM-transformed policies and the call's real resource ARNs (devstack.iam_requests).
Calls that belong to no function (the harness, tests, the CLI) are not checked.

A presigned URL or POST is checked when it is signed. AWS checks it when the browser uses it, with
the signer's role; moto's server checks nothing then, so without this a function could hand out a
link its role would never honour, and only AWS would show it (decision 103). A missing object is a
404 only to a role that may list its bucket, and a 403 to any other, as S3 answers (decision 106).

Threads started during an invocation, and tasks submitted to an executor, belong to it too.
"""

from __future__ import annotations

import contextvars
import functools
import threading
from collections import defaultdict
from collections.abc import Callable, Iterator, Mapping
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from botocore.client import BaseClient
from botocore.exceptions import ClientError

from devstack.iam_policies import FunctionRole
from devstack.iam_requests import Scope, requests_of

_ERROR_CODES = {"sqs": "AccessDenied", "s3": "AccessDenied"}
_SIGNING_NAMES = {"stepfunctions": "states"}


@dataclass(frozen=True)
class Caller:
    role: FunctionRole
    scope: Scope


_caller: contextvars.ContextVar[Caller | None] = contextvars.ContextVar("devstack_iam_caller", default=None)
_usage: dict[str, set[tuple[str, str]]] = defaultdict(set)
_usage_lock = threading.Lock()
_install_lock = threading.Lock()
_installed = False


def usage() -> dict[str, set[tuple[str, str]]]:
    """(action, resource) pairs each function was allowed, since the process started."""
    with _usage_lock:
        return {function_id: set(pairs) for function_id, pairs in _usage.items()}


def current_function() -> str | None:
    caller = _caller.get()
    return caller.role.function_id if caller else None


@contextmanager
def acting_as(role: FunctionRole, scope: Scope) -> Iterator[None]:
    """AWS calls made inside this block (and by threads it starts) are made with `role`."""
    install()
    token = _caller.set(Caller(role, scope))
    try:
        yield
    finally:
        _caller.reset(token)


def authorize(caller: Caller, service: str, operation: str, params: Mapping[str, Any]) -> None:
    prefix = _SIGNING_NAMES.get(service, service)
    for action, resource in requests_of(prefix, operation, params, caller.scope):
        if not allowed(caller.role.documents, action, resource):
            _deny(caller, service, operation, action, resource)
        with _usage_lock:
            _usage[caller.role.function_id].add((action, resource))


@functools.lru_cache(maxsize=4096)
def allowed(documents: tuple[str, ...], action: str, resource: str) -> bool:
    """IAM's rule: some statement allows it and none denies it (a pure function, so cached)."""
    from moto.iam.access_control import PermissionResult

    results = [policy.is_action_permitted(action, resource) for policy in _parsed(documents)]
    return PermissionResult.PERMITTED in results and PermissionResult.DENIED not in results


@functools.lru_cache(maxsize=64)
def _parsed(documents: tuple[str, ...]) -> list[Any]:
    from moto.iam.access_control import IAMPolicy

    return [IAMPolicy(document) for document in documents]


def _deny(caller: Caller, service: str, operation: str, action: str, resource: str) -> None:
    message = (
        f"User: {caller.role.session_arn} is not authorized to perform: {action} on resource: "
        f"{resource} because no identity-based policy allows the {action} action"
    )
    code = _ERROR_CODES.get(service, "AccessDeniedException")
    raise ClientError(
        {
            "Error": {"Code": code, "Message": message},
            "ResponseMetadata": {"HTTPStatusCode": 403, "RequestId": "local-iam"},
        },
        operation,
    )


def install() -> None:
    """Patches botocore and threading once per process; a no-op outside invocations."""
    global _installed  # noqa: PLW0603 - one patch per process
    with _install_lock:
        if _installed:
            return
        _patch_clients()
        _patch_presigning()
        _patch_threads()
        _installed = True


def _patch_clients() -> None:
    original: Callable[..., Any] = BaseClient._make_api_call

    def checked(self: BaseClient, operation_name: str, api_params: Mapping[str, Any]) -> Any:
        caller = _caller.get()
        if caller is None:
            return original(self, operation_name, api_params)
        service = self.meta.service_model.service_name
        authorize(caller, service, operation_name, api_params)
        try:
            return original(self, operation_name, api_params)
        except ClientError as error:
            if service == "s3" and operation_name in ("GetObject", "HeadObject"):
                _hide_missing_object(caller, operation_name, api_params, error)
            raise

    BaseClient._make_api_call = checked


def _hide_missing_object(
    caller: Caller, operation: str, params: Mapping[str, Any], error: ClientError
) -> None:
    """S3 says an object is missing (404) only to a caller that may list the bucket; any other
    caller gets 403 AccessDenied, so a role without s3:ListBucket cannot tell "not yet" from "no"."""
    if str(error.response.get("Error", {}).get("Code", "")) not in ("404", "NoSuchKey", "NotFound"):
        return
    bucket = f"arn:aws:s3:::{params.get('Bucket', '')}"
    if allowed(caller.role.documents, "s3:ListBucket", bucket):
        return
    code, message = ("403", "Forbidden") if operation == "HeadObject" else ("AccessDenied", "Access Denied")
    raise ClientError(
        {"Error": {"Code": code, "Message": message}, "ResponseMetadata": {"HTTPStatusCode": 403}},
        operation,
    ) from error


def _patch_presigning() -> None:
    # Each client class copies these module functions when it is created (botocore's
    # add_generate_presigned_* handlers), so clients created after install() get the checked ones.
    from botocore import signers

    original_url: Callable[..., Any] = signers.generate_presigned_url
    original_post: Callable[..., Any] = signers.generate_presigned_post

    # The parameters keep botocore's names: callers pass them by keyword.
    def presigned_url(
        self: BaseClient, ClientMethod: str, Params: Any = None, ExpiresIn: int = 3600, HttpMethod: Any = None
    ) -> Any:
        caller = _caller.get()
        if caller is not None:
            operation = self._PY_TO_OP_NAME.get(ClientMethod, ClientMethod)
            authorize(caller, self.meta.service_model.service_name, operation, Params or {})
        return original_url(self, ClientMethod, Params, ExpiresIn, HttpMethod)

    def presigned_post(
        self: BaseClient,
        Bucket: str,
        Key: str,
        Fields: Any = None,
        Conditions: Any = None,
        ExpiresIn: int = 3600,
    ) -> Any:
        caller = _caller.get()
        if caller is not None:
            authorize(caller, "s3", "PutObject", {"Bucket": Bucket, "Key": Key})
        return original_post(self, Bucket, Key, Fields, Conditions, ExpiresIn)

    signers.generate_presigned_url = presigned_url
    signers.generate_presigned_post = presigned_post


def _patch_threads() -> None:
    original_start = threading.Thread.start
    original_submit = ThreadPoolExecutor.submit

    def start(self: threading.Thread) -> None:
        # Under mock_aws, moto runs a Step Functions execution on a thread that the StartExecution
        # call starts: that is AWS's work, not the caller's, and it has the state machine's role.
        target = getattr(self, "_target", None)
        owner = getattr(target, "__module__", None) or type(self).__module__
        if _caller.get() is not None and not owner.startswith("moto."):
            context = contextvars.copy_context()
            run = self.run
            self.run = lambda: context.run(run)  # type: ignore[method-assign]
        original_start(self)

    def submit(self: ThreadPoolExecutor, fn: Callable[..., Any], /, *args: Any, **kwargs: Any) -> Any:
        # A pool's threads outlive the invocation that started them; each task carries its own caller.
        context = contextvars.copy_context()
        return original_submit(self, context.run, fn, *args, **kwargs)

    threading.Thread.start = start  # type: ignore[method-assign]
    ThreadPoolExecutor.submit = submit  # type: ignore[method-assign,assignment]
