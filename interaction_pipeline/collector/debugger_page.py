"""The debugger page: one HTML document with vanilla JavaScript, no build step.

It polls the JSON API every 500 ms for entries after the last sequence number it has seen, keeps the last
500 per view, and filters, searches and pauses on the client.
"""

PAGE = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Collector debugger</title>
<style>
body{font:14px system-ui,sans-serif;margin:0;color:#1d2330}
header{display:flex;gap:.6em;align-items:center;padding:.6em 1em;background:#f2f4f8;flex-wrap:wrap}
header h1{font-size:16px;margin:0 1em 0 0}
button.on{background:#1d2330;color:#fff}
main{padding:0 1em}
table{border-collapse:collapse;width:100%}
td,th{padding:.3em .5em;border-bottom:1px solid #e3e6ec;text-align:left;vertical-align:top}
tr.row{cursor:pointer} tr.row:hover{background:#f7f8fb}
pre{margin:0;white-space:pre-wrap;word-break:break-all;background:#fafbfc;padding:.5em}
.muted{color:#6b7385}
</style></head>
<body>
<header>
  <h1>Collector debugger</h1>
  <label>Source <select id="source"><option value="">all sources</option></select></label>
  <button id="tab-events" class="on">Events</button><button id="tab-rejects">Rejects</button>
  <label>Event <select id="event"><option value="">all events</option></select></label>
  <input id="search" type="search" placeholder="search the raw payload">
  <button id="pause">Pause</button>
  <button id="view">Raw view</button>
  <span id="status" class="muted"></span>
</header>
<main><table><thead id="head"></thead><tbody id="rows"></tbody></table></main>
<script>
const KEEP = 500;
const state = {tab: "events", paused: false, raw: false, events: [], rejects: [],
               after: {events: 0, rejects: 0}, open: new Set()};
const $ = (id) => document.getElementById(id);

async function api(path) {
  const response = await fetch(path, {credentials: "same-origin"});
  if (!response.ok) throw new Error(response.status + " " + (await response.text()));
  return response.json();
}

function pretty(entry) {
  const m = entry.message, args = [];
  if (m.type === "track") args.push(JSON.stringify(m.event), JSON.stringify(m.properties || {}, null, 2));
  else if (m.type === "identify") args.push(JSON.stringify(m.userId), JSON.stringify(m.traits || {}));
  else if (m.type === "group") args.push(JSON.stringify(m.groupId), JSON.stringify(m.traits || {}));
  else if (m.type === "alias") args.push(JSON.stringify(m.userId), JSON.stringify(m.previousId));
  else args.push(JSON.stringify(m.name || ""), JSON.stringify(m.properties || {}, null, 2));
  return "analytics." + m.type + "(" + args.join(", ") + ")\\n\\nuserId: " + (m.userId || "") +
    "  anonymousId: " + (m.anonymousId || "") + "\\nmessageId: " + m.messageId +
    "\\ntimestamp: " + m.timestamp;
}

function matches(entry) {
  const source = $("source").value, event = $("event").value, q = $("search").value.toLowerCase();
  const name = entry.source || (entry._source && entry._source.name) || "";
  if (source && name !== source) return false;
  if (state.tab === "events" && event && entry.event !== event) return false;
  return !q || JSON.stringify(entry).toLowerCase().includes(q);
}

function cell(text) { const td = document.createElement("td"); td.textContent = text; return td; }

function render() {
  const rows = $("rows"), head = $("head");
  head.innerHTML = state.tab === "events"
    ? "<tr><th>received</th><th>source</th><th>type</th><th>event</th><th>user</th></tr>"
    : "<tr><th>received</th><th>source</th><th>code</th><th>reason</th><th>path</th></tr>";
  rows.textContent = "";
  const list = (state.tab === "events" ? state.events : state.rejects).filter(matches).slice().reverse();
  for (const entry of list) {
    const tr = document.createElement("tr"); tr.className = "row";
    if (state.tab === "events") {
      const m = entry.message;
      [m.receivedAt, entry.source, entry.type, entry.event, m.userId || m.anonymousId].forEach(
        (text) => tr.appendChild(cell(text)));
    } else {
      const name = entry._source ? entry._source.name : "(unknown)";
      [entry.receivedAt, name, entry.code, entry.reason, entry.path].forEach(
        (text) => tr.appendChild(cell(text)));
    }
    tr.onclick = () => { state.open.has(entry.seq) ? state.open.delete(entry.seq) : state.open.add(entry.seq);
                         render(); };
    rows.appendChild(tr);
    if (state.open.has(entry.seq)) {
      const detail = document.createElement("tr"), td = document.createElement("td");
      const pre = document.createElement("pre");
      td.colSpan = 5;
      pre.textContent = state.tab === "rejects" ? JSON.stringify(entry, null, 2)
        : state.raw ? JSON.stringify(entry.message, null, 2) : pretty(entry);
      td.appendChild(pre); detail.appendChild(td); rows.appendChild(detail);
    }
  }
  $("status").textContent = (state.paused ? "paused - " : "live - ") + list.length + " shown";
}

async function refreshSources() {
  const data = await api("/debugger/api/sources");
  const select = $("source"), chosen = select.value, events = $("event"), chosenEvent = events.value;
  select.length = 1; events.length = 1;
  const names = new Set();
  for (const source of data.sources) {
    select.add(new Option(source.name + " (" + source.kind + ") via " + source.endpoint + ", " +
                          source.accepted + " ok / " + source.rejected + " rejected", source.name));
    if (!chosen || chosen === source.name) Object.keys(source.events).forEach((name) => names.add(name));
  }
  [...names].sort().forEach((name) => events.add(new Option(name, name)));
  select.value = chosen; events.value = chosenEvent;
}

async function poll() {
  try {
    const events = await api("/debugger/api/events?after=" + state.after.events);
    const rejects = await api("/debugger/api/rejects?after=" + state.after.rejects);
    state.after.events = events.last_seq; state.after.rejects = rejects.last_seq;
    state.events = state.events.concat(events.events).slice(-KEEP);
    state.rejects = state.rejects.concat(rejects.rejects).slice(-KEEP);
    if (!state.paused && (events.events.length || rejects.rejects.length)) render();
  } catch (error) { $("status").textContent = "error: " + error.message; }
  setTimeout(poll, 500);
}

$("tab-events").onclick = () => { state.tab = "events"; $("tab-events").className = "on";
                                  $("tab-rejects").className = ""; render(); };
$("tab-rejects").onclick = () => { state.tab = "rejects"; $("tab-rejects").className = "on";
                                   $("tab-events").className = ""; render(); };
$("pause").onclick = () => {
  state.paused = !state.paused; $("pause").textContent = state.paused ? "Live" : "Pause"; render();
};
$("view").onclick = () => {
  state.raw = !state.raw; $("view").textContent = state.raw ? "Pretty view" : "Raw view"; render();
};
$("source").onchange = () => { refreshSources(); render(); };
$("event").onchange = render;
$("search").oninput = render;
refreshSources(); setInterval(refreshSources, 5000); render(); poll();
</script></body></html>
"""
