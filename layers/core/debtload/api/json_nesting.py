"""How deeply a JSON document nests, measured without parsing it.

The standard library's json parser recurses once per level, so a body of a few thousand `[` raises
RecursionError (a 502 at API Gateway), and whatever walks the parsed value recurses again. Measuring
the depth first lets the API refuse such a body with a 400 before anything parses it. Every step
runs at C speed (replace, split, translate, accumulate): about 0.1 s for a 6 MB body, where a
Python loop per character would take seconds.
"""

from __future__ import annotations

from itertools import accumulate

_NOT_BRACKETS = bytes(set(range(256)) - set(b"[]{}"))
_STEP = [0] * 256
for _opener in b"[{":
    _STEP[_opener] = 1
for _closer in b"]}":
    _STEP[_closer] = -1


def deepest_nesting(raw: bytes) -> int:
    """The largest number of arrays and objects open at once; brackets inside strings do not count.

    Inside a JSON string a backslash always starts an escape, so dropping every `\\\\` and then every
    `\\"` (left to right, as the parser pairs them) leaves only the quotes that delimit strings; the
    even pieces between them are the text outside strings. Where the body is not valid JSON this
    agrees with the parser up to the first error, which is as far as the parser would recurse.
    """
    unescaped = raw.replace(b"\\\\", b"").replace(b'\\"', b"")
    outside_strings = b"".join(unescaped.split(b'"')[::2])
    brackets = outside_strings.translate(None, _NOT_BRACKETS)
    return max(0, max(accumulate(map(_STEP.__getitem__, brackets)), default=0))
