"""A small WebDriver BiDi client for Firefox, for the browser tests of wfhdoc web.

Why not Selenium: Selenium drives Firefox through geckodriver, and no package registry this
project may use offers geckodriver (PyPI's and npm's packages fetch it from GitHub at install).
Firefox itself speaks WebDriver BiDi (W3C, https://w3c.github.io/webdriver-bidi/) on the port
`--remote-debugging-port` opens, so the tests talk to Debian's firefox-esr directly: commands and
answers are JSON over one WebSocket (websocket-client, already installed with Selenium).

What the tests use is here and no more: navigate, run a script, real pointer and key input (the
page receives trusted events, as from a person), set the files of a file input, the viewport, a
screenshot. Every wait is a deadline on a condition, polled; nothing asserts on time.
"""

from __future__ import annotations

import base64
import contextlib
import itertools
import json
import os
import re
import subprocess
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import websocket

TAB = "\ue004"
ENTER = "\ue007"
BACKSPACE = "\ue003"
CONTROL = "\ue009"

# Firefox's preferences for a test profile: downloads go to a folder without asking, and nothing
# is fetched from the internet (this machine has none).
_PREFS = {
    "browser.download.folderList": 2,
    "browser.download.useDownloadDir": True,
    "browser.download.always_ask_before_handling_new_types": False,
    "browser.download.manager.showWhenStarting": False,
    "browser.download.start_downloads_in_tmp_dir": False,
    "browser.helperApps.neverAsk.saveToDisk": ",".join(
        [
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
            "application/zip",
            "application/json",
            "application/pdf",
            "application/octet-stream",
        ]
    ),
    "pdfjs.disabled": True,
    "intl.accept_languages": "vi",
    "app.update.enabled": False,
    "browser.shell.checkDefaultBrowser": False,
    "datareporting.policy.dataSubmissionEnabled": False,
    "network.captive-portal-service.enabled": False,
    "network.connectivity-service.enabled": False,
    "browser.safebrowsing.malware.enabled": False,
    "browser.safebrowsing.phishing.enabled": False,
    "extensions.update.enabled": False,
    "services.settings.server": "http://127.0.0.1:9/",
}


class BiDiError(AssertionError):
    """A command Firefox answered with an error, or a condition that did not come in time."""


class Element:
    """A node of the page, by its BiDi shared id."""

    def __init__(self, browser: Firefox, shared_id: str) -> None:
        self.browser = browser
        self.shared_id = shared_id

    def ref(self) -> dict[str, str]:
        return {"sharedId": self.shared_id}

    def js(self, body: str, *args: Any) -> Any:
        """Run `body` as a function of the element (`el`) and `args`."""
        return self.browser.js(f"(el, ...args) => {{ {body} }}", self, *args)

    @property
    def text(self) -> str:
        return str(self.js("return el.innerText"))

    def attr(self, name: str) -> str | None:
        value = self.js("const v = el.getAttribute(args[0]); return v === null ? null : v", name)
        return None if value is None else str(value)

    @property
    def value(self) -> str:
        return str(self.js("return el.value"))

    def displayed(self) -> bool:
        return bool(self.js("return !!(el.offsetWidth || el.offsetHeight || el.getClientRects().length)"))

    def click(self) -> None:
        """A real click at the element's centre, scrolled into view first."""
        self.js("el.scrollIntoView({block: 'center', inline: 'nearest'})")
        self.browser.perform(
            [
                {
                    "type": "pointer",
                    "id": "mouse",
                    "parameters": {"pointerType": "mouse"},
                    "actions": [
                        {
                            "type": "pointerMove",
                            "x": 0,
                            "y": 0,
                            "origin": {"type": "element", "element": self.ref()},
                        },
                        {"type": "pointerDown", "button": 0},
                        {"type": "pointerUp", "button": 0},
                    ],
                }
            ]
        )

    def clear_and_type(self, text: str) -> None:
        """Focus the field, select what it holds and type `text` over it, key by key."""
        self.click()
        self.js("el.select ? el.select() : null")
        if self.value:
            self.browser.keys(BACKSPACE)
        self.browser.keys(text)

    def choose(self, value: str) -> None:
        """Pick an option of a <select> by its value from the keyboard: focus it, then type the
        option's first letters until it is selected (a closed select changes on key input)."""
        options = self.js("return Array.from(el.options).map(o => [o.value, o.text])")
        index = [v for v, _ in options].index(value)
        self.js("el.focus()")
        current = int(self.js("return el.selectedIndex"))
        key = "\ue015" if index > current else "\ue013"  # ArrowDown / ArrowUp
        for _ in range(abs(index - current)):
            self.browser.keys(key)
        if self.value != value:
            raise BiDiError(f"the select holds {self.value!r}, not {value!r}")

    def set_files(self, *paths: Path) -> None:
        self.browser.command(
            "input.setFiles",
            {"context": self.browser.context, "element": self.ref(), "files": [str(p) for p in paths]},
        )


