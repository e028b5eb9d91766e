// samesku review page: plain JavaScript, no build step. Data goes into the page as text only
// (textContent, never innerHTML), so an offer title cannot inject markup.
"use strict";

const TOKEN_KEY = "samesku-token";
const PAGE = 20;         // clusters shown at first, and added by "Show more"
let shown = PAGE;
const MEMBERS = 24;      // members shown per cluster

const $ = (sel) => document.querySelector(sel);

function status(text, isError) {
  const el = $("#status");
  el.textContent = text;
  el.className = isError ? "error" : "";
}

function el(tag, attrs, ...children) {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (k === "class") node.className = v;
    else if (k === "text") node.textContent = v;
    else node.setAttribute(k, v);
  }
  for (const c of children) if (c !== null && c !== undefined) node.append(c);
  return node;
}

function fmt(x, digits) {
  if (x === null || x === undefined) return "";
  if (typeof x === "number") return digits === undefined ? x.toLocaleString() : x.toFixed(digits);
  if (Array.isArray(x)) return x.join(", ");
  return String(x);
}

async function api(method, path, body) {
  const headers = { "Accept": "application/json" };
  if (method !== "GET") {
    const token = sessionStorage.getItem(TOKEN_KEY) || "";
    if (token) headers["Authorization"] = "Bearer " + token;
    headers["Content-Type"] = "application/json";
  }
  const res = await fetch(path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  const data = await res.json().catch(() => ({}));
  if (!res.ok) {
    const detail = typeof data.detail === "string" ? data.detail : JSON.stringify(data.detail || data);
    throw new Error(res.status + ": " + detail);
  }
  return data;
}

function memberCard(m) {
  const box = el("input", { type: "checkbox", "data-offer": m.offer_id });
  const card = el("div", { class: "member", "data-offer": m.offer_id });
  box.addEventListener("change", () => card.classList.toggle("selected", box.checked));
  card.append(el("label", { class: "pick" }, box, m.offer_id));
  if (m.image_url) card.append(el("img", { src: m.image_url, alt: "", loading: "lazy" }));
  card.append(el("div", { class: "title", text: m.title || "" }));
  card.append(el("div", { class: "clean", text: m.title_clean || "" }));
  const facts = [
    ["price", m.price === null ? "" : fmt(m.price) + (m.currency ? " " + m.currency : "")],
    ["seller", m.seller], ["brand", m.brand_norm || m.brand], ["count", m.count],
    ["amount", m.amount === null ? "" : fmt(m.amount) + (m.unit ? " " + m.unit : "")],
    ["codes", m.model_codes], ["GTIN", m.gtins], ["colour", m.colors],
    ["p", m.match_probability === null ? "" : fmt(m.match_probability, 2)],
  ];
  const dl = el("dl");
  for (const [k, v] of facts) {
    const text = fmt(v);
    if (text) dl.append(el("dt", { text: k }), el("dd", { text }));
  }
  card.append(dl);
  return card;
}

function clusterCard(c) {
  const card = el("section", { class: "cluster", "data-cluster": c.cluster_id });
  const other = el("input", { type: "text", placeholder: "other cluster id", "aria-label": "merge with cluster id" });
  const confirmBtn = el("button", { type: "button", class: "confirm", text: "Confirm" });
  const splitBtn = el("button", { type: "button", class: "split", text: "Split selected" });
  const mergeBtn = el("button", { type: "button", class: "merge", text: "Merge with" });
  const price = c.price_min === null ? "no price" :
    (c.price_min === c.price_max ? fmt(c.price_min) : fmt(c.price_min) + " – " + fmt(c.price_max));
  card.append(el("div", { class: "cluster-head" },
    el("span", { class: "id", text: c.cluster_id }),
    el("span", { class: "eps", text: "ε " + fmt(c.epsilon, 3) }),
    el("span", { class: "facts", text: `${c.size} offers · ${price} · brand ${c.brand || "?"} · weakest link ${fmt(c.weakest_link, 2)} · ` +
      `outside ${fmt(c.max_external_p, 2)} · brands ${c.brand_disagreement} · codes ${c.code_disagreement}` }),
    el("span", { class: "actions" }, confirmBtn, splitBtn, mergeBtn, other)));
  const members = el("div", { class: "members" });
  for (const m of c.members || []) members.append(memberCard(m));
  if ((c.members || []).length < c.size) members.append(el("span", { class: "more", text: `+${c.size - c.members.length} more` }));
  card.append(members);

  const act = async (label, fn) => {
    try {
      const got = await fn();
      status(`${label}: action ${got.action_id} done` + (got.new_id ? ` (new cluster ${got.new_id})` : "") +
        (got.merged_away ? ` (${got.merged_away} merged into ${got.cluster_id})` : ""));
      await load(false);
    } catch (err) {
      status(`${label} failed: ${err.message}`, true);
    }
  };
  confirmBtn.addEventListener("click", () => act("confirm", () => api("POST", `/clusters/${encodeURIComponent(c.cluster_id)}/confirm`, {})));
  splitBtn.addEventListener("click", () => {
    const ids = [...card.querySelectorAll("input[type=checkbox]:checked")].map((b) => b.dataset.offer);
    if (!ids.length) { status("split: tick the members that are a different product first", true); return; }
    act("split", () => api("POST", `/clusters/${encodeURIComponent(c.cluster_id)}/split`, { offer_ids: ids }));
  });
  mergeBtn.addEventListener("click", () => {
    const id = other.value.trim();
    if (!id) { status("merge: type the other cluster's id first", true); return; }
    act("merge", () => api("POST", `/clusters/${encodeURIComponent(c.cluster_id)}/merge`, { other_id: id }));
  });
  return card;
}

async function load(announce) {
  try {
    const data = await api("GET", `/clusters?sort=uncertainty&limit=${shown}&members=${MEMBERS}`);
    const main = $("#clusters");
    main.replaceChildren(...data.clusters.map(clusterCard));
    if (announce) status(`${data.clusters.length} clusters to review` + (sessionStorage.getItem(TOKEN_KEY) ? "" : " · enter the token to act"));
  } catch (err) {
    status("loading failed: " + err.message, true);
  }
}

async function undoLast() {
  try {
    const { actions } = await api("GET", "/actions?limit=200");
    const last = actions.find((a) => a.kind !== "undo" && a.undone_by === null);
    if (!last) { status("nothing to undo"); return; }
    const got = await api("POST", `/actions/${last.action_id}/undo`, {});
    status(`undid ${last.kind} ${last.action_id} (action ${got.action_id})`);
    await load(false);
  } catch (err) {
    status("undo failed: " + err.message, true);
  }
}

document.addEventListener("DOMContentLoaded", () => {
  $("#token").value = sessionStorage.getItem(TOKEN_KEY) || "";
  $("#save-token").addEventListener("click", () => {
    sessionStorage.setItem(TOKEN_KEY, $("#token").value.trim());
    status("token saved for this tab");
  });
  $("#undo").addEventListener("click", undoLast);
  $("#reload").addEventListener("click", () => load(true));
  $("#more").addEventListener("click", () => { shown += PAGE; load(true); });
  load(true);
});
