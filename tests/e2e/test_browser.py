"""Browser cases: headless Chromium loads a page from http://localhost:PAGE and fetch()es the server under test
on http://127.0.0.1:PORT (another origin: other host, other port). For every fetch three answers must agree:
the case's expectation, Chromium's verdict (fetch resolves or throws; which headers the page can read), and
what corsguard's headers mean under the Fetch standard's CORS check (cors_check.py), read from the exchanges
Chromium's own network stack recorded (DevTools Network events: preflights included, so they can be counted).
"""

import json
import time
import urllib.parse

import pytest

from cors_check import cors_ok, preflight_ok, readable
from servers import selected

READ = ["x-request-id", "x-total-count", "content-type"]

# Policies, with {page} the page's origin and {port} its port. Each server starts once per policy.
POLICIES = {
    "plain": """origins = {page}
methods = GET, HEAD, POST, PUT, DELETE, PURGE
request-headers = content-type, x-custom, authorization
exposed-headers = x-request-id
max-age = 600
""",
    "credentials": """origins = {page}
credentials = true
methods = GET, POST, PUT, DELETE
request-headers = x-custom
exposed-headers = x-request-id, x-total-count
max-age = 600
""",
    "any": """origins = *
methods = *
request-headers = *
exposed-headers = *
max-age = 600
""",
    # The page's origin spelled other ways: another host for the same address, another port, another scheme.
    "elsewhere": """origins = http://127.0.0.1:{port}, https://localhost:{port}, http://localhost
origins = http://localhost:{other_port}
methods = GET, HEAD, POST, PUT
max-age = 600
""",
    "pattern": """origins = http://localhost:*
exposed-headers = x-total-count
""",
    "no-cache": """origins = {page}
methods = PUT
max-age = 0
""",
    "default-age": """origins = {page}
methods = PUT
""",
    "long-age": """origins = {page}
methods = PUT
max-age = 86400
""",
    "methods-case": """origins = {page}
methods = PATCH, DELETE
""",
}


class Fetch:
    def __init__(self, method="GET", path="/api/echo", headers=None, credentials="same-origin", body=None,
                 ok=True, status=200, read=None):
        self.method, self.path, self.headers = method, path, headers or {}
        self.credentials, self.body = credentials, body
        self.ok, self.status = ok, status
        self.read = read or {}  # header -> value the page must read (None: must not be readable)


class Case:
    def __init__(self, name, policy, fetches, preflights=None, origin_sent=None, not_sent=()):
        self.name, self.policy, self.fetches = name, policy, fetches
        self.preflights = preflights  # OPTIONS requests Chromium sends over all fetches (None: not checked)
        self.origin_sent = origin_sent  # the Origin of the last request, when the case is about it
        self.not_sent = not_sent  # request headers no request of the case may carry


def one(name, policy, preflights=None, **fetch):
    return Case(name, policy, [Fetch(**fetch)], preflights)


