"""pain.008.001.02 (SEPA Direct Debit initiation) files for confirmed collections, built with
sepaxml and checked against the XSD it ships before anything is stored.

One file per creditor account (local_iban), scheme (CORE/B2B), sequence type and collection date,
which is how banks take them. The sequence type is RCUR for every debit: since the 2016 SDD rulebook
a first debit may be sent as RCUR, and keeping it constant avoids tracking mandate history here.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from itertools import groupby
from typing import Any, Final

from schwifty import IBAN

from debtload.domain.collections.model import Collection

SCHEMA: Final = "pain.008.001.02"
SEQUENCE_TYPE: Final = "RCUR"
_ADDRESS: Final = {"street": "street_name", "building_number": "building_number", "postal_code": "postcode",
                   "city": "town", "country": "country"}  # fmt: skip


@dataclass(frozen=True, slots=True)
class BankFile:
    name: str
    creditor_iban: str
    scheme: str
    sequence_type: str
    collection_date: str
    collection_ids: tuple[str, ...]
    total_cents: int
    xml: bytes


class BankFileError(ValueError):
    pass


def build_files(
    collections: Sequence[Collection], *, creditor_name: str, creditor_id: str, prefix: str
) -> list[BankFile]:
    """The files for `collections` (confirmed ones), XSD-valid, or BankFileError naming the group."""

    def group_key(c: Collection) -> tuple[str, str, str]:
        return (
            str(c.fields["local_iban"]),
            str(c.fields["mandate"]["scheme"]),
            str(c.fields["scheduled_date"]),
        )

    from sepaxml import SepaDD  # only exports need it: not loaded at every API cold start

    files: list[BankFile] = []
    for (iban, scheme, when), grouped in groupby(sorted(collections, key=group_key), key=group_key):
        members = list(grouped)
        creditor_bic = IBAN(iban).bic
        if creditor_bic is None:
            raise BankFileError(f"No BIC is known for the creditor account {iban}; the bank file needs one")
        document = SepaDD(
            {
                "name": creditor_name,
                "IBAN": iban,
                "BIC": str(creditor_bic),
                "batch": True,
                "creditor_id": creditor_id,
                "currency": "EUR",
                "instrument": scheme.upper(),
            },
            schema=SCHEMA,
            clean=True,
        )
        for collection in members:
            document.add_payment(_payment(collection))
        try:
            xml = document.export(validate=True)
        except Exception as error:  # sepaxml's XSD check raises its own ValidationError
            raise BankFileError(
                f"The {scheme} file of {iban} for {when} is not valid pain.008: {error}"
            ) from error
        digest = hashlib.sha256(f"{iban}/{scheme}/{when}".encode()).hexdigest()[:8]
        files.append(
            BankFile(
                name=f"{prefix}-{when}-{scheme}-{SEQUENCE_TYPE}-{digest}.xml",
                creditor_iban=iban,
                scheme=scheme,
                sequence_type=SEQUENCE_TYPE,
                collection_date=when,
                collection_ids=tuple(c.collection_id for c in members),
                total_cents=sum(int(c.fields["amount"]) for c in members),
                xml=xml,
            )
        )
    return files


def _payment(collection: Collection) -> dict[str, Any]:
    fields = collection.fields
    mandate = fields["mandate"]
    debtor = mandate["debtor"]
    payment: dict[str, Any] = {
        "name": debtor["name"],
        "IBAN": debtor["iban"],
        "amount": int(fields["amount"]),
        "type": SEQUENCE_TYPE,
        "collection_date": date.fromisoformat(fields["scheduled_date"]),
        "mandate_id": mandate["reference"],
        "mandate_date": date.fromisoformat(mandate["signature_date"]),
        "description": fields.get("message") or mandate.get("contract_reference") or mandate["reference"],
        "endtoend_id": fields.get("end_to_end_id") or "NOTPROVIDED",
    }
    bic = IBAN(debtor["iban"]).bic
    if bic is not None:
        payment["BIC"] = str(bic)
    address = debtor.get("address") or {}
    mapped = {target: address[source] for source, target in _ADDRESS.items() if address.get(source)}
    if mapped:
        payment["address"] = mapped
    return payment
