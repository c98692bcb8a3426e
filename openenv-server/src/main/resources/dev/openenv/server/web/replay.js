"use strict";
// Steps through a trajectory file written by the server's recorder (OPENENV_RECORD_DIR): one JSON line per
// reset ({type: "reset", request, observation, …}) and step ({type: "step", action, observation, reward,
// done, …}), grouped here into episodes by session and episode id. Reads the file locally.
(() => {
  const $ = (id) => document.getElementById(id);
  let episodes = [];
  let current = null;
  let position = 0;

  function parse(text) {
    const byKey = new Map();
    const lines = text.split("\n");
    for (let i = 0; i < lines.length; i++) {
      const line = lines[i].trim();
      if (!line) continue;
      let event;
      try {
        event = JSON.parse(line);
      } catch (e) {
        throw new Error("line " + (i + 1) + " is not JSON: " + e.message);
      }
      if (event.type !== "reset" && event.type !== "step") throw new Error("line " + (i + 1) + " is not a recorded reset or step");
      const key = event.session_id + " " + event.episode_id;
      if (event.type === "reset" || !byKey.has(key)) byKey.set(key, { session: event.session_id, episode: event.episode_id, events: [] });
      byKey.get(key).events.push(event);
    }
    return [...byKey.values()];
  }

  function picture(observation) {
    OpenEnvPicture.show(observation && observation.metadata && observation.metadata.render);
  }

  function show() {
    if (!current) return;
    const event = current.events[position];
    let total = 0;
    for (let i = 0; i <= position; i++) if (typeof current.events[i].reward === "number" && current.events[i].type === "step") total += current.events[i].reward;
    $("position").textContent = position + " / " + (current.events.length - 1);
    $("reward").textContent = event.reward === null || event.reward === undefined ? "–" : String(event.reward);
    $("done").textContent = String(Boolean(event.done));
    $("return").textContent = String(Math.round(total * 1e6) / 1e6);
    $("action").textContent = JSON.stringify(event.type === "reset" ? { reset: event.request } : event.action, null, 2);
    $("observation").textContent = JSON.stringify(event.observation, null, 2);
    picture(event.observation);
    document.body.dataset.position = String(position);
  }

  function choose(index) {
    current = episodes[index] || null;
    position = 0;
    show();
  }

  function move(to) {
    if (!current) return;
    position = Math.max(0, Math.min(current.events.length - 1, to));
    show();
  }

  $("file").addEventListener("change", async () => {
    $("file-error").textContent = "";
    const file = $("file").files[0];
    if (!file) return;
    try {
      episodes = parse(await file.text());
    } catch (e) {
      episodes = [];
      $("file-error").textContent = "Cannot read " + file.name + ": " + e.message;
    }
    $("episode").replaceChildren(...episodes.map((e, i) => {
      const option = document.createElement("option");
      option.value = String(i);
      option.textContent = (i + 1) + ". episode " + e.episode + " (" + (e.events.length - 1) + " steps)";
      return option;
    }));
    choose(0);
    document.body.dataset.episodes = String(episodes.length);
  });
  $("episode").addEventListener("change", () => choose(Number($("episode").value)));
  $("first").addEventListener("click", () => move(0));
  $("prev").addEventListener("click", () => move(position - 1));
  $("next").addEventListener("click", () => move(position + 1));
  $("last").addEventListener("click", () => move(current ? current.events.length - 1 : 0));
  document.addEventListener("keydown", (e) => {
    if (e.key === "ArrowRight") move(position + 1);
    if (e.key === "ArrowLeft") move(position - 1);
  });
  document.body.dataset.ready = "true";
})();