JSON = {"Content-Type": "application/json"}
TEXT = {"Content-Type": "text/plain"}
NO = False
CASES = [
    # -- simple requests, allowed origin
    one("simple-get", "plain", 0, read={"x-request-id": "42", "content-type": "application/json"}),
    one("simple-get-items-unexposed-header", "plain", 0, path="/api/items",
        read={"x-request-id": "42", "x-total-count": None}),
    one("simple-post-text", "plain", 0, method="POST", headers=TEXT, body="hi"),
    one("simple-post-form", "plain", 0, method="POST", headers={"Content-Type": "application/x-www-form-urlencoded"},
        body="a=b"),
    one("simple-head", "plain", 0, method="HEAD", path="/api/items"),
    one("simple-500-is-a-response", "plain", 0, path="/api/error", status=500),
    one("simple-404-is-a-response", "plain", 0, path="/nowhere", status=404),
    one("simple-safelisted-request-header", "plain", 0, headers={"Accept-Language": "fr"}),
    one("simple-credentials-include-without-acac", "plain", 0, credentials="include", ok=NO),
    one("simple-credentials-omit", "plain", 0, credentials="omit"),
    # -- preflights
    one("preflight-put", "plain", 1, method="PUT"),
    one("preflight-delete", "plain", 1, method="DELETE"),
    one("preflight-purge", "plain", 1, method="PURGE"),
    one("preflight-patch-not-listed", "plain", 1, method="PATCH", ok=NO),
    one("preflight-lowercase-delete-is-uppercased", "plain", 1, method="delete"),
    one("preflight-custom-header", "plain", 1, headers={"X-Custom": "1"}),
    one("preflight-custom-header-any-case", "plain", 1, headers={"x-CUSTOM": "1"}),
    one("preflight-unlisted-header", "plain", 1, headers={"X-Other": "1"}, ok=NO),
    one("preflight-json-content-type", "plain", 1, method="POST", headers=JSON, body="{}"),
    one("preflight-authorization-listed", "plain", 1, headers={"Authorization": "Bearer t"}),
    one("preflight-put-two-headers", "plain", 1, method="PUT", headers={"X-Custom": "1", **JSON}, body="{}"),
    one("preflight-one-unlisted-of-two", "plain", 1, method="PUT", headers={"X-Custom": "1", "X-Other": "2"}, ok=NO),
    one("preflight-credentials-include-without-acac", "plain", 1, method="PUT", credentials="include", ok=NO),
    Case("preflight-no-private-network-header-loopback", "plain", [Fetch(method="PUT")], 1,
         not_sent=["Access-Control-Request-Private-Network"]),
    # -- caching (max-age 600): the second identical request sends no preflight
    Case("max-age-second-preflight-not-sent", "plain", [Fetch(method="PUT"), Fetch(method="PUT")], 1),
    Case("max-age-covers-every-listed-method", "plain", [Fetch(method="PUT"), Fetch(method="DELETE")], 1),
    Case("max-age-new-header-new-preflight", "plain",
         [Fetch(method="PUT", headers={"X-Custom": "1"}), Fetch(method="PUT", headers={"X-Other": "1"}, ok=NO)], 2),
    Case("max-age-zero-not-cached", "no-cache", [Fetch(method="PUT"), Fetch(method="PUT")], 2),
    Case("max-age-absent-browser-default-5s", "default-age", [Fetch(method="PUT"), Fetch(method="PUT")], 1),
    Case("max-age-long-cached", "long-age", [Fetch(method="PUT"), Fetch(method="PUT")], 1),
    # -- methods: case matters except for the six names fetch() uppercases
    one("method-lowercase-patch-not-uppercased", "methods-case", 1, method="patch", ok=NO),
    one("method-uppercase-patch", "methods-case", 1, method="PATCH"),
    one("method-lowercase-delete", "methods-case", 1, method="delete"),
    # -- redirects: to another origin the browser sends Origin: null, which corsguard denies
    Case("redirect-cross-origin-sends-null", "plain", [Fetch(path="/api/redirect?to={other}/api/echo", ok=NO)],
         0, origin_sent="null"),
    Case("redirect-same-origin-keeps-origin", "plain", [Fetch(path="/api/redirect?to={self}/api/echo")], 0,
         origin_sent="{page}"),
    Case("redirect-cross-origin-credentials", "credentials",
         [Fetch(path="/api/redirect?to={other}/api/echo", credentials="include", ok=NO)], 0, origin_sent="null"),
    # -- credentials
    one("cred-include", "credentials", 0, credentials="include", read={"x-request-id": "42"}),
    one("cred-include-items-both-exposed", "credentials", 0, path="/api/items", credentials="include",
        read={"x-request-id": "42", "x-total-count": "3"}),
    one("cred-omit", "credentials", 0, credentials="omit", read={"x-request-id": "42"}),
    one("cred-same-origin-mode", "credentials", 0),
    one("cred-include-500", "credentials", 0, credentials="include", path="/api/error", status=500),
    one("cred-include-put-listed-header", "credentials", 1, method="PUT", credentials="include",
        headers={"X-Custom": "1"}),
    one("cred-include-put-unlisted-header", "credentials", 1, method="PUT", credentials="include",
        headers={"X-Other": "1"}, ok=NO),
    one("cred-include-purge-not-listed", "credentials", 1, method="PURGE", credentials="include", ok=NO),
    one("cred-include-delete", "credentials", 1, method="DELETE", credentials="include"),
    Case("cred-max-age-cached", "credentials",
         [Fetch(method="PUT", credentials="include"), Fetch(method="PUT", credentials="include")], 1),
    # -- any origin
    one("any-get", "any", 0, read={"x-request-id": "42"}),
    one("any-items-expose-star", "any", 0, path="/api/items", read={"x-request-id": "42", "x-total-count": "3"}),
    one("any-credentials-include-refused-by-browser", "any", 0, credentials="include", ok=NO),
    one("any-purge", "any", 1, method="PURGE"),
    one("any-patch", "any", 1, method="PATCH"),
    one("any-put-any-header", "any", 1, method="PUT", headers={"X-Whatever": "1"}),
    one("any-authorization-not-under-star", "any", 1, headers={"Authorization": "Bearer t"}, ok=NO),
    Case("any-max-age-cached", "any", [Fetch(method="PUT"), Fetch(method="PUT")], 1),
    # -- the page's origin is not listed (only lookalikes are)
    one("denied-get", "elsewhere", 0, ok=NO),
    one("denied-head", "elsewhere", 0, method="HEAD", ok=NO),
    one("denied-post-text", "elsewhere", 0, method="POST", headers=TEXT, body="x", ok=NO),
    one("denied-credentials-include", "elsewhere", 0, credentials="include", ok=NO),
    one("denied-put-preflight", "elsewhere", 1, method="PUT", ok=NO),
    one("denied-500", "elsewhere", 0, path="/api/error", ok=NO),
    one("denied-404", "elsewhere", 0, path="/nowhere", ok=NO),
    # -- http://localhost:* pattern, defaults for everything else
    one("pattern-get-items", "pattern", 0, path="/api/items", read={"x-total-count": "3", "x-request-id": None}),
    one("pattern-put-default-methods", "pattern", 1, method="PUT", ok=NO),
    one("pattern-json-default-headers", "pattern", 1, method="POST", headers=JSON, body="{}", ok=NO),
    one("pattern-custom-header", "pattern", 1, headers={"X-Custom": "1"}, ok=NO),
]

