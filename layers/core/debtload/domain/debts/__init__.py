"""Debts (seed 000): row-by-row validation, the batch use case, single-debt CRUD and timelines."""
