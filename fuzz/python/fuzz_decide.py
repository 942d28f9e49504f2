"""atheris fuzzer for the Python binding (bindings/python): Policy, Policy.from_text, Policy.decide and the
ASGI middleware, from the fuzzer's bytes.

Settings become a policy through the constructor and through a policy file rendered from them, which must
agree: both refused with the same error kind, setting and index, or both built and deciding alike. Raw
policy-file text goes through Policy.from_text. Each request is decided by Policy.decide and by
corsguard.asgi.CORSMiddleware around a small application, and what they answer is held to the binding's
documented behaviour: no CR, LF or NUL in a header, only CORS header names, a reason exactly when denied, a
status only for preflights, preflights answered by the middleware and everything else by the application
with the decision's headers. PolicyError (and PolicySyntaxError) are the only exceptions a policy may raise;
decide raises none for any bytes.

    python fuzz/python/fuzz_decide.py fuzz/python/corpus -dict=fuzz/c/c_api.dict -max_total_time=30
"""

from __future__ import annotations

import sys

import atheris

with atheris.instrument_imports():
    import corsguard
    from corsguard import Policy, PolicyError, PolicySyntaxError
    from corsguard.asgi import CORSMiddleware

ORIGINS = [
    "https://app.example.com", "https://*.example.com", "http://localhost:*", "*", "http://127.0.0.1:8080",
    "https://[::1]", "null", "file://", "https://example.com:8443", "http://*.app.localhost",
    "https://api.example.com", "https://evil-example.com", "https://a.b.example.com", "HTTPS://APP.EXAMPLE.COM",
    "https://*.co.uk", "http://insecure.example.org", "https://xn--bcher-kva.example", "http://localhost:3000",
    " https://app.example.com\t", "https://app.example.com:443", "",
]
METHODS = ["GET", "HEAD", "POST", "PUT", "DELETE", "PATCH", "OPTIONS", "PURGE", "CONNECT", "TRACE", "patch", "",
           "X-CUSTOM", "GET ", "a b"]
HEADER_NAMES = ["content-type", "authorization", "x-request-id", "x-total-count", "Accept", "X-Custom", "cookie",
                "set-cookie", "sec-fetch-mode", "", "bad name", "x-#hash"]
REQUEST_METHODS = [b"OPTIONS", b"OPTIONS", b"GET", b"POST", b"options", b"PUT"]
REQUESTED_METHODS = [b"PUT", b"GET", b"DELETE", b"PATCH", b"PURGE", b" PUT ", b"put", b"CONNECT", b""]
REQUESTED_HEADERS = [b"content-type", b"content-type, authorization", b"x-request-id,x-custom", b" , ",
                     b"Authorization", b"a b", b"", b"X-TOTAL-COUNT\t"]
PRIVATE_NETWORK = [b"true", b"TRUE", b" true ", b"false", b""]
CORS_NAMES = [
    "access-control-allow-origin", "access-control-allow-credentials", "access-control-allow-methods",
    "access-control-allow-headers", "access-control-max-age", "access-control-allow-private-network",
    "access-control-expose-headers", "vary",
]
MODES = ["default", "list", "any", "any+authorization"]


class Fail(AssertionError):
    pass


def require(cond: bool, what: str) -> None:
    if not cond:
        raise Fail(what)


def pick_text(fdp: atheris.FuzzedDataProvider, table: list[str]) -> str:
    # Mostly a table entry (valid policies, matching requests), sometimes raw text.
    if fdp.ConsumeIntInRange(0, 7):
        return table[fdp.ConsumeIntInRange(0, len(table) - 1)]
    return fdp.ConsumeBytes(fdp.ConsumeIntInRange(0, 64)).decode("latin-1")


def pick_bytes(fdp: atheris.FuzzedDataProvider, table: list[bytes]) -> bytes:
    if fdp.ConsumeIntInRange(0, 7):
        return table[fdp.ConsumeIntInRange(0, len(table) - 1)]
    return fdp.ConsumeBytes(fdp.ConsumeIntInRange(0, 64))


def take_settings(fdp: atheris.FuzzedDataProvider) -> dict:
    s: dict = {"origins": [pick_text(fdp, ORIGINS) for _ in range(fdp.ConsumeIntInRange(0, 4))]}
    s["credentials"] = fdp.ConsumeBool()
    for key, table, modes in (("methods", METHODS, 3), ("request_headers", HEADER_NAMES, 4),
                              ("exposed_headers", HEADER_NAMES, 3)):
        mode = MODES[fdp.ConsumeIntInRange(0, modes - 1)]
        if mode == "list":
            s[key] = [pick_text(fdp, table) for _ in range(fdp.ConsumeIntInRange(0, 4))]
        elif mode == "any":
            s[key] = "*"
        elif mode == "any+authorization":
            s[key] = "*+authorization"
    if fdp.ConsumeBool():
        s["max_age"] = fdp.PickValueInList([0, 5, 600, 86400, 86401, 2**32 - 1])
    if fdp.ConsumeBool():
        s["preflight_success_status"] = fdp.PickValueInList([200, 204, 299, 300, 403])
        s["preflight_failure_status"] = fdp.PickValueInList([200, 299, 400, 403, 599, 600])
    s["private_network"] = fdp.ConsumeBool()
    s["allow_insecure_origins_with_credentials"] = fdp.ConsumeBool()
    if fdp.ConsumeBool():
        for key in ("max_origin_len", "max_request_headers_len", "max_request_headers_count"):
            s[key] = fdp.PickValueInList([1, 2, 16, 64, 512, 1024, 1025, 2048, 4096, 4097, 65536, 65537])
    return s


