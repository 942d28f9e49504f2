"""The browser's CORS check (Fetch standard, as docs PROTOCOL facts list it), applied to the headers a server
sent: what corsguard's headers mean to a browser. The suite compares this with what Chromium did."""

SAFELISTED_METHODS = {"GET", "HEAD", "POST"}
SAFELISTED_RESPONSE = {"cache-control", "content-language", "content-length", "content-type", "expires",
                       "last-modified", "pragma"}


def _one(headers, name):
    """The value of a header sent once; None when absent, and a marker when sent several times (a browser
    joins repeated lines with ', ', which never matches an origin)."""
    values = [v for n, v in headers if n.lower() == name]
    if not values:
        return None
    return ", ".join(values)


def _tokens(headers, name):
    return [t.strip() for n, v in headers if n.lower() == name for t in v.split(",") if t.strip()]


def cors_ok(headers, origin, credentials):
    acao = _one(headers, "access-control-allow-origin")
    if acao is None:
        return False
    acao = acao.strip(" \t")
    if credentials:
        return acao == origin and (_one(headers, "access-control-allow-credentials") or "").strip(" \t") == "true"
    return acao in ("*", origin)


def preflight_ok(status, headers, origin, credentials, method, request_headers):
    """request_headers: the lowercased names the browser put in Access-Control-Request-Headers."""
    if not 200 <= status <= 299 or not cors_ok(headers, origin, credentials):
        return False
    methods = _tokens(headers, "access-control-allow-methods")
    if method not in methods and method not in SAFELISTED_METHODS and not ("*" in methods and not credentials):
        return False
    allowed = {h.lower() for h in _tokens(headers, "access-control-allow-headers")}
    for name in request_headers:
        star = "*" in allowed and not credentials and name != "authorization"
        if name not in allowed and not star:
            return False
    return True


def readable(headers, credentials, name):
    """Whether a page may read response header `name` (it is present)."""
    name = name.lower()
    if name in SAFELISTED_RESPONSE:
        return True
    exposed = {h.lower() for h in _tokens(headers, "access-control-expose-headers")}
    return name in exposed or ("*" in exposed and not credentials)
