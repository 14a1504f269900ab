"""The API's typed contract: what each operation takes and answers, in the shapes the routes really
use, for generated clients and Swagger UI (issue 16).

The routes keep reading their bodies themselves, so that one bad row of a batch never rejects the
other 999: these models document, the domain decides. `document.py` merges them into the document
powertools builds from the routes (paths, parameters), and `tests/unit/test_contract.py` and the
suites' response checks keep the two in step.
"""
