// sanctionwatch web page: vessel table, screening box, vessel case, events map.
// Talks only to this server's API; builds the DOM with textContent (list data is never parsed as HTML).
"use strict";

const COLOURS = {
  encounter: "#b3261e", loitering: "#e08a00", gap: "#6a4c93", port_visit: "#1b7f3b",
  geofence: "#1f5fa8", identity_change: "#8a5a00", spoofing: "#d0338a",
};

function el(tag, attrs, ...children) {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (k === "class") node.className = v;
    else if (k.startsWith("on")) node.addEventListener(k.slice(2), v);
    else node.setAttribute(k, v);
  }
  for (const child of children.flat()) {
    if (child === null || child === undefined) continue;
    node.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return node;
}

async function api(path, options) {
  const res = await fetch(path, options);
  const body = await res.json().catch(() => ({}));
  if (!res.ok) throw new Error(body.detail || `${res.status} ${res.statusText}`);
  return body;
}

function setStatus(text, isError) {
  const s = document.getElementById("status");
  s.textContent = text;
  s.className = isError ? "error" : "";
}

// --- map -------------------------------------------------------------------------------

const map = L.map("map", { worldCopyJump: true, preferCanvas: false }).setView([37, 124], 5);
map.attributionControl.addAttribution("Coastline: Natural Earth (public domain)");
const eventLayer = L.featureGroup();
const markers = new Map(); // event_id -> marker
const layers = {};

async function drawMap() {
  const [land, areas] = await Promise.all([api("/map/land.geojson"), api("/map/areas.geojson")]);
  layers.land = L.geoJSON(land, {
    style: { color: "#7d8a6a", weight: 0.6, fillColor: "#e9e4d4", fillOpacity: 1 },
    interactive: false,
    className: "land",
  }).addTo(map);
  layers.areas = L.geoJSON(areas, {
    style: (f) => f.properties.kind === "dprk_waters"
      ? { color: "#b3261e", weight: 1, dashArray: "4 3", fillOpacity: 0.05 }
      : { color: "#1f5fa8", weight: 1, dashArray: "2 4", fillOpacity: 0.04 },
    onEachFeature: (f, layer) => layer.bindTooltip(f.properties.name || f.properties.id),
  }).addTo(map);
  const events = await api("/events?format=geojson");
  for (const f of events.features) {
    if (!f.geometry) continue;
    const p = f.properties;
    const [lon, lat] = f.geometry.coordinates;
    const marker = L.circleMarker([lat, lon], {
      radius: 6, color: "#fff", weight: 1, fillColor: COLOURS[p.type] || "#333", fillOpacity: 0.9,
      className: `event-marker event-${p.type}`,
    });
    marker.bindPopup(() => eventPopup(p));
    marker.addTo(eventLayer);
    markers.set(p.event_id, marker);
  }
  eventLayer.addTo(map);
  // Ship-to-ship meetings are what an investigator looks for: keep them above the loitering they coincide with.
  eventLayer.eachLayer((m) => { if (m.options.className.includes("event-encounter")) m.bringToFront(); });
  L.control.layers(null, { "events": eventLayer, "DPRK waters and STS areas": layers.areas }).addTo(map);
  const legend = L.control({ position: "bottomright" });
  legend.onAdd = () => el("div", { class: "legend" },
    Object.entries(COLOURS).map(([t, c]) => el("div", {}, el("i", { style: `background:${c}` }), t)));
  legend.addTo(map);
  if (eventLayer.getLayers().length) map.fitBounds(eventLayer.getBounds().pad(0.1));
  return events.features.length;
}

function eventPopup(p) {
  const who = p.other_mmsi ? `${p.mmsi} ↔ ${p.other_mmsi}` : `${p.mmsi}`;
  const rows = [["vessels", who], ["start", p.start], ["end", p.end], ["duration", `${p.duration_h} h`]];
  for (const [k, v] of Object.entries(p.details || {})) rows.push([k, typeof v === "object" ? JSON.stringify(v) : v]);
  return el("div", { class: "popup" },
    el("strong", {}, p.type.replace("_", " ")),
    el("table", {}, rows.map(([k, v]) => el("tr", {}, el("td", {}, k), el("td", {}, v)))),
    el("a", { href: "#", onclick: (e) => { e.preventDefault(); showCase(p.mmsi); } }, "open vessel case"),
    el("div", { class: "muted" }, p.event_id));
}

