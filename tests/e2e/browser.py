"""Headless Chromium driven through its own DevTools protocol over --remote-debugging-pipe.

Chromium reads commands on fd 3 and writes replies and events on fd 4, each message one JSON object ended by
a NUL byte: no websocket, no dependency. One browser serves the whole run; each test gets a fresh page.
"""

import json
import os
import shutil
import subprocess
import tempfile
import threading
import time

from servers import die_with_parent

# Where Debian's chromium package puts the browser itself (/usr/bin/chromium is a shell wrapper).
CANDIDATES = ("/usr/lib/chromium/chromium", "chromium", "chromium-browser")


def find_chromium():
    for candidate in CANDIDATES:
        path = candidate if os.path.isabs(candidate) else shutil.which(candidate)
        if path and os.access(path, os.X_OK):
            return path
    return None


class BrowserError(Exception):
    pass


class Chromium:
    """One headless Chromium process and its DevTools pipe."""

    def __init__(self, path=None):
        path = path or find_chromium()
        if path is None:
            raise BrowserError("chromium not found (scripts/test-e2e.sh installs Debian's chromium)")
        self.profile = tempfile.mkdtemp(prefix="corsguard-e2e-chromium-")
        to_browser_r, self._to_browser = os.pipe()
        self._from_browser, from_browser_w = os.pipe()

        # Runs in the child: the protocol wants fds 3 (commands) and 4 (replies). dup2 makes them inheritable;
        # every other descriptor of ours is close-on-exec (PEP 446), hence close_fds=False.
        # Copies first: a pipe end may itself be fd 3 or 4, and dup2 onto itself keeps close-on-exec.
        def wire_pipe():
            commands, replies = os.dup(to_browser_r), os.dup(from_browser_w)
            os.dup2(commands, 3)
            os.dup2(replies, 4)
            die_with_parent()

        flags = [
            "--headless=new", "--remote-debugging-pipe", "--no-sandbox", "--disable-gpu",
            "--no-first-run", "--no-default-browser-check", "--disable-extensions", "--no-proxy-server",
            "--disable-background-networking", "--disable-component-update", "--disable-sync",
            "--disable-dev-shm-usage", "--mute-audio", f"--user-data-dir={self.profile}", "about:blank",
        ]
        self.log = open(os.path.join(self.profile, "chromium.log"), "wb")
        self.process = subprocess.Popen([path, *flags], stdin=subprocess.DEVNULL, stdout=self.log, stderr=self.log,
                                        preexec_fn=wire_pipe, close_fds=False)
        os.close(to_browser_r)
        os.close(from_browser_w)
        self._next_id = 0
        self._lock = threading.Lock()
        self._replies = {}
        self._events = []  # (sessionId, method, params), in arrival order
        self._cond = threading.Condition()
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()
        self.version = self.call("Browser.getVersion")["product"]

    def _read(self):
        buffer = b""
        while True:
            chunk = os.read(self._from_browser, 1 << 16)
            if not chunk:
                break
            buffer += chunk
            while b"\0" in buffer:
                raw, buffer = buffer.split(b"\0", 1)
                message = json.loads(raw)
                with self._cond:
                    if "id" in message:
                        self._replies[message["id"]] = message
                    else:
                        self._events.append((message.get("sessionId"), message["method"], message["params"]))
                    self._cond.notify_all()
        with self._cond:
            self._closed = True
            self._cond.notify_all()

    _closed = False

    def call(self, method, params=None, session=None, timeout=20):
        with self._lock:
            self._next_id += 1
            ident = self._next_id
        message = {"id": ident, "method": method, "params": params or {}}
        if session:
            message["sessionId"] = session
        os.write(self._to_browser, json.dumps(message).encode() + b"\0")
        deadline = time.monotonic() + timeout
        with self._cond:
            while ident not in self._replies:
                left = deadline - time.monotonic()
                if left <= 0 or self._closed:
                    raise BrowserError(f"{method}: no reply from chromium")
                self._cond.wait(left)
            reply = self._replies.pop(ident)
        if "error" in reply:
            raise BrowserError(f"{method}: {reply['error'].get('message')}")
        return reply["result"]

    def forget_events(self, session):
        with self._cond:
            self._events = [e for e in self._events if e[0] != session]

    def new_page(self):
        return Page(self)

    def close(self):
        try:
            self.call("Browser.close", timeout=5)
        except BrowserError:
            pass
        try:
            self.process.wait(timeout=5)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        os.close(self._to_browser)
        self.log.close()
        shutil.rmtree(self.profile, ignore_errors=True)


