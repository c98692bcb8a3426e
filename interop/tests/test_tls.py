"""A server given PEM files (OPENENV_TLS_CERT/KEY) serves https:// and wss://: the upstream client plays an episode."""

import subprocess

import httpx
import pytest
from openenv.core import GenericEnvClient


@pytest.fixture
def certificate(tmp_path):
    cert, key = tmp_path / "cert.pem", tmp_path / "key.pem"
    subprocess.run(["openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
                    "-keyout", str(key), "-out", str(cert), "-days", "2", "-subj", "/CN=localhost",
                    "-addext", "subjectAltName=IP:127.0.0.1,DNS:localhost"], check=True, capture_output=True)
    return cert, key


def test_upstream_client_plays_an_episode_over_wss(java_server, certificate, monkeypatch):
    cert, key = certificate
    monkeypatch.setenv("SSL_CERT_FILE", str(cert))  # the client's default TLS context trusts our certificate
    server = java_server("echo", OPENENV_TLS_CERT=cert, OPENENV_TLS_KEY=key)
    assert server.base_url.startswith("https://")
    with GenericEnvClient(base_url=server.base_url).sync() as env:
        assert env.reset().done is False
        result = env.step({"message": "Hello"})
        assert result.observation["echoed_message"] == "Hello"
    assert httpx.post(server.base_url + "/reset", json={}, verify=str(cert)).status_code == 200
    with pytest.raises(httpx.HTTPError):
        httpx.get(server.base_url.replace("https://", "http://") + "/health", timeout=5.0)
