"""Fixtures that start real servers: ours (the openenv CLI jar) and one built with the upstream library."""

import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx
import pytest

HERE = Path(__file__).resolve().parent


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _java() -> str:
    home = os.environ.get("JAVA_HOME")
    if home and Path(home, "bin", "java").exists():
        return str(Path(home, "bin", "java"))
    found = shutil.which("java")
    if not found:
        raise RuntimeError("no java: set JAVA_HOME to a JDK >= 21")
    return found


class Server:
    """A server process on 127.0.0.1, killed at teardown; its log is shown when a test fails."""

    def __init__(self, name: str, command: list, env: dict, tls_cert: str = None):
        self.name = name
        self.port = _free_port()
        self.tls_cert = tls_cert  # a server with TLS is polled over https, trusting this certificate
        scheme = "https" if tls_cert else "http"
        self.base_url = f"{scheme}://127.0.0.1:{self.port}"
        self.ws_url = f"{'wss' if tls_cert else 'ws'}://127.0.0.1:{self.port}/ws"
        self.log = tempfile.NamedTemporaryFile(prefix=f"{name}-", suffix=".log", delete=False)
        full_env = {**os.environ, **env}
        self.process = subprocess.Popen(
            [part.replace("{port}", str(self.port)) for part in command],
            stdout=self.log, stderr=subprocess.STDOUT, env=full_env, cwd=HERE,
        )
        self._wait_healthy()

    def _wait_healthy(self, timeout: float = 60.0) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"{self.name} exited with {self.process.returncode}:\n{self.output()}")
            try:
                if httpx.get(self.base_url + "/health", timeout=1.0, verify=self.tls_cert or True).status_code == 200:
                    return
            except httpx.HTTPError:
                pass
            time.sleep(0.2)
        self.stop()
        raise RuntimeError(f"{self.name} not healthy within {timeout} s:\n{self.output()}")

    def output(self) -> str:
        try:
            return Path(self.log.name).read_text(errors="replace")
        except OSError as e:
            return f"(no log: {e})"

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=5)
        self.log.close()


def _jar() -> str:
    jar = os.environ.get("OPENENV_CLI_JAR", str(HERE.parent / "openenv-cli" / "target" / "openenv.jar"))
    if not Path(jar).exists():
        raise RuntimeError(f"{jar} not built: run ./mvnw -DskipTests package first")
    return jar


@pytest.fixture
def java_server(request):
    """Factory: java_server("echo", MAX_CONCURRENT_ENVS="4") starts our server with that env and variables."""
    started = []

    def start(env_name: str = "echo", **variables) -> Server:
        variables.setdefault("MAX_CONCURRENT_ENVS", "8")
        server = Server(f"java-{env_name}", [_java(), "-jar", _jar(), "serve", env_name,
                                            "--host", "127.0.0.1", "--port", "{port}"],
                        {k: str(v) for k, v in variables.items()}, tls_cert=str(variables["OPENENV_TLS_CERT"]) if "OPENENV_TLS_CERT" in variables else None)
        started.append(server)
        return server

    yield start
    report = getattr(request.node, "rep_call", None)
    for server in started:
        server.stop()
        if report is not None and report.failed:
            print(f"--- {server.name} log ---\n{server.output()}")


@pytest.fixture(scope="module")
def echo(request):
    """Our echo server, shared by a test module (8 sessions)."""
    server = Server("java-echo", [_java(), "-jar", _jar(), "serve", "echo", "--host", "127.0.0.1", "--port", "{port}"],
                    {"MAX_CONCURRENT_ENVS": "8"})
    yield server
    server.stop()


@pytest.fixture(scope="module")
def py_echo():
    """The same echo environment served by the upstream library, to check the tests themselves."""
    server = Server("py-echo", [sys.executable, str(HERE / "servers" / "py_echo_server.py"), "--port", "{port}"],
                    {"MAX_CONCURRENT_ENVS": "8"})
    yield server
    server.stop()


@pytest.hookimpl(tryfirst=True, hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    report = outcome.get_result()
    setattr(item, "rep_" + report.when, report)
