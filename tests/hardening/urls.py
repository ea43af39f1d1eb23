"""Every URL name the project defines, with its route and the HTTP methods its view answers,
read from the URL resolver (so a new endpoint appears here the moment it is added)."""

from __future__ import annotations

import re
from dataclasses import dataclass

from django.urls import URLPattern, URLResolver, get_resolver

SKIPPED_PREFIXES = ("quan-tri/", "static/")  # the Django admin signs in on its own


@dataclass(frozen=True)
class Endpoint:
    name: str  # "namespace:name"
    route: str
    methods: tuple[str, ...]
    params: tuple[str, ...]


def _methods(callback: object) -> tuple[str, ...]:
    actions = getattr(callback, "actions", None)
    if actions:  # a DRF viewset route
        return tuple(sorted({m.upper() for m in actions}))
    cls = getattr(callback, "cls", None) or getattr(callback, "view_class", None)
    if cls is not None:
        handlers = [m for m in ("get", "post", "put", "patch", "delete") if hasattr(cls, m)]
        return tuple(m.upper() for m in handlers)
    return ("GET", "POST")  # a function view: try both


def _walk(resolver: URLResolver, prefix: str = "", namespace: str = "") -> list[Endpoint]:
    found: list[Endpoint] = []
    for entry in resolver.url_patterns:
        route = prefix + str(entry.pattern)
        if route.startswith(SKIPPED_PREFIXES):
            continue
        if isinstance(entry, URLResolver):
            inner = namespace
            if entry.namespace:
                inner = f"{namespace}:{entry.namespace}" if namespace else entry.namespace
            found.extend(_walk(entry, route, inner))
        elif isinstance(entry, URLPattern):
            if "format" in route:
                continue  # the same view with a “.json” suffix
            name = f"{namespace}:{entry.name}" if namespace else (entry.name or "")
            params = tuple(re.findall(r"<(?:\w+:)?(\w+)>", route)) + tuple(
                re.findall(r"\(\?P<(\w+)>", route)
            )
            found.append(Endpoint(name, route, _methods(entry.callback), params))
    return found


def endpoints() -> dict[str, Endpoint]:
    found: dict[str, Endpoint] = {}
    for endpoint in _walk(get_resolver()):
        found.setdefault(endpoint.name, endpoint)
    return found


def concrete(endpoint: Endpoint, values: dict[str, int]) -> str:
    route = endpoint.route.replace("^", "").replace("$", "")
    for param in endpoint.params:
        value = str(values[param])
        route = re.sub(rf"\(\?P<{param}>[^)]*\)", value, route)
        route = re.sub(rf"<(?:\w+:)?{param}>", value, route)
    return "/" + route
