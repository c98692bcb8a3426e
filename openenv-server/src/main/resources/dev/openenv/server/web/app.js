// The /web page: one /ws session per tab, speaking the same protocol as every OpenEnv client.
// All URLs are relative to the page, so the UI works behind a reverse proxy's path prefix.
"use strict";

(() => {
  const $ = (id) => document.getElementById(id);
  const root = new URL("..", location.href);            // .../web/ -> .../
  const wsUrl = new URL("ws", root);
  wsUrl.protocol = location.protocol === "https:" ? "wss:" : "ws:";

  let socket = null;
  let pending = [];           // FIFO of {resolve, reject}: the protocol answers in order
  let lastError = null;       // the last error frame no request was waiting for
  let actionForm = null;
  let mcp = false;
  let history = [];
  let renders = true; // until the environment refuses the reset option "render"
  let episodeReturn = 0;

  // ---------------------------------------------------------------- connection

  function setConnection(state, text) {
    const badge = $("connection");
    badge.dataset.state = state;
    badge.textContent = text;
  }

  function showBanner(text) {
    $("banner-text").textContent = text;
    $("banner").hidden = false;
  }

  function connect() {
    $("banner").hidden = true;
    lastError = null;
    setConnection("connecting", "connecting…");
    const ws = new WebSocket(wsUrl);
    socket = ws;
    ws.onopen = () => {
      setConnection("connected", "connected");
      if (mcp) loadTools();
    };
    ws.onmessage = (event) => {
      let frame;
      try {
        frame = JSON.parse(event.data);
      } catch {
        return;
      }
      const waiter = pending.shift();
      if (waiter) {
        if (frame.type === "error") waiter.reject(new ProtocolError(frame.data || {}));
        else waiter.resolve(frame);
      } else if (frame.type === "error") {
        lastError = frame.data || {};
        showBanner(describe(lastError));
      }
    };
    ws.onclose = (event) => {
      if (socket !== ws) return;
      socket = null;
      const failed = pending;
      pending = [];
      failed.forEach((w) => w.reject(new ProtocolError({ code: "DISCONNECTED", message: "connection closed" })));
      setConnection("disconnected", "disconnected");
      let text;
      if (lastError && lastError.code === "CAPACITY_REACHED") {
        text = "The server is at capacity (" + lastError.active_sessions + "/" + lastError.max_sessions
          + " sessions). Close another session or raise MAX_CONCURRENT_ENVS, then reconnect.";
      } else if (lastError) {
        text = "Session ended: " + describe(lastError);
      } else {
        text = "Connection lost (close code " + event.code + (event.reason ? ": " + event.reason : "") + ").";
      }
      showBanner(text + " A new connection starts a new session.");
    };
  }

  class ProtocolError extends Error {
    constructor(data) {
      super(data.message || data.code || "error");
      this.data = data;
    }
  }

  function describe(data) {
    return (data.code ? data.code + ": " : "") + (data.message || "");
  }

  function request(message) {
    return new Promise((resolve, reject) => {
      if (!socket || socket.readyState !== WebSocket.OPEN) {
        reject(new ProtocolError({ code: "DISCONNECTED", message: "not connected; press Reconnect" }));
        return;
      }
      pending.push({ resolve, reject });
      socket.send(JSON.stringify(message));
    });
  }

  // ---------------------------------------------------------------- episode

  async function reset() {
    clearFormErrors();
    const seedText = $("seed").value.trim();
    const data = seedText === "" ? {} : { seed: Number(seedText) };
    try {
      let frame;
      if (renders) {
        try {
          // Ask for a picture of the state; an environment that does not render refuses the option.
          frame = await request({ type: "reset", data: { ...data, render: true } });
        } catch (e) {
          const refused = e.data && e.data.code === "VALIDATION_ERROR" && (e.data.errors || []).some((x) => (x.loc || [])[0] === "render");
          if (!refused) throw e;
          renders = false;
        }
      }
      if (!frame) frame = await request({ type: "reset", data });
      history = [];
      episodeReturn = 0;
      showResult(frame.data);
      renderHistory();
      await refreshState();
    } catch (e) {
      formError(e);
    }
  }

  async function step(action, onError) {
    clearFormErrors();
    try {
      const frame = await request({ type: "step", data: action });
      const result = frame.data || {};
      if (typeof result.reward === "number") episodeReturn += result.reward;
      history.push({ action, observation: withoutPicture(result.observation), reward: result.reward, done: result.done });
      showResult(result);
      renderHistory();
      await refreshState();
      return result;
    } catch (e) {
      if (!(onError && onError(e))) formError(e);
      return null;
    }
  }

  async function refreshState() {
    try {
      const frame = await request({ type: "state" });
      $("state").textContent = pretty(frame.data);
      if (frame.data && frame.data.step_count !== undefined) $("step-count").textContent = frame.data.step_count;
    } catch (e) {
      $("state").textContent = describe(e.data || {});
    }
    // A counter tests (and curious users) can watch: bumped once the page shows a completed exchange.
    $("left").dataset.updates = String(Number($("left").dataset.updates || 0) + 1);
  }

  // JSON indented like JSON.stringify(v, null, 2), but with short arrays of scalars on one line, so a
  // board or a hand of cards reads as rows.
  function pretty(value, indent = "") {
    const inner = indent + "  ";
    if (Array.isArray(value)) {
      if (value.length === 0) return "[]";
      const flat = "[" + value.map((v) => JSON.stringify(v)).join(", ") + "]";
      if (value.every((v) => v === null || typeof v !== "object") && flat.length <= 100) return flat;
      return "[\n" + value.map((v) => inner + pretty(v, inner)).join(",\n") + "\n" + indent + "]";
    }
    if (value !== null && typeof value === "object") {
      const keys = Object.keys(value);
      if (keys.length === 0) return "{}";
      return "{\n" + keys.map((k) => inner + JSON.stringify(k) + ": " + pretty(value[k], inner)).join(",\n") + "\n" + indent + "}";
    }
    return value === undefined ? "null" : JSON.stringify(value);
  }

  // An observation as the history lists it: without the picture, which the page already shows.
  function withoutPicture(observation) {
    if (!observation || !observation.metadata || !("render" in observation.metadata)) return observation;
    const metadata = { ...observation.metadata };
    delete metadata.render;
    return { ...observation, metadata };
  }

  // The environment's picture of its state in place of raw JSON (picture.js).
  function showPicture(result) {
    const meta = (result.observation && result.observation.metadata) || result.metadata || {};
    OpenEnvPicture.show(meta.render);
  }

  function showResult(result) {
    showPicture(result);
    $("observation").textContent = pretty(result.observation);
    $("reward").textContent = result.reward === null || result.reward === undefined ? "–" : String(result.reward);
    $("done").textContent = String(Boolean(result.done));
    $("done").classList.toggle("is-done", Boolean(result.done));
    $("return").textContent = String(Math.round(episodeReturn * 1e6) / 1e6);
  }

  function clearFormErrors() {
    $("form-error").textContent = "";
    if (actionForm) actionForm.clearErrors();
  }

  function formError(e) {
    if (e instanceof OpenEnvForm.FieldError) return; // already shown by its field
    const data = e.data || { message: String(e) };
    if (data.code === "VALIDATION_ERROR" && actionForm) {
      const unmatched = actionForm.showErrors(data.errors);
      if (unmatched.length === 0) return;
      $("form-error").textContent = "Invalid action: " + unmatched.map((u) => (u.loc || []).join(".") + " " + u.msg).join("; ");
      return;
    }
    $("form-error").textContent = describe(data);
  }

  // ---------------------------------------------------------------- history and chart

  function short(value, max) {
    const text = JSON.stringify(value);
    return text === undefined ? "" : text.length > max ? text.slice(0, max - 1) + "…" : text;
  }

  function renderHistory() {
    const body = $("history").tBodies[0];
    body.replaceChildren(...history.map((h, i) => {
      const tr = document.createElement("tr");
      for (const text of [String(i + 1), short(h.action, 80), short(h.observation, 120),
        h.reward === null || h.reward === undefined ? "–" : String(h.reward), String(Boolean(h.done))]) {
        const td = document.createElement("td");
        td.textContent = text;
        tr.append(td);
      }
      return tr;
    }));
    renderChart();
  }

  function renderChart() {
    const svg = $("chart");
    const ns = "http://www.w3.org/2000/svg";
    const points = history.map((h, i) => ({ step: i + 1, reward: typeof h.reward === "number" ? h.reward : null }));
    const values = points.filter((p) => p.reward !== null).map((p) => p.reward);
    const lo = Math.min(0, ...values);
    let hi = Math.max(0, ...values);
    if (hi === lo) hi = lo + 1;
    const W = 400, H = 150, left = 44, right = 8, top = 8, bottom = 30;
    const x = (s) => left + (points.length <= 1 ? (W - left - right) / 2 : ((s - 1) * (W - left - right)) / (points.length - 1));
    const y = (r) => H - bottom - ((r - lo) * (H - top - bottom)) / (hi - lo);
    const nodes = [];
    const el = (name, attrs, text) => {
      const n = document.createElementNS(ns, name);
      Object.entries(attrs).forEach(([k, v]) => n.setAttribute(k, v));
      if (text !== undefined) n.textContent = text;
      return n;
    };
    const label = (v) => String(Math.round(v * 1000) / 1000);
    nodes.push(el("line", { x1: left, x2: W - right, y1: y(0), y2: y(0), class: "axis" }));
    nodes.push(el("line", { x1: left, x2: left, y1: top, y2: H - bottom, class: "axis" }));
    for (const v of [...new Set([lo, 0, hi])]) {
      nodes.push(el("text", { x: left - 4, y: y(v) + 4, class: "tick", "text-anchor": "end" }, label(v)));
    }
    if (points.length > 0) {
      nodes.push(el("text", { x: x(1), y: H - bottom + 14, class: "tick", "text-anchor": "middle" }, "1"));
      if (points.length > 1) nodes.push(el("text", { x: x(points.length), y: H - bottom + 14, class: "tick", "text-anchor": "middle" }, String(points.length)));
    }
    nodes.push(el("text", { x: (left + W - right) / 2, y: H - 2, class: "axis-title", "text-anchor": "middle" }, "step"));
    nodes.push(el("text", { x: 10, y: (top + H - bottom) / 2, class: "axis-title", "text-anchor": "middle",
      transform: "rotate(-90 10 " + (top + H - bottom) / 2 + ")" }, "reward"));
    const drawn = points.filter((p) => p.reward !== null);
    if (drawn.length > 1) {
      const line = document.createElementNS(ns, "polyline");
      line.setAttribute("points", drawn.map((p) => x(p.step) + "," + y(p.reward)).join(" "));
      line.setAttribute("class", "line");
      nodes.push(line);
    }
    for (const p of drawn) {
      const c = document.createElementNS(ns, "circle");
      Object.entries({ cx: x(p.step), cy: y(p.reward), r: 3, class: "point", "data-step": p.step, "data-reward": p.reward })
        .forEach(([k, v]) => c.setAttribute(k, v));
      const title = document.createElementNS(ns, "title");
      title.textContent = "step " + p.step + ": " + p.reward;
      c.append(title);
      nodes.push(c);
    }
    svg.replaceChildren(...nodes);
  }

  // ---------------------------------------------------------------- MCP tools

  let rpcId = 0;

  async function loadTools() {
    const box = $("tools");
    try {
      const frame = await request({ type: "mcp", data: { jsonrpc: "2.0", id: ++rpcId, method: "tools/list" } });
      const rpc = frame.data || {};
      if (rpc.error) throw new ProtocolError({ code: "MCP " + rpc.error.code, message: rpc.error.message });
      box.replaceChildren(...(rpc.result.tools || []).map(toolCard));
    } catch (e) {
      box.textContent = "Could not list tools: " + describe(e.data || {});
    }
  }

  // An MCP observation's framework error ({error_type, message}) as one line, or null.
  function toolErrorOf(result) {
    const e = result && result.observation && result.observation.error;
    return e && typeof e === "object" && e.message ? (e.error_type ? e.error_type + ": " : "") + e.message : null;
  }

  function toolCard(tool) {
    const card = document.createElement("form");
    card.className = "tool";
    card.noValidate = true;
    card.dataset.tool = tool.name;
    const title = document.createElement("h3");
    title.textContent = tool.name;
    const desc = document.createElement("p");
    desc.textContent = tool.description || "";
    const fields = document.createElement("div");
    const schema = tool.input_schema || tool.inputSchema || { type: "object", properties: {} };
    const form = OpenEnvForm.build(schema, fields);
    const error = document.createElement("div");
    error.className = "form-error tool-error";
    const call = document.createElement("button");
    call.type = "submit";
    call.textContent = "Call " + tool.name;
    card.append(title, desc, fields, error, call);
    card.addEventListener("submit", async (event) => {
      event.preventDefault();
      error.textContent = "";
      let args;
      try {
        args = form.value();
      } catch {
        return;
      }
      const result = await step({ type: "call_tool", tool_name: tool.name, arguments: args }, (e) => {
        const data = e.data || {};
        if (data.code === "VALIDATION_ERROR") {
          const rest = form.showErrors((data.errors || []).map((x) => ({ ...x, loc: (x.loc || []).slice(1) })));
          error.textContent = rest.map((x) => x.msg).join("; ");
        } else {
          error.textContent = describe(data);
        }
        return true;
      });
      const toolError = toolErrorOf(result);
      if (toolError) error.textContent = toolError;
    });
    return card;
  }

  // ---------------------------------------------------------------- metadata and README

  function showMetadata(meta) {
    if (!meta) return;
    if (meta.name) {
      $("env-name").textContent = meta.name;
      document.title = meta.name + " · OpenEnv";
    }
    $("env-description").textContent = meta.description || "";
    $("env-version").textContent = meta.version ? "v" + meta.version : "";
    if (meta.readme_content) {
      $("readme").replaceChildren(OpenEnvMarkdown.render(meta.readme_content));
      $("readme-box").hidden = false;
    }
  }

  async function getJson(path) {
    const response = await fetch(new URL(path, root), { headers: { accept: "application/json" } });
    if (!response.ok) throw new Error(path + ": HTTP " + response.status);
    return response.json();
  }

  async function start() {
    $("reset").addEventListener("click", reset);
    $("reconnect").addEventListener("click", () => {
      history = [];
      episodeReturn = 0;
      renderHistory();
      connect();
    });
    $("action-form").addEventListener("submit", (event) => {
      event.preventDefault();
      let action;
      try {
        action = actionForm.value();
      } catch {
        return;
      }
      step(action).then((result) => {
        const toolError = toolErrorOf(result);
        if (toolError) $("form-error").textContent = toolError;
      });
    });
    const [meta, schema] = await Promise.all([getJson("metadata").catch(() => null), getJson("schema")]);
    showMetadata(meta);
    const action = schema.action || { type: "object", properties: {} };
    const props = action.properties || {};
    mcp = "tool_name" in props && "arguments" in props;
    $("tools-pane").hidden = !mcp;
    $("action-title").textContent = mcp ? "Raw action" : (action.title || "Action");
    actionForm = OpenEnvForm.build(action, $("action-fields"), ["metadata"]);
    document.body.dataset.ready = "true";
    connect();
  }

  start().catch((e) => showBanner("Could not load the environment's schema: " + e.message));
})();
