"""The reference's MCP echo environment, built with the upstream library (MCPEnvironment + FastMCP).

Our Java McpToolClient's interop tests run against it. Tools: echo_message(message) and
echo_with_length(message); every step counts.

    python servers/py_mcp_echo_server.py --host 127.0.0.1 --port 8000
"""

import argparse
import os
import uuid
from typing import Annotated, Any, Optional

import uvicorn
from pydantic import Field
from fastmcp import FastMCP
from openenv.core.env_server import Observation, State, create_fastapi_app
from openenv.core.env_server.mcp_environment import MCPEnvironment
from openenv.core.env_server.mcp_types import CallToolAction, CallToolObservation


class EchoEnvironment(MCPEnvironment):
    SUPPORTS_CONCURRENT_SESSIONS = True

    def __init__(self) -> None:
        mcp = FastMCP("echo_env")

        @mcp.tool
        def echo_message(message: Annotated[str, Field(description="The message to echo back")]) -> str:
            """Echo back the provided message."""
            return message

        @mcp.tool
        def echo_with_length(message: Annotated[str, Field(description="The message to echo back")]) -> dict:
            """Echo back the message with its length."""
            return {"message": message, "length": len(message)}

        super().__init__(mcp)
        self._state = State(episode_id=str(uuid.uuid4()), step_count=0)

    def reset(self, seed: Optional[int] = None, episode_id: Optional[str] = None, **kwargs: Any) -> Observation:
        self._state = State(episode_id=episode_id or str(uuid.uuid4()), step_count=0)
        return Observation(done=False, reward=0.0, metadata={"status": "ready"})

    def step(self, action, timeout_s: Optional[float] = None, **kwargs: Any) -> Observation:
        self._state.step_count += 1
        return super().step(action, timeout_s=timeout_s, **kwargs)

    async def step_async(self, action, timeout_s: Optional[float] = None, **kwargs: Any) -> Observation:
        # The server prefers step_async, which MCPEnvironment overrides; count here too.
        self._state.step_count += 1
        return await super().step_async(action, timeout_s=timeout_s, **kwargs)

    def _step_impl(self, action, timeout_s: Optional[float] = None, **kwargs: Any) -> Observation:
        raise ValueError(f"unsupported action {type(action).__name__}")

    @property
    def state(self) -> State:
        return self._state


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8000)
    args = parser.parse_args()
    app = create_fastapi_app(EchoEnvironment, CallToolAction, CallToolObservation,
                             max_concurrent_envs=int(os.environ.get("MAX_CONCURRENT_ENVS", "8")))
    uvicorn.run(app, host=args.host, port=args.port, log_level="warning")


if __name__ == "__main__":
    main()
