"""`make bench`: the DESIGN §6 budgets, measured (never asserted by timed tests)."""
