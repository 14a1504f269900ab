"""Campaigns and their customers in the single table.

A customer's key is (tenant, campaign, loan_id | lead_id), so re-adding a record overwrites it (the
seed's upsert) and a retried write is harmless. Customer items are written with BatchWriteItem
through DynamoTable.batch_write (25 a call, UnprocessedItems retried).
"""

from __future__ import annotations

import contextlib
import json
from collections.abc import Iterator, Sequence
from typing import Any, cast

from debtload.adapters.dynamodb import keys
from debtload.adapters.dynamodb.table import DynamoTable, serialize
from debtload.domain.campaigns.campaign import Campaign, ServiceType, parse_call_window
from debtload.domain.campaigns.customers import Customer


class DynamoCampaignStore:
    def __init__(self, table: DynamoTable) -> None:
        self.table = table

    def put_campaign(self, tenant_id: str, campaign: Campaign) -> None:
        self.table.put(
            {
                "PK": keys.tenant_pk(tenant_id),
                "SK": keys.campaign_sk(campaign.campaign_id),
                "name": campaign.name,
                "service_type": campaign.service_type,
                "language": campaign.language,
                "call_window": campaign.call_window.to_json() if campaign.call_window else None,
                "accept_expensive_destination": campaign.accept_expensive_destination,
                "default_country": campaign.default_country,
                "created_at": campaign.created_at,
            },
            condition="attribute_not_exists(PK)",
        )

    def get_campaign(self, tenant_id: str, campaign_id: str) -> Campaign | None:
        item = self.table.get(keys.tenant_pk(tenant_id), keys.campaign_sk(campaign_id))
        if item is None:
            return None
        window, _ = parse_call_window(item.get("call_window"))
        return Campaign(
            campaign_id=campaign_id,
            name=str(item["name"]),
            service_type=cast(ServiceType, item["service_type"]),
            language=item.get("language"),
            call_window=window,
            accept_expensive_destination=bool(item.get("accept_expensive_destination", False)),
            default_country=str(item.get("default_country", "FR")),
            created_at=str(item.get("created_at", "")),
        )

    def write_customers(
        self, tenant_id: str, campaign_id: str, customers: Sequence[Customer], updated_at: str
    ) -> None:
        self.table.batch_write(_customer_items(tenant_id, campaign_id, customers, updated_at))

    def write_customer_batches(
        self, tenant_id: str, campaign_id: str, batches: Sequence[Sequence[Customer]], updated_at: str
    ) -> list[Exception | None]:
        # One pool for every batch's chunks: batch after batch, a 10,000-record request waited for
        # 20 × ceil(500/25 / concurrency) round trips in a row.
        return self.table.batch_write_groups(
            [_customer_items(tenant_id, campaign_id, batch, updated_at) for batch in batches]
        )

    def write_import_customers(
        self, tenant_id: str, campaign_id: str, customers: Sequence[Customer], updated_at: str, import_id: str
    ) -> None:
        items = _customer_items(tenant_id, campaign_id, customers, updated_at)
        self.table.batch_write({**item, "import_id": import_id} for item in items)

    def existing_customers(self, tenant_id: str, campaign_id: str, customer_ids: Sequence[str]) -> set[str]:
        pk = keys.tenant_pk(tenant_id)
        prefix = keys.campaign_customer_prefix(campaign_id)
        items = self.table.batch_get([(pk, prefix + i) for i in customer_ids], "customer_id")
        return {str(item["customer_id"]) for item in items}

    def record_job_customers(
        self, tenant_id: str, job_id: str, first_row: int, customer_ids: Sequence[str]
    ) -> None:
        client = self.table.client
        with contextlib.suppress(client.exceptions.ConditionalCheckFailedException):
            self.table.put(
                {
                    "PK": keys.job_pk(tenant_id, job_id),
                    "SK": f"{_JOB_CUSTOMERS_PREFIX}{first_row:010d}",
                    "customers": list(customer_ids),
                },
                condition="attribute_not_exists(PK)",
            )

    def job_customers(self, tenant_id: str, job_id: str) -> list[str]:
        found: list[str] = []
        start: dict[str, Any] | None = None
        while True:
            items, start = self.table.query(
                keys.job_pk(tenant_id, job_id), _JOB_CUSTOMERS_PREFIX, start_key=start
            )
            found.extend(str(i) for item in items for i in item.get("customers", []))
            if start is None:
                return found

    def delete_import_customer(
        self, tenant_id: str, campaign_id: str, customer_id: str, import_id: str
    ) -> bool:
        """Deletes the customer if `import_id` wrote it last; False otherwise (or when it is gone)."""
        client = self.table.client
        try:
            client.delete_item(
                TableName=self.table.name,
                Key=serialize(
                    {
                        "PK": keys.tenant_pk(tenant_id),
                        "SK": keys.campaign_customer_sk(campaign_id, customer_id),
                    }
                ),
                ConditionExpression="import_id = :import",
                ExpressionAttributeValues=serialize({":import": import_id}),
            )
        except client.exceptions.ConditionalCheckFailedException:
            return False
        return True

    def get_customer(self, tenant_id: str, campaign_id: str, customer_id: str) -> dict[str, Any] | None:
        item = self.table.get(keys.tenant_pk(tenant_id), keys.campaign_customer_sk(campaign_id, customer_id))
        if item is None:
            return None
        return {
            **json.loads(item.get("record", "{}")),
            "customer_id": item["customer_id"],
            "campaign_id": campaign_id,
            "phone_region": item.get("phone_region"),
            "updated_at": item.get("updated_at"),
        }


_JOB_CUSTOMERS_PREFIX = "UNDO#CUSTOMERS#"


def _customer_items(
    tenant_id: str, campaign_id: str, customers: Sequence[Customer], updated_at: str
) -> Iterator[dict[str, Any]]:
    pk = keys.tenant_pk(tenant_id)
    prefix = keys.campaign_customer_prefix(campaign_id)
    # The record's fields travel as one JSON attribute: serialising ~12 attributes per item through boto3
    # and botocore cost ~45 µs an item, about half of the budget for 10,000 records in
    # docs/performance.md. What is looked up or dialled stays a top-level attribute.
    for customer in customers:
        yield {
            "PK": pk,
            "SK": prefix + customer.customer_id,
            "customer_id": customer.customer_id,
            "phone_number": customer.phone_e164,
            "phone_region": customer.region,
            "record": json.dumps(customer.fields, separators=(",", ":"), default=str),
            "updated_at": updated_at,
        }
