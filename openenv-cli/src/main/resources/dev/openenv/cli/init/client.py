"""Python client of the __TITLE__ environment. The server is Java; the wire protocol is OpenEnv's."""

from typing import Dict

from openenv.core import EnvClient
from openenv.core.client_types import StepResult
from openenv.core.env_server.types import Action, Observation, State


class __CLASS__Action(Action):
    """A guess from 0 to 99."""

    guess: int


class __CLASS__Observation(Observation):
    """The hint ("higher", "lower", "correct") and the guesses left."""

    hint: str = ""
    guesses_left: int = 0


class __CLASS__Env(EnvClient[__CLASS__Action, __CLASS__Observation, State]):
    """
    Client of the __TITLE__ environment over a persistent WebSocket session.

    >>> with __CLASS__Env(base_url="http://localhost:8000").sync() as env:
    ...     result = env.reset(seed=42)
    ...     result = env.step(__CLASS__Action(guess=50))
    ...     print(result.observation.hint, result.reward)
    """

    def _step_payload(self, action: __CLASS__Action) -> Dict:
        return {"guess": action.guess}

    def _parse_result(self, payload: Dict) -> StepResult[__CLASS__Observation]:
        obs = payload.get("observation", {})
        observation = __CLASS__Observation(
            hint=obs.get("hint", ""),
            guesses_left=obs.get("guesses_left", 0),
            done=payload.get("done", False),
            reward=payload.get("reward"),
            metadata=obs.get("metadata", {}),
        )
        return StepResult(observation=observation, reward=payload.get("reward"), done=payload.get("done", False))

    def _parse_state(self, payload: Dict) -> State:
        return State(**payload)
