"""template.yaml as the local stack sees it: loaded with CloudFormation's short tags, resolved
against local physical names, and read for functions, routes, queues, triggers and the API's
gateway responses. Nothing here keeps a second copy of a name, key or route."""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import yaml

from devstack.api_router import Route
from devstack.template_specs import (
    Destination,
    EventInvokeConfig,
    FunctionSpec,
    S3Trigger,
    ScheduleEvent,
    SqsEventSource,
)

PROJECT_ROOT = Path(__file__).resolve().parent.parent
TEMPLATE_PATH = PROJECT_ROOT / "template.yaml"


class _CfnLoader(yaml.SafeLoader):
    pass


def _tag_constructor(loader: yaml.SafeLoader, tag_suffix: str, node: yaml.Node) -> dict[str, Any]:
    value: Any
    if isinstance(node, yaml.ScalarNode):
        value = loader.construct_scalar(node)
    elif isinstance(node, yaml.SequenceNode):
        value = loader.construct_sequence(node, deep=True)
    else:
        value = loader.construct_mapping(node, deep=True)
    if tag_suffix == "Ref":
        return {"Ref": value}
    if tag_suffix == "GetAtt" and isinstance(value, str):
        value = value.split(".", 1)
    return {f"Fn::{tag_suffix}": value}


_CfnLoader.add_multi_constructor("!", _tag_constructor)


def load_template(path: Path = TEMPLATE_PATH) -> dict[str, Any]:
    with path.open(encoding="utf-8") as handle:
        document = yaml.load(handle, Loader=_CfnLoader)  # noqa: S506 - SafeLoader subclass with CFN tags
    if not isinstance(document, dict):
        raise ValueError(f"{path} is not a CloudFormation template")
    return document


_SUB_RE = re.compile(r"\$\{([^}!]+)\}")


