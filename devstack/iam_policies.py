"""Each function's IAM policies as AWS would hold them: read from the SAM-transformed template.

SAM turns `Policies:` (policy templates, inline statements, managed policy names), `Connectors` and
event sources (an SQS event adds `AWSLambdaSQSQueueExecutionRole`) into an `AWS::IAM::Role` per
function. We run the same transform (aws-sam-translator, the library `sam build` and CloudFormation
use), resolve the intrinsics against local names, and take managed policy documents from moto's
copy of the AWS managed policies. Nothing here lists a permission by hand.
"""

from __future__ import annotations

import copy
import json
import logging
import os
import threading
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from devstack.template import LocalStackTemplate

_ARTIFACT_PROPERTIES = ("CodeUri", "ContentUri", "DefinitionUri")
_MANAGED_PREFIX = "arn:aws:iam::aws:policy/"
_cache: dict[str, dict[str, FunctionRole]] = {}
_cache_lock = threading.Lock()


@dataclass(frozen=True)
class FunctionRole:
    """One function's execution role: its ARN and every policy document attached to it."""

    function_id: str
    role_arn: str
    session_arn: str
    documents: tuple[str, ...]

    def granted_actions(self) -> list[str]:
        actions: set[str] = set()
        for document in self.documents:
            for statement in _statements(json.loads(document)):
                if statement.get("Effect") != "Allow":
                    continue
                value = statement.get("Action", [])
                actions.update([value] if isinstance(value, str) else value)
        return sorted(actions)


def _statements(document: Mapping[str, Any]) -> list[dict[str, Any]]:
    statements = document.get("Statement", [])
    return [statements] if isinstance(statements, dict) else list(statements)


class _NoManagedPolicyNames:
    """The transform asks for the account's managed policy names; templates here use ARNs."""

    def load(self) -> dict[str, str]:
        return {}


def _transform(document: Mapping[str, Any], region: str) -> dict[str, Any]:
    from samtranslator.translator.transform import transform

    source = copy.deepcopy(dict(document))
    for resource in source.get("Resources", {}).values():
        properties = resource.get("Properties") or {}
        for name in _ARTIFACT_PROPERTIES:
            # Local paths are what `sam build` uploads; the transform only wants an S3 form.
            if isinstance(properties.get(name), str):
                properties[name] = f"s3://local-artifacts/{name}"
    # The translator logs feature-toggle chatter at WARNING on every run.
    logging.getLogger("samtranslator").setLevel(logging.ERROR)
    saved = os.environ.get("AWS_DEFAULT_REGION")
    os.environ["AWS_DEFAULT_REGION"] = region
    try:
        transformed: dict[str, Any] = transform(source, {}, _NoManagedPolicyNames())
    finally:
        if saved is None:
            os.environ.pop("AWS_DEFAULT_REGION", None)
        else:
            os.environ["AWS_DEFAULT_REGION"] = saved
    return transformed


def _managed_policy_documents() -> dict[str, str]:
    from moto.iam.aws_managed_policies import aws_managed_policies_data

    data = json.loads(aws_managed_policies_data)
    return {name: json.dumps(entry["Document"]) for name, entry in data.items()}


class _ConditionEvaluator:
    def __init__(self, template: LocalStackTemplate, conditions: Mapping[str, Any]) -> None:
        self._template = template
        self._conditions = conditions

    def holds(self, name: str) -> bool:
        return bool(self._evaluate(self._conditions[name]))

    def _evaluate(self, expression: Any) -> Any:
        if not isinstance(expression, dict) or len(expression) != 1:
            return self._template.resolve(expression)
        ((key, argument),) = expression.items()
        if key == "Fn::Not":
            return not self._evaluate(argument[0])
        if key == "Fn::And":
            return all(self._evaluate(part) for part in argument)
        if key == "Fn::Or":
            return any(self._evaluate(part) for part in argument)
        if key == "Fn::Equals":
            left, right = (self._evaluate(part) for part in argument)
            return str(left) == str(right)
        if key == "Condition":
            return self.holds(argument)
        return self._template.resolve(expression)

    def prune(self, value: Any) -> Any:
        """Drops `Fn::If` branches and `AWS::NoValue` the way CloudFormation would."""
        if isinstance(value, list):
            items = [self.prune(item) for item in value]
            return [item for item in items if item is not _NO_VALUE]
        if not isinstance(value, dict):
            return value
        if value == {"Ref": "AWS::NoValue"}:
            return _NO_VALUE
        if len(value) == 1 and "Fn::If" in value:
            name, when_true, when_false = value["Fn::If"]
            return self.prune(when_true if self.holds(name) else when_false)
        pruned = {key: self.prune(item) for key, item in value.items()}
        return {key: item for key, item in pruned.items() if item is not _NO_VALUE}


_NO_VALUE = object()


def function_roles(template: LocalStackTemplate) -> dict[str, FunctionRole]:
    """Every template function's role, by the function's logical id (cached per deployment)."""
    cache_key = json.dumps(
        [template.stack_name, template.region, template.account_id, template.parameters], default=str
    )
    with _cache_lock:
        cached = _cache.get(cache_key)
        if cached is None:
            cached = _build_roles(template)
            _cache[cache_key] = cached
        return cached


def _build_roles(template: LocalStackTemplate) -> dict[str, FunctionRole]:
    transformed = _transform(template.document, template.region)
    evaluator = _ConditionEvaluator(template, transformed.get("Conditions") or {})
    managed = _managed_policy_documents()
    resources = transformed["Resources"]
    roles: dict[str, FunctionRole] = {}
    for function_id in template.resources_of_type("AWS::Serverless::Function"):
        role_id = f"{function_id}Role"
        role = resources.get(role_id)
        if role is None:
            continue
        properties = evaluator.prune(role["Properties"])
        documents = []
        for policy in properties.get("Policies", []):
            documents.append(json.dumps(template.resolve(policy["PolicyDocument"])))
        for arn in properties.get("ManagedPolicyArns", []):
            name = str(template.resolve(arn)).removeprefix(_MANAGED_PREFIX).rsplit("/", 1)[-1]
            if name not in managed:
                raise KeyError(f"{function_id}: managed policy {arn} is unknown to the local stack")
            documents.append(managed[name])
        role_name = f"{template.stack_name}-{role_id}"
        roles[function_id] = FunctionRole(
            function_id=function_id,
            role_arn=f"arn:aws:iam::{template.account_id}:role/{role_name}",
            session_arn=(
                f"arn:aws:sts::{template.account_id}:assumed-role/{role_name}/"
                f"{template.physical_name(function_id)}"
            ),
            documents=tuple(documents),
        )
    return roles
