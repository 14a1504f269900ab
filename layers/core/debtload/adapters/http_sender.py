"""POSTs webhook bodies with the standard library (no extra dependency for one request)."""

from __future__ import annotations

import urllib.error
import urllib.request
from collections.abc import Mapping


class UrllibSender:
    def post(self, url: str, body: bytes, headers: Mapping[str, str], timeout: float) -> int:
        request = urllib.request.Request(url, data=body, headers=dict(headers), method="POST")  # noqa: S310 - checked by check_url
        try:
            with urllib.request.urlopen(request, timeout=timeout) as response:  # noqa: S310
                return int(response.status)
        except urllib.error.HTTPError as error:
            return int(error.code)
        except urllib.error.URLError as error:
            raise OSError(str(error.reason)) from error