def renderable(entry: str, star_allowed: bool) -> bool:
    # Reads back from a policy file as the same string: printable ASCII, no separator, no edge blank.
    if not entry or entry != entry.strip(" \t") or entry[0] == "#":
        return False
    if any(c == "," or not (" " <= c <= "~" or c == "\t") for c in entry):
        return False
    return star_allowed or entry != "*"


def render(s: dict) -> str | None:
    """The settings as a policy file, or None where the file format cannot say the same thing."""
    lines = []
    if s["origins"]:
        if not all(renderable(o, True) for o in s["origins"]):
            return None
        lines.append("origins = " + ", ".join(s["origins"]))
    lines.append(f"credentials = {'true' if s['credentials'] else 'false'}")
    for key in ("methods", "request_headers", "exposed_headers"):
        value = s.get(key)
        file_key = key.replace("_", "-")
        if value == "*":
            lines.append(f"{file_key} = *")
        elif value == "*+authorization":
            lines.append(f"{file_key} = *, authorization")
        elif value is not None:
            if not value or not all(renderable(v, False) for v in value):
                return None
            lines.append(f"{file_key} = " + ", ".join(value))
    for key in ("max_age", "preflight_success_status", "preflight_failure_status", "max_origin_len",
                "max_request_headers_len", "max_request_headers_count"):
        if key in s:
            lines.append(f"{key.replace('_', '-')} = {s[key]}")
    lines.append(f"private-network = {'true' if s['private_network'] else 'false'}")
    insecure = "true" if s["allow_insecure_origins_with_credentials"] else "false"
    lines.append(f"allow-insecure-origins-with-credentials = {insecure}")
    return "\n".join(lines) + "\n"


def error_key(e: PolicyError) -> tuple:
    return (e.code, e.kind, e.setting, e.index, e.origin_error)


def build(make) -> tuple[Policy | None, PolicyError | None]:
    try:
        return make(), None
    except PolicyError as e:
        require(isinstance(e.code, int) and e.kind and str(e), "a PolicyError has a code, a kind and a message")
        return None, e


def take_request(fdp: atheris.FuzzedDataProvider) -> tuple[bytes, list[tuple[bytes, bytes]]]:
    method = pick_bytes(fdp, REQUEST_METHODS)
    headers = []
    for name, table, most in ((b"origin", [o.encode() for o in ORIGINS], 3),
                              (b"access-control-request-method", REQUESTED_METHODS, 2),
                              (b"access-control-request-headers", REQUESTED_HEADERS, 3),
                              (b"access-control-request-private-network", PRIVATE_NETWORK, 2)):
        for _ in range(fdp.ConsumeIntInRange(0, most)):
            spelled = name if fdp.ConsumeBool() else name.title()
            headers.append((spelled, pick_bytes(fdp, table)))
    if fdp.ConsumeBool():
        headers.append((b"x-other", b"v"))
    fdp_order = fdp.ConsumeIntInRange(0, 3)
    if fdp_order == 3:
        headers.reverse()
    return method, headers


def check_decision(d, method: bytes, headers: list[tuple[bytes, bytes]]) -> None:
    origins = [v for n, v in headers if n.lower() == b"origin"]
    acrm = [v for n, v in headers if n.lower() == b"access-control-request-method"]
    expected_kind = "not_cors" if not origins else (
        "preflight" if method == b"OPTIONS" and acrm else "actual")
    require(d.kind == expected_kind, f"kind {d.kind}, expected {expected_kind}")
    require(d.allowed == (d.verdict == "allowed"), "allowed and verdict agree")
    require((d.reason is None) == d.allowed, "a reason exactly when denied")
    require((d.origin_error is not None) == (d.reason is not None and d.reason.name == "origin_malformed"),
            "an origin error exactly for origin_malformed")
    require(d.answer_now == (d.kind == "preflight"), "answer_now exactly for preflights")
    if d.kind == "preflight":
        require(d.status is not None and (200 <= d.status <= 299 or (not d.allowed and 400 <= d.status <= 599)),
                f"preflight status {d.status}")
    else:
        require(d.status is None, "a status only for preflights")
    require(len(d.headers) == len(d.raw_headers) <= 15, "at most 15 headers, both views")
    for (name, value), (raw_name, raw_value) in zip(d.headers, d.raw_headers):
        # raw_headers are the ASGI spelling: lowercase names, bytes.
        require(name.lower().encode() == raw_name and value.encode("latin-1") == raw_value, "headers == raw_headers")
        require(name.lower() in CORS_NAMES, f"header name {name!r}")
        require(not any(b in raw_value for b in b"\r\n\0"), "no CR, LF or NUL in a header value")
        if not d.allowed or d.kind == "not_cors":
            require(name.lower() == "vary", "only Vary when denied or not CORS")


