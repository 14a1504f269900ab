"""What a file of each kind may contain: its fields, the column names (French and English) that mean
each field, the columns a file must have, and the shape its row processor receives.

Registering a kind here (plus its row processor in tasks/wiring.py) is all a new kind needs.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from enum import StrEnum
from typing import Any

from debtload.domain.file_import.headers import header_key
from debtload.domain.notes import NOTE_TYPE


class FieldType(StrEnum):
    TEXT = "text"
    NUMBER = "number"  # amounts and quantities: French decimal commas and grouped thousands
    INTEGER = "integer"
    DATE = "date"  # YYYY-MM-DD, from DD/MM/YYYY or a date cell
    DATETIME = "datetime"  # ISO 8601, from DD/MM/YYYY [HH:MM[:SS]] or a date cell
    BOOLEAN = "boolean"  # oui/non, yes/no, true/false, vrai/faux, 1/0


@dataclass(frozen=True, slots=True)
class FieldSpec:
    type: FieldType
    aliases: tuple[str, ...]  # besides the field's own name


@dataclass(frozen=True, slots=True)
class KindSpec:
    kind: str
    fields: Mapping[str, FieldSpec]
    required: tuple[str, ...]
    # Groups of which at least one column must be present (debts: a phone or an email).
    required_any: tuple[tuple[str, ...], ...] = ()
    defaults: Mapping[str, Any] = field(default_factory=dict)
    # Flat record (canonical field names, plus `metadata`) -> what the kind's row processor takes.
    shape: Callable[[dict[str, Any]], dict[str, Any]] | None = None
    # Rules the API checks on the whole request rather than in the row processor, applied per row.
    check: Callable[[Mapping[str, Any]], str | None] | None = None

    def alias_index(self) -> dict[str, str]:
        index: dict[str, str] = {}
        for name, spec in self.fields.items():
            for alias in (name, *spec.aliases):
                index.setdefault(header_key(alias), name)
        return index


T, N, INT, D, DT, B = (
    FieldType.TEXT,
    FieldType.NUMBER,
    FieldType.INTEGER,
    FieldType.DATE,
    FieldType.DATETIME,
    FieldType.BOOLEAN,
)

_ADDRESS: dict[str, FieldSpec] = {
    "address": FieldSpec(T, ("Adresse", "Adresse postale", "Rue", "street", "address_line1")),
    "postal_code": FieldSpec(T, ("Code postal", "CP", "zip", "zip_code", "postcode")),
    "city": FieldSpec(T, ("Ville", "Commune", "town")),
    "country": FieldSpec(T, ("Pays", "country_code", "Code pays")),
}

DEBTS = KindSpec(
    kind="debts",
    fields={
        "firstname": FieldSpec(T, ("Prénom", "Prenom", "first_name", "first name", "given_name")),
        "lastname": FieldSpec(T, ("Nom", "Nom de famille", "last_name", "last name", "surname")),
        "amount": FieldSpec(N, ("Montant", "Montant dû", "Montant TTC", "Somme due", "Solde")),
        "currency": FieldSpec(T, ("Devise", "Monnaie", "currency_code")),
        "phone": FieldSpec(
            T, ("Téléphone", "Tel", "Tél", "Portable", "Mobile", "phone_number", "Numéro de téléphone")
        ),
        "email": FieldSpec(T, ("E-mail", "Mail", "Courriel", "Adresse email", "email_address")),
        "civility": FieldSpec(T, ("Civilité", "Titre", "title", "salutation")),
        "due_date": FieldSpec(D, ("Date d'échéance", "Date échéance", "Échéance", "Date limite", "due")),
        "invoice_date": FieldSpec(D, ("Date de facture", "Date facture", "invoice date")),
        "internal_id": FieldSpec(
            T, ("Référence", "Réf", "Référence interne", "Numéro de dossier", "reference", "external_id")
        ),
        "object": FieldSpec(
            T,
            (
                "Objet",
                "Motif",
                "Libellé",
                "Numéro de facture",
                "N° facture",
                "Facture",
                "invoice",
                "invoice_number",
            ),
        ),
        "iban": FieldSpec(T, ("IBAN", "Compte", "RIB")),
        "company": FieldSpec(T, ("Société", "Entreprise", "Raison sociale", "company_name")),
        "birthdate": FieldSpec(D, ("Date de naissance", "birth_date", "date_of_birth")),
        "timeline_id": FieldSpec(T, ("Timeline", "Scénario", "Scenario", "timeline")),
        "timeline_start_mode": FieldSpec(T, ("Démarrage", "Mode de démarrage", "start_mode")),
        "accept_expensive_destination": FieldSpec(B, ("Destination coûteuse acceptée",)),
        "street_address": FieldSpec(T, ("Voie", "Adresse rue", "Nom de rue", "street_name")),
        "street_number": FieldSpec(T, ("Numéro de rue", "N° de rue", "Numéro de voie", "street_no")),
        "debtor_company": FieldSpec(T, ("Société du débiteur", "Entreprise débitrice", "debtor company")),
        "payment_link": FieldSpec(T, ("Lien de paiement", "payment_url", "payment link")),
        **_ADDRESS,
    },
    required=("firstname", "lastname", "amount", "currency"),
    required_any=(("phone", "email"),),
)


def to_collection(row: Mapping[str, Any]) -> dict[str, Any]:
    """A flat collections row as the nested body of POST /collections. Absent fields stay
    absent, so the processor reports them exactly as the API would."""

    def pick(names: Mapping[str, str]) -> dict[str, Any]:
        return {target: row[source] for source, target in names.items() if row.get(source) is not None}

    address = pick(
        {
            "street": "street",
            "building_number": "building_number",
            "postal_code": "postal_code",
            "city": "city",
            "country": "country",
        }
    )
    debtor = pick({"debtor_name": "name", "debtor_iban": "iban"})
    if address:
        debtor["address"] = address
    mandate = pick(
        {
            "mandate_reference": "reference",
            "mandate_scheme": "scheme",
            "signature_date": "signature_date",
            "contract_reference": "contract_reference",
        }
    )
    if debtor:
        mandate["debtor"] = debtor
    body = pick(
        {
            "amount": "amount",
            "scheduled_date": "scheduled_date",
            "local_iban": "local_iban",
            "message": "message",
            "end_to_end_id": "end_to_end_id",
            "internal_note": "internal_note",
            "custom_id": "custom_id",
            "custom_metadata": "custom_metadata",
            "metadata": "metadata",
        }
    )
    if mandate:
        body["mandate"] = mandate
    if "amount" not in body and row.get("amount_eur") is not None:
        body["amount"] = _euros_to_cents(row["amount_eur"])
    return body


def _euros_to_cents(value: Any) -> Any:
    """12,50 € as 1250 cents; a value with fractions of a cent is passed on to fail as the API would."""
    try:
        cents = Decimal(str(value)) * 100
    except (InvalidOperation, ValueError):
        return value
    return int(cents) if cents == cents.to_integral_value() else float(cents)


COLLECTIONS = KindSpec(
    kind="collections",
    fields={
        # The API's amount is in cents; a spreadsheet's "Montant" is in euros.
        "amount": FieldSpec(INT, ("amount_cents", "Montant en centimes", "Montant (centimes)")),
        "amount_eur": FieldSpec(
            N, ("Montant", "Montant du prélèvement", "Montant (EUR)", "Montant en euros")
        ),
        "mandate_reference": FieldSpec(
            T, ("RUM", "Référence mandat", "Référence unique de mandat", "mandate")
        ),
        "mandate_scheme": FieldSpec(T, ("Schéma", "Type de mandat", "scheme")),
        "signature_date": FieldSpec(
            D, ("Date de signature", "Date signature mandat", "mandate_signature_date")
        ),
        "debtor_name": FieldSpec(T, ("Débiteur", "Nom du débiteur", "Titulaire", "debtor", "name")),
        "debtor_iban": FieldSpec(T, ("IBAN", "IBAN débiteur", "IBAN du débiteur")),
        "street": FieldSpec(T, ("Rue", "Adresse", "Voie", "address")),
        "building_number": FieldSpec(T, ("Numéro", "N°", "Numéro de rue", "number")),
        "postal_code": FieldSpec(T, ("Code postal", "CP", "zip", "zip_code", "postcode")),
        "city": FieldSpec(T, ("Ville", "Commune")),
        "country": FieldSpec(T, ("Pays", "country_code")),
        "contract_reference": FieldSpec(T, ("Référence contrat", "Contrat", "N° de contrat")),
        "scheduled_date": FieldSpec(D, ("Date de prélèvement", "Date prévue", "Date d'exécution")),
        "local_iban": FieldSpec(T, ("IBAN créancier", "Compte créancier", "creditor_iban")),
        "message": FieldSpec(T, ("Libellé", "Motif", "Communication", "remittance_information")),
        "end_to_end_id": FieldSpec(T, ("Identifiant de bout en bout", "EndToEndId", "e2e_id")),
        "internal_note": FieldSpec(T, ("Note interne", "Commentaire")),
        "custom_id": FieldSpec(T, ("Identifiant", "Référence", "Référence interne", "external_id")),
        "custom_metadata": FieldSpec(T, ("Métadonnées",)),
    },
    required=("mandate_reference", "debtor_name", "debtor_iban"),
    required_any=(("amount", "amount_eur"),),
    shape=to_collection,
)

CUSTOMERS = KindSpec(
    kind="customers",
    fields={
        "loan_id": FieldSpec(T, ("N° de prêt", "Numéro de prêt", "Identifiant prêt", "Référence", "loan")),
        "lead_id": FieldSpec(T, ("Identifiant prospect", "N° prospect", "lead")),
        "first_name": FieldSpec(T, ("Prénom", "Prenom", "firstname")),
        "last_name": FieldSpec(T, ("Nom", "Nom de famille", "lastname")),
        "phone_number": FieldSpec(T, ("Téléphone", "Tel", "Tél", "Portable", "Mobile", "phone")),
        "loan_amount": FieldSpec(N, ("Montant du prêt", "Montant", "Capital", "amount")),
        "emi_amount": FieldSpec(N, ("Mensualité", "Montant de l'échéance", "Montant échéance", "emi")),
        "loan_period": FieldSpec(INT, ("Durée", "Durée du prêt", "Nombre d'échéances", "tenure")),
        "current_emi": FieldSpec(N, ("Échéance en cours", "N° d'échéance", "Échéance actuelle")),
        "emi_due_date": FieldSpec(D, ("Date d'échéance", "Date échéance", "Échéance", "due_date")),
        "payment_status": FieldSpec(T, ("Statut de paiement", "Statut", "status")),
        "language": FieldSpec(T, ("Langue", "lang")),
        "lead_date": FieldSpec(D, ("Date du prospect", "Date prospect", "Date lead")),
        "accept_expensive_destination": FieldSpec(B, ("Destination coûteuse acceptée",)),
    },
    required=("first_name", "phone_number"),
    required_any=(("loan_id", "lead_id"),),
)


def check_note_type(record: Mapping[str, Any]) -> str | None:
    """POST /ingestion-jobs refuses a request with another type; a file fails the row."""
    value = record.get("type")
    if type(value) is not int or value != NOTE_TYPE:
        return f"type {value!r} is not supported; only {NOTE_TYPE} (Note) is"
    return None


NOTES = KindSpec(
    kind="notes",
    fields={
        "type": FieldSpec(INT, ("Type", "Type d'événement", "event_type")),
        "caseId": FieldSpec(
            T, ("case_id", "case", "Dossier", "ID dossier", "Identifiant dossier", "N° dossier")
        ),
        "description": FieldSpec(T, ("Note", "Texte", "Commentaire", "Contenu", "content", "text")),
        "eventDate": FieldSpec(DT, ("event_date", "Date", "Date de l'événement", "Date événement", "date")),
        "externalRef": FieldSpec(
            T, ("external_ref", "Référence externe", "Référence", "Réf", "reference", "ref", "crm_id")
        ),
    },
    required=("caseId", "description"),
    defaults={"type": NOTE_TYPE},  # only type 0 (Note) is supported; files rarely carry the column
    check=check_note_type,
)

KIND_SPECS: Mapping[str, KindSpec] = {spec.kind: spec for spec in (DEBTS, COLLECTIONS, CUSTOMERS, NOTES)}
