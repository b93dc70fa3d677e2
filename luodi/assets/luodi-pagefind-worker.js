/*
 * Luodi's Pagefind worker: Material for MkDocs' search box, answered by Pagefind.
 *
 * With `search: pagefind` the luodi plugin runs Pagefind's extended build (Chinese word
 * segmentation) over the built site into pagefind/, and points Material's search box at this
 * worker. It speaks Material's four messages (SETUP, READY, QUERY, RESULT), so the box, its
 * keyboard handling and its result list stay Material's; only the engine changes. Pagefind's
 * index is split into fragments: a query downloads only the parts of the index and the pages'
 * fragments it needs, not one index of the whole site.
 *
 * Results come back the way Material's interface expects them (see luodi-search-worker.js):
 * one group per page, each entry {location, title, text, tags, score, terms} with the query's
 * words in <mark>. When the part of a page that matches best is a section (a checklist item, a
 * lesson, a glossary term: a heading with an id), the group's link goes to that anchor.
 *
 * pagefind.js is an ES module; a classic worker loads it with a dynamic import(). Nothing of
 * it runs before the first SETUP, and pagefind/ must be served over HTTP (not file://).
 */
"use strict";

const SETUP = 0, READY = 1, QUERY = 2, RESULT = 3;
const MAX_GROUPS = 10;   // pages whose fragment is fetched per query (Material shows 10 at once)
const MAX_ENTRIES = 5;   // sections listed under a page
// This file is assets/luodi/luodi-pagefind-worker.js; the bundle is pagefind/ at the site root.
const BUNDLE = new URL("../../pagefind/", self.location.href).href;

// The page that started this worker names its playbook in the worker URL's fragment; as with
// Luodi's worker, the reader searches it (and the hand-written pages) unless the scope switch
// (luodi-search-scope.js) says "all".
const context = decodeURIComponent(((self.location || {}).hash || "").slice(1));
let scope = "own";
let lastQuery = null;

let engine = null;       // a promise of the pagefind module, made on SETUP
let pending = null;      // the latest query not answered yet
let running = false;

function escapeHTML(text) {
  return text.replace(/[&<>"']/g, c => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", "\"": "&quot;",
    "'": "&#39;" })[c]);
}

async function load() {
  const pagefind = await import(BUNDLE + "pagefind.js");
  // baseUrl "/" gives each result's URL from the site root; Material resolves it on its base.
  await pagefind.options({ basePath: BUNDLE, baseUrl: "/", excerptLength: 30 });
  await pagefind.init();
  return pagefind;
}

/** The query's words as Pagefind cuts them (Intl.Segmenter), for highlighting titles. */
function words(query) {
  const found = new Set();
  const segmenter = typeof Intl.Segmenter === "function"
    ? new Intl.Segmenter("zh", { granularity: "word" }) : null;
  const segments = segmenter ? [...segmenter.segment(query)].filter(s => s.isWordLike)
    .map(s => s.segment) : query.split(/\s+/);
  for (const word of segments) {
    const w = word.trim().toLowerCase();
    if (w) found.add(w);
  }
  return [...found];
}

function highlighter(terms) {
  const needles = [...terms].sort((a, b) => b.length - a.length)
    .map(n => n.replace(/[.*+?^${}()|[\]\\]/g, "\\$&"));
  if (!needles.length) return text => escapeHTML(text);
  const pattern = new RegExp(`(${needles.join("|")})`, "giu");
  return text => joinMarks(text.split(pattern).map((piece, i) => i % 2
    ? `<mark>${escapeHTML(piece)}</mark>` : escapeHTML(piece)).join(""));
}

/** Adjacent words in one <mark> (灰度发布, not 灰|度|发|布), marked the way Material marks. */
function joinMarks(html) {
  return html.replace(/<\/mark>(\s*)<mark>/g, "$1").replace(/<mark>/g, "<mark data-md-highlight>");
}

/** A URL of Pagefind ("/standard/forms/x/#id") as a location of Material's index. */
function siteLocation(url) {
  return url.replace(/^\/+/, "");
}

function weight(sub) {
  return (sub.weighted_locations || []).reduce((sum, l) => sum + (l.balanced_score || 0), 0);
}

/** The playbooks holding the same page, parents first, as [id, label] (JSON: site/pagefind.py):
 * on the page searched in every playbook, the page stands for its forks' copies. */
function holders(data) {
  try {
    const held = JSON.parse((data.meta && data.meta.holders) || "[]");
    return Array.isArray(held) ? held.filter(h => Array.isArray(h) && h.length === 2) : [];
  } catch (err) {
    return [];
  }
}

/** A copy's URL in the reader's own playbook, where it holds the page. */
function relocate(url, held) {
  const ids = held.map(([id]) => id);
  if (!context || !ids.includes(context) || ids[0] === context) return url;
  return url.replace(`/${ids[0]}/`, `/${context}/`);
}

