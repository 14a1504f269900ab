"""Starts the InitiateCalls state machine for a stored call run (StartExecution)."""

from __future__ import annotations

import json
from typing import Any

from botocore.exceptions import ClientError

from debtload.adapters import aws


class StepFunctionsCallRunStarter:
    """The execution input carries ids only: the customers stay in DynamoDB (Step Functions' payload
    limit is 256 KB). The execution is named after the run, so starting a run twice with the same
    input returns the one execution instead of starting a second workflow. Once that execution has
    ended (or for another input) Step Functions answers ExecutionAlreadyExists instead, for 90 days
    after it closed: the run was started, which is what was asked."""

    def __init__(self, state_machine_arn: str, client: Any | None = None) -> None:
        self.state_machine_arn = state_machine_arn
        self._client = client

    @property
    def client(self) -> Any:
        return self._client if self._client is not None else aws.client("stepfunctions")

    def start(self, tenant_id: str, call_run_id: str) -> None:
        if not self.state_machine_arn:
            raise RuntimeError("INITIATE_CALLS_STATE_MACHINE_ARN is not set")
        try:
            self.client.start_execution(
                stateMachineArn=self.state_machine_arn,
                name=call_run_id,
                input=json.dumps({"tenantId": tenant_id, "callRunId": call_run_id}),
            )
        except ClientError as error:
            if error.response.get("Error", {}).get("Code") != "ExecutionAlreadyExists":
                raise