FETCH_JS = """(async () => {
  const init = %s;
  try {
    const response = await fetch(%s, init);
    const read = {};
    for (const name of %s) read[name] = response.headers.get(name);
    await response.text();
    return {ok: true, status: response.status, read};
  } catch (e) {
    return {ok: false, error: String(e)};
  }
})()"""


def header_list(cdp_headers):
    """DevTools gives one entry per name, repeated lines joined by newlines."""
    return [(n, v) for n, joined in (cdp_headers or {}).items() for v in joined.split("\n")]


def request_header(exchange, name):
    return next((v for n, v in header_list(exchange.get("request_headers")) if n.lower() == name.lower()), None)


def wait_for_network(page, settle=0.0, timeout=2.0):
    """The page's hops once each is answered or failed unsent: ExtraInfo events may come after fetch()
    settles. With `settle`, also until no hop has appeared for that long: when a fetch is refused, its promise
    can reject before the browser's network process has reported the preflight that refused it."""
    deadline = time.monotonic() + timeout
    seen, quiet_since = -1, time.monotonic()
    while True:
        hops = page.network()
        now = time.monotonic()
        if len(hops) != seen:
            seen, quiet_since = len(hops), now
        done = not any(h["pending"] for h in hops) and now - quiet_since >= settle
        if done or now > deadline:
            return hops
        time.sleep(0.02)


def run_fetch(page, url, fetch):
    # No `cache: "no-store"`: Chromium then skips its preflight cache too. The routes send no validators or
    # freshness, so the HTTP cache does not answer in the server's place anyway.
    init = {"method": fetch.method, "headers": fetch.headers, "credentials": fetch.credentials, "mode": "cors"}
    if fetch.body is not None:
        init["body"] = fetch.body
    page.forget_network()
    verdict = page.evaluate(FETCH_JS % (json.dumps(init), json.dumps(url), json.dumps(READ)))
    hops = wait_for_network(page, settle=0.0 if verdict.get("ok") else 0.15)
    exchanges = [e for e in hops if e["url"].startswith("http") and "favicon" not in e["url"]]
    return verdict, exchanges