class LocalStackTemplate:
    """The template plus what a local deployment of it is called."""

    def __init__(
        self,
        document: Mapping[str, Any] | None = None,
        *,
        stack_name: str = "debtload",
        region: str = "us-east-1",
        account_id: str = "123456789012",
        parameter_overrides: Mapping[str, Any] | None = None,
        project_root: Path = PROJECT_ROOT,
    ) -> None:
        self.document = dict(document) if document is not None else load_template()
        self.stack_name = stack_name
        self.region = region
        self.account_id = account_id
        self.project_root = project_root
        self.resources: dict[str, dict[str, Any]] = self.document.get("Resources", {})
        self.parameters = self._parameter_values(parameter_overrides or {})

    # parameters and names
    def _parameter_values(self, overrides: Mapping[str, Any]) -> dict[str, Any]:
        declared = self.document.get("Parameters", {})
        unknown = set(overrides) - set(declared)
        if unknown:
            raise KeyError(f"unknown template parameters: {sorted(unknown)}")
        return {name: overrides.get(name, spec.get("Default")) for name, spec in declared.items()}

    def type_of(self, logical_id: str) -> str:
        return str(self.resources[logical_id]["Type"])

    def properties(self, logical_id: str) -> dict[str, Any]:
        return dict(self.resources[logical_id].get("Properties") or {})

    def physical_name(self, logical_id: str) -> str:
        kind = self.type_of(logical_id)
        props = self.properties(logical_id)
        explicit = {"AWS::S3::Bucket": "BucketName", "AWS::Events::EventBus": "Name"}.get(kind)
        if explicit and explicit in props:
            return str(self.resolve(props[explicit]))
        return f"{self.stack_name}-{logical_id}"

    def arn(self, logical_id: str) -> str:
        kind = self.type_of(logical_id)
        name = self.physical_name(logical_id)
        prefix = f"arn:aws:{{}}:{self.region}:{self.account_id}"
        return {
            "AWS::SQS::Queue": f"{prefix.format('sqs')}:{name}",
            "AWS::Serverless::Function": f"{prefix.format('lambda')}:function:{name}",
            "AWS::Serverless::StateMachine": f"{prefix.format('states')}:stateMachine:{name}",
            "AWS::Events::EventBus": f"{prefix.format('events')}:event-bus/{name}",
            "AWS::DynamoDB::Table": f"{prefix.format('dynamodb')}:table/{name}",
            "AWS::S3::Bucket": f"arn:aws:s3:::{name}",
        }.get(kind, f"{prefix.format('local')}:{name}")

    def queue_url(self, logical_id: str, endpoint: str) -> str:
        return f"{endpoint}/{self.account_id}/{self.physical_name(logical_id)}"

    def ref(self, name: str, endpoint: str = "") -> Any:
        pseudo = {
            "AWS::StackName": self.stack_name,
            "AWS::Region": self.region,
            "AWS::AccountId": self.account_id,
            "AWS::Partition": "aws",
            "AWS::URLSuffix": "amazonaws.com",
        }
        if name in pseudo:
            return pseudo[name]
        if name in self.parameters:
            return self.parameters[name]
        kind = self.type_of(name)
        if kind == "AWS::SQS::Queue":
            return self.queue_url(name, endpoint or "http://localhost")
        if kind in ("AWS::Serverless::StateMachine", "AWS::Serverless::LayerVersion"):
            return self.arn(name)
        if kind == "AWS::Serverless::Api":
            return "local"
        return self.physical_name(name)

    def get_att(self, logical_id: str, attribute: str) -> str:
        if attribute == "Arn":
            return self.arn(logical_id)
        if attribute in ("QueueName", "Name"):
            return self.physical_name(logical_id)
        if attribute == "QueueUrl":
            return self.queue_url(logical_id, "http://localhost")
        raise KeyError(f"GetAtt {logical_id}.{attribute} is not supported locally")

    def resolve(self, value: Any, endpoint: str = "") -> Any:
        """Evaluate the intrinsic functions the template uses, against local names."""
        if isinstance(value, list):
            return [self.resolve(item, endpoint) for item in value]
        if not isinstance(value, dict):
            return value
        if len(value) == 1:
            ((key, arg),) = value.items()
            if key == "Ref":
                return self.ref(arg, endpoint)
            if key == "Fn::GetAtt":
                return self.get_att(arg[0], arg[1])
            if key == "Fn::Sub":
                return self._sub(arg, endpoint)
            if key == "Fn::Join":
                return str(arg[0]).join(str(self.resolve(part, endpoint)) for part in arg[1])
            if key == "Fn::Select":
                return self.resolve(arg[1], endpoint)[int(arg[0])]
        return {key: self.resolve(item, endpoint) for key, item in value.items()}

    def _sub(self, arg: Any, endpoint: str) -> str:
        text, variables = (arg, {}) if isinstance(arg, str) else (arg[0], arg[1])

        def replace(match: re.Match[str]) -> str:
            name = match.group(1)
            if name in variables:
                return str(self.resolve(variables[name], endpoint))
            if "." in name and not name.startswith("AWS::"):
                logical_id, attribute = name.split(".", 1)
                return str(self.get_att(logical_id, attribute))
            return str(self.ref(name, endpoint))

        return _SUB_RE.sub(replace, text)

    # what the stack is made of
    def resources_of_type(self, kind: str) -> list[str]:
        return [logical_id for logical_id, spec in self.resources.items() if spec.get("Type") == kind]

    def functions(self) -> list[FunctionSpec]:
        globals_ = (self.document.get("Globals") or {}).get("Function", {})
        specs = []
        for logical_id in self.resources_of_type("AWS::Serverless::Function"):
            props = self.properties(logical_id)
            environment = dict((globals_.get("Environment") or {}).get("Variables", {}))
            environment.update((props.get("Environment") or {}).get("Variables", {}))
            specs.append(
                FunctionSpec(
                    logical_id=logical_id,
                    code_uri=str(props["CodeUri"]).rstrip("/"),
                    handler=str(props.get("Handler", globals_.get("Handler", "app.lambda_handler"))),
                    timeout=int(self.resolve(props.get("Timeout", globals_.get("Timeout", 3)))),
                    memory_size=int(self.resolve(props.get("MemorySize", globals_.get("MemorySize", 128)))),
                    environment=environment,
                    events=dict(props.get("Events") or {}),
                    runtime=str(props.get("Runtime", globals_.get("Runtime", "python3.13"))),
                )
            )
        return specs

    def function(self, logical_id: str) -> FunctionSpec:
        for spec in self.functions():
            if spec.logical_id == logical_id:
                return spec
        raise KeyError(f"no function {logical_id} in the template")

    def function_environment(self, logical_id: str, endpoint: str) -> dict[str, str]:
        resolved = self.resolve(self.function(logical_id).environment, endpoint)
        return {name: str(value) for name, value in resolved.items()}

    def api_routes(self, api_id: str = "Api") -> list[Route]:
        default_auth = bool((self.properties(api_id).get("Auth") or {}).get("DefaultAuthorizer"))
        routes = []
        for spec in self.functions():
            for event in spec.events.values():
                if event.get("Type") != "Api":
                    continue
                props = event["Properties"]
                authorizer = (props.get("Auth") or {}).get("Authorizer")
                routes.append(
                    Route(
                        method=str(props["Method"]).upper(),
                        path=str(props["Path"]),
                        authorized=default_auth and authorizer != "NONE",
                        # The event's TimeoutInMillis: API Gateway's integration timeout, 29 s unless set lower.
                        timeout_seconds=int(self.resolve(props.get("TimeoutInMillis", 29000))) / 1000,
                    )
                )
        return routes

    def api_function(self) -> str:
        for spec in self.functions():
            if any(event.get("Type") == "Api" for event in spec.events.values()):
                return spec.logical_id
        raise KeyError("no function serves API events")

    def authorizer_function(self, api_id: str = "Api") -> str:
        auth = self.properties(api_id).get("Auth") or {}
        authorizer = auth["Authorizers"][auth["DefaultAuthorizer"]]
        return str(authorizer["FunctionArn"]["Fn::GetAtt"][0])

    def gateway_responses(self, api_id: str = "Api") -> dict[str, dict[str, Any]]:
        return dict(self.properties(api_id).get("GatewayResponses") or {})

    def stage_name(self, api_id: str = "Api") -> str:
        return str(self.resolve(self.properties(api_id).get("StageName", "v1")))

    def sqs_event_sources(self) -> list[SqsEventSource]:
        sources = []
        for spec in self.functions():
            for event in spec.events.values():
                if event.get("Type") != "SQS":
                    continue
                props = event["Properties"]
                sources.append(
                    SqsEventSource(
                        function_id=spec.logical_id,
                        queue_id=str(props["Queue"]["Fn::GetAtt"][0]),
                        batch_size=int(self.resolve(props.get("BatchSize", 10))),
                        report_batch_item_failures="ReportBatchItemFailures"
                        in props.get("FunctionResponseTypes", []),
                        maximum_batching_window_seconds=int(
                            self.resolve(props.get("MaximumBatchingWindowInSeconds", 0))
                        ),
                        maximum_concurrency=int(
                            self.resolve((props.get("ScalingConfig") or {}).get("MaximumConcurrency", 5))
                        ),
                    )
                )
        return sources

    def schedule_events(self) -> list[ScheduleEvent]:
        schedules = []
        for spec in self.functions():
            for event_id, event in spec.events.items():
                if event.get("Type") != "Schedule":
                    continue
                props = event.get("Properties") or {}
                # SAM: `Enabled: false` or `State: DISABLED` creates the rule switched off.
                state = str(self.resolve(props.get("State", "ENABLED"))).upper()
                enabled = (
                    str(self.resolve(props.get("Enabled", True))).lower() != "false" and state == "ENABLED"
                )
                raw_input = self.resolve(props.get("Input"))
                schedules.append(
                    ScheduleEvent(
                        function_id=spec.logical_id,
                        event_id=event_id,
                        expression=str(self.resolve(props["Schedule"])),
                        rule_name=str(
                            self.resolve(props.get("Name", f"{self.stack_name}-{spec.logical_id}{event_id}"))
                        ),
                        enabled=enabled,
                        input=None if raw_input is None else str(raw_input),
                    )
                )
        return schedules

    def event_invoke_config(self, function_id: str) -> EventInvokeConfig:
        globals_ = (self.document.get("Globals") or {}).get("Function", {})
        props = self.properties(function_id)
        raw = self.resolve(props.get("EventInvokeConfig", globals_.get("EventInvokeConfig")) or {})
        destinations = raw.get("DestinationConfig") or {}

        def destination(condition: str) -> Destination | None:
            spec = destinations.get(condition)
            if not spec:
                return None
            if "Destination" not in spec:
                raise ValueError(
                    f"{function_id}: DestinationConfig.{condition} without a Destination ARN (SAM would "
                    "create a resource for it) is not supported by the local stack"
                )
            return Destination(kind=str(spec.get("Type", "")), arn=str(spec["Destination"]))

        return EventInvokeConfig(
            maximum_retry_attempts=int(raw.get("MaximumRetryAttempts", 2)),
            on_failure=destination("OnFailure"),
            on_success=destination("OnSuccess"),
        )

    def s3_triggers(self) -> list[S3Trigger]:
        triggers = []
        for spec in self.functions():
            for event in spec.events.values():
                if event.get("Type") != "S3":
                    continue
                props = event["Properties"]
                events = props["Events"] if isinstance(props["Events"], list) else [props["Events"]]
                rules = ((props.get("Filter") or {}).get("S3Key") or {}).get("Rules", [])
                triggers.append(
                    S3Trigger(
                        function_id=spec.logical_id,
                        bucket_id=str(props["Bucket"]["Ref"]),
                        events=tuple(events),
                        filter_rules=tuple((rule["Name"], rule["Value"]) for rule in rules),
                    )
                )
        return triggers

    def state_machine_definition(self, logical_id: str) -> str:
        props = self.properties(logical_id)
        text = (self.project_root / props["DefinitionUri"]).read_text(encoding="utf-8")
        for name, value in (props.get("DefinitionSubstitutions") or {}).items():
            text = text.replace("${" + name + "}", str(self.resolve(value)))
        json.loads(text)  # a substitution must never leave the definition invalid
        return text
