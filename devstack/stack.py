"""The Docker-free local stack: moto's server, every template resource, the functions in process,
SQS pollers and an API Gateway front. `make run` and the end-to-end tests both use this class."""

from __future__ import annotations

import json
import logging
import os
import urllib.request
from collections.abc import Mapping
from concurrent.futures import Future
from types import TracebackType
from typing import Any

from moto.server import ThreadedMotoServer

from devstack.api_gateway import ApiGatewayFront
from devstack.async_invoke import AsyncInvoker, AsyncOutcome
from devstack.environment import SHARED_ENVIRONMENT
from devstack.functions import FunctionRunner
from devstack.gateway_responses import GatewayResponse
from devstack.moto_hooks import MotoHooks
from devstack.moto_s3_post import disable_global_cors
from devstack.provision import Provisioner
from devstack.schedules import Scheduler
from devstack.template import LocalStackTemplate

log = logging.getLogger("devstack")

LOCAL_PARAMETERS = {
    # Loopback receivers are how webhooks are tried locally; deployed stacks keep refusing them.
    "WebhookAllowPrivateTargets": "true",
}
LOCAL_POOL_CONNECTIONS = 200


def _gateway_responses(raw: Mapping[str, Mapping[str, Any]]) -> dict[str, GatewayResponse]:
    responses = {}
    for kind, spec in raw.items():
        templates = spec.get("ResponseTemplates") or {}
        headers = ((spec.get("ResponseParameters") or {}).get("Headers")) or {}
        responses[kind] = GatewayResponse(
            status_code=int(spec.get("StatusCode", 502 if kind == "DEFAULT_5XX" else 400)),
            body_template=str(templates.get("application/json", '{"message": $context.error.messageString}')),
            headers={name: str(value) for name, value in headers.items()},
        )
    return responses


def _check_visibility(template: LocalStackTemplate, queue_id: str, function_id: str) -> None:
    """Lambda refuses an SQS event source whose queue would redeliver a batch still running."""
    visibility = int(template.resolve(template.properties(queue_id).get("VisibilityTimeout", 30)))
    timeout = template.function(function_id).timeout
    if visibility < timeout:
        raise ValueError(
            f"{function_id} on {queue_id}: Queue visibility timeout: {visibility} seconds is less than "
            f"Function timeout: {timeout} seconds (CreateEventSourceMapping refuses this on AWS)"
        )


class _ActingAs:
    """A client whose every call is made as one function (authorized by its role)."""

    def __init__(self, client: Any, runner: FunctionRunner, function_id: str) -> None:
        self._client = client
        self._runner = runner
        self._function_id = function_id

    def __getattr__(self, name: str) -> Any:
        attribute = getattr(self._client, name)
        if not callable(attribute):
            return attribute

        def call(*args: Any, **kwargs: Any) -> Any:
            with self._runner.acting_as(self._function_id):
                return attribute(*args, **kwargs)

        return call


