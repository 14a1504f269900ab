from __future__ import annotations

import json

import pytest

from tests.conftest import DEMO_KEY, MotoResources
from tests.helpers import ADMIN, DEBTS_READ_ONLY, api_event, authorizer_event, body_of
from tests.integration.conftest import Invoke


def test_health_needs_no_key(invoke: Invoke) -> None:
    response = invoke("ApiFunction", api_event("GET", "/health"))
    assert response["statusCode"] == 200
    assert body_of(response) == {"status": "ok"}


def test_openapi_document_and_swagger_ui(invoke: Invoke) -> None:
    spec = body_of(invoke("ApiFunction", api_event("GET", "/openapi.json")))
    assert spec["openapi"].startswith("3.")
    assert "/credits" in spec["paths"] and "/settings" in spec["paths"]
    assert {"bearer", "apiKey", "xApiKey"} <= set(spec["components"]["securitySchemes"])
    docs = invoke("ApiFunction", api_event("GET", "/docs"))
    assert docs["statusCode"] == 200 and "swagger" in docs["body"].lower()


def test_authorizer_allows_a_valid_key_and_passes_tenant_and_scopes(invoke: Invoke, demo_tenant: str) -> None:
    for headers in ({"Authorization": f"Bearer {DEMO_KEY}"}, {"X-Api-Key": DEMO_KEY}, {"XApiKey": DEMO_KEY}):
        policy = invoke("AuthorizerFunction", authorizer_event(headers))
        assert policy["policyDocument"]["Statement"][0]["Effect"] == "Allow"
        assert policy["context"]["tenant_id"] == demo_tenant
        assert "settings:write" in policy["context"]["scopes"].split()


@pytest.mark.parametrize(
    "headers",
    [
        {},
        {"X-Api-Key": "dlk.demo-tenant.wrong"},
        {"Authorization": "Bearer nonsense"},
        {"Authorization": DEMO_KEY},
    ],
)
def test_authorizer_answers_unauthorized_for_missing_or_bad_keys(
    invoke: Invoke, demo_tenant: str, headers: dict[str, str]
) -> None:
    with pytest.raises(Exception, match=r"^Unauthorized$"):
        invoke("AuthorizerFunction", authorizer_event(headers))


def test_missing_scope_is_403_naming_the_scope(invoke: Invoke, demo_tenant: str) -> None:
    response = invoke(
        "ApiFunction",
        api_event("PATCH", "/settings", body={"creditor_name": "Acme"}, principal=DEBTS_READ_ONLY),
    )
    assert response["statusCode"] == 403
    body = body_of(response)
    assert body["error"] is True and "settings:write" in body["message"]
    assert body["details"] == {"required_scope": "settings:write"}


def test_no_principal_is_401(invoke: Invoke) -> None:
    response = invoke("ApiFunction", api_event("GET", "/credits"))
    assert response["statusCode"] == 401


def test_credits_show_balance_and_ledger(invoke: Invoke, demo_tenant: str) -> None:
    body = body_of(invoke("ApiFunction", api_event("GET", "/credits", principal=ADMIN)))
    assert body["balance"] == 10_000
    assert body["ledger"][0]["amount"] == 10_000


def test_settings_patch_round_trip_and_field_errors(invoke: Invoke, demo_tenant: str) -> None:
    ok = invoke(
        "ApiFunction", api_event("PATCH", "/settings", body={"creditor_name": "Acme SAS"}, principal=ADMIN)
    )
    assert ok["statusCode"] == 200 and body_of(ok)["creditor_name"] == "Acme SAS"
    bad = invoke(
        "ApiFunction", api_event("PATCH", "/settings", body={"creditor_name": "", "nope": 1}, principal=ADMIN)
    )
    assert bad["statusCode"] == 400
    details = body_of(bad)["details"]
    assert "creditor_name" in details and "nope" in details


@pytest.mark.parametrize(
    ("body", "content_type", "status"),
    [
        ("{broken", "application/json", 400),
        ('{"creditor_name": "x"}', "text/csv", 415),
        ("[]", "application/json", 400),
    ],
)
def test_malformed_requests_never_reach_500(
    invoke: Invoke, demo_tenant: str, body: str, content_type: str, status: int
) -> None:
    event = api_event(
        "PATCH", "/settings", body=body, headers={"Content-Type": content_type}, principal=ADMIN
    )
    response = invoke("ApiFunction", event)
    assert response["statusCode"] == status
    assert body_of(response)["error"] is True


def test_oversize_body_is_413(invoke: Invoke, demo_tenant: str, moto_resources: MotoResources) -> None:
    limit = int(moto_resources.template.parameters["MaxRequestBodyBytes"])
    event = api_event("PATCH", "/settings", body=json.dumps({"x": "a" * limit}), principal=ADMIN)
    response = invoke("ApiFunction", event)
    assert response["statusCode"] == 413 and body_of(response)["code"] == "payload_too_large"


def test_unknown_route_is_404_envelope(invoke: Invoke) -> None:
    response = invoke("ApiFunction", api_event("GET", "/nope"))
    assert response["statusCode"] == 404 and body_of(response)["code"] == "not_found"


def test_sepa_creditor_identifier_is_checked(invoke: Invoke, demo_tenant: str) -> None:
    ok = invoke(
        "ApiFunction",
        api_event("PATCH", "/settings", body={"sepa_creditor_id": "fr72 zzz 123456"}, principal=ADMIN),
    )
    assert ok["statusCode"] == 200 and body_of(ok)["sepa_creditor_id"] == "FR72ZZZ123456"
    bad = invoke(
        "ApiFunction",
        api_event("PATCH", "/settings", body={"sepa_creditor_id": "FR00ZZZ123456"}, principal=ADMIN),
    )
    assert bad["statusCode"] == 400 and "sepa_creditor_id" in body_of(bad)["details"]