// --- vessel table ------------------------------------------------------------------------

let vessels = [];
let sortKey = "rank", sortDir = 1;

function vesselText(v) {
  return [v.name, v.mmsi, v.imo, v.flag, v.risk_level, ...v.reasons.map((r) => r.text),
    ...v.list_hits.map((h) => `${h.source}:${h.source_id} ${h.caption}`)].join(" ").toLowerCase();
}

function renderVessels() {
  const needle = document.getElementById("vessel-filter").value.trim().toLowerCase();
  const rows = vessels.filter((v) => !needle || vesselText(v).includes(needle));
  rows.sort((a, b) => {
    const x = a[sortKey] ?? "", y = b[sortKey] ?? "";
    return (typeof x === "number" && typeof y === "number" ? x - y : String(x).localeCompare(String(y))) * sortDir;
  });
  const tbody = document.querySelector("#vessels tbody");
  tbody.replaceChildren(...rows.map((v) => el("tr", {
    class: v.designated ? "designated" : "", "data-mmsi": v.mmsi,
    title: v.reasons.map((r) => `${r.text} (+${r.points})`).join("\n"),
    onclick: () => showCase(v.mmsi),
  },
  el("td", {}, v.rank), el("td", {}, v.name || "?"), el("td", {}, v.mmsi), el("td", {}, v.imo ?? ""),
  el("td", {}, v.flag ?? ""), el("td", {}, el("span", { class: `badge ${v.risk_level}` }, v.risk_score)),
  el("td", {}, v.events))));
  document.getElementById("vessel-count").textContent = `${rows.length} of ${vessels.length} vessels`;
  document.querySelectorAll("#vessels th").forEach((th) => {
    th.classList.toggle("asc", th.dataset.key === sortKey && sortDir === 1);
    th.classList.toggle("desc", th.dataset.key === sortKey && sortDir === -1);
  });
}

async function loadVessels() {
  const page = await api("/vessels?limit=500");
  vessels = page.results.map((v) => ({ ...v, events: Object.values(v.event_counts).reduce((a, b) => a + b, 0) }));
  renderVessels();
  return page.total;
}

document.querySelectorAll("#vessels th").forEach((th) => th.addEventListener("click", () => {
  if (sortKey === th.dataset.key) sortDir = -sortDir;
  else { sortKey = th.dataset.key; sortDir = th.dataset.type === "num" && sortKey !== "rank" ? -1 : 1; }
  renderVessels();
}));
document.getElementById("vessel-filter").addEventListener("input", renderVessels);

// --- vessel case -------------------------------------------------------------------------