def judge(server, fetch, verdict, exchanges):
    """Problems between the expectation, Chromium's verdict and the verdict corsguard's headers imply."""
    problems = []
    expect_ok = fetch.ok
    if fetch.method.upper() in server.refused_methods:
        expect_ok = False  # documented: the server refuses the method itself, without CORS headers
    credentials = fetch.credentials == "include"
    preflights = [e for e in exchanges if e.get("method") == "OPTIONS"]
    actuals = [e for e in exchanges if e.get("method") != "OPTIONS"]
    # What corsguard's headers mean: every preflight and every actual response must pass the CORS check.
    implied = True
    for e in preflights:
        asked = [h for h in (request_header(e, "Access-Control-Request-Headers") or "").split(",") if h]
        method = request_header(e, "Access-Control-Request-Method")
        origin = request_header(e, "Origin")
        if not preflight_ok(e.get("status", 0), header_list(e.get("response_headers")), origin, credentials,
                            method, asked):
            implied = False
    for e in actuals:
        if "status" not in e:
            implied = False  # never answered
        elif not cors_ok(header_list(e.get("response_headers")), request_header(e, "Origin"), credentials):
            implied = False
    if implied and not actuals:
        implied = False  # a refused preflight: no actual request was sent
    if verdict["ok"] != expect_ok:
        problems.append(f"Chromium: {'resolved' if verdict['ok'] else verdict.get('error')}, "
                        f"expected {'resolve' if expect_ok else 'throw'}")
    if implied != verdict["ok"]:
        problems.append(f"corsguard's headers imply {'allowed' if implied else 'blocked'}, Chromium "
                        f"{'resolved' if verdict['ok'] else 'threw'}")
    if verdict["ok"]:
        if verdict["status"] != fetch.status:
            problems.append(f"status {verdict['status']}, expected {fetch.status}")
        last = header_list(actuals[-1].get("response_headers")) if actuals else []
        for name in READ:
            got = verdict["read"].get(name)
            present = next((v for n, v in last if n.lower() == name), None)
            implied_value = present if present is not None and readable(last, credentials, name) else None
            if got != implied_value:
                problems.append(f"page reads {name}={got!r}; corsguard's headers make it {implied_value!r}")
            if name in fetch.read and got != fetch.read[name]:
                problems.append(f"page reads {name}={got!r}, expected {fetch.read[name]!r}")
    return problems


PARAMS = [pytest.param(s, c, id=f"{s.name}-{c.name}") for s in selected() for c in
          sorted(CASES, key=lambda c: c.policy)]


def test_at_least_60_cases():
    assert len(CASES) >= 60


@pytest.mark.parametrize("server,case", PARAMS)
def test_browser(server, case, pool, browser_page, page_server):
    page_origin = page_server.origin
    policy = POLICIES[case.policy].format(page=page_origin, port=page_server.port, other_port=page_server.port + 1)
    running = pool.get(server, policy)
    base = f"http://127.0.0.1:{running.port}"
    page = browser_page(page_origin)
    substitutions = {"other": urllib.parse.quote(f"http://localhost:{running.port}", safe=""),
                     "self": urllib.parse.quote(base, safe=""), "page": page_origin}
    problems, options, last_exchanges = [], 0, []
    for i, fetch in enumerate(case.fetches):
        path = fetch.path.format(**substitutions)
        # One URL per case: Chromium's preflight cache is keyed by URL, so cases cannot see each other's entries.
        url = f"{base}{path}{'&' if '?' in path else '?'}case={case.name}"
        verdict, exchanges = run_fetch(page, url, fetch)
        options += sum(1 for e in exchanges if e.get("method") == "OPTIONS")
        problems += [f"fetch {i + 1} ({fetch.method} {path}): {p}"
                     for p in judge(server, fetch, verdict, exchanges)]
        for e in exchanges:
            for name in case.not_sent:
                if request_header(e, name) is not None:
                    problems.append(f"{e['method']} {e['url']} carries {name}")
        last_exchanges = exchanges
    if case.preflights is not None and options != case.preflights:
        problems.append(f"{options} preflights sent, expected {case.preflights}")
    if case.origin_sent is not None:
        actuals = [e for e in last_exchanges if e.get("method") != "OPTIONS"]
        sent = request_header(actuals[-1], "Origin") if actuals else None
        if sent != case.origin_sent.format(**substitutions):
            problems.append(f"last request's Origin {sent!r}, expected {case.origin_sent.format(**substitutions)!r}")
    assert not problems, "\n".join(problems) + "\n" + json.dumps(last_exchanges, indent=1)[:3000]
