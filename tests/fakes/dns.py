"""An MX resolver that answers from a table: no test touches the network."""

from __future__ import annotations

from dataclasses import dataclass

import dns.resolver


@dataclass(frozen=True)
class Mx:
    preference: int
    exchange: str


class FakeResolver:
    """Stands in for dns.resolver.Resolver: email-validator only calls resolve(qname, rdtype).

    `mx` maps a domain to its MX answer, or to the exception the lookup raises; a domain not in it
    does not exist (NXDOMAIN).
    """

    def __init__(self, mx: dict[str, object]) -> None:
        self.mx = mx
        self.calls: list[tuple[str, str]] = []

    def resolve(self, qname: str, rdtype: str) -> object:
        self.calls.append((qname, rdtype))
        answer = self.mx.get(qname, dns.resolver.NXDOMAIN())
        if isinstance(answer, BaseException):
            raise answer
        if rdtype != "MX":
            raise dns.resolver.NoAnswer
        return answer