/** The playbook a page belongs to, or in the all-playbooks scope every one that holds it. */
function badge(data) {
  const held = holders(data);
  let names = held.map(([, name]) => name);
  if (context && scope === "own" || names.length <= 1) {
    const label = data.meta && data.meta.playbook;
    names = label ? [label] : [];
  }
  const own = held.find(([id]) => id === context);
  if (own && names.length > 1) names = [own[1], ...names.filter(n => n !== own[1])];
  if (!names.length) return "";
  const shown = names.length > 4 ? [...names.slice(0, 3), `+${names.length - 3}`] : names;
  return ` <span class="luodi-search-playbook" title="${escapeHTML(names.join(" · "))}">`
    + `${escapeHTML(shown.join(" · "))}</span>`;
}

/** How many of the query's words a title holds. */
function covered(title, list) {
  const t = title.toLowerCase();
  return list.filter(word => t.includes(word)).length;
}

/** One page's result as a group of Material's search results. */
function group(data, score, mark, terms, list) {
  const held = holders(data);
  const at = url => relocate(url, held);
  const pageTitle = (data.meta && data.meta.title) || "";
  const sections = (data.sub_results || []).map(sub => ({
    sub, value: weight(sub), covers: covered(sub.title || "", list),
    // The page's own h1 (and the text before the first heading) is the page itself.
    anchored: Boolean(sub.anchor && sub.anchor.id && !/^h1$/i.test(sub.anchor.element)),
  }));
  // The section whose heading holds most of the query's words, then the most matches.
  sections.sort((a, b) => b.covers - a.covers || b.value - a.value);
  const best = sections[0];
  // Pagefind's own excerpts often leave Chinese words unmarked: mark its plain text instead.
  const text = found => found.plain_excerpt !== undefined ? mark(found.plain_excerpt)
    : joinMarks(found.excerpt || "");
  const entry = (loc, title, excerpt, value) => ({
    location: loc, title, text: excerpt ? `<p>${excerpt}</p>` : "", tags: [], score: value,
    terms,
  });
  // Other sections rank below the best match, in proportion to their matches (Material folds
  // away the entries that score below a group's first).
  const others = sections.filter(s => s.anchored && s !== best).slice(0, MAX_ENTRIES)
    .map(s => entry(siteLocation(at(s.sub.url)), mark(s.sub.title || ""), text(s.sub),
      score * Math.min(0.999, s.value / Math.max(best.value, 1e-9))));
  const heading = mark(pageTitle) + badge(data);
  if (best && best.anchored) {
    // As in luodi-search-worker.js: the page's title leads (Material shows a section's text
    // only under a page entry), then the best section with its own text, scored as high.
    return [entry(siteLocation(at(data.url)), heading, "", score),
      { ...entry(siteLocation(at(best.sub.url)), mark(best.sub.title || ""), text(best.sub), score),
        best: true }, ...others];
  }
  return [{ ...entry(siteLocation(at(data.url)), heading, text(data), score), best: true },
    ...others];
}

async function answer(query) {
  const pagefind = await engine;
  if (!pagefind || !query.trim()) return { items: [] };
  // Every page carries its playbook as a filter ("-" for hand-written pages: site/pagefind.py).
  // Every playbook: the pages the first of their holders has (filter "original"), each
  // standing for its forks' unchanged copies.
  const options = context && scope === "own"
    ? { filters: { playbook: { any: [context, "-"] } } } : { filters: { original: "1" } };
  const found = await pagefind.search(query, options);
  const results = (found && found.results || []).slice(0, MAX_GROUPS);
  const pages = await Promise.all(results.map(r => r.data()));
  const terms = {};
  const list = words(query);
  for (const word of list) terms[word] = true;
  const mark = highlighter(list);
  return { items: pages.map((data, i) => group(data, results[i].score, mark, terms, list)) };
}

/** Answer queries one at a time, and only the latest: a reader typing sends one per key. */
async function pump() {
  if (running) return;
  running = true;
  while (pending !== null) {
    const query = pending;
    pending = null;
    let data;
    try {
      data = await answer(query);
    } catch (err) {
      console.warn("Luodi search (Pagefind): cannot answer", query, err);
      data = { items: [] };
    }
    if (pending === null) postMessage({ type: RESULT, data });
  }
  running = false;
}

try {
  const channel = new BroadcastChannel("luodi-search");
  channel.onmessage = ev => {
    const wanted = ev.data && ev.data.scope;
    if ((wanted !== "own" && wanted !== "all") || wanted === scope) return;
    scope = wanted;
    if (lastQuery !== null && engine) { pending = lastQuery; pump(); }
  };
  channel.postMessage({ hello: true });
} catch (err) {
  // No BroadcastChannel: the scope stays "own".
}

addEventListener("message", ev => {
  const message = ev.data;
  switch (message.type) {
    case SETUP:
      engine = load().catch(err => {
        console.warn("Luodi search: cannot load Pagefind from " + BUNDLE, err);
        return null;
      });
      engine.then(() => postMessage({ type: READY }));
      break;
    case QUERY:
      pending = lastQuery = String(message.data || "");
      pump();
      break;
    default:
      break;
  }
});
