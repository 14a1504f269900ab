"""Which template route serves a request: API Gateway's resource tree and its matching rules.

Routes are the template's `Type: Api` events (method, path with {param} and {proxy+} segments);
a request path is matched the way a REST API matches it, and the match names the resource, the
route and the path parameters the proxy event carries.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from urllib.parse import unquote

__all__ = ["MAX_INTEGRATION_TIMEOUT_SECONDS", "ApiRouter", "Route", "RouteMatch"]

# A REST API's integration timeout (TimeoutInMillis) defaults to, and may not exceed, 29 s.
MAX_INTEGRATION_TIMEOUT_SECONDS = 29.0


@dataclass(frozen=True, slots=True)
class Route:
    method: str
    path: str
    authorized: bool
    timeout_seconds: float = MAX_INTEGRATION_TIMEOUT_SECONDS


@dataclass(frozen=True, slots=True)
class RouteMatch:
    resource: str
    route: Route
    path_parameters: dict[str, str]


@dataclass(slots=True)
class _Node:
    literals: dict[str, _Node] = field(default_factory=dict)
    param: tuple[str, _Node] | None = None
    greedy: tuple[str, _Node] | None = None
    resource: str | None = None
    methods: dict[str, Route] = field(default_factory=dict)


def _segments(path: str) -> list[str]:
    return [part for part in path.split("/") if part]


class ApiRouter:
    """Resource tree with API Gateway's precedence: literal, then {param}, then {proxy+}.

    The resource is chosen from the path alone and the method checked afterwards: on AWS a
    more specific resource that lacks the method does not fall back to a {param} sibling.
    """

    def __init__(self, routes: Sequence[Route]) -> None:
        self._root = _Node()
        for route in routes:
            self._add(route)

    def _add(self, route: Route) -> None:
        node = self._root
        parts = _segments(route.path)
        for index, part in enumerate(parts):
            if part.startswith("{") and part.endswith("+}"):
                if index != len(parts) - 1:
                    raise ValueError(f"greedy parameter must be the last segment: {route.path}")
                node = self._variable_child(node, "greedy", part[1:-2], route.path)
            elif part.startswith("{") and part.endswith("}"):
                node = self._variable_child(node, "param", part[1:-1], route.path)
            else:
                node = node.literals.setdefault(part, _Node())
        node.resource = "/" + "/".join(parts)
        method = route.method.upper()
        if method in node.methods:
            raise ValueError(f"duplicate route {method} {route.path}")
        timeout = min(route.timeout_seconds, MAX_INTEGRATION_TIMEOUT_SECONDS)
        node.methods[method] = Route(method, node.resource, route.authorized, timeout)

    @staticmethod
    def _variable_child(node: _Node, kind: str, name: str, path: str) -> _Node:
        # SAM/CloudFormation reject siblings with different variable names, so do we.
        existing: tuple[str, _Node] | None = getattr(node, kind)
        if existing is None:
            child = _Node()
            setattr(node, kind, (name, child))
            return child
        if existing[0] != name:
            raise ValueError(f"conflicting path parameter {{{name}}} vs {{{existing[0]}}} in {path}")
        return existing[1]

    def match(self, raw_path: str, method: str) -> RouteMatch | None:
        found = self._walk(self._root, _segments(raw_path), {})
        if found is None:
            return None
        node, params = found
        route = node.methods.get(method) or node.methods.get("ANY")
        if route is None or node.resource is None:
            return None
        return RouteMatch(node.resource, route, params)

    def _walk(
        self, node: _Node, raw_parts: list[str], params: dict[str, str]
    ) -> tuple[_Node, dict[str, str]] | None:
        if not raw_parts:
            return (node, params) if node.resource is not None else None
        head, rest = raw_parts[0], raw_parts[1:]
        decoded = unquote(head)
        literal = node.literals.get(decoded)
        if literal is not None:
            found = self._walk(literal, rest, params)
            if found is not None:
                return found
        if node.param is not None:
            name, child = node.param
            found = self._walk(child, rest, {**params, name: decoded})
            if found is not None:
                return found
        if node.greedy is not None:
            name, child = node.greedy
            if child.resource is not None:
                return child, {**params, name: unquote("/".join(raw_parts))}
        return None
