"""A small LSP client for tests: JSON-RPC with Content-Length framing over the
server's stdin/stdout, a reader thread, and waits with timeouts."""

from __future__ import annotations

import json
import queue
import subprocess
import sys
import threading
from pathlib import Path


class LspClient:
    def __init__(self, cwd: Path):
        self.proc = subprocess.Popen([sys.executable, "-m", "suanli", "lsp"], cwd=cwd, stdin=subprocess.PIPE,
                                     stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        self.inbox: queue.Queue = queue.Queue()
        self.notifications: list[dict] = []
        self.next_id = 0
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self) -> None:
        stream = self.proc.stdout
        while True:
            headers = {}
            while True:
                line = stream.readline()
                if not line:
                    return
                if line in (b"\r\n", b"\n"):
                    break
                key, _, value = line.decode("ascii").partition(":")
                headers[key.strip().lower()] = value.strip()
            body = stream.read(int(headers["content-length"]))
            self.inbox.put(json.loads(body.decode("utf-8")))

    def _send(self, message: dict) -> None:
        body = json.dumps(message).encode("utf-8")
        self.proc.stdin.write(f"Content-Length: {len(body)}\r\n\r\n".encode("ascii") + body)
        self.proc.stdin.flush()

    def notify(self, method: str, params: dict) -> None:
        self._send({"jsonrpc": "2.0", "method": method, "params": params})

    def request(self, method: str, params: dict, timeout: float = 60) -> dict:
        self.next_id += 1
        my_id = self.next_id
        self._send({"jsonrpc": "2.0", "id": my_id, "method": method, "params": params})
        while True:
            message = self.inbox.get(timeout=timeout)
            if message.get("id") == my_id and "method" not in message:
                if "error" in message:
                    raise AssertionError(f"{method} failed: {message['error']}")
                return message.get("result")
            self._other(message)

    def _other(self, message: dict) -> None:
        if "method" in message and "id" in message:  # a request from the server: answer it
            self._send({"jsonrpc": "2.0", "id": message["id"], "result": None})
        else:
            self.notifications.append(message)

    def diagnostics_for(self, uri: str, timeout: float = 60) -> list[dict]:
        """The next diagnostics published for `uri` (earlier ones are consumed)."""
        while True:
            for k, note in enumerate(self.notifications):
                if note.get("method") == "textDocument/publishDiagnostics" and note["params"]["uri"] == uri:
                    del self.notifications[: k + 1]
                    return note["params"]["diagnostics"]
            self._other(self.inbox.get(timeout=timeout))

    def initialize(self, root: Path) -> dict:
        result = self.request("initialize", {"processId": None, "rootUri": root.as_uri(), "capabilities": {}})
        self.notify("initialized", {})
        return result

    def close(self) -> int:
        try:
            self.request("shutdown", {}, timeout=30)
            self.notify("exit", {})
            return self.proc.wait(timeout=30)
        finally:
            if self.proc.poll() is None:
                self.proc.kill()
                self.proc.wait()
