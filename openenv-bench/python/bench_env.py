"""The benchmark environment of the reference's scaling study, written with the upstream library.

Same wire shapes as our `openenv serve bench`: step() sleeps `wait_seconds` (on the event loop, through
step_async, so the reference gets its best concurrency) and echoes `payload`; reward 1.0 per step.
Served by uvicorn, e.g.

    MAX_CONCURRENT_ENVS=16384 uvicorn bench_env:app --port 8000 --workers 2 --loop uvloop --http httptools
"""

import asyncio
import os
import secrets
import time
import uuid
from typing import Any, Optional

from pydantic import Field

from openenv.core.env_server import Action, Environment, Observation, State, create_fastapi_app


class BenchAction(Action):
    """Sleep for wait_seconds, echo payload."""

    wait_seconds: float = Field(default=0.0, ge=0, le=60, description="Seconds step() sleeps")
    payload: str = Field(default="", description="Echoed back in the observation")


class BenchObservation(Observation):
    """What one benchmark step reports."""

    payload: str = Field(default="", description="The action's payload")
    waited_seconds: float = Field(default=0.0, description="Seconds step() slept")
    step_count: int = Field(default=0, ge=0, description="Steps taken in this episode")
    session_hash: str = Field(default="", description="Identifies the environment instance")
    pid: int = Field(default=0, description="Server process id")


class BenchEnvironment(Environment):
    SUPPORTS_CONCURRENT_SESSIONS = True

    def __init__(self) -> None:
        super().__init__()
        self._hash = secrets.token_hex(6)
        self._state = State(episode_id=str(uuid.uuid4()), step_count=0)

    def _observe(self, payload: str, waited: float, reward: float) -> BenchObservation:
        return BenchObservation(payload=payload, waited_seconds=waited, step_count=self._state.step_count,
                                session_hash=self._hash, pid=os.getpid(), reward=reward)

    def reset(self, seed: Optional[int] = None, episode_id: Optional[str] = None, **kwargs: Any) -> BenchObservation:
        self._state = State(episode_id=episode_id or str(uuid.uuid4()), step_count=0)
        return self._observe("", 0.0, 0.0)

    def step(self, action: BenchAction, timeout_s: Optional[float] = None, **kwargs: Any) -> BenchObservation:
        if action.wait_seconds > 0:
            time.sleep(action.wait_seconds)
        self._state.step_count += 1
        return self._observe(action.payload, action.wait_seconds, 1.0)

    async def step_async(self, action: BenchAction, timeout_s: Optional[float] = None, **kwargs: Any) -> BenchObservation:
        if action.wait_seconds > 0:
            await asyncio.sleep(action.wait_seconds)
        self._state.step_count += 1
        return self._observe(action.payload, action.wait_seconds, 1.0)

    @property
    def state(self) -> State:
        return self._state


app = create_fastapi_app(
    BenchEnvironment,
    BenchAction,
    BenchObservation,
    max_concurrent_envs=int(os.environ.get("MAX_CONCURRENT_ENVS", "16384")),
)
