"""Files dropped in S3 turned into job rows: reading CSV and Excel as a stream, matching headers to
each kind's fields, normalising French spreadsheet values, and the report written when the job ends.

A kind becomes importable by registering its column table in `kinds.KIND_SPECS` and its row
processor in `tasks/wiring.py`; nothing else here knows about debts, collections or customers.
"""