async function showCase(id) {
  const panel = document.getElementById("case");
  panel.hidden = false;
  panel.replaceChildren(el("p", { class: "muted" }, `loading vessel ${id}…`));
  document.querySelectorAll("#vessels tbody tr").forEach((tr) => tr.classList.toggle("selected", tr.dataset.mmsi === String(id)));
  let c;
  try { c = await api(`/vessels/${encodeURIComponent(id)}`); }
  catch (err) { panel.replaceChildren(el("p", { class: "error" }, err.message)); return; }
  const v = c.vessel;
  const focus = (eventId) => {
    const m = markers.get(eventId);
    if (m) { map.setView(m.getLatLng(), Math.max(map.getZoom(), 9)); m.openPopup(); }
  };
  panel.replaceChildren(
    el("h2", { id: "case-title" }, `${v.name || "unnamed vessel"} · MMSI ${v.mmsi}`, v.imo ? ` · IMO ${v.imo}` : ""),
    el("p", {}, el("span", { class: `badge ${v.risk_level}` }, `risk ${v.risk_score} (${v.risk_level})`),
      v.designated ? " designated vessel" : "", v.flag ? ` · flag ${v.flag}` : "", c.call_sign ? ` · call sign ${c.call_sign}` : ""),
    el("h3", {}, "List hits"),
    c.vessel.list_hits.length
      ? el("ul", {}, v.list_hits.map((h) => el("li", {}, `${h.source}:${h.source_id} ${h.caption} (score ${h.score})`,
          el("div", { class: "explanation" }, h.explanation))))
      : el("p", { class: "muted" }, "none"),
    el("h3", {}, "Reasons"),
    el("ul", { class: "reasons" }, v.reasons.map((r) => el("li", {}, `+${r.points} ${r.text} `,
      r.event_ids.map((eid) => el("a", { href: "#", class: "event-link", onclick: (e) => { e.preventDefault(); focus(eid); } }, `[${eid.slice(0, 8)}]`))))),
    el("h3", {}, "Identities broadcast"),
    el("table", {}, c.identities.map((i) => el("tr", {}, el("td", {}, i.name ?? "?"), el("td", {}, i.imo ? `IMO ${i.imo}` : ""),
      el("td", {}, `${i.first_ts.slice(0, 16)} – ${i.last_ts.slice(0, 16)}`)))),
    el("h3", {}, "Vessels met"),
    c.counterparties.length
      ? el("ul", {}, c.counterparties.map((o) => el("li", {},
          el("a", { href: "#", onclick: (e) => { e.preventDefault(); showCase(o.mmsi); } }, `${o.name || "?"} (MMSI ${o.mmsi})`),
          o.designated ? " designated" : "", ` · ${o.encounters} encounter(s)`)))
      : el("p", { class: "muted" }, "none"),
    el("h3", {}, `Events (${c.events.length})`),
    el("table", { class: "events" }, c.events.map((e) => el("tr", {},
      el("td", {}, el("a", { href: "#", onclick: (ev) => { ev.preventDefault(); focus(e.event_id); } }, e.type)),
      el("td", {}, e.start.slice(0, 16)), el("td", {}, `${e.duration_h} h`),
      el("td", {}, e.other_mmsi ? `with ${e.mmsi === v.mmsi ? e.other_mmsi : e.mmsi}` : "")))),
  );
  const own = c.events.map((e) => markers.get(e.event_id)).filter(Boolean);
  if (own.length) map.fitBounds(L.featureGroup(own).getBounds().pad(0.3), { maxZoom: 9 });
}

// --- screening box -----------------------------------------------------------------------

let screenTimer = null, screenSeq = 0;

async function runScreen() {
  const name = document.getElementById("screen-input").value.trim();
  const schema = document.getElementById("screen-schema").value || null;
  const out = document.getElementById("screen-results");
  if (name.length < 2) { out.replaceChildren(); return; }
  const seq = ++screenSeq;
  const digits = name.replace(/\D/g, "");
  const body = { name: /^(imo)?\s*\d+$/i.test(name) ? "" : name, schema, limit: 5 };
  if (digits.length === 7 && !body.name) body.imo = digits;
  if (digits.length === 9 && !body.name) body.mmsi = digits;
  let res;
  try {
    res = await api("/screen", { method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify(body) });
  } catch (err) {
    if (seq === screenSeq) out.replaceChildren(el("li", { class: "error" }, err.message));
    return;
  }
  if (seq !== screenSeq) return; // a later keystroke's answer wins
  out.replaceChildren(...(res.results.length ? res.results.map((r) => el("li", { class: "screen-result" },
    el("span", { class: `badge ${r.match ? "match" : "nomatch"}` }, r.match ? "MATCH" : "no match"), " ",
    el("strong", {}, r.caption), ` ${r.schema} · ${r.source}:${r.source_id} · score ${r.score}`,
    el("div", { class: "explanation" }, r.explanation))) : [el("li", { class: "muted" }, "no candidates")]));
}

for (const id of ["screen-input", "screen-schema"]) {
  document.getElementById(id).addEventListener("input", () => {
    clearTimeout(screenTimer);
    screenTimer = setTimeout(runScreen, 200);
  });
}

// --- start -------------------------------------------------------------------------------

Promise.all([loadVessels(), drawMap()])
  .then(([nVessels, nEvents]) => setStatus(`${nVessels} vessels · ${nEvents} events`))
  .catch((err) => setStatus(err.message, true));
