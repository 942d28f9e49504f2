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
