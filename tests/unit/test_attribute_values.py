from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from boto3.dynamodb.types import TypeSerializer
from hypothesis import given
from hypothesis import strategies as st

from debtload.adapters.dynamodb.table import _to_dynamo, attribute_value, deserialize, serialize

_values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(min_value=-(10**20), max_value=10**20)
    | st.text(max_size=20)
    | st.decimals(allow_nan=False, allow_infinity=False, places=2, min_value=-(10**9), max_value=10**9),
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=5), children, max_size=4)
    ),
    max_leaves=12,
)


@given(_values)
def test_direct_attribute_values_match_boto3(value: Any) -> None:
    assert attribute_value(value) == TypeSerializer().serialize(_to_dynamo(value))


@pytest.mark.parametrize("value", [{"a"}, {1, 2}, b"bytes", 1.25])
def test_sets_bytes_and_floats_still_serialise(value: Any) -> None:
    assert attribute_value(value) == TypeSerializer().serialize(_to_dynamo(value))


def test_round_trip() -> None:
    item = {"PK": "TENANT#t", "n": 3, "price": Decimal("12.50"), "tags": ["a", {"b": True}], "gone": None}
    back = deserialize(serialize(item))
    assert back == {"PK": "TENANT#t", "n": 3, "price": 12.5, "tags": ["a", {"b": True}]}
