"""A webhook receiver on loopback, for the suites that deliver over real sockets."""

from __future__ import annotations

import http.server
import ssl
import threading
import time
from collections.abc import Iterator
from typing import Any


class Receiver(http.server.BaseHTTPRequestHandler):
    """Keeps each POST (host, path, body) and when it arrived, then answers as `mode` says: "ok" a
    204, "redirect" a 302 to `location`, "trickle" a 200 a byte every 0.2 s (longer than any deadline,
    yet no single read times out)."""

    requests: list[dict[str, Any]]
    arrivals: list[float]
    mode = "ok"
    location = ""

    def do_POST(self) -> None:
        length = int(self.headers.get("Content-Length", 0))
        self.requests.append(
            {"host": self.headers["Host"], "path": self.path, "body": self.rfile.read(length)}
        )
        self.arrivals.append(time.monotonic())
        if self.mode == "redirect":
            self.send_response(302)
            self.send_header("Location", self.location)
            self.send_header("Content-Length", "0")
            self.end_headers()
        elif self.mode == "trickle":
            for byte in b"HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n":
                try:
                    self.wfile.write(bytes([byte]))
                    self.wfile.flush()
                except OSError:  # the sender gave up at its deadline
                    return
                time.sleep(0.2)
        else:
            self.send_response(204)
            self.end_headers()

    def log_message(self, *args: Any) -> None:
        pass


def serve(
    mode: str = "ok", location: str = "", tls: ssl.SSLContext | None = None
) -> Iterator[tuple[http.server.ThreadingHTTPServer, list[dict[str, Any]]]]:
    """Runs a receiver for the duration of a `for` (or a fixture's `yield from`); yields the server
    and the requests it got (their arrival times: `server.RequestHandlerClass.arrivals`)."""
    attributes = {"requests": [], "arrivals": [], "mode": mode, "location": location}
    handler: type[Receiver] = type("Handler", (Receiver,), attributes)
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    server.daemon_threads = True
    server.handle_error = lambda request, client_address: None  # type: ignore[method-assign]  # refused handshakes
    if tls is not None:
        server.socket = tls.wrap_socket(server.socket, server_side=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield server, handler.requests
    finally:
        server.shutdown()
        server.server_close()