def run_asgi(policy: Policy, method: bytes, headers: list[tuple[bytes, bytes]], d) -> None:
    reached = []

    async def app(scope, receive, send):
        reached.append(True)
        await send({"type": "http.response.start", "status": 200,
                    "headers": [(b"content-type", b"text/plain"), (b"vary", b"Accept-Encoding")]})
        await send({"type": "http.response.body", "body": b"ok"})

    sent = []

    async def send(message):
        sent.append(message)

    async def receive():
        return {"type": "http.request", "body": b"", "more_body": False}

    scope = {"type": "http", "asgi": {"version": "3.0"}, "http_version": "1.1", "method": method.decode("latin-1"),
             "scheme": "https", "path": "/api/items", "raw_path": b"/api/items", "root_path": "",
             "query_string": b"", "headers": [(n.lower(), v) for n, v in headers], "server": ("127.0.0.1", 443)}
    coro = CORSMiddleware(app, policy=policy)(scope, receive, send)
    try:
        coro.send(None)
        raise Fail("the middleware waited on something")
    except StopIteration:
        pass
    require(len(sent) == 2 and sent[0]["type"] == "http.response.start", "one response")
    got = [(n.lower(), v) for n, v in sent[0]["headers"]]
    want = [(n.lower(), v) for n, v in d.raw_headers]
    if d.answer_now:
        require(not reached, "a preflight never reaches the application")
        require(sent[0]["status"] == d.status, "a preflight is answered with the decision's status")
        require(all(h in got for h in want), "the preflight answer carries the decision's headers")
    else:
        require(reached == [True], "everything but a preflight reaches the application")
        require(sent[0]["status"] == 200, "the application's status")
        for name, value in want:
            if name == b"vary":
                varies = b", ".join(v for n, v in got if n == b"vary")
                require(value in varies and b"Accept-Encoding" in varies, "Vary appended, not replaced")
            else:
                require((name, value) in got, "the decision's headers on the application's response")
    for name, value in got:
        require(not any(b in value for b in b"\r\n\0"), "no CR, LF or NUL in a response header")


def decide_all(policies: list[Policy], fdp: atheris.FuzzedDataProvider) -> None:
    for _ in range(fdp.ConsumeIntInRange(1, 6)):
        method, headers = take_request(fdp)
        decisions = [p.decide(method, headers) for p in policies]
        for d in decisions:
            check_decision(d, method, headers)
        first = decisions[0]
        for d in decisions[1:]:
            require((d.kind, d.verdict, d.reason, d.origin_error, d.status, d.raw_headers) ==
                    (first.kind, first.verdict, first.reason, first.origin_error, first.status, first.raw_headers),
                    "policies from the constructor and from its policy file decide alike")
        run_asgi(policies[0], method, headers, first)


def test_one_input(data: bytes) -> None:
    fdp = atheris.FuzzedDataProvider(data)
    if fdp.ConsumeIntInRange(0, 3) == 0:
        text = fdp.ConsumeBytes(fdp.ConsumeIntInRange(0, 2048))
        policy, error = build(lambda: Policy.from_text(text))
        if error is not None:
            require(isinstance(error.line, int) and isinstance(error.column, int), "file errors are located")
            if isinstance(error, PolicySyntaxError):
                require(error.line >= 1, "a syntax error is on a line")
            return
        decide_all([policy], fdp)
        return

    settings = take_settings(fdp)
    policy, error = build(lambda: Policy(**settings))
    policies = [policy] if policy is not None else []
    text = render(settings)
    if text is not None:
        from_file, file_error = build(lambda: Policy.from_text(text))
        if (error is None) != (file_error is None) or (
                error is not None and error_key(error) != error_key(file_error)):
            raise Fail(f"settings {settings!r} give {error!r}, their file gives {file_error!r}:\n{text}")
        if from_file is not None:
            policies.append(from_file)
    if policies:
        decide_all(policies, fdp)


def main() -> None:
    require(corsguard.__version__ is not None, "the package imports")
    # This file's branches too (which settings, which checks), so that libFuzzer sees more than the package's
    # Python code: the extension itself is not instrumented.
    for function in (take_settings, render, renderable, take_request, check_decision, run_asgi, decide_all,
                     test_one_input):
        atheris.instrument_func(function)
    atheris.Setup(sys.argv, test_one_input)
    atheris.Fuzz()


if __name__ == "__main__":
    main()
