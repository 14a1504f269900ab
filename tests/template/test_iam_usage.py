"""For each function: the actions the suites saw it use, next to the actions its role grants.

The suites run before this one in `make test` (tests/template sorts after e2e and integration), and
every call they made from inside a function was authorized by devstack.iam_guard. The table is
printed at the end of the run; a grant that no suite used is a candidate for removal.
"""

from __future__ import annotations

import pytest

from devstack import iam_guard
from devstack.iam_policies import function_roles
from devstack.iam_requests import Scope
from devstack.template import LocalStackTemplate


def usage_table(template: LocalStackTemplate) -> str:
    used = iam_guard.usage()
    lines = []
    for function_id, role in sorted(function_roles(template).items()):
        seen = sorted({action for action, _ in used.get(function_id, set())})
        granted = role.granted_actions()
        unused = [action for action in granted if not any(_covers(action, s) for s in seen)]
        lines.append(f"{function_id}")
        lines.append(f"  used:    {', '.join(seen) or '-'}")
        lines.append(f"  granted: {', '.join(granted)}")
        lines.append(f"  granted, never used by the suites: {', '.join(unused) or '-'}")
    return "\n".join(lines)


def _covers(pattern: str, action: str) -> bool:
    return action == pattern or (pattern.endswith("*") and action.startswith(pattern[:-1]))


def test_every_call_the_suites_saw_is_granted_by_the_role(template: LocalStackTemplate) -> None:
    used = iam_guard.usage()
    if not used:
        pytest.skip("no suite ran a function in this session (run with tests/integration or tests/e2e)")
    roles = function_roles(template)
    scope = Scope(template.region, template.account_id)
    for function_id, pairs in used.items():
        caller = iam_guard.Caller(roles[function_id], scope)
        for action, resource in pairs:
            # Re-evaluated alone: a grant removed from the template fails here, not only at run time.
            assert _allowed(caller, action, resource), f"{function_id} used {action} on {resource}"
            assert iam_guard.allowed(caller.role.documents, action, resource)
    print("\n" + usage_table(template))


def _allowed(caller: iam_guard.Caller, action: str, resource: str) -> bool:
    from moto.iam.access_control import IAMPolicy, PermissionResult

    results = [IAMPolicy(doc).is_action_permitted(action, resource) for doc in caller.role.documents]
    return PermissionResult.PERMITTED in results and PermissionResult.DENIED not in results
