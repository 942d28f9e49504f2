"""The exception a refused policy raises: every field of the core's typed error, as attributes."""

from __future__ import annotations

from typing import Any, Optional, Type


class PolicyError(ValueError):
    """A policy the core refused: which rule (``kind``, ``code``), which setting and entry, and what to change.

    ``str(error)`` is the core's message, which names the setting and says what to change. For a policy file,
    ``line`` and ``column`` (1-based, 0 when the error is not about one line) locate the offending entry.
    """

    code: int
    kind: str
    setting: Optional[str]
    index: Optional[int]
    origin_error: Optional[str]
    line: Optional[int]
    column: Optional[int]

    def __init__(
        self,
        message: str,
        *,
        code: int,
        kind: str,
        setting: Optional[str] = None,
        index: Optional[int] = None,
        origin_error: Optional[str] = None,
        line: Optional[int] = None,
        column: Optional[int] = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.code = code
        self.kind = kind
        self.setting = setting
        self.index = index
        self.origin_error = origin_error
        self.line = line
        self.column = column

    def __reduce__(self):  # type: ignore[no-untyped-def]
        # Pickled and unpickled with its fields (a plain ValueError would lose the keyword arguments).
        return (_rebuild, (self.message, self.__dict__, type(self)))


class PolicySyntaxError(PolicyError):
    """A policy file whose text is not a policy file: ``kind`` and ``code`` are the syntax error's
    (``invalid_byte``, ``missing_equals``, ...; its own codes), ``line`` and ``column`` where it is."""


def _rebuild(message: str, fields: dict[str, Any], cls: Type[PolicyError] = PolicyError) -> PolicyError:
    error = cls.__new__(cls)
    ValueError.__init__(error, message)
    error.__dict__.update(fields)
    return error
