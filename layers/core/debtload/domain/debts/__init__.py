"""Debts (the Batch Create Debts API): row-by-row validation, the batch use case, single-debt
CRUD and timelines."""