class Firefox:
    """Debian's firefox-esr, headless, in a fresh profile, driven over WebDriver BiDi."""

    def __init__(
        self, binary: str, profile: Path, downloads: Path, width: int = 1280, height: int = 1000
    ) -> None:
        self.downloads = downloads
        prefs = {**_PREFS, "browser.download.dir": str(downloads)}
        profile.mkdir(parents=True, exist_ok=True)
        (profile / "user.js").write_text(
            "".join(f'user_pref("{k}", {json.dumps(v)});\n' for k, v in prefs.items()), encoding="utf-8"
        )
        self._log = (profile.parent / f"{profile.name}.log").open("w+b")
        env = {**os.environ, "MOZ_HEADLESS": "1", "LANG": "vi_VN.UTF-8"}
        self.process = subprocess.Popen(
            [
                binary,
                "--headless",
                "--no-remote",
                "--profile",
                str(profile),
                "--remote-debugging-port",
                "0",
                "about:blank",
            ],
            stdout=self._log,
            stderr=subprocess.STDOUT,
            env=env,
        )
        self._ids = itertools.count(1)
        try:
            url = self._listening(deadline=time.monotonic() + 120)
            # Firefox checks the Origin of a WebSocket handshake: send none, as a tool does
            self.socket = websocket.create_connection(url + "/session", timeout=120, suppress_origin=True)
            self.command("session.new", {"capabilities": {"alwaysMatch": {"acceptInsecureCerts": False}}})
            tree = self.command("browsingContext.getTree", {})
            self.context: str = tree["contexts"][0]["context"]
            self.set_viewport(width, height)
        except BaseException:
            self.quit()
            raise

    def _listening(self, deadline: float) -> str:
        while True:
            self._log.seek(0)
            found = re.search(rb"WebDriver BiDi listening on (ws://[0-9.:]+)", self._log.read())
            if found:
                return found.group(1).decode()
            if self.process.poll() is not None or time.monotonic() > deadline:
                self._log.seek(0)
                raise BiDiError(
                    "Firefox did not start:\n" + self._log.read().decode(errors="replace")[-4000:]
                )
            time.sleep(0.1)  # polling for Firefox to listen, not an assertion

    def log(self) -> str:
        self._log.seek(0)
        return self._log.read().decode(errors="replace")

    # --- the protocol ---------------------------------------------------------------------

    def command(self, method: str, params: dict[str, Any]) -> Any:
        ident = next(self._ids)
        self.socket.send(json.dumps({"id": ident, "method": method, "params": params}))
        while True:
            message = json.loads(self.socket.recv())
            if message.get("id") != ident:
                continue  # an event: the tests subscribe to none
            if message.get("type") == "error":
                raise BiDiError(f"{method}: {message.get('error')}: {message.get('message')}")
            return message["result"]

    def _argument(self, value: Any) -> dict[str, Any]:
        if isinstance(value, Element):
            return value.ref()
        if value is None:
            return {"type": "null"}
        if isinstance(value, bool):
            return {"type": "boolean", "value": value}
        if isinstance(value, int | float):
            return {"type": "number", "value": value}
        if isinstance(value, str):
            return {"type": "string", "value": value}
        if isinstance(value, list | tuple):
            return {"type": "array", "value": [self._argument(v) for v in value]}
        raise TypeError(f"cannot send {type(value).__name__} to the page")

    def _value(self, remote: dict[str, Any]) -> Any:
        kind = remote.get("type")
        if kind == "node":
            return Element(self, remote["sharedId"])
        if kind in ("array", "nodelist", "htmlcollection", "set"):
            return [self._value(v) for v in remote.get("value", [])]
        if kind == "object":
            return {k if isinstance(k, str) else str(k): self._value(v) for k, v in remote.get("value", [])}
        if kind in ("undefined", "null"):
            return None
        if kind == "number" and isinstance(remote.get("value"), str):
            return float("nan")  # NaN, Infinity
        return remote.get("value")

    def js(self, function: str, *args: Any) -> Any:
        """Call a JavaScript function in the page with `args`; promises are awaited."""
        result = self.command(
            "script.callFunction",
            {
                "functionDeclaration": function,
                "arguments": [self._argument(a) for a in args],
                "target": {"context": self.context},
                "awaitPromise": True,
                "resultOwnership": "none",
                "serializationOptions": {"maxDomDepth": 0, "maxObjectDepth": 4},
            },
        )
        if result.get("type") == "exception":
            details = result.get("exceptionDetails", {})
            raise BiDiError(f"the page's script failed: {details.get('text')}")
        return self._value(result["result"])

    def perform(self, actions: list[dict[str, Any]]) -> None:
        self.command("input.performActions", {"context": self.context, "actions": actions})
        self.command("input.releaseActions", {"context": self.context})

    # --- what a person does ---------------------------------------------------------------

    def get(self, url: str) -> None:
        self.command("browsingContext.navigate", {"context": self.context, "url": url, "wait": "complete"})

    @property
    def url(self) -> str:
        return str(self.js("() => location.href"))

    def keys(self, text: str) -> None:
        """Type `text` key by key into whatever has the focus ('\\n' presses Enter)."""
        steps: list[dict[str, str]] = []
        for char in text:
            key = ENTER if char == "\n" else char
            steps += [{"type": "keyDown", "value": key}, {"type": "keyUp", "value": key}]
        self.perform([{"type": "key", "id": "keyboard", "actions": steps}])

    def find(self, css: str) -> Element | None:
        found = self.js("(css) => document.querySelector(css)", css)
        return found if isinstance(found, Element) else None

    def find_all(self, css: str) -> list[Element]:
        return list(self.js("(css) => Array.from(document.querySelectorAll(css))", css))

    def by_id(self, ident: str) -> Element:
        found = self.find(f"#{ident}")
        if found is None:
            raise BiDiError(f"no element #{ident} on {self.url}")
        return found

    def active(self) -> Element | None:
        found = self.js("() => document.activeElement === document.body ? null : document.activeElement")
        return found if isinstance(found, Element) else None

    def wait(self, condition: Callable[[], Any], timeout: float, what: str) -> Any:
        """Poll `condition` until it is true. While the page is between two documents (a form
        posted, a link followed) the condition may not find its element: that is "not yet"."""
        deadline = time.monotonic() + timeout
        last = ""
        while True:
            try:
                value = condition()
            except BiDiError as error:
                value, last = None, f" (last: {error})"
            if value:
                return value
            if time.monotonic() > deadline:
                raise BiDiError(f"waited {timeout:.0f} s for {what}{last}")
            time.sleep(0.25)  # polling a condition, not an assertion

    def downloaded(self, suffix: str, timeout: float) -> Path:
        def done() -> Path | None:
            files = list(self.downloads.iterdir())
            found = [p for p in files if p.suffix == suffix and p.stat().st_size > 0]
            partial = [p for p in files if p.suffix == ".part"]
            return found[0] if found and not partial else None

        path: Path = self.wait(done, timeout, f"a {suffix} in {self.downloads}")
        return path

    def set_viewport(self, width: int, height: int, ratio: float | None = None) -> None:
        params: dict[str, Any] = {"context": self.context, "viewport": {"width": width, "height": height}}
        if ratio is not None:
            params["devicePixelRatio"] = ratio
        self.command("browsingContext.setViewport", params)

    def screenshot(self, path: Path) -> None:
        data = self.command("browsingContext.captureScreenshot", {"context": self.context})["data"]
        path.write_bytes(base64.b64decode(data))

    def page_source(self) -> str:
        return str(self.js("() => document.documentElement.outerHTML"))

    def quit(self) -> None:
        socket = getattr(self, "socket", None)
        if socket is not None:
            with contextlib.suppress(BiDiError, OSError, websocket.WebSocketException):
                self.command("browser.close", {})
            socket.close()
        try:
            self.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        self._log.close()
