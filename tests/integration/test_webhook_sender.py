"""The webhook sender connects only to checked addresses, follows no redirect, and keeps one deadline.

Every receiver is a loopback server (so these live with the integration tests); names are resolved by an injected resolver, so nothing leaves
the machine.
"""

from __future__ import annotations

import datetime
import ipaddress
import ssl
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from debtload.adapters.http_sender import DeliveryRefused, PinnedHttpSender
from debtload.domain import webhooks
from tests.receivers import serve

HEADERS = {"Content-Type": "application/json", webhooks.SIGNATURE_HEADER: "t=1,v1=abc"}


@pytest.fixture
def receiver() -> Iterator[Any]:
    yield from serve()


def _resolver(*addresses: str) -> Any:
    calls: list[str] = []

    def resolve(host: str) -> list[str]:
        calls.append(host)
        return list(addresses)

    resolve.calls = calls  # type: ignore[attr-defined]
    return resolve


@pytest.mark.parametrize(
    "address",
    ["169.254.169.254", "10.0.0.1", "127.0.0.1", "100.64.0.1", "192.168.1.2", "::1", "::ffff:10.0.0.1"],
)
def test_a_name_resolving_to_a_non_public_address_is_refused_at_send_time(
    receiver: Any, address: str
) -> None:
    _, requests = receiver
    sender = PinnedHttpSender(allow_private=False, resolver=_resolver(address))
    with pytest.raises(DeliveryRefused, match="not a public address"):
        sender.post("https://hooks.example/h", b"{}", HEADERS, timeout=2)
    assert requests == []


def test_one_private_address_among_public_ones_refuses_the_name() -> None:
    sender = PinnedHttpSender(allow_private=False, resolver=_resolver("93.184.216.34", "10.0.0.1"))
    with pytest.raises(DeliveryRefused, match=r"10\.0\.0\.1"):
        sender.post("https://hooks.example/h", b"{}", HEADERS, timeout=2)


def test_plain_http_is_refused_where_private_targets_are_not_allowed() -> None:
    resolver = _resolver("93.184.216.34")
    sender = PinnedHttpSender(allow_private=False, resolver=resolver)
    with pytest.raises(DeliveryRefused, match="https"):
        sender.post("http://hooks.example/h", b"{}", HEADERS, timeout=2)
    with pytest.raises(Exception, match="https"):
        webhooks.check_url("http://hooks.example/h", allow_private=False, resolver=resolver)


def test_the_socket_goes_to_the_checked_address_and_the_name_stays_in_host(receiver: Any) -> None:
    server, requests = receiver
    port = server.server_address[1]
    resolver = _resolver("127.0.0.1")  # the local stack: private targets allowed
    sender = PinnedHttpSender(allow_private=True, resolver=resolver)
    status = sender.post(f"http://hooks.example:{port}/h?x=1", b'{"a":1}', HEADERS, timeout=2)
    assert status == 204
    assert requests == [{"host": f"hooks.example:{port}", "path": "/h?x=1", "body": b'{"a":1}'}]
    assert resolver.calls == ["hooks.example"]  # resolved once: what was checked is what is used


def test_a_redirect_is_a_failed_delivery_and_is_not_followed() -> None:
    for target_server, target_requests in serve():
        location = f"http://127.0.0.1:{target_server.server_address[1]}/stolen"
        for server, requests in serve("redirect", location):
            sender = PinnedHttpSender(allow_private=True, resolver=_resolver("127.0.0.1"))
            url = f"http://hooks.example:{server.server_address[1]}/h"
            assert sender.post(url, b"{}", HEADERS, timeout=2) == 302
            assert len(requests) == 1
            assert target_requests == []  # the signature went nowhere else


def test_a_trickling_receiver_is_cut_at_the_total_deadline() -> None:
    for server, _ in serve("trickle"):
        sender = PinnedHttpSender(allow_private=True, resolver=_resolver("127.0.0.1"))
        started = time.monotonic()
        with pytest.raises(TimeoutError, match="deadline"):
            sender.post(f"http://hooks.example:{server.server_address[1]}/h", b"{}", HEADERS, timeout=1.0)
        assert time.monotonic() - started < 2.0  # the answer would take 8 s; each byte came within 0.2 s


def _self_signed(tmp_path: Path, name: str) -> tuple[ssl.SSLContext, ssl.SSLContext]:
    key = ec.generate_private_key(ec.SECP256R1())
    subject = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, name)])
    now = datetime.datetime.now(datetime.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(minutes=5))
        .not_valid_after(now + datetime.timedelta(days=1))
        .add_extension(x509.SubjectAlternativeName([x509.DNSName(name)]), critical=False)
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )
    cert_file, key_file = tmp_path / "cert.pem", tmp_path / "key.pem"
    cert_file.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_file.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
        )
    )
    server_context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    server_context.load_cert_chain(cert_file, key_file)
    client_context = ssl.create_default_context(cafile=str(cert_file))
    return server_context, client_context


def test_tls_checks_the_certificate_against_the_name_not_the_address(tmp_path: Path) -> None:
    server_tls, client_tls = _self_signed(tmp_path, "hooks.example")
    for server, requests in serve(tls=server_tls):
        port = server.server_address[1]
        sender = PinnedHttpSender(allow_private=True, resolver=_resolver("127.0.0.1"), ssl_context=client_tls)
        assert sender.post(f"https://hooks.example:{port}/h", b"{}", HEADERS, timeout=3) == 204
        assert requests[0]["host"] == f"hooks.example:{port}"
        with pytest.raises(ssl.SSLCertVerificationError):
            sender.post(f"https://other.example:{port}/h", b"{}", HEADERS, timeout=3)


def test_is_global_is_the_rule() -> None:
    assert webhooks.refusal(ipaddress.ip_address("93.184.216.34")) is None
    assert webhooks.refusal(ipaddress.ip_address("224.0.0.1")) is not None  # multicast is "global"
