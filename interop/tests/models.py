"""A typed client for the echo environment, written the way upstream documents typed clients."""

import dataclasses
from typing import Any, Dict

from openenv.core.client_types import StepResult
from openenv.core.env_client import EnvClient
from openenv.core.env_server import Action, Observation, State


# openenv 0.4.2 added StepResult.metadata (read from the envelope's top-level "metadata").
HAS_STEP_METADATA = "metadata" in {f.name for f in dataclasses.fields(StepResult)}


class EchoAction(Action):
    message: str


class EchoObservation(Observation):
    echoed_message: str
    message_length: int


class EchoEnv(EnvClient[EchoAction, EchoObservation, State]):
    def _step_payload(self, action: EchoAction) -> Dict[str, Any]:
        return {"message": action.message}

    def _parse_result(self, payload: Dict[str, Any]) -> StepResult[EchoObservation]:
        # Strict, like upstream's CodingEnv: unknown observation keys would fail here.
        observation = EchoObservation(**payload["observation"], reward=payload["reward"], done=payload["done"])
        extra = {"metadata": payload.get("metadata")} if HAS_STEP_METADATA else {}
        return StepResult(observation=observation, reward=payload["reward"], done=payload["done"], **extra)

    def _parse_state(self, payload: Dict[str, Any]) -> State:
        return State(**payload)
