"""A real `dispatch serve` process on a free port, and a client that speaks to it.

The tests drive the service only through HTTP, as a ward, a porter or a
dispatcher would; SIGKILL ends the process the way a crash would.
"""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx

ROOT = Path(__file__).resolve().parents[2]
DISPATCH = Path(sys.executable).parent / "dispatch"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


class Server:
    def __init__(
        self, env: dict[str, str], log: Path, args: tuple[str, ...] = ("--no-access-log",)
    ) -> None:
        self.env = {**os.environ, **env}
        self.args = args
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.log = log
        self.proc: subprocess.Popen[bytes] | None = None

    def start(self, timeout: float = 30.0) -> None:
        with open(self.log, "ab") as out:
            self.proc = subprocess.Popen(
                [str(DISPATCH), "serve", "--port", str(self.port), *self.args],
                cwd=ROOT,
                env=self.env,
                stdout=out,
                stderr=subprocess.STDOUT,
            )
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"server exited: {self.log.read_text()[-3000:]}")
            try:
                if httpx.get(f"{self.url}/ready", timeout=1).status_code == 200:
                    return
            except httpx.HTTPError:
                pass
            time.sleep(0.1)
        raise RuntimeError(f"server not ready: {self.log.read_text()[-3000:]}")

    def kill(self, sig: int = signal.SIGKILL) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.send_signal(sig)
            self.proc.wait(15)
        self.proc = None

    def client(self, token: str | None = None) -> httpx.Client:
        headers = {"Authorization": f"Bearer {token}"} if token else {}
        return httpx.Client(base_url=self.url, headers=headers, timeout=10)


def eventually(check: Callable[[], Any], seconds: float = 10.0) -> Any:
    deadline = time.monotonic() + seconds
    while True:
        value = check()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError("condition not met in time")
        time.sleep(0.05)


class StreamReader:
    """Follows /events/stream in a thread, reconnecting with Last-Event-ID when cut off."""

    def __init__(self, server: Server, token: str, after: int) -> None:
        self.server = server
        self.token = token
        self.last = after
        self.events: list[dict[str, Any]] = []
        self.connections = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def start(self) -> StreamReader:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._stop.set()
        self._thread.join(10)

    def _run(self) -> None:
        while not self._stop.is_set():
            try:
                self._follow()
            except (httpx.HTTPError, OSError):
                time.sleep(0.1)

    def _follow(self) -> None:
        headers = {"Authorization": f"Bearer {self.token}", "Last-Event-ID": str(self.last)}
        timeout = httpx.Timeout(5, read=0.25)
        with httpx.stream(
            "GET", f"{self.server.url}/events/stream", headers=headers, timeout=timeout
        ) as response:
            if response.status_code != 200:
                time.sleep(0.1)
                return
            self.connections += 1
            fields: dict[str, str] = {}
            for line in response.iter_lines():
                if self._stop.is_set():
                    return
                if line:
                    key, _, value = line.partition(":")
                    fields[key] = value.strip()
                    continue
                if "id" in fields and "data" in fields:
                    self.events.append(json.loads(fields["data"]))
                    self.last = int(fields["id"])
                fields = {}
