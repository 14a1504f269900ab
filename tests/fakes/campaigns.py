"""Campaigns and their customers in memory."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from debtload.domain.campaigns.campaign import Campaign
from debtload.domain.campaigns.customers import Customer


class MemoryCampaigns:
    def __init__(self) -> None:
        self.items: dict[tuple[str, str], Campaign] = {}

    def put_campaign(self, tenant_id: str, campaign: Campaign) -> None:
        self.items[(tenant_id, campaign.campaign_id)] = campaign

    def get_campaign(self, tenant_id: str, campaign_id: str) -> Campaign | None:
        return self.items.get((tenant_id, campaign_id))


class MemoryCustomers:
    def __init__(self, fail_batches: Sequence[int] = ()) -> None:
        self.items: dict[tuple[str, str], dict[str, Any]] = {}
        self.batches: list[int] = []
        self.fail_batches = set(fail_batches)

    def write_customers(
        self, tenant_id: str, campaign_id: str, batch: Sequence[Customer], updated_at: str
    ) -> None:
        number = len(self.batches)
        self.batches.append(len(batch))
        if number in self.fail_batches:
            raise ConnectionError("table unavailable")
        for customer in batch:
            self.items[(campaign_id, customer.customer_id)] = customer.fields

    def write_customer_batches(
        self, tenant_id: str, campaign_id: str, batches: Sequence[Sequence[Customer]], updated_at: str
    ) -> list[Exception | None]:
        failures: list[Exception | None] = []
        for batch in batches:
            try:
                self.write_customers(tenant_id, campaign_id, batch, updated_at)
            except ConnectionError as error:
                failures.append(error)
            else:
                failures.append(None)
        return failures
