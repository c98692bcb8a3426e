"""Every bundled environment played to the end by the upstream GenericEnvClient against our server.

With OPENENV_TRANSCRIPT=path, each episode's actions and observations are appended to that file.
"""

import json
import os
from collections import deque
from pathlib import Path

import pytest
from openenv.core import GenericEnvClient

WORDS = sorted(w for line in (Path(__file__).resolve().parents[2] / "openenv-envs/src/main/resources/dev/openenv/envs/wordle/words.txt")
               .read_text().splitlines() if not line.startswith("#") for w in line.split())


class Recorder:
    def __init__(self, env, name):
        self.env, self.lines = env, [f"## {name}"]

    def reset(self, **kw):
        r = self.env.reset(**kw)
        self.lines.append(f"reset {json.dumps(kw)} -> {json.dumps(r.observation)[:300]}")
        return r

    def step(self, action):
        r = self.env.step(action)
        self.lines.append(f"step {json.dumps(action)} -> reward={r.reward} done={r.done} {json.dumps(r.observation)[:300]}")
        return r

    def save(self):
        path = os.environ.get("OPENENV_TRANSCRIPT")
        if path:
            with open(path, "a") as f:
                f.write("\n".join(self.lines) + "\n\n")


def play(java_server, name, body, **variables):
    server = java_server(name, **variables)
    with GenericEnvClient(base_url=server.base_url).sync() as env:
        rec = Recorder(env, name)
        body(rec)
        rec.save()


def shortest_first_move(grid):
    n = len(grid)
    start = next((r, c) for r in range(n) for c in range(n) if grid[r][c] == "A")
    goal = next((r, c) for r in range(n) for c in range(n) if grid[r][c] == "G")
    moves = {"UP": (-1, 0), "DOWN": (1, 0), "LEFT": (0, -1), "RIGHT": (0, 1)}
    first, queue = {start: None}, deque([start])
    while queue:
        r, c = queue.popleft()
        if (r, c) == goal:
            break
        for name, (dr, dc) in moves.items():
            nr, nc = r + dr, c + dc
            if 0 <= nr < n and 0 <= nc < n and grid[nr][nc] != "#" and (nr, nc) not in first:
                first[(nr, nc)] = first[(r, c)] or name
                queue.append((nr, nc))
    return first[goal]


def test_gridworld(java_server):
    def body(env):
        r = env.reset(seed=7, size=6)
        while not r.done:
            r = env.step({"action": shortest_first_move(r.observation["grid"])})
        assert r.reward == 1.0 and r.observation["message"].startswith("Reached the goal")
    play(java_server, "gridworld", body)


def test_connect4(java_server):
    def body(env):
        r = env.reset(seed=1, opponent="greedy")
        bad = env.step({"column": 7})
        assert bad.reward == -0.1 and "legal columns" in bad.observation["message"]
        while not r.done:
            r = env.step({"column": r.observation["legal_actions"][-1]})
        assert r.observation["winner"] in ("agent", "opponent", "draw")
    play(java_server, "connect4", body)


def test_blackjack(java_server):
    def body(env):
        r = env.reset(seed=11)
        while not r.done:
            r = env.step({"action": "hit" if r.observation["player_total"] < 17 else "stand"})
        assert r.observation["outcome"] in ("win", "loss", "push", "bust", "natural")
        assert r.reward in (1.5, 1.0, 0.0, -1.0)
    play(java_server, "blackjack", body)


def marks(guess, answer):
    out, left = ["_"] * 5, {}
    for i in range(5):
        if guess[i] == answer[i]:
            out[i] = "G"
        else:
            left[answer[i]] = left.get(answer[i], 0) + 1
    for i in range(5):
        if out[i] != "G" and left.get(guess[i], 0) > 0:
            out[i], left[guess[i]] = "Y", left[guess[i]] - 1
    return "".join(out)


def test_wordle(java_server):
    def body(env):
        r = env.reset(seed=5)
        assert "not in the word list" in env.step({"guess": "zzzzz"}).observation["message"]
        candidates = list(WORDS)
        while not r.done:
            guess = candidates[0]
            r = env.step({"guess": guess})
            got = r.observation["history"][-1]["marks"]
            candidates = [w for w in candidates if marks(guess, w) == got]
        assert r.observation["answer"] in WORDS
    play(java_server, "wordle", body)


def test_snake(java_server):
    def body(env):
        r = env.reset(seed=2, width=8, height=6)
        for _ in range(100):
            if r.observation["score"] > 0:
                break
            (hr, hc), (fr, fc) = r.observation["head"], r.observation["food"]
            want = "RIGHT" if fc > hc else "LEFT" if fc < hc else "DOWN" if fr > hr else "UP"
            if want not in r.observation["legal_actions"]:
                want = "DOWN" if fr >= hr else "UP"
            r = env.step({"direction": want})
        assert r.observation["score"] == 1
        while not r.done:
            r = env.step({"direction": "UP"})
        assert r.reward == -1.0
    play(java_server, "snake", body)


def test_coding_sandbox(java_server):
    def body(env):
        env.reset(persistent=True)
        assert env.step({"code": "x = 20"}).observation["exit_code"] == 0
        r = env.step({"code": "print(x * 2 + 2)"})
        # 0.10's envelope nests the step's metadata in the observation
        assert r.observation == {"metadata": {}, "stdout": "42\n", "stderr": "", "exit_code": 0, "timed_out": False}
        assert r.reward == 1.0
        host_file = Path(__file__).resolve().parents[2] / "README.md"  # this checkout's README: there on the host
        assert host_file.is_file()
        hostile = {
            "while True: pass": lambda o: o["timed_out"],
            "x = bytearray(2 * 1024**3)": lambda o: "MemoryError" in o["stderr"],
            f"open({str(host_file)!r})": lambda o: "No such file" in o["stderr"],
            "import socket; socket.create_connection(('1.1.1.1', 53), timeout=3)": lambda o: "unreachable" in o["stderr"],
        }
        env.reset()
        for code, check in hostile.items():
            o = env.step({"code": code}).observation
            assert check(o), (code, o)
        java = env.step({"code": 'System.out.println("from jshell " + (6 * 7));', "language": "java"})
        assert "from jshell 42" in java.observation["stdout"]
    play(java_server, "coding", body)
