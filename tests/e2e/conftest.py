"""Fixtures shared by the e2e tests (the server pool, the browser, the page server) and the summary: one line
per server, `e2e <server>: N passed, M failed`."""

import os
import shutil
import sys
import tempfile

import pytest

sys.path.insert(0, os.path.dirname(__file__))

from servers import SERVERS, Pool  # noqa: E402

_outcomes = {}  # nodeid -> (server name, outcome)


@pytest.fixture(scope="session")
def workdir():
    path = tempfile.mkdtemp(prefix="corsguard-e2e-")
    yield path
    if os.environ.get("CORSGUARD_E2E_KEEP"):
        print(f"\npolicy files and server logs kept in {path}")
    else:
        shutil.rmtree(path, ignore_errors=True)


@pytest.fixture(scope="session")
def pool(workdir):
    pool = Pool(workdir)
    yield pool
    pool.stop_all()


def _server_of(item):
    callspec = getattr(item, "callspec", None)
    server = callspec.params.get("server") if callspec else None
    return getattr(server, "name", None)


def pytest_collection_modifyitems(items):
    for item in items:
        _outcomes[item.nodeid] = (_server_of(item), None)


def pytest_runtest_logreport(report):
    server, outcome = _outcomes.get(report.nodeid, (None, None))
    if report.failed:
        outcome = "failed"
    elif report.skipped and outcome is None:
        outcome = "skipped"
    elif report.when == "call" and report.passed and outcome is None:
        outcome = "passed"
    _outcomes[report.nodeid] = (server, outcome)


def pytest_terminal_summary(terminalreporter):
    write = terminalreporter.write_line
    write("")
    for server in [s.name for s in SERVERS]:
        results = [o for s, o in _outcomes.values() if s == server and o is not None]
        if not results:
            continue
        line = f"e2e {server}: {results.count('passed')} passed, {results.count('failed')} failed"
        if results.count("skipped"):
            line += f" ({results.count('skipped')} skipped)"
        write(line)


class PageServer:
    """The page's origin: a tiny static server on 127.0.0.1, addressed as http://localhost:PORT so that the
    server under test (http://127.0.0.1:...) is another origin by host as well as by port."""

    PAGE = b"<!doctype html><meta charset=utf-8><title>corsguard e2e</title><p>fetch() runs here.\n"

    def __init__(self):
        import http.server
        import threading

        page = self.PAGE

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_GET(self):
                body = page if self.path in ("/", "/index.html") else b"not found\n"
                self.send_response(200 if body is page else 404)
                self.send_header("Content-Type", "text/html; charset=utf-8")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args):
                pass

        self.httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.port = self.httpd.server_address[1]
        self.origin = f"http://localhost:{self.port}"
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)
        self.thread.start()

    def close(self):
        self.httpd.shutdown()
        self.httpd.server_close()


@pytest.fixture(scope="session")
def page_server():
    server = PageServer()
    yield server
    server.close()


@pytest.fixture(scope="session")
def browser():
    from browser import Chromium

    chromium = Chromium()
    yield chromium
    chromium.close()


@pytest.fixture(scope="session")
def browser_page(browser):
    """browser_page(origin): one tab, on that origin's page."""
    pages = {}

    def get(origin):
        if origin not in pages:
            page = browser.new_page()
            page.goto(origin + "/")
            pages[origin] = page
        return pages[origin]

    yield get
    for page in pages.values():
        page.close()
