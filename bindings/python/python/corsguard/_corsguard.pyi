# Types of the compiled module (bindings/python/src/lib.rs), for editors and mypy.
import os
from collections.abc import Iterable
from typing import Any, Literal, Optional, Sequence, Tuple, Union

_Text = Union[str, bytes]
_HeaderList = Union[Sequence[str], Literal["*"]]

MAX_ORIGIN_LEN: int

class Reason:
    """Why a request was denied, or what is wrong with its Origin: stable code, snake-case name, message."""

    @property
    def code(self) -> int: ...
    @property
    def name(self) -> str: ...
    @property
    def message(self) -> str: ...
    def __eq__(self, other: object) -> bool: ...
    def __hash__(self) -> int: ...

class Decision:
    """The outcome of Policy.decide. Immutable."""

    @property
    def kind(self) -> Literal["not_cors", "actual", "preflight"]: ...
    @property
    def allowed(self) -> bool: ...
    @property
    def verdict(self) -> Literal["allowed", "denied"]: ...
    @property
    def reason(self) -> Optional[Reason]: ...
    @property
    def origin_error(self) -> Optional[Reason]: ...
    @property
    def status(self) -> Optional[int]: ...
    @property
    def answer_now(self) -> bool: ...
    @property
    def headers(self) -> list[tuple[str, str]]: ...
    @property
    def raw_headers(self) -> list[tuple[bytes, bytes]]: ...

class Policy:
    """A validated CORS policy. Immutable and thread-safe."""

    def __init__(
        self,
        origins: Sequence[str],
        *,
        credentials: bool = False,
        methods: Optional[_HeaderList] = None,
        request_headers: Optional[Union[_HeaderList, Literal["*+authorization"]]] = None,
        exposed_headers: Optional[_HeaderList] = None,
        max_age: Optional[int] = None,
        preflight_success_status: Optional[int] = None,
        preflight_failure_status: Optional[int] = None,
        private_network: bool = False,
        allow_insecure_origins_with_credentials: bool = False,
        max_origin_len: Optional[int] = None,
        max_request_headers_len: Optional[int] = None,
        max_request_headers_count: Optional[int] = None,
    ) -> None: ...
    @staticmethod
    def from_text(text: _Text) -> Policy: ...
    @staticmethod
    def from_file(path: Union[str, "os.PathLike[str]"]) -> Policy: ...
    @property
    def credentials(self) -> bool: ...
    @property
    def allows_any_origin(self) -> bool: ...
    @property
    def origin_count(self) -> int: ...
    def decide(self, method: _Text, headers: Iterable[Tuple[_Text, _Text]]) -> Decision: ...
    # The middleware's calls: (status to answer now or 0, headers, Decision when asked for or denied).
    def _asgi(self, scope: dict[str, Any], full: bool = False, log: bool = True) -> tuple[int, tuple[tuple[bytes, bytes], ...], Optional[Decision]]: ...
    def _wsgi(self, environ: dict[str, Any], full: bool = False, log: bool = True) -> tuple[int, list[tuple[str, str]], Optional[Decision]]: ...
