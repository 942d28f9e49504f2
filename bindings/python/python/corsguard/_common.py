"""What the three middlewares share: the per-route policy table, denial logging and the decision callback.

The table matches the path the framework routes on, as the server hands it over: corsguard adds no decoding,
case folding or dot handling of its own, so the policy always belongs to the route the application serves.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Mapping
from typing import Callable, Optional, Tuple, Union

from ._corsguard import Decision, Policy

logger = logging.getLogger("corsguard")

#: Where a request is marked once a corsguard middleware has handled it (ASGI scope, WSGI environ), so that a
#: second one in the same stack passes it through instead of adding the headers twice.
MARK = "corsguard.handled"

Routes = Union[Mapping[str, Policy], Iterable[Tuple[str, Policy]]]
OnDecision = Callable[[Decision], None]


class RouteTable:
    """Path prefix to policy; the longest prefix that covers the path wins, segment by segment.

    ``/api`` covers ``/api`` and ``/api/...``, never ``/apix``; a trailing ``/`` on a prefix is ignored and
    ``/`` covers every path. Comparison is exact and case-sensitive. Paths no prefix covers get ``default``
    (``None``: the middleware leaves them alone).
    """

    def __init__(self, default: Optional[Policy], routes: Optional[Routes], wsgi: bool = False) -> None:
        if default is not None and not isinstance(default, Policy):
            raise TypeError(f"policy must be a corsguard.Policy, not {type(default).__name__}")
        items = list(routes.items() if isinstance(routes, Mapping) else routes or ())
        table: list[tuple[str, str, Policy]] = []
        seen: set[str] = set()
        for prefix, policy in items:
            if not isinstance(prefix, str) or not prefix.startswith("/"):
                raise ValueError(f"a route prefix must be a str starting with '/': {prefix!r}")
            if not isinstance(policy, Policy):
                raise TypeError(f"the policy for {prefix!r} must be a corsguard.Policy, not {type(policy).__name__}")
            bare = prefix.rstrip("/")
            if bare in seen:
                raise ValueError(f"the route prefix {prefix!r} is given twice")
            seen.add(bare)
            if wsgi:
                # PEP 3333: PATH_INFO holds the path's bytes decoded as Latin-1; compare like with like.
                bare = bare.encode("utf-8").decode("latin-1")
            table.append((bare, bare + "/", policy))
        table.sort(key=lambda entry: len(entry[0]), reverse=True)
        self.default = default
        self.table = table
        self.single = default if not table else None

    def policy_for(self, path: str) -> Optional[Policy]:
        for bare, with_slash, policy in self.table:
            if path == bare or path.startswith(with_slash):
                return policy
        return self.default


def escape(value: Union[bytes, str], limit: int = 200) -> str:
    """A value from the request, quoted for a log line: control bytes, quotes and non-ASCII escaped (so the
    line cannot be split or forged), cut after ``limit`` bytes."""
    raw = value.encode("latin-1", "backslashreplace") if isinstance(value, str) else value
    text = repr(raw[:limit])[1:]
    return text + "..." if len(raw) > limit else text


class Reporter:
    """Logs denials (logger ``corsguard``, level INFO) and calls ``on_decision`` for every decision."""

    def __init__(self, on_decision: Optional[OnDecision]) -> None:
        if on_decision is not None and not callable(on_decision):
            raise TypeError("on_decision must be callable")
        self.on_decision = on_decision
        self.full = on_decision is not None

    @staticmethod
    def logs_denials() -> bool:
        """Whether denials are logged: the extension then returns a Decision for each denial, else only with
        ``on_decision``."""
        return logger.isEnabledFor(logging.INFO)

    def report(
        self, decision: Decision, method: Union[str, bytes], path: Union[str, bytes], origins: list[bytes]
    ) -> None:
        if not decision.allowed and logger.isEnabledFor(logging.INFO):
            reason = decision.reason
            assert reason is not None
            detail = reason.message
            if decision.origin_error is not None:
                detail += f" ({decision.origin_error.message})"
            logger.info(
                "CORS %s denied: %s %s from Origin %s: [%d %s] %s",
                decision.kind,
                escape(method),
                escape(path),
                ", ".join(escape(o) for o in origins) or "(none)",
                reason.code,
                reason.name,
                detail,
            )
        if self.on_decision is not None:
            try:
                self.on_decision(decision)
            except Exception:
                # A failing metrics hook must not turn into a failed request; it is logged instead.
                logger.exception("corsguard: on_decision raised")
