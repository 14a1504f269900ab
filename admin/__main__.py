"""`python -m admin tenant|key|revoke|credits ...` (what `make tenant`, `make key`, `make revoke` and
`make credits` run).

Local by default: the running local stack's table, named from template.yaml. With --stack NAME, the
deployed stack's table, found in its CloudFormation outputs, with the usual AWS profile and region.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import uuid
from typing import Any

LAYER = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "layers", "core")
sys.path.insert(0, LAYER)

from debtload.adapters.dynamodb.table import DynamoTable  # noqa: E402
from debtload.adapters.dynamodb.tenants import DynamoTenantRepository  # noqa: E402
from debtload.domain import credits, tenants  # noqa: E402
from debtload.domain.errors import DomainError  # noqa: E402


def _table(stack: str | None) -> DynamoTable:
    import boto3

    if stack:
        outputs = (
            boto3.client("cloudformation").describe_stacks(StackName=stack)["Stacks"][0].get("Outputs", [])
        )
        name = next(o["OutputValue"] for o in outputs if o["OutputKey"] == "TableName")
        return DynamoTable(name, client=boto3.client("dynamodb"))
    from devstack.template import LocalStackTemplate

    endpoint = f"http://127.0.0.1:{os.environ.get('DEBTLOAD_AWS_PORT', '4566')}"
    client = boto3.client(
        "dynamodb",
        endpoint_url=endpoint,
        region_name="us-east-1",
        aws_access_key_id="local",
        aws_secret_access_key="local",  # noqa: S106 - moto accepts any
    )
    return DynamoTable(LocalStackTemplate().physical_name("Table"), client=client)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m admin")
    parser.add_argument(
        "--stack", default=os.environ.get("STACK") or None, help="deployed stack name (default: local)"
    )
    commands = parser.add_subparsers(dest="command", required=True)
    tenant = commands.add_parser("tenant", help="create a tenant and its first API key")
    tenant.add_argument("--name", required=True)
    tenant.add_argument("--scopes", default="", help="space-separated scopes (default: all)")
    tenant.add_argument("--credits", type=int, default=0)
    key = commands.add_parser("key", help="add an API key to an existing tenant")
    key.add_argument("--tenant", required=True)
    key.add_argument("--scopes", default="")
    revoke = commands.add_parser("revoke", help="revoke one API key of a tenant")
    revoke.add_argument("--tenant", required=True)
    revoke.add_argument(
        "--key", required=True, help="the key, its key id (key_...) or a prefix (8+ hex) of its SHA-256"
    )
    topup = commands.add_parser("credits", help="add credits to a tenant")
    topup.add_argument("--tenant", required=True)
    topup.add_argument("--amount", type=int, required=True)
    args = parser.parse_args(argv)

    try:
        repo = DynamoTenantRepository(_table(args.stack))
        output: dict[str, Any]
        if args.command == "tenant":
            scopes = args.scopes.split() or None
            created = tenants.create_tenant(repo, args.name, scopes, args.credits)
            output = {"tenant_id": created.tenant.tenant_id, "api_key": created.api_key}
        elif args.command == "key":
            api_key, record = tenants.new_key_record(args.tenant, args.scopes.split() or tenants.ALL_SCOPES)
            repo.add_api_key(record)
            output = {"tenant_id": args.tenant, "api_key": api_key}
        elif args.command == "revoke":
            revoked = tenants.revoke_key(repo, args.tenant, args.key)
            output = {
                "tenant_id": args.tenant,
                "key_id": revoked.key_id,
                "key_hash_prefix": revoked.key_hash[:16],
                "revoked": True,
            }
        else:
            if repo.get_tenant(args.tenant) is None:
                raise DomainError(f"Tenant {args.tenant} not found")
            balance = credits.top_up(repo, args.tenant, args.amount, f"admin-{uuid.uuid4()}", "admin top-up")
            output = {"tenant_id": args.tenant, "balance": balance}
    except DomainError as error:
        print(
            json.dumps({"error": True, "message": error.message, "details": error.details}), file=sys.stderr
        )
        return 2
    except Exception as error:  # connection refused, missing stack output, ...
        print(json.dumps({"error": True, "message": f"{type(error).__name__}: {error}"}), file=sys.stderr)
        return 1
    print(json.dumps(output))
    return 0


if __name__ == "__main__":
    sys.exit(main())
