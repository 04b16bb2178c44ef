// The Orch dashboard: reads /api JSON, follows the stored event log through server-sent events, and sends actions
// with the start-up token. Everything is built with DOM calls and textContent: tool output never becomes markup.
"use strict";

(function () {
  const TOKEN_KEY = "orch-token";
  const params = new URLSearchParams(location.search);
  if (params.has("token")) {
    sessionStorage.setItem(TOKEN_KEY, params.get("token"));
    params.delete("token");
    history.replaceState(null, "", location.pathname + (params.toString() ? "?" + params : ""));
  }
  const token = sessionStorage.getItem(TOKEN_KEY);
  document.getElementById("mode").textContent = token ? "" : "read-only: open the address `dotnet orch ui` printed to act";

  const app = document.getElementById("app");
  const live = document.getElementById("live");
  const runMatch = location.pathname.match(/^\/runs\/([^/]+)$/);
  let source = null;
  let pending = null;

  function el(tag, attrs, ...children) {
    const node = document.createElement(tag);
    for (const [key, value] of Object.entries(attrs || {})) {
      if (value === null || value === undefined || value === false) continue;
      if (key === "class") node.className = value;
      else if (key.startsWith("on")) node.addEventListener(key.slice(2), value);
      else node.setAttribute(key, value === true ? "" : value);
    }
    for (const child of children.flat()) {
      if (child === null || child === undefined || child === false) continue;
      node.append(child instanceof Node ? child : document.createTextNode(String(child)));
    }
    return node;
  }

  function svg(tag, attrs, ...children) {
    const node = document.createElementNS("http://www.w3.org/2000/svg", tag);
    for (const [key, value] of Object.entries(attrs || {})) node.setAttribute(key, value);
    for (const child of children.flat()) node.append(child instanceof Node ? child : document.createTextNode(String(child)));
    return node;
  }

  const badge = (status) => el("span", { class: "badge " + status }, status.replace("_", " "));
  const time = (iso) => (iso ? new Date(iso).toLocaleString() : "");
  // As the terminal says it: past the expected time is "any moment", never a negative or zero countdown.
  const eta = (seconds) => (seconds < 1 ? "any moment" : duration(seconds * 1000));
  const money = (usd) => (usd === null || usd === undefined ? "–" : "$" + Number(usd).toFixed(4));

  function duration(ms) {
    if (ms === null || ms === undefined || isNaN(ms)) return "";
    const s = Math.max(0, Math.round(ms / 1000));
    return s < 60 ? s + "s" : s < 3600 ? Math.floor(s / 60) + "m " + (s % 60) + "s" : Math.floor(s / 3600) + "h " + Math.floor((s % 3600) / 60) + "m";
  }

  async function getJson(url) {
    const response = await fetch(url, { headers: { Accept: "application/json" } });
    const body = await response.json();
    if (!response.ok) throw new Error(body.error || response.statusText);
    return body;
  }

  function follow(url, after, onEvent) {
    if (source) source.close();
    source = new EventSource(url + "?after=" + after);
    source.addEventListener("open", () => { live.textContent = "live"; live.classList.add("on"); });
    source.addEventListener("error", () => { live.textContent = "reconnecting…"; live.classList.remove("on"); });
    source.addEventListener("orch", (message) => onEvent(JSON.parse(message.data)));
  }

  // Many events arrive in bursts; one refresh per burst.
  function soon(refresh) {
    if (pending) return;
    pending = setTimeout(() => { pending = null; refresh(); }, 150);
  }

  // ---- runs list -------------------------------------------------------------------------------------------------
  async function showRuns() {
    const data = await getJson("/api/runs");
    const counts = Object.entries(data.jobs).map(([status, n]) => n + " " + status).join(", ") || "none";
    const rows = data.runs.map((run) => el("tr", { "data-run": run.run_id },
      el("td", {}, el("a", { href: "/runs/" + encodeURIComponent(run.run_id) }, run.run_id)),
      el("td", {}, run.kind), el("td", {}, badge(run.status)), el("td", {}, time(run.created_at)), el("td", {}, time(run.finished_at))));
    app.replaceChildren(
      el("h1", {}, "Runs"),
      el("p", { class: "muted" }, "Queued jobs: " + counts),
      el("section", {}, data.runs.length === 0 ? el("p", { class: "muted" }, "No runs yet. Start one with `dotnet orch run PLAN`.") :
        el("table", { id: "runs" }, el("thead", {}, el("tr", {}, ["run", "kind", "status", "started", "finished"].map((h) => el("th", {}, h)))), el("tbody", {}, rows))));
    return data;
  }

  // ---- one run ---------------------------------------------------------------------------------------------------
  const events = [];

  let actionBar = null;

  async function showRun(id) {
    const data = await getJson("/api/runs/" + encodeURIComponent(id));
    const run = data.run;
    // One action bar for the page's life: what someone is typing, and the last action's answer, survive refreshes.
    if (actionBar) actionBar.update(run); else actionBar = actions(run);
    const done = data.workstreams.filter((w) => !["pending", "running"].includes(w.status)).length;
    const spent = data.costs.total.cost_usd;
    const end = run.finished_at ? new Date(run.finished_at) : new Date();
    app.replaceChildren(
      el("p", {}, el("a", { href: "/" }, "← runs")),
      el("h1", {}, "Run ", el("span", { id: "run-id" }, run.run_id), " ", el("span", { id: "run-status", "data-status": run.status }, badge(run.status))),
      el("p", { class: "muted" }, run.source || ""),
      el("div", { class: "summary" },
        el("div", {}, el("b", { id: "progress" }, done + "/" + data.workstreams.length), "workstreams done"),
        el("div", {}, el("b", { id: "spend" }, money(spent) + (data.budget_usd ? " of $" + data.budget_usd : "")), "spent" + (data.budget_usd ? " against budget" : "")),
        el("div", {}, el("b", {}, duration(end - new Date(run.created_at))), run.finished_at ? "took" : "so far"),
        run.status === "running" ? el("div", {}, el("b", { id: "eta" }, data.eta_s == null ? "unknown" : eta(data.eta_s)), "ETA") : null,
        run.stop_reason ? el("div", {}, el("b", {}, run.stop_reason), "stop reason") : null),
      actionBar,
      el("section", {}, el("h2", {}, "Workstreams"), dag(data.workstreams)),
      el("section", { class: "timeline" }, el("h2", {}, "Timeline"), timeline(data.workstreams, new Date(run.created_at), end)),
      workstreamTable(data.workstreams),
      el("section", {}, el("h2", {}, "Findings per FIX round"), findings(data.findings)),
      el("div", { class: "grid" },
        el("section", {}, el("h2", {}, "Spend per tool"), spendTable(data.costs)),
        el("section", {}, el("h2", {}, "FIX-loop yield"), yieldTable(data.costs))),
      el("section", {}, el("h2", {}, "Events"), eventList));
    renderEvents();
    return data;
  }

  const eventList = el("ul", { id: "events" });
  function renderEvents() {
    eventList.replaceChildren(...events.slice(-40).reverse().map(eventLine));
  }

  function actions(run) {
    const result = el("span", { id: "action-result" });
    const path = el("input", { id: "job-path", placeholder: "job file, relative to the repository", "aria-label": "job file" });
    const act = (label, url, body) => async () => {
      result.className = ""; result.textContent = label + "…";
      try {
        const response = await fetch(url, {
          method: "POST",
          headers: { "Content-Type": "application/json", "X-Orch-Token": token || "" },
          body: JSON.stringify(body || {}),
        });
        const reply = await response.json();
        if (!response.ok) throw new Error(reply.error + (reply.hint ? " (" + reply.hint + ")" : "") + (reply.problems ? ": " + reply.problems.join("; ") : ""));
        result.className = "ok";
        result.textContent = label + ": " + (reply.log ? "resuming, log at " + reply.log : reply.queued ? "queued " + reply.queued.map((j) => j.id).join(", ") : "asked the run to stop");
      } catch (error) {
        result.className = "error"; result.textContent = label + " refused: " + error.message;
      }
    };
    const cancel = el("button", { id: "cancel", onclick: act("cancel", "/api/runs/" + encodeURIComponent(run.run_id) + "/cancel") }, "Cancel run");
    const resume = el("button", { id: "resume", onclick: act("resume", "/api/runs/" + encodeURIComponent(run.run_id) + "/resume") }, "Resume run");
    const bar = el("section", { class: "actions" }, cancel, resume, path,
      el("button", { id: "submit", onclick: () => act("submit", "/api/jobs", { path: path.value })() }, "Queue job"), result);
    bar.update = (r) => {
      cancel.disabled = r.status !== "running";
      resume.disabled = r.status === "running" || r.status === "succeeded" || r.kind !== "plan";
    };
    bar.update(run);
    return bar;
  }

  // The DAG: a column per depth (longest chain of dependencies), a row per workstream within its column.
  function dag(workstreams) {
    const byId = new Map(workstreams.map((w) => [w.id, w]));
    const depth = new Map();
    const depthOf = (w, seen = new Set()) => {
      if (depth.has(w.id)) return depth.get(w.id);
      if (seen.has(w.id)) return 0;
      seen.add(w.id);
      const d = Math.max(-1, ...w.depends_on.filter((d) => byId.has(d)).map((d) => depthOf(byId.get(d), seen))) + 1;
      depth.set(w.id, d);
      return d;
    };
    const columns = [];
    for (const w of workstreams) (columns[depthOf(w)] ||= []).push(w);
    const [W, H, GX, GY] = [170, 46, 60, 14];
    const at = new Map();
    columns.forEach((column, c) => column.forEach((w, r) => at.set(w.id, { x: 10 + c * (W + GX), y: 10 + r * (H + GY) })));
    const width = 20 + columns.length * (W + GX) - GX;
    const height = 20 + Math.max(1, ...columns.map((c) => c.length)) * (H + GY) - GY;
    const edges = workstreams.flatMap((w) => w.depends_on.filter((d) => at.has(d)).map((d) => {
      const [a, b] = [at.get(d), at.get(w.id)];
      const [x1, y1, x2, y2] = [a.x + W, a.y + H / 2, b.x, b.y + H / 2];
      return svg("path", { class: "edge", d: `M${x1},${y1} C${x1 + GX / 2},${y1} ${x2 - GX / 2},${y2} ${x2},${y2}`, "marker-end": "url(#arrow)" });
    }));
    const nodes = workstreams.map((w) => {
      const p = at.get(w.id);
      const phase = w.phases.find((ph) => ph.status === "running");
      const state = w.status + (phase ? " · " + phase.name : "") + (w.attempts > 1 ? " · attempt " + w.attempts : "") +
        (w.eta_s == null ? "" : " · ETA " + eta(w.eta_s));
      return svg("g", { class: "node " + w.status, "data-ws": w.id, "data-status": w.status, transform: `translate(${p.x},${p.y})` },
        svg("title", {}, (w.title ? w.title + "\n" : "") + state + (w.detail ? "\n" + w.detail : "")),
        svg("rect", { width: W, height: H, rx: 6 }),
        svg("text", { x: 10, y: 19 }, w.id.length > 22 ? w.id.slice(0, 21) + "…" : w.id),
        svg("text", { x: 10, y: 36, class: "state" }, state.length > 28 ? state.slice(0, 27) + "…" : state));
    });
    return svg("svg", { class: "dag", width, height, viewBox: `0 0 ${width} ${height}` },
      svg("defs", {}, svg("marker", { id: "arrow", viewBox: "0 0 10 10", refX: 10, refY: 5, markerWidth: 6, markerHeight: 6, orient: "auto-start-reverse" },
        svg("path", { d: "M 0 0 L 10 5 L 0 10 z", fill: "#9ca3af" }))),
      edges, nodes);
  }

  function timeline(workstreams, start, end) {
    const span = Math.max(1000, end - start);
    const rows = workstreams.map((w) => el("div", { class: "row", "data-ws": w.id },
      el("span", {}, w.id),
      el("div", { class: "track" }, w.steps.filter((s) => s.started_at).map((s) => {
        const from = new Date(s.started_at) - start;
        const to = (s.finished_at ? new Date(s.finished_at) : end) - start;
        const bar = el("div", { class: "bar " + (s.phase || "") + " " + s.status, title: s.step + " · " + s.status + " · " + duration(to - from) });
        bar.style.left = (100 * from / span).toFixed(2) + "%";
        bar.style.width = (100 * Math.max(0, to - from) / span).toFixed(2) + "%";
        return bar;
      }))));
    return [el("div", { class: "legend" }, ["edit", "static", "runtime"].map((p) => el("span", {}, el("i", { class: p }), p.toUpperCase()))), ...rows];
  }

  function workstreamTable(workstreams) {
    return el("section", {}, el("h2", {}, "Phases"), el("table", { id: "workstreams" },
      el("thead", {}, el("tr", {}, ["workstream", "status", "phases", "attempts", "spent", "stop reason", "detail"].map((h) => el("th", {}, h)))),
      el("tbody", {}, workstreams.map((w) => el("tr", { "data-ws": w.id },
        el("td", {}, w.id), el("td", {}, badge(w.status)),
        el("td", {}, w.phases.map((p) => p.name + " " + p.status + (p.attempts > 1 ? " ×" + p.attempts : "")).join(", ")),
        el("td", { class: "num" }, w.attempts), el("td", { class: "num" }, money(w.spent_usd)), el("td", {}, w.stop_reason || ""), el("td", {}, w.detail || ""))))));
  }

  function findings(rounds) {
    if (rounds.length === 0) return el("p", { class: "muted" }, "No checks have run yet.");
    return rounds.map((r) => el("div", { class: "round", "data-ws": r.workstream, "data-phase": r.phase, "data-round": r.round },
      el("h3", {}, `${r.workstream} · ${r.phase.toUpperCase()} round ${r.round}` + (r.command > 1 ? ` (command ${r.command})` : "") +
        ` · ${r.tool} · ${r.findings.length} finding${r.findings.length === 1 ? "" : "s"}`),
      r.findings.length === 0 ? null : el("ul", {}, r.findings.slice(0, 50).map((f) => el("li", {},
        el("code", {}, (f.file || "") + (f.line ? ":" + f.line : "")), " ", f.code ? el("b", {}, f.code) : null, " ", f.message)))));
  }

  function spendTable(costs) {
    if (costs.by_tool.length === 0) return el("p", { class: "muted" }, "No AI calls recorded.");
    return el("table", { id: "spend-by-tool" }, el("thead", {}, el("tr", {}, ["tool", "model", "calls", "tokens in", "tokens out", "cost"].map((h) => el("th", {}, h)))),
      el("tbody", {}, costs.by_tool.map((t) => el("tr", {}, el("td", {}, t.tool), el("td", {}, t.model),
        el("td", { class: "num" }, t.totals.calls), el("td", { class: "num" }, t.totals.input_tokens), el("td", { class: "num" }, t.totals.output_tokens),
        el("td", { class: "num" }, money(t.totals.cost_usd))))));
  }

  function yieldTable(costs) {
    if (costs.fix_yield.length === 0) return el("p", { class: "muted" }, "No FIX rounds yet.");
    return el("table", { id: "fix-yield" }, el("thead", {}, el("tr", {}, ["phase", "tool", "rounds", "before → after", "fixed", "cost", "per fixed"].map((h) => el("th", {}, h)))),
      el("tbody", {}, costs.fix_yield.map((y) => el("tr", {}, el("td", {}, y.phase), el("td", {}, y.tool), el("td", { class: "num" }, y.fix_rounds),
        el("td", { class: "num" }, y.findings_before + " → " + y.findings_after), el("td", { class: "num" }, y.fixed),
        el("td", { class: "num" }, money(y.cost_usd)), el("td", { class: "num" }, y.cost_per_fixed_usd === null ? "–" : money(y.cost_per_fixed_usd))))));
  }

  function eventLine(e) {
    const d = e.data || {};
    const what = [d.workstream, d.phase, d.name, d.status, d.stop_reason].filter(Boolean).join(" · ");
    return el("li", { "data-kind": e.kind }, el("code", {}, new Date(e.ts).toLocaleTimeString()), " ", e.kind, what ? " — " + what : "");
  }

  // ---- start -----------------------------------------------------------------------------------------------------
  function fail(error) {
    app.replaceChildren(el("h1", {}, "Not found"), el("p", { class: "muted" }, error.message), el("p", {}, el("a", { href: "/" }, "← runs")));
  }

  if (runMatch) {
    const id = decodeURIComponent(runMatch[1]);
    // From the start of the log: the events panel fills with the run's history; only what is newer than the state
    // just read calls for reading it again.
    showRun(id).then((data) => follow("/api/runs/" + encodeURIComponent(id) + "/events", 0, (e) => {
      events.push(e);
      if (events.length > 200) events.splice(0, events.length - 200);
      if (e.id > data.last_event_id) soon(() => showRun(id).catch(fail));
      else renderEvents();
    }), fail);
  } else {
    showRuns().then((data) => follow("/api/events", data.last_event_id, () => soon(() => showRuns().catch(fail))), fail);
  }
})();
