"""Plain HTTP against our server: every route, the reference's status codes and error shapes, and our
real HTTP sessions (docs/compatibility.md)."""

import httpx
import pytest


@pytest.fixture(params=["java", "python"])
def server(request, echo, py_echo):
    return echo if request.param == "java" else py_echo


def test_health_metadata_schema_and_openapi(server):
    with httpx.Client(base_url=server.base_url) as http:
        assert http.get("/health").json() == {"status": "healthy"}

        metadata = http.get("/metadata").json()
        assert isinstance(metadata["name"], str) and isinstance(metadata["description"], str)
        assert set(metadata) == {"name", "description", "readme_content", "version", "author", "documentation_url"}

        schema = http.get("/schema").json()
        assert "message" in schema["action"]["properties"]
        assert schema["action"]["required"] == ["message"]
        assert {"echoed_message", "message_length"} <= set(schema["observation"]["properties"])
        assert {"episode_id", "step_count"} <= set(schema["state"]["properties"])

        openapi = http.get("/openapi.json").json()
        assert openapi["openapi"].startswith("3.1")
        assert openapi["info"]["version"] == "1.0.0"
        assert {"/reset", "/step", "/state", "/health", "/metadata", "/schema"} <= set(openapi["paths"])


def test_reset_and_step_bodies(server):
    with httpx.Client(base_url=server.base_url) as http:
        for body in [None, {}, {"seed": 42, "episode_id": "e1", "custom": 1}]:
            r = http.post("/reset", json=body) if body is not None else http.post("/reset")
            assert r.status_code == 200
            assert r.json() == {"observation": {"echoed_message": "Echo environment ready!", "message_length": 0},
                                "reward": 0.0, "done": False} or r.json()["observation"]["echoed_message"] == "Echo environment ready!"
        r = http.post("/step", json={"action": {"message": "Hello"}})
        assert r.status_code == 200
        body = r.json()
        assert body["observation"]["echoed_message"] == "Hello"
        assert body["observation"]["message_length"] == 5
        assert body["reward"] == 0.5 and body["done"] is False


@pytest.mark.parametrize("method,path,body,status,check", [
    ("POST", "/reset", {"seed": -1}, 422, lambda d: d[0]["loc"] == ["body", "seed"] and d[0]["type"] == "greater_than_equal"),
    ("POST", "/reset", {"seed": 1.5}, 422, lambda d: d[0]["type"] == "int_from_float"),
    ("POST", "/reset", {"episode_id": "x" * 256}, 422, lambda d: d[0]["type"] == "string_too_long"),
    ("POST", "/step", {}, 422, lambda d: d[0]["loc"] == ["body", "action"] and d[0]["type"] == "missing"),
    ("POST", "/step", {"action": {"message": "x", "foo": 1}}, 422,
     lambda d: d[0]["type"] == "extra_forbidden" and d[0]["loc"] == ["foo"]),
    ("POST", "/step", {"action": {"message": 1}}, 422, lambda d: d[0]["type"] == "string_type" and d[0]["loc"] == ["message"]),
    ("POST", "/step", {"action": {"message": "x"}, "timeout_s": 0}, 422, lambda d: d[0]["type"] == "greater_than"),
    ("GET", "/reset", None, 405, lambda d: d == "Method Not Allowed"),
    ("POST", "/health", None, 405, lambda d: d == "Method Not Allowed"),
    ("GET", "/nope", None, 404, lambda d: d == "Not Found"),
])
def test_errors_have_the_reference_status_and_shape(server, method, path, body, status, check):
    with httpx.Client(base_url=server.base_url) as http:
        r = http.request(method, path, json=body)
        assert r.status_code == status, r.text
        assert check(r.json()["detail"]), r.text


def test_malformed_json_is_json_invalid(server):
    with httpx.Client(base_url=server.base_url) as http:
        r = http.post("/step", content=b"{bad", headers={"content-type": "application/json"})
        assert r.status_code == 422
        detail = r.json()["detail"][0]
        assert detail["type"] == "json_invalid" and detail["loc"][0] == "body"


def test_http_routes_share_a_real_default_session(echo):
    """Ours only: the reference would answer /state from a brand-new environment (step_count 0)."""
    with httpx.Client(base_url=echo.base_url) as http:
        r = http.post("/reset", json={"episode_id": "http-episode"})
        assert r.headers["x-openenv-session"] == "default"
        http.post("/step", json={"action": {"message": "one"}})
        http.post("/step", json={"action": {"message": "two"}})
        assert http.get("/state").json() == {"episode_id": "http-episode", "step_count": 2}


def test_isolated_http_sessions(java_server):
    server = java_server("echo", MAX_CONCURRENT_ENVS="2")
    with httpx.Client(base_url=server.base_url) as http:
        a = http.post("/reset", json={"episode_id": "a"}, headers={"X-OpenEnv-Session": "new"}).headers["x-openenv-session"]
        b = http.post("/reset", json={"episode_id": "b"}, headers={"X-OpenEnv-Session": "new"}).headers["x-openenv-session"]
        assert a != b
        http.post("/step", json={"action": {"message": "x"}}, headers={"X-OpenEnv-Session": a})
        assert http.get("/state", headers={"X-OpenEnv-Session": a}).json() == {"episode_id": "a", "step_count": 1}
        assert http.get("/state", headers={"X-OpenEnv-Session": b}).json() == {"episode_id": "b", "step_count": 0}
        full = http.post("/reset", json={}, headers={"X-OpenEnv-Session": "new"})
        assert full.status_code == 503 and "capacity" in full.json()["detail"]
        unknown = http.get("/state", headers={"X-OpenEnv-Session": "nope"})
        assert unknown.status_code == 404 and unknown.json() == {"detail": "Unknown session: nope"}
