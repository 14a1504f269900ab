"""Creates every resource of template.yaml in moto (server or in-process `mock_aws`) through boto3."""

from __future__ import annotations

import io
import json
import logging
import zipfile
from typing import Any

import boto3

from devstack.template import LocalStackTemplate

log = logging.getLogger("devstack.provision")

LOCAL_ROLE_NAME = "debtload-local-execution-role"
_ASSUME_LAMBDA = {
    "Version": "2012-10-17",
    "Statement": [
        {
            "Effect": "Allow",
            "Principal": {"Service": ["lambda.amazonaws.com", "states.amazonaws.com"]},
            "Action": "sts:AssumeRole",
        }
    ],
}


def _placeholder_zip() -> bytes:
    # moto needs some code to register a function; the local stack runs the real code in process.
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr(
            "app.py", "def lambda_handler(event, context):\n    raise RuntimeError('run by devstack')\n"
        )
    return buffer.getvalue()


class Provisioner:
    def __init__(self, template: LocalStackTemplate, endpoint_url: str | None = None) -> None:
        self.template = template
        self.endpoint = endpoint_url or ""
        self._session = boto3.session.Session(region_name=template.region)

    def client(self, service: str) -> Any:
        kwargs: dict[str, Any] = {"region_name": self.template.region}
        if self.endpoint:
            kwargs["endpoint_url"] = self.endpoint
        return self._session.client(service, **kwargs)

    def provision(self, *, lambdas: bool = True, state_machines: bool = True) -> None:
        self.create_tables()
        self.create_queues()
        self.create_event_buses()
        self.create_event_rules()
        role_arn = self.create_role() if (lambdas or state_machines) else ""
        if lambdas:
            self.create_functions(role_arn)
        self.create_buckets(with_notifications=lambdas)
        if state_machines:
            self.create_state_machines(role_arn)

    def create_tables(self) -> None:
        dynamodb = self.client("dynamodb")
        for logical_id in self.template.resources_of_type("AWS::DynamoDB::Table"):
            props = self.template.resolve(self.template.properties(logical_id))
            name = self.template.physical_name(logical_id)
            request: dict[str, Any] = {
                "TableName": name,
                "AttributeDefinitions": props["AttributeDefinitions"],
                "KeySchema": props["KeySchema"],
                "BillingMode": props.get("BillingMode", "PAY_PER_REQUEST"),
            }
            if props.get("GlobalSecondaryIndexes"):
                request["GlobalSecondaryIndexes"] = props["GlobalSecondaryIndexes"]
            dynamodb.create_table(**request)
            ttl = props.get("TimeToLiveSpecification")
            if ttl:
                dynamodb.update_time_to_live(TableName=name, TimeToLiveSpecification=ttl)

    def create_queues(self) -> None:
        sqs = self.client("sqs")
        queues = self.template.resources_of_type("AWS::SQS::Queue")
        for logical_id in queues:
            props = self.template.resolve(self.template.properties(logical_id))
            attributes = {
                key: str(props[key])
                for key in (
                    "VisibilityTimeout",
                    "MessageRetentionPeriod",
                    "MaximumMessageSize",
                    "DelaySeconds",
                    "ReceiveMessageWaitTimeSeconds",
                )
                if key in props
            }
            sqs.create_queue(QueueName=self.template.physical_name(logical_id), Attributes=attributes)
        # Redrive last: a policy may only point at a queue that exists.
        for logical_id in queues:
            props = self.template.resolve(self.template.properties(logical_id))
            if "RedrivePolicy" in props:
                url = sqs.get_queue_url(QueueName=self.template.physical_name(logical_id))["QueueUrl"]
                sqs.set_queue_attributes(
                    QueueUrl=url, Attributes={"RedrivePolicy": json.dumps(props["RedrivePolicy"])}
                )

    def create_event_buses(self) -> None:
        events = self.client("events")
        for logical_id in self.template.resources_of_type("AWS::Events::EventBus"):
            events.create_event_bus(Name=self.template.physical_name(logical_id))

    def create_event_rules(self) -> None:
        """EventBridge rules and their targets (queue policies need no local counterpart: moto
        delivers to a rule's SQS target without checking them)."""
        events = self.client("events")
        for logical_id in self.template.resources_of_type("AWS::Events::Rule"):
            props = self.template.resolve(self.template.properties(logical_id))
            name = self.template.physical_name(logical_id)
            bus = props.get("EventBusName", "default")
            events.put_rule(
                Name=name, EventBusName=bus, EventPattern=json.dumps(props["EventPattern"]), State="ENABLED"
            )
            targets = [{"Id": t["Id"], "Arn": t["Arn"]} for t in props.get("Targets", [])]
            if targets:
                events.put_targets(Rule=name, EventBusName=bus, Targets=targets)

    def create_role(self) -> str:
        iam = self.client("iam")
        try:
            return str(iam.get_role(RoleName=LOCAL_ROLE_NAME)["Role"]["Arn"])
        except iam.exceptions.NoSuchEntityException:
            role = iam.create_role(
                RoleName=LOCAL_ROLE_NAME, AssumeRolePolicyDocument=json.dumps(_ASSUME_LAMBDA)
            )
            return str(role["Role"]["Arn"])

    def create_functions(self, role_arn: str) -> None:
        lambda_client = self.client("lambda")
        code = _placeholder_zip()
        for spec in self.template.functions():
            lambda_client.create_function(
                FunctionName=self.template.physical_name(spec.logical_id),
                Runtime=spec.runtime,
                Role=role_arn,
                Handler=spec.handler,
                Code={"ZipFile": code},
                Timeout=spec.timeout,
                MemorySize=spec.memory_size,
                Environment={"Variables": self.template.function_environment(spec.logical_id, self.endpoint)},
            )

    def create_buckets(self, *, with_notifications: bool) -> None:
        s3 = self.client("s3")
        for logical_id in self.template.resources_of_type("AWS::S3::Bucket"):
            props = self.template.resolve(self.template.properties(logical_id))
            name = self.template.physical_name(logical_id)
            s3.create_bucket(Bucket=name)
            if "BucketEncryption" in props:
                # CloudFormation says ServerSideEncryptionByDefault where the S3 API says Apply...
                rules = [
                    {"ApplyServerSideEncryptionByDefault": rule["ServerSideEncryptionByDefault"]}
                    for rule in props["BucketEncryption"]["ServerSideEncryptionConfiguration"]
                ]
                s3.put_bucket_encryption(Bucket=name, ServerSideEncryptionConfiguration={"Rules": rules})
            if "VersioningConfiguration" in props:
                # As deployed: an overwrite keeps the old version, and notifications carry a versionId.
                s3.put_bucket_versioning(
                    Bucket=name,
                    VersioningConfiguration={"Status": props["VersioningConfiguration"]["Status"]},
                )
            if "PublicAccessBlockConfiguration" in props:
                s3.put_public_access_block(
                    Bucket=name, PublicAccessBlockConfiguration=props["PublicAccessBlockConfiguration"]
                )
            if "CorsConfiguration" in props:
                s3.put_bucket_cors(Bucket=name, CORSConfiguration=_cors(props["CorsConfiguration"]))
        if with_notifications:
            self._bucket_notifications(s3)

    def allow_console_origin(self, origin: str) -> None:
        """Adds the local front's origin (a free port in the suites) to each bucket's CORS rules,
        where the template's own origin (the API's execute-api domain) means nothing locally."""
        s3 = self.client("s3")
        for logical_id in self.template.resources_of_type("AWS::S3::Bucket"):
            props = self.template.resolve(self.template.properties(logical_id))
            if "CorsConfiguration" not in props:
                continue
            rules = _cors(props["CorsConfiguration"])["CORSRules"]
            for rule in rules:
                rule["AllowedOrigins"] = [*rule["AllowedOrigins"], origin]
            s3.put_bucket_cors(
                Bucket=self.template.physical_name(logical_id), CORSConfiguration={"CORSRules": rules}
            )

    def _bucket_notifications(self, s3: Any) -> None:
        by_bucket: dict[str, list[dict[str, Any]]] = {}
        for trigger in self.template.s3_triggers():
            config: dict[str, Any] = {
                "LambdaFunctionArn": self.template.arn(trigger.function_id),
                "Events": list(trigger.events),
            }
            if trigger.filter_rules:
                config["Filter"] = {
                    "Key": {"FilterRules": [{"Name": n, "Value": v} for n, v in trigger.filter_rules]}
                }
            by_bucket.setdefault(self.template.physical_name(trigger.bucket_id), []).append(config)
        for bucket, configs in by_bucket.items():
            s3.put_bucket_notification_configuration(
                Bucket=bucket, NotificationConfiguration={"LambdaFunctionConfigurations": configs}
            )

    def create_state_machines(self, role_arn: str) -> None:
        sfn = self.client("stepfunctions")
        for logical_id in self.template.resources_of_type("AWS::Serverless::StateMachine"):
            sfn.create_state_machine(
                name=self.template.physical_name(logical_id),
                definition=self.template.state_machine_definition(logical_id),
                roleArn=role_arn,
            )


def _cors(configuration: Any) -> dict[str, Any]:
    """CloudFormation's CorsConfiguration in the S3 API's words (MaxAge, Id, ExposedHeaders -> MaxAgeSeconds, ID, ExposeHeaders)."""
    names = {"MaxAge": "MaxAgeSeconds", "Id": "ID", "ExposedHeaders": "ExposeHeaders"}
    rules = []
    for rule in configuration["CorsRules"]:
        converted = {names.get(key, key): value for key, value in rule.items()}
        origins = converted.get("AllowedOrigins", [])
        # A CommaDelimitedList parameter resolves to its text locally.
        converted["AllowedOrigins"] = origins.split(",") if isinstance(origins, str) else list(origins)
        rules.append(converted)
    return {"CORSRules": rules}