class Page:
    """A tab with the Network domain on, so every request and response (preflights too) is recorded."""

    def __init__(self, browser):
        self.browser = browser
        self.target = browser.call("Target.createTarget", {"url": "about:blank"})["targetId"]
        self.session = browser.call("Target.attachToTarget", {"targetId": self.target, "flatten": True})["sessionId"]
        self.call("Network.enable")
        self.call("Runtime.enable")

    def call(self, method, params=None, timeout=20):
        return self.browser.call(method, params, session=self.session, timeout=timeout)

    def goto(self, url):
        self.call("Page.enable")
        self.call("Page.navigate", {"url": url})
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            if self.evaluate("document.readyState") == "complete" and self.evaluate("location.href") == url:
                return
            time.sleep(0.02)
        raise BrowserError(f"{url} did not load")

    def evaluate(self, expression, timeout=20):
        result = self.call("Runtime.evaluate", {"expression": expression, "awaitPromise": True,
                                                "returnByValue": True}, timeout=timeout)
        if "exceptionDetails" in result:
            raise BrowserError(f"{expression[:80]}: {result['exceptionDetails'].get('text')}")
        return result["result"].get("value")

    def network(self):
        """Every hop the page's network stack reported, in the order they were sent: method, url, the request
        headers as sent and the status and response headers as received (from the ...ExtraInfo events), and
        `failed` when the request failed (CORS errors included), `pending` while its answer has not been
        reported. A redirect keeps its requestId: each hop has its own requestWillBeSent and ExtraInfo events,
        in order, so the n-th of each kind belongs to the n-th hop (ExtraInfo may come before or after)."""
        sent, request_extra, response_extra, failed, order = {}, {}, {}, set(), []
        with self.browser._cond:
            events = [(m, p) for s, m, p in self.browser._events if s == self.session]
        for method, params in events:
            ident = params.get("requestId")
            if method == "Network.requestWillBeSent":
                sent.setdefault(ident, []).append(params)
                order.append((ident, len(sent[ident]) - 1))
            elif method == "Network.requestWillBeSentExtraInfo":
                request_extra.setdefault(ident, []).append(params)
            elif method == "Network.responseReceivedExtraInfo":
                response_extra.setdefault(ident, []).append(params)
            elif method == "Network.loadingFailed":
                failed.add(ident)
        hops = []
        for ident, n in order:
            request = sent[ident][n]["request"]
            hop = {"method": request["method"], "url": request["url"], "type": sent[ident][n].get("type"),
                   "failed": ident in failed and n == len(sent[ident]) - 1}
            if n < len(request_extra.get(ident, [])):
                hop["request_headers"] = request_extra[ident][n]["headers"]
            if n < len(response_extra.get(ident, [])):
                hop["status"] = response_extra[ident][n]["statusCode"]
                hop["response_headers"] = response_extra[ident][n]["headers"]
            # Answered, or failed before it was sent (a refused preflight cancels the request it guarded).
            hop["pending"] = "status" not in hop and ("request_headers" in hop or not hop["failed"])
            hops.append(hop)
        return hops

    def forget_network(self):
        self.browser.forget_events(self.session)

    def close(self):
        try:
            self.browser.call("Target.closeTarget", {"targetId": self.target})
        except BrowserError:
            pass
