"""Comparing what a server sent with what corsguard's decision says it must send."""

# Lists whose lines a server may join into one (RFC 9110 5.3): compared joined with ", ". Every other
# Access-Control-* header must come as exactly the lines expected (two ACAO lines fail a browser's check).
LIST_HEADERS = {"access-control-allow-methods", "access-control-allow-headers", "access-control-expose-headers"}


def cors_problems(expected_headers, response, app_vary=(), app_vary_last=False):
    """Problems (strings) between the decision's headers [(name, value)] and the response's Access-Control-*
    lines and Vary tokens. `app_vary`: tokens the application put in Vary itself, expected first (last with
    `app_vary_last`, for a server documented to add corsguard's before the application runs)."""
    want = {}
    want_vary = []
    for name, value in expected_headers:
        if name.lower() == "vary":
            want_vary += [t.strip() for t in value.split(",") if t.strip()]
        else:
            want.setdefault(name.lower(), []).append(value)
    want_vary = want_vary + list(app_vary) if app_vary_last else list(app_vary) + want_vary
    got = response.cors()
    problems = []
    for name in sorted(set(want) | set(got)):
        w, g = want.get(name, []), got.get(name, [])
        if name in LIST_HEADERS:
            w, g = ([", ".join(v)] if v else [] for v in (w, g))
        if w != g:
            problems.append(f"{name}: got {g}, want {w}")
    if response.vary() != want_vary:
        problems.append(f"Vary tokens: got {response.vary()}, want {want_vary}")
    return problems
