"""Import options read from the dropped object's S3 metadata (`x-amz-meta-<name>` headers).

Each becomes the job option a row processor reads under the API's own field name, so a file import
and an API call with the same settings behave the same.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

_TRUE = frozenset({"true", "1", "yes", "oui"})
_FALSE = frozenset({"false", "0", "no", "non"})


@dataclass(frozen=True, slots=True)
class MetadataOption:
    name: str  # the metadata key, without x-amz-meta-
    kinds: frozenset[str] | None  # None: every kind
    description: str


OPTIONS: tuple[MetadataOption, ...] = (
    MetadataOption(
        "accept-expensive-destination",
        frozenset({"debts", "customers"}),
        "true: accept phones in expensive destinations (DOM-TOM, Maghreb...) for every row",
    ),
    MetadataOption("batch-name", frozenset({"debts"}), "name of the import batch (the API's batch_name)"),
    MetadataOption(
        "civility-completion", frozenset({"debts"}), "false: do not complete civility from first names"
    ),
    MetadataOption("email-validation", frozenset({"debts"}), "true: check email deliverability (charged)"),
    MetadataOption(
        "initiate-call", frozenset({"customers"}), "true: call the added customers (needs agent-id)"
    ),
    MetadataOption("agent-id", frozenset({"customers"}), "callConfig.agentId of the calls"),
    MetadataOption("disposition-id", frozenset({"customers"}), "callConfig.dispositionId of the calls"),
    MetadataOption("encoding", None, "the CSV's encoding (e.g. cp1252, utf-8) instead of detecting it"),
    MetadataOption("delimiter", None, "the CSV's delimiter (; , tab) instead of sniffing it"),
    MetadataOption("sheet", None, "the workbook sheet to read instead of the first one"),
)
KNOWN = {option.name: option for option in OPTIONS}
_DELIMITERS = {";": ";", ",": ",", "tab": "\t", "\\t": "\t", "\t": "\t", "semicolon": ";", "comma": ","}


@dataclass(frozen=True, slots=True)
class ImportOptions:
    job: dict[str, Any]  # passed to the row processor in the job's options
    encoding: str | None = None
    delimiter: str | None = None
    sheet: str | None = None


class OptionProblem(ValueError):
    pass


def _flag(name: str, raw: str) -> bool:
    value = raw.strip().lower()
    if value in _TRUE:
        return True
    if value in _FALSE:
        return False
    raise OptionProblem(f"x-amz-meta-{name} must be true or false, got {raw!r}")


def read_options(kind: str, metadata: Mapping[str, str]) -> ImportOptions:
    """Options for a file of `kind`; OptionProblem names a metadata key that is wrong."""
    given = {key.lower().removeprefix("x-amz-meta-"): value for key, value in metadata.items()}
    job: dict[str, Any] = {}
    for name in given:
        option = KNOWN.get(name)
        if option is not None and option.kinds is not None and kind not in option.kinds:
            raise OptionProblem(f"x-amz-meta-{name} does not apply to {kind} files")
    if "accept-expensive-destination" in given:
        job["accept_expensive_destination"] = _flag(
            "accept-expensive-destination", given["accept-expensive-destination"]
        )
    if "batch-name" in given:
        job["batch_name"] = given["batch-name"].strip()[:200]
    if "civility-completion" in given:
        job["civility_completion"] = _flag("civility-completion", given["civility-completion"])
    if "email-validation" in given:
        job["email_validation"] = _flag("email-validation", given["email-validation"])
    if "initiate-call" in given and _flag("initiate-call", given["initiate-call"]):
        agent = given.get("agent-id", "").strip()
        if not agent:
            raise OptionProblem("x-amz-meta-initiate-call needs x-amz-meta-agent-id (callConfig.agentId)")
        job["initiateCall"] = True
        job["callConfig"] = {"agentId": agent, "dispositionId": given.get("disposition-id") or None}
    delimiter = None
    if "delimiter" in given:
        delimiter = _DELIMITERS.get(given["delimiter"].strip().lower() or given["delimiter"])
        if delimiter is None:
            raise OptionProblem(f"x-amz-meta-delimiter must be ; , or tab, got {given['delimiter']!r}")
    encoding = given.get("encoding", "").strip() or None
    if encoding is not None:
        import codecs

        try:
            codecs.lookup(encoding)
        except LookupError:
            raise OptionProblem(f"x-amz-meta-encoding names an unknown encoding: {encoding!r}") from None
    return ImportOptions(job, encoding, delimiter, given.get("sheet") or None)
