"""What Lambda enforces around a handler and the in-process runner did not: the function's timeout
and the payload limits (6 MB synchronous, 1 MB asynchronous).

A handler that runs past its template `Timeout` fails its invocation at the deadline, as on AWS,
rather than whenever it returns: it runs on its own thread and the caller stops waiting. Python
cannot kill a thread, so the runaway one is then sent an asynchronous exception (it lands at its
next bytecode, so a thread blocked in a long C call stops only when that call returns) and the
attempt is logged. Lambda would freeze the sandbox; here the thread may still finish a call it was
in the middle of.

Payloads are measured as the JSON Lambda would carry (compact, UTF-8).
"""

from __future__ import annotations

import contextvars
import ctypes
import json
import logging
import threading
from collections.abc import Callable
from typing import Any

log = logging.getLogger("devstack.lambda")

# Invoke refuses a request over 6 MiB; a response may be 100 bytes larger (both measured on AWS, and
# the two numbers are the ones Lambda's own error messages quote).
MAX_SYNC_REQUEST_BYTES = 6 * 1024 * 1024
MAX_SYNC_RESPONSE_BYTES = MAX_SYNC_REQUEST_BYTES + 100
# An asynchronous invocation (InvocationType Event, an S3 notification, a schedule) is queued only
# up to 1 MiB (Lambda's Invoke reference; it was 256 KB before 2025).
MAX_ASYNC_REQUEST_BYTES = 1024 * 1024


class InvocationError(Exception):
    """An invocation that failed outside the handler's own code; `error_type` is Lambda's name."""

    error_type = "Runtime.Error"


class LambdaTimeout(InvocationError):
    error_type = "Sandbox.Timedout"

    def __init__(self, function_name: str, timeout_seconds: float) -> None:
        super().__init__(f"{function_name}: Task timed out after {timeout_seconds:.2f} seconds")
        self.timeout_seconds = timeout_seconds


class RequestTooLarge(InvocationError):
    """Invoke's own 413: the function never runs."""

    error_type = "RequestEntityTooLargeException"

    def __init__(self, size: int, limit: int = MAX_SYNC_REQUEST_BYTES) -> None:
        super().__init__(
            f"Request must be smaller than {limit} bytes for the InvokeFunction "
            f"operation (this one is {size} bytes)"
        )
        self.size = size
        self.limit = limit


class ResponseTooLarge(InvocationError):
    error_type = "Function.ResponseSizeTooLarge"

    def __init__(self, size: int) -> None:
        super().__init__(
            f"Response payload size ({size} bytes) exceeded maximum allowed payload size "
            f"({MAX_SYNC_RESPONSE_BYTES} bytes)."
        )
        self.size = size


class ResponseNotJson(InvocationError):
    error_type = "Runtime.MarshalError"


class _Stopped(BaseException):
    """Raised inside a handler thread past its deadline; not an Exception, so `except Exception`
    in the handler cannot swallow it."""


def payload_size(value: Any) -> int:
    return len(json.dumps(value, separators=(",", ":"), ensure_ascii=False).encode("utf-8"))


def check_request(event: Any) -> None:
    size = payload_size(event)
    if size > MAX_SYNC_REQUEST_BYTES:
        raise RequestTooLarge(size)


def check_async_request(event: Any) -> None:
    size = payload_size(event)
    if size > MAX_ASYNC_REQUEST_BYTES:
        raise RequestTooLarge(size, MAX_ASYNC_REQUEST_BYTES)


def check_response(result: Any) -> None:
    try:
        size = payload_size(result)
    except (TypeError, ValueError) as error:
        raise ResponseNotJson(f"Unable to marshal response: {error}") from error
    if size > MAX_SYNC_RESPONSE_BYTES:
        raise ResponseTooLarge(size)


def run_with_timeout(function_name: str, timeout_seconds: float, run: Callable[[], Any]) -> Any:
    """`run()` on a worker thread, in a copy of the caller's context (so the role it acts as goes
    with it); its exception is re-raised here, and LambdaTimeout is raised at the deadline."""
    context = contextvars.copy_context()
    outcome: dict[str, Any] = {}
    done = threading.Event()

    def target() -> None:
        try:
            outcome["result"] = context.run(run)
        except _Stopped:
            log.warning("%s: the timed-out invocation's thread has stopped", function_name)
        except BaseException as error:  # handed to the caller, SystemExit included
            outcome["error"] = error
        finally:
            done.set()

    thread = threading.Thread(target=target, name=f"lambda-{function_name}", daemon=True)
    thread.start()
    if not done.wait(timeout_seconds):
        _stop(thread, function_name, timeout_seconds)
        raise LambdaTimeout(function_name, timeout_seconds)
    if "error" in outcome:
        raise outcome["error"]
    return outcome.get("result")


def _stop(thread: threading.Thread, function_name: str, timeout_seconds: float) -> None:
    log.error("%s: Task timed out after %.2f seconds; stopping its thread", function_name, timeout_seconds)
    if thread.ident is None:
        return
    ctypes.pythonapi.PyThreadState_SetAsyncExc(ctypes.c_ulong(thread.ident), ctypes.py_object(_Stopped))
