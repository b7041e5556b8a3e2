"""Headless Chromium driven through the DevTools protocol over a pipe: the browser the
distribution ships (`chromium`, which CI installs), no driver to match its version, no
library beyond the standard one.

`--remote-debugging-pipe` makes Chromium read commands from its file descriptor 3 and write
answers and events to 4, each a JSON message ended by a NUL byte. `Browser` opens one page
(a target, through a flat session) and offers what a test needs: go to a URL, run
JavaScript in the page, wait for the page a click or a form led to.
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import os
import subprocess
import sys
import tempfile
import time
from typing import Any

TIMEOUT = 30.0


class BrowserError(RuntimeError):
    pass


def _above_four(descriptor: int) -> int:
    moved = fcntl.fcntl(descriptor, fcntl.F_DUPFD, 5)
    os.close(descriptor)
    return moved


class Browser:
    def __init__(self, executable: str) -> None:
        self._profile = tempfile.TemporaryDirectory(prefix="textledger-chromium-", ignore_cleanup_errors=True)
        to_browser, self._write = os.pipe()
        self._read, from_browser = os.pipe()
        # above 4, so that putting them on 3 and 4 overwrites neither
        to_browser, from_browser = (_above_four(fd) for fd in (to_browser, from_browser))
        flags = ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--no-default-browser-check",
                 "--remote-debugging-pipe", f"--user-data-dir={self._profile.name}", "--window-size=1200,900"]
        # a small Python puts the two pipe ends where Chromium looks for them, 3 and 4, and becomes Chromium
        place = (f"import os, sys; os.dup2({to_browser}, 3, inheritable=True); os.dup2({from_browser}, 4, inheritable=True);"
                 " os.execv(sys.argv[1], sys.argv[1:])")
        self._process = subprocess.Popen(
            [sys.executable, "-c", place, executable, *flags, "about:blank"],
            pass_fds=(to_browser, from_browser), stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL)
        os.close(to_browser)
        os.close(from_browser)
        self._buffer = b""
        self._next_id = 0
        self._events: list[dict[str, Any]] = []
        target = self.send("Target.createTarget", url="about:blank")["targetId"]
        self._session = self.send("Target.attachToTarget", targetId=target, flatten=True)["sessionId"]
        self.send("Page.enable", session=True)

    def close(self) -> None:
        with contextlib.suppress(BrowserError, OSError):
            self.send("Browser.close")
        try:
            self._process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self._process.kill()
            self._process.wait()
        os.close(self._read)
        os.close(self._write)
        self._profile.cleanup()

    # ---------------------------------------------------------------- the protocol

    def send(self, method: str, session: bool = False, **params: Any) -> dict[str, Any]:
        self._next_id += 1
        message: dict[str, Any] = {"id": self._next_id, "method": method, "params": params}
        if session:
            message["sessionId"] = self._session
        os.write(self._write, json.dumps(message).encode() + b"\0")
        while True:
            answer = self._receive()
            if answer.get("id") == self._next_id:
                if "error" in answer:
                    raise BrowserError(f"{method}: {answer['error']}")
                return answer.get("result", {})
            self._events.append(answer)

    def _receive(self) -> dict[str, Any]:
        deadline = time.monotonic() + TIMEOUT
        while b"\0" not in self._buffer:
            if time.monotonic() > deadline:
                raise BrowserError("Chromium did not answer")
            chunk = os.read(self._read, 65536)
            if not chunk:
                raise BrowserError("Chromium closed the pipe")
            self._buffer += chunk
        message, self._buffer = self._buffer.split(b"\0", 1)
        return json.loads(message)

    def _wait_for(self, event: str) -> None:
        deadline = time.monotonic() + TIMEOUT
        while time.monotonic() < deadline:
            for index, found in enumerate(self._events):
                if found.get("method") == event and found.get("sessionId") == self._session:
                    del self._events[: index + 1]
                    return
            self._events.append(self._receive())
        raise BrowserError(f"no {event} within {TIMEOUT} s")

    # ---------------------------------------------------------------- what a test does

    def open(self, url: str) -> None:
        self._events.clear()
        self.send("Page.navigate", session=True, url=url)
        self._wait_for("Page.loadEventFired")

    def run(self, script: str) -> Any:
        """The value of a JavaScript expression in the page."""
        result = self.send("Runtime.evaluate", session=True, expression=script, returnByValue=True)
        if "exceptionDetails" in result:
            raise BrowserError(f"{script}: {result['exceptionDetails']}")
        return result["result"].get("value")

    def click(self, selector: str) -> None:
        """Click the element (a link, a button) and wait for the page it leads to."""
        self._events.clear()
        found = self.run(f"(() => {{ const e = document.querySelector({json.dumps(selector)});"
                         " if (!e) return false; e.click(); return true; })()")
        if not found:
            raise BrowserError(f"nothing matches {selector!r} on {self.run('location.href')}")
        self._wait_for("Page.loadEventFired")

    def fill(self, selector: str, value: str) -> None:
        if not self.run(f"(() => {{ const e = document.querySelector({json.dumps(selector)}); if (!e) return false;"
                        f" e.value = {json.dumps(value)}; return true; }})()"):
            raise BrowserError(f"no field {selector!r}")

    def text(self) -> str:
        return self.run("document.body.innerText")

    def screenshot(self, path: str) -> None:
        import base64

        data = self.send("Page.captureScreenshot", session=True, format="png", captureBeyondViewport=False)["data"]
        with open(path, "wb") as stream:
            stream.write(base64.b64decode(data))
