"""Wordle built with the upstream library and its rubrics (openenv.core.rubrics), with the rules and the
reward composition of our bundled `wordle` (WordleEnvironment + WordleRubric): the interop suite plays
both and compares what reaches the upstream client.

    python servers/py_wordle_server.py --port 8000
"""

import argparse
import os
import uuid
from pathlib import Path
from typing import Any, List, Optional

import uvicorn
from openenv.core.env_server import Action, Environment, Observation, State, create_fastapi_app
from openenv.core.rubrics import Rubric
from openenv.core.rubrics.trajectory import ExponentialDiscountingTrajectoryRubric

WORDS_FILE = (Path(__file__).resolve().parents[2] / "openenv-envs" / "src" / "main" / "resources"
              / "dev" / "openenv" / "envs" / "wordle" / "words.txt")
WORDS = sorted({w for line in WORDS_FILE.read_text().splitlines() if not line.startswith("#") for w in line.split()})
TRIES = 6


class Guess(Action):
    guess: str


class Feedback(Observation):
    history: List[dict] = []
    tries_left: int = TRIES
    message: str = ""
    answer: Optional[str] = None


def score(guess: str, answer: str) -> str:
    marks = ["_"] * 5
    left = {}
    for i in range(5):
        if guess[i] == answer[i]:
            marks[i] = "G"
        else:
            left[answer[i]] = left.get(answer[i], 0) + 1
    for i in range(5):
        if marks[i] != "G" and left.get(guess[i], 0) > 0:
            marks[i] = "Y"
            left[guess[i]] -= 1
    return "".join(marks)


class ValidGuess(Rubric):
    def forward(self, action, observation) -> float:
        word = (action.guess or "").strip().lower()
        return 1.0 if observation.history and observation.history[-1]["guess"] == word else 0.0


class Outcome(ExponentialDiscountingTrajectoryRubric):
    def score_trajectory(self, trajectory) -> float:
        _, end = trajectory[-1]
        solved = bool(end.history) and end.history[-1]["guess"] == end.answer
        return 1.0 + 0.1 * end.tries_left if solved else 0.0


class WordleRubric(Rubric):
    def __init__(self):
        super().__init__()
        self.valid_guess = ValidGuess()
        self.outcome = Outcome(gamma=0.99, intermediate_reward=0.0)

    def forward(self, action, observation) -> float:
        played = self.outcome._trajectory
        if played and played[-1][1].done:
            return 0.0
        if self.valid_guess(action, observation) == 0.0:
            return -0.1
        return self.outcome(action, observation)


class WordleEnvironment(Environment):
    SUPPORTS_CONCURRENT_SESSIONS = True

    def __init__(self) -> None:
        super().__init__(rubric=WordleRubric())
        self._answer = WORDS[0]
        self._history: List[dict] = []
        self._solved = False
        self._state = State(episode_id=str(uuid.uuid4()), step_count=0)

    def _feedback(self, message: str, done: bool = False) -> Feedback:
        over = self._solved or len(self._history) >= TRIES
        return Feedback(history=[dict(h) for h in self._history], tries_left=TRIES - len(self._history), message=message,
                        answer=self._answer if over else None, done=done, reward=None)

    def reset(self, seed: Optional[int] = None, episode_id: Optional[str] = None, answer: str = "about",
              **kwargs: Any) -> Feedback:
        self._reset_rubric()
        self._answer, self._history, self._solved = answer, [], False
        self._state = State(episode_id=episode_id or str(uuid.uuid4()), step_count=0)
        obs = self._feedback(f"Guess the five-letter word; you have {TRIES} tries.")
        obs.reward = 0.0
        return obs

    def _play(self, action: Guess) -> Feedback:
        if self._solved or len(self._history) >= TRIES:
            return self._feedback("The game is over; reset to play again.", done=True)
        guess = (action.guess or "").strip().lower()
        if len(guess) != 5 or not guess.isalpha():
            return self._feedback(f"'{action.guess}' is not a five-letter word; no try used.")
        if guess not in WORDS:
            return self._feedback(f"'{guess}' is not in the word list; no try used.")
        self._state.step_count += 1
        marks = score(guess, self._answer)
        self._history.append({"guess": guess, "marks": marks})
        if guess == self._answer:
            self._solved = True
            return self._feedback(f"Solved in {len(self._history)}.", done=True)
        if len(self._history) >= TRIES:
            return self._feedback(f"Out of tries; the word was '{self._answer}'.", done=True)
        return self._feedback(f"{guess} -> {marks}")

    def step(self, action: Guess, timeout_s: Optional[float] = None, **kwargs: Any) -> Feedback:
        obs = self._play(action)
        obs.reward = self._apply_rubric(action, obs)
        return obs

    @property
    def state(self) -> State:
        return self._state


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8000)
    args = parser.parse_args()
    app = create_fastapi_app(WordleEnvironment, Guess, Feedback,
                             max_concurrent_envs=int(os.environ.get("MAX_CONCURRENT_ENVS", "8")))
    uvicorn.run(app, host=args.host, port=args.port, log_level="warning")


if __name__ == "__main__":
    main()
