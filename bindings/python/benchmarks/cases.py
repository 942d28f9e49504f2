"""The seven requests both benchmarks time, and the two equivalent policies (corsguard's and the other
library's settings for the same thing)."""

from __future__ import annotations

ORIGIN = "https://app.example.com"
MANY_ORIGINS = [f"https://app{i}.example.com" for i in range(1000)]
METHODS = ["GET", "HEAD", "POST", "PUT", "DELETE"]
REQUEST_HEADERS = ["content-type", "authorization", "x-request-id", "x-trace-id", "x-tenant", "accept-version"]
EXPOSED = ["x-request-id"]

# What a browser sends besides the CORS headers (a realistic header count to scan).
BROWSER = [
    ("host", "api.example.com"),
    ("user-agent", "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0 Safari/537.36"),
    ("accept", "*/*"),
    ("accept-language", "en-GB,en;q=0.9"),
    ("accept-encoding", "gzip, deflate, br"),
    ("referer", "https://app.example.com/"),
    ("sec-fetch-mode", "cors"),
    ("connection", "keep-alive"),
]

# name -> (method, CORS headers, uses the 1,000-origin policy)
CASES: dict[str, tuple[str, list[tuple[str, str]], bool]] = {
    "actual allowed": ("GET", [("origin", ORIGIN)], False),
    "actual denied": ("GET", [("origin", "https://evil.example.net")], False),
    "preflight, 1 header": (
        "OPTIONS",
        [("origin", ORIGIN), ("access-control-request-method", "PUT"), ("access-control-request-headers", "content-type")],
        False,
    ),
    "preflight, 5 headers": (
        "OPTIONS",
        [
            ("origin", ORIGIN),
            ("access-control-request-method", "PUT"),
            ("access-control-request-headers", "authorization,content-type,x-request-id,x-tenant,x-trace-id"),
        ],
        False,
    ),
    "preflight denied": (
        "OPTIONS",
        [("origin", ORIGIN), ("access-control-request-method", "PATCH"), ("access-control-request-headers", "content-type")],
        False,
    ),
    "1,000 allowed origins": ("GET", [("origin", "https://app999.example.com")], True),
    "not CORS": ("GET", [], False),
}


def corsguard_kwargs(many: bool) -> dict[str, object]:
    return {
        "origins": MANY_ORIGINS if many else [ORIGIN],
        "credentials": True,
        "methods": METHODS,
        "request_headers": REQUEST_HEADERS,
        "exposed_headers": EXPOSED,
        "max_age": 600,
    }
