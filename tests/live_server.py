"""A real `calmreply` server in a child process on 127.0.0.1, for tests and benchmarks that need
real HTTP on the client side. Its stderr is kept, so a caller can count what it logged
("Unclosed client session") after a graceful shutdown."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from types import TracebackType

import httpx

REPO = Path(__file__).resolve().parent.parent
UNCLOSED_SESSION = "Unclosed client session"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


class CalmreplyServer:
    """`with CalmreplyServer(env) as s: httpx.post(s.base_url + "/v1/drafts", ...)`.

    `env` adds CALMREPLY_* and provider variables (OPENAI_API_BASE for the fake provider); `repo`
    runs another checkout's code (a benchmark compares branches this way)."""

    def __init__(self, env: dict[str, str], *, repo: Path = REPO, start_timeout_s: float = 120.0) -> None:
        self.port = free_port()
        self.base_url = f"http://127.0.0.1:{self.port}"
        self._dir = tempfile.TemporaryDirectory()
        self._stderr_path = Path(self._dir.name) / "stderr.log"
        self._env = {
            **os.environ,
            "PYTHONPATH": str(repo),
            "LITELLM_LOCAL_MODEL_COST_MAP": "True",
            "CALMREPLY_DATABASE_URL": f"sqlite:///{self._dir.name}/calmreply.db",
            **env,
        }
        self._repo = repo
        self._start_timeout_s = start_timeout_s
        self.returncode: int | None = None

    def __enter__(self) -> CalmreplyServer:
        self._stderr = self._stderr_path.open("wb")
        self._proc = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "uvicorn",
                "api.main:create_app",
                "--factory",
                "--host",
                "127.0.0.1",
                "--port",
                str(self.port),
                "--log-level",
                "warning",
            ],
            cwd=self._repo,
            env=self._env,
            stdout=subprocess.DEVNULL,
            stderr=self._stderr,
        )
        deadline = time.monotonic() + self._start_timeout_s
        while time.monotonic() < deadline:
            if self._proc.poll() is not None:
                raise RuntimeError(f"calmreply exited at start-up:\n{self.stderr()}")
            try:
                if httpx.get(self.base_url + "/healthz", timeout=1).status_code == 200:
                    return self
            except httpx.HTTPError:
                pass
            time.sleep(0.2)
        self.stop()
        raise RuntimeError(f"calmreply did not answer /healthz within {self._start_timeout_s}s:\n{self.stderr()}")

    def stop(self) -> int:
        """Graceful shutdown (SIGINT, so the app's lifespan shutdown runs), then the exit status."""
        if self.returncode is None:
            self._proc.send_signal(signal.SIGINT)
            try:
                self.returncode = self._proc.wait(30)
            except subprocess.TimeoutExpired:
                self._proc.kill()
                self.returncode = self._proc.wait()
            self._stderr.close()
        return self.returncode

    def stderr(self) -> str:
        if not self._stderr.closed:
            self._stderr.flush()
        return self._stderr_path.read_text(encoding="utf-8", errors="replace")

    def unclosed_sessions(self) -> int:
        return self.stderr().count(UNCLOSED_SESSION)

    def __exit__(self, t: type[BaseException] | None, e: BaseException | None, tb: TracebackType | None) -> None:
        self.stop()
        self._dir.cleanup()
