"""The job kinds the worker runs, by name. A resource names its kind here and registers its row
processor in `tasks/wiring.py` (TaskDependencies.row_processors).

Only the names live here: the file_import function needs them, and should not load every
resource's validation (phonenumbers, schwifty, holidays...) at its cold start.
"""

from __future__ import annotations

from typing import Final

NOTES: Final = "notes"
DEBTS: Final = "debts"
CUSTOMERS: Final = "customers"
COLLECTIONS: Final = "collections"
IMPORTABLE_KINDS: Final = frozenset({NOTES, DEBTS, CUSTOMERS, COLLECTIONS})
