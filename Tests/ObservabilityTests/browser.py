"""Headless Chromium for the status-page test: the command-line modes (--dump-dom,
--screenshot) and a minimal DevTools-protocol client over --remote-debugging-pipe (file
descriptors 3 and 4, JSON messages ending in NUL), used to read the browser's own Navigation
Timing of a page load."""
import json
import os
import select
import shutil
import subprocess
import time

from conftest import missing_tool

FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-extensions",
         "--disable-background-networking", "--disable-sync", "--disable-default-apps", "--mute-audio"]


def chromium():
    for name in ("chromium", "chromium-browser", "google-chrome"):
        path = shutil.which(name)
        if path:
            return path
    missing_tool("chromium is not installed; scripts/system-deps.sh installs Debian's chromium with apt-get when it can")


def dump_dom(url, profile, timeout=60):
    """The DOM after the page loaded (`--dump-dom`), and the wall time of the whole run."""
    started = time.monotonic()
    result = subprocess.run([chromium(), *FLAGS, f"--user-data-dir={profile}", "--dump-dom", url],
                            capture_output=True, text=True, timeout=timeout)
    elapsed = time.monotonic() - started
    assert result.returncode == 0, result.stderr[-3000:]
    return result.stdout, elapsed


def screenshot(url, path, profile, size="1400,2000", timeout=60):
    result = subprocess.run([chromium(), *FLAGS, f"--user-data-dir={profile}", f"--screenshot={path}",
                             f"--window-size={size}", "--hide-scrollbars", url],
                            capture_output=True, text=True, timeout=timeout)
    assert result.returncode == 0 and os.path.exists(path), result.stderr[-3000:]


class DevTools:
    """One headless Chromium driven over the DevTools protocol on a pipe."""

    def __init__(self, profile):
        ours_read, chrome_write = os.pipe()
        chrome_read, ours_write = os.pipe()

        def wire():
            os.dup2(chrome_read, 3)
            os.dup2(chrome_write, 4)

        self.process = subprocess.Popen(
            [chromium(), *FLAGS, f"--user-data-dir={profile}", "--remote-debugging-pipe", "about:blank"],
            preexec_fn=wire, pass_fds=(3, 4), stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL)
        os.close(chrome_read)
        os.close(chrome_write)
        self.out = os.fdopen(ours_write, "wb", buffering=0)
        self.inp = os.fdopen(ours_read, "rb", buffering=0)
        self.buffer = b""
        self.next_id = 0
        self.events = []
        pages = [t for t in self.call("Target.getTargets")["targetInfos"] if t["type"] == "page"]
        assert pages, "no page target"
        self.session = self.call("Target.attachToTarget", {"targetId": pages[0]["targetId"], "flatten": True})["sessionId"]
        self.call("Page.enable", session=True)

    def _receive(self, deadline):
        while b"\0" not in self.buffer:
            left = deadline - time.monotonic()
            if left <= 0 or not select.select([self.inp], [], [], left)[0]:
                raise TimeoutError("no answer from Chromium")
            chunk = self.inp.read(1 << 16)
            if not chunk:
                raise EOFError("Chromium closed the pipe")
            self.buffer += chunk
        message, self.buffer = self.buffer.split(b"\0", 1)
        return json.loads(message)

    def call(self, method, params=None, session=False, timeout=30):
        self.next_id += 1
        message = {"id": self.next_id, "method": method, "params": params or {}}
        if session:
            message["sessionId"] = self.session
        self.out.write(json.dumps(message).encode() + b"\0")
        deadline = time.monotonic() + timeout
        while True:
            answer = self._receive(deadline)
            if answer.get("id") == self.next_id:
                assert "error" not in answer, f"{method}: {answer['error']}"
                return answer["result"]
            if "method" in answer:
                self.events.append(answer)

    def wait_event(self, name, timeout=30):
        deadline = time.monotonic() + timeout
        while True:
            for i, event in enumerate(self.events):
                if event["method"] == name:
                    return self.events.pop(i)
            self.events.append(self._receive(deadline))

    def evaluate(self, expression):
        result = self.call("Runtime.evaluate", {"expression": expression, "returnByValue": True}, session=True)
        assert "exceptionDetails" not in result, result
        return result["result"].get("value")

    def load(self, url):
        """Navigates and waits for the load event; returns the page's Navigation Timing entry
        (milliseconds from the start of the navigation) with the paint entries."""
        self.events.clear()
        self.call("Page.navigate", {"url": url}, session=True)
        self.wait_event("Page.loadEventFired", timeout=60)
        timing = json.loads(self.evaluate(
            "JSON.stringify(Object.assign(performance.getEntriesByType('navigation')[0].toJSON(),"
            " {paint: Object.fromEntries(performance.getEntriesByType('paint').map(p => [p.name, p.startTime]))}))"))
        return timing

    def close(self):
        try:
            self.call("Browser.close", timeout=10)
        except (EOFError, TimeoutError, OSError, AssertionError):
            pass
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        self.out.close()
        self.inp.close()