class LocalStack:
    def __init__(
        self,
        *,
        host: str = "127.0.0.1",
        api_port: int = 3000,
        aws_port: int = 4566,
        parameter_overrides: Mapping[str, Any] | None = None,
        stack_name: str = "debtload",
        pollers: bool = True,
        schedules: bool = True,
        schedule_scale: float | None = None,
        async_retry_seconds: float | None = None,
    ) -> None:
        """`schedule_scale` divides the template's schedule rates (DEBTLOAD_LOCAL_SCHEDULE_SCALE);
        `async_retry_seconds` is the first wait before Lambda retries a failed asynchronous invocation
        (DEBTLOAD_LOCAL_ASYNC_RETRY_SECONDS, default 1; AWS waits about a minute)."""
        self.host = host
        self._api_port = api_port
        self._aws_port = aws_port
        self._parameters = {**LOCAL_PARAMETERS, **(parameter_overrides or {})}
        self.stack_name = stack_name
        self._with_pollers = pollers
        self._with_schedules = schedules
        self._schedule_scale = schedule_scale
        self._async_retry_seconds = async_retry_seconds
        self._moto: ThreadedMotoServer | None = None
        self._front: ApiGatewayFront | None = None
        self._hooks: MotoHooks | None = None
        self.async_invoker: AsyncInvoker | None = None
        self.scheduler: Scheduler | None = None
        self._saved_environment: dict[str, str] = {}
        self.pollers: list[Any] = []
        self.template: LocalStackTemplate | None = None
        self.runner: FunctionRunner | None = None

    @property
    def aws_endpoint(self) -> str:
        assert self._moto is not None, "stack not started"
        host, port = self._moto.get_host_and_port()
        return f"http://{host}:{port}"

    @property
    def api_url(self) -> str:
        assert self._front is not None, "stack not started"
        return f"http://{self.host}:{self._front.port}"

    def start(self) -> LocalStack:
        disable_global_cors()  # the bucket's CORS rules answer a browser, as on S3 (decision 95)
        self._moto = ThreadedMotoServer(ip_address=self.host, port=self._aws_port, verbose=False)
        self._moto.start()
        endpoint = self.aws_endpoint
        self._set_environment(endpoint)
        self._moto_api(endpoint, "reset", {})
        self._moto_api(endpoint, "config", {"stepfunctions": {"execute_state_machine": True}})
        self.template = LocalStackTemplate(stack_name=self.stack_name, parameter_overrides=self._parameters)
        Provisioner(self.template, endpoint).provision()
        self.runner = FunctionRunner(self.template, endpoint)
        self.async_invoker = AsyncInvoker(self.runner, retry_delay_seconds=self._async_retry_seconds)
        # Built (and its expressions checked) before anything runs, and even when off: fire_schedule.
        self.scheduler = Scheduler(self.template, self.async_invoker.invoke, scale=self._schedule_scale)
        self._hooks = MotoHooks(self.runner, self.async_invoker)
        self._hooks.install()
        if self._with_pollers:
            self._start_pollers(endpoint)
        if self._with_schedules:
            self.scheduler.start()
        self._start_front()
        # The console's page is served by this front: its origin may POST uploads to the bucket.
        Provisioner(self.template, endpoint).allow_console_origin(self.api_url)
        return self

    def fire_schedule(self, function_id: str, event_id: str | None = None) -> Future[AsyncOutcome]:
        """Fires one of the template's Schedule events now, as its rule would (asynchronously)."""
        assert self.scheduler is not None, "stack not started"
        future: Future[AsyncOutcome] = self.scheduler.fire(function_id, event_id)
        return future

    def _set_environment(self, endpoint: str) -> None:
        from debtload.adapters import aws

        port = endpoint.rsplit(":", 1)[1]
        changes = {**SHARED_ENVIRONMENT, "AWS_ENDPOINT_URL": endpoint, "MOTO_PORT": port}
        self._saved_environment = {name: os.environ[name] for name in changes if name in os.environ}
        os.environ.update(changes)
        # Every function thread of this process shares one client per service: 20 job workers, each
        # with up to DYNAMODB_BATCH_CONCURRENCY (8) batch calls at once, plus the API's request threads,
        # the webhook pollers and the async invokers. Below that, urllib3 logs "Connection pool is full".
        aws.reserve_connections(LOCAL_POOL_CONNECTIONS)
        aws.reset_clients()

    @staticmethod
    def _moto_api(endpoint: str, action: str, body: Mapping[str, Any]) -> None:
        # Backends are process-wide: reset gives each stack a clean slate. Step Functions executions
        # only run their states with the execute_state_machine switch on.
        request = urllib.request.Request(  # noqa: S310 - our own loopback endpoint
            f"{endpoint}/moto-api/{action}",
            data=json.dumps(body).encode(),
            headers={"Content-Type": "application/json"},
            method="POST",
        )
        with urllib.request.urlopen(request, timeout=10):  # noqa: S310
            pass

    def _start_pollers(self, endpoint: str) -> None:
        assert self.template is not None and self.runner is not None
        import boto3
        from botocore.config import Config

        from devstack.sqs_poller import SqsEventSourcePoller

        # One client for every poller's long polls at once (each queue up to its MaximumConcurrency):
        # botocore's default pool of 10 made urllib3 log "Connection pool is full" many times a second.
        sqs = boto3.session.Session().client(
            "sqs",
            endpoint_url=endpoint,
            region_name=self.template.region,
            config=Config(max_pool_connections=LOCAL_POOL_CONNECTIONS),
        )
        runner = self.runner
        for source in self.template.sqs_event_sources():
            _check_visibility(self.template, source.queue_id, source.function_id)
            url = sqs.get_queue_url(QueueName=self.template.physical_name(source.queue_id))["QueueUrl"]

            def invoke(event: dict[str, Any], function_id: str = source.function_id) -> Any:
                return runner.invoke(function_id, event)

            poller = SqsEventSourcePoller(
                # The event source mapping polls with the function's role, as Lambda does.
                sqs_client=_ActingAs(sqs, runner, source.function_id),
                queue_url=url,
                queue_arn=self.template.arn(source.queue_id),
                invoke=invoke,
                batch_size=source.batch_size,
                report_batch_item_failures=source.report_batch_item_failures,
                maximum_batching_window_seconds=source.maximum_batching_window_seconds,
                region=self.template.region,
                name=f"{source.queue_id}->{source.function_id}",
                concurrency=source.maximum_concurrency,
            )
            poller.start()
            self.pollers.append(poller)

    def _start_front(self) -> None:
        assert self.template is not None and self.runner is not None
        runner = self.runner
        api_function = self.template.api_function()
        authorizer_function = self.template.authorizer_function()
        self._front = ApiGatewayFront(
            routes=self.template.api_routes(),
            authorizer=lambda event: runner.invoke(authorizer_function, event),
            api=lambda event: runner.invoke(api_function, event),
            gateway_responses=_gateway_responses(self.template.gateway_responses()),
            stage=self.template.stage_name(),
            region=self.template.region,
            account_id=self.template.account_id,
        )
        self._front.serve(self.host, self._api_port)

    def stop(self) -> None:
        if self.scheduler is not None:
            self.scheduler.stop()
        for poller in self.pollers:
            poller.stop()
        self.pollers.clear()
        if self._front is not None:
            self._front.shutdown()
            self._front = None
        if self.async_invoker is not None:
            self.async_invoker.shutdown()
            self.async_invoker = None
        if self._hooks is not None:
            self._hooks.uninstall()
            self._hooks = None
        if self._moto is not None:
            self._moto_api(self.aws_endpoint, "reset", {})
            self._moto.stop()
            self._moto = None
        for name in ("AWS_ENDPOINT_URL", "MOTO_PORT", *SHARED_ENVIRONMENT):
            os.environ.pop(name, None)
        os.environ.update(self._saved_environment)

    def resource_name(self, logical_id: str) -> str:
        assert self.template is not None
        return self.template.physical_name(logical_id)

    def __enter__(self) -> LocalStack:
        return self.start()

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.stop()
