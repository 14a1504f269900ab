"""`make bench`: the budgets of docs/performance.md, measured (never asserted by timed tests)."""
