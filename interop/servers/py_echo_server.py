"""A classic (non-MCP) echo environment served by the upstream openenv library.

The Java client's interop tests run against it: same shapes as our `openenv serve echo`
(action {message}, observation {echoed_message, message_length}, reward 0.1 per character).
A step whose message is exactly "raise" raises, so a client can provoke EXECUTION_ERROR.

    python servers/py_echo_server.py --host 127.0.0.1 --port 8000
"""

import argparse
import os
import uuid
from typing import Any, Optional

import uvicorn
from openenv.core.env_server import Action, Environment, Observation, State, create_fastapi_app


class EchoAction(Action):
    message: str


class EchoObservation(Observation):
    echoed_message: str
    message_length: int


class EchoEnvironment(Environment):
    SUPPORTS_CONCURRENT_SESSIONS = True

    def __init__(self) -> None:
        super().__init__()
        self._state = State(episode_id=str(uuid.uuid4()), step_count=0)

    def reset(self, seed: Optional[int] = None, episode_id: Optional[str] = None, **kwargs: Any) -> EchoObservation:
        self._state = State(episode_id=episode_id or str(uuid.uuid4()), step_count=0)
        return EchoObservation(echoed_message="Echo environment ready!", message_length=0, reward=0.0)

    def step(self, action: EchoAction, timeout_s: Optional[float] = None, **kwargs: Any) -> EchoObservation:
        if action.message == "raise":
            raise RuntimeError("echo asked to raise")
        self._state.step_count += 1
        length = len(action.message)
        return EchoObservation(
            echoed_message=action.message,
            message_length=length,
            reward=length * 0.1,
            metadata={"original_message": action.message, "step": self._state.step_count},
        )

    @property
    def state(self) -> State:
        return self._state


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8000)
    args = parser.parse_args()
    app = create_fastapi_app(
        EchoEnvironment,
        EchoAction,
        EchoObservation,
        max_concurrent_envs=int(os.environ.get("MAX_CONCURRENT_ENVS", "8")),
    )
    uvicorn.run(app, host=args.host, port=args.port, log_level="warning")


if __name__ == "__main__":
    main()
