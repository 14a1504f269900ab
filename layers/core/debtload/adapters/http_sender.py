"""POSTs webhook bodies to the address that was checked, within one total deadline.

Why not urllib: it resolves the name again after our check (a rebinding name can then point at
169.254.169.254), follows redirects (forwarding the signature to wherever they point), and its timeout
bounds each socket read, so a receiver that trickles a byte a second holds a delivery for ever.
Here the name is resolved once, every address is checked by the domain's policy, the socket connects
to a checked address, and Host, TLS SNI and certificate verification still use the name. A 3xx is
returned as it is (a failed delivery); a watchdog closes the socket at the deadline.
"""

from __future__ import annotations

import contextlib
import http.client
import socket
import ssl
import threading
import time
from collections.abc import Callable, Mapping

from debtload.domain import webhooks
from debtload.domain.errors import ValidationFailed


def resolve_host(host: str) -> list[str]:
    return [str(info[4][0]) for info in socket.getaddrinfo(host, None)]


class DeliveryRefused(OSError):
    """The URL or its addresses are not allowed: nothing was sent."""


class PinnedHttpSender:
    def __init__(
        self,
        allow_private: bool,
        resolver: webhooks.Resolver = resolve_host,
        ssl_context: ssl.SSLContext | None = None,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.allow_private = allow_private
        self.resolver = resolver
        self.ssl_context = ssl_context or ssl.create_default_context()
        self.clock = clock

    def post(self, url: str, body: bytes, headers: Mapping[str, str], timeout: float) -> int:
        """POST and return the status code; `timeout` bounds the whole request. Raises OSError when
        nothing came back in time, the connection failed, or the target is refused."""
        deadline = self.clock() + timeout
        try:
            target = webhooks.delivery_target(url, self.allow_private)
            addresses = webhooks.checked_addresses(
                target.host, self._resolve(target.host), self.allow_private
            )
        except ValidationFailed as error:
            raise DeliveryRefused(
                f"refused: {error} ({'; '.join(map(str, error.details.values()))})"
            ) from error
        last_error: OSError = OSError(f"{target.host} has no address")
        for address in addresses:
            remaining = deadline - self.clock()
            if remaining <= 0:
                break
            try:
                return self._post_to(address, target, body, headers, deadline)
            except ConnectionRefusedError as error:  # the next address may answer
                last_error = error
        raise last_error

    def _resolve(self, host: str) -> list[str]:
        try:
            return list(self.resolver(host))
        except OSError as error:
            raise ValidationFailed("Webhook URL host does not resolve", {"url": str(error)}) from error

    def _post_to(
        self,
        address: str,
        target: webhooks.Target,
        body: bytes,
        headers: Mapping[str, str],
        deadline: float,
    ) -> int:
        remaining = max(0.001, deadline - self.clock())
        raw = socket.create_connection((address, target.port), timeout=remaining)
        timed_out = threading.Event()

        def expire() -> None:
            timed_out.set()
            with contextlib.suppress(OSError):
                raw.shutdown(socket.SHUT_RDWR)

        watchdog = threading.Timer(remaining, expire)
        watchdog.daemon = True
        watchdog.start()
        try:
            sock: socket.socket = raw
            if target.scheme == "https":
                sock = self.ssl_context.wrap_socket(raw, server_hostname=target.host)
            connection = http.client.HTTPConnection(target.host, target.port, timeout=remaining)
            connection.sock = sock  # already connected to the checked address: no second lookup
            try:
                connection.request("POST", target.path, body=body, headers=dict(headers))
                response = connection.getresponse()
                return int(response.status)
            finally:
                connection.close()
        except (OSError, http.client.HTTPException) as error:
            if timed_out.is_set():
                raise TimeoutError(f"no answer within the delivery deadline from {target.host}") from error
            if isinstance(error, OSError):
                raise
            raise OSError(f"bad HTTP answer from {target.host}: {error!r}") from error
        finally:
            watchdog.cancel()
            raw.close()
