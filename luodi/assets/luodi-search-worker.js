/*
 * Luodi search worker: a drop-in replacement for Material for MkDocs' search worker.
 *
 * Material's user interface talks to its search worker through four messages (SETUP, READY,
 * QUERY, RESULT) and lets a site provide its own worker. This one keeps that protocol and
 * Material's search_index.json, and changes how a query is answered, for Chinese readers:
 *
 * - an unspaced query is cut into words with the index's own vocabulary (the words jieba found
 *   at build time) plus the glossary's terms; every word must match (AND), so 管理员培训 looks
 *   for 管理员 and 培训 (stock Material drops the last word);
 * - words match inside longer words (确认书 finds 验收确认书), English words match as token
 *   prefixes (kpi, scrum), glossary synonyms count as the same word (灰度上线 = 灰度发布), and
 *   pinyin or its initials find Chinese terms (ysqrs → 验收确认书);
 * - ranking prefers titles that the query covers exactly, then titles, tags and text;
 * - when the best match is a section (a checklist item, a module's lesson …), the result links
 *   to that section's anchor, with its page's title beside it; every word is highlighted.
 *
 * Build-time data (synonym groups, extra vocabulary, pinyin table) comes in config.luodi,
 * written into search_index.json by the luodi plugin (luodi/search.py).
 */
"use strict";

const SETUP = 0, READY = 1, QUERY = 2, RESULT = 3;
const HAN = /\p{sc=Han}/u;
const ASCII_WORD = /^[a-z0-9][a-z0-9._+#-]*$/;
const MAX_WORD = 10;          // longest vocabulary word tried when cutting a query
const MAX_GROUPS = 40;        // result groups sent back (Material renders them lazily)

let docs = [];                // prepared documents
let vocabulary = new Set();   // words for cutting queries
let synonyms = new Map();     // word → its synonym group (array of words)
let pinyin = [];              // [term, full pinyin, initials]
let asciiTokens = [];         // every ASCII token of the index, once each
let depths = {};              // playbook id → number of parents (forks come after the parent)
// The page that started this worker names its playbook in the worker URL's fragment.
const context = decodeURIComponent(((self.location || {}).hash || "").slice(1));

const ENTITIES = { "&amp;": "&", "&lt;": "<", "&gt;": ">", "&quot;": "\"", "&#39;": "'",
  "&#x27;": "'", "&nbsp;": " " };

// Text of the index's HTML: tags dropped, named and numeric character references decoded
// (Luodi writes '{' as &#123;, and titles and tags come escaped).
function decode(html) {
  return html.replace(/<[^>]*>/g, " ").replace(/&(?:#x([0-9a-f]+)|#(\d+)|\w+);/gi,
    (e, hex, dec) => {
      const n = hex ? parseInt(hex, 16) : dec ? parseInt(dec, 10) : -1;
      if (n < 0) return ENTITIES[e] || e;
      return n > 0 && n <= 0x10ffff && (n < 0xd800 || n > 0xdfff) ? String.fromCodePoint(n) : e;
    });
}

function normalize(text) {
  return text.normalize("NFKC").toLowerCase();
}

function squeeze(text) {
  return text.replace(/[\s《》“”"'‘’「」『』（）()【】\[\]<>，,。、：:；;！!？?·]+/gu, "");
}

function escapeHTML(text) {
  return text.replace(/[&<>"']/g, c => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", "\"": "&quot;",
    "'": "&#39;" })[c]);
}

/* ------------------------------------------------------------------ setup */

function setup({ config, docs: raw }) {
  const separator = new RegExp(config.separator, "g");
  const extra = config.luodi || {};
  const byLocation = new Map();
  const allTokens = new Set();
  docs = raw.map(doc => {
    const rawTitle = decode(doc.title || ""), rawText = decode(doc.text || "");
    const title = rawTitle.replace(/\u200b/g, "").trim();
    const text = rawText.replace(/\u200b/g, "").replace(/\s+/g, " ").trim();
    for (const word of (rawTitle + " " + rawText).split(separator)) {
      const w = normalize(word.trim());
      if (w.length > 1 && w.length <= MAX_WORD && HAN.test(w)) vocabulary.add(w);
    }
    const [page, anchor] = doc.location.split("#");
    // Tags are HTML in the index, as titles are: text here, escaped once where shown (item()).
    const tags = (doc.tags || []).map(tag => decode(String(tag)));
    const prepared = {
      location: doc.location, page, anchor: anchor || "", title, text,
      tags, boost: doc.boost || 1,
      titleN: normalize(title), textN: normalize(text),
      tagsN: tags.map(normalize),
    };
    // English words of each field, for prefix matching (kpi → KPI 指标).
    prepared.ascii = { title: words(prepared.titleN), tags: words(prepared.tagsN.join(" ")),
      text: words(prepared.textN) };
    for (const field of Object.values(prepared.ascii))
      for (const token of field) allTokens.add(token);
    byLocation.set(doc.location, prepared);
    return prepared;
  });
  // A page's own H1 is indexed as a first section with the page's title: fold it into the
  // page, so that the page itself is what a query finds.
  docs = docs.filter((doc, i) => {
    const page = byLocation.get(doc.page);
    const previous = docs[i - 1];
    if (doc.anchor && page && previous === page && doc.title === page.title) {
      page.text = doc.text; page.textN = doc.textN; page.ascii.text = doc.ascii.text;
      return false;
    }
    return true;
  });
  asciiTokens = [...allTokens];
  for (const doc of docs) {
    doc.pageTitle = doc.anchor ? (byLocation.get(doc.page) || {}).title || "" : "";
    // "超级用户/系统管理员" is both names; punctuation never counts inside a phrase.
    doc.titles = [doc.titleN, ...doc.titleN.split(/[/／|]/).map(t => t.trim()).filter(Boolean)];
    doc.titleP = squeeze(doc.titleN);
    doc.textP = squeeze(doc.textN);
  }
  for (const group of extra.synonyms || []) {
    const words = group.map(normalize);
    for (const word of words) {
      synonyms.set(word, words);
      if (HAN.test(word)) vocabulary.add(word);
    }
  }
  for (const word of extra.terms || []) vocabulary.add(normalize(word));
  pinyin = extra.pinyin || [];
  depths = extra.playbooks || {};
}

/**
 * Near-ties: the playbooks' content before other pages (guides, the format reference), and
 * where playbooks repeat each other's text, the reader's own playbook first, then parents.
 */
function preference(doc) {
  const playbook = doc.page.split("/", 1)[0];
  if (!(playbook in depths)) return 0.97;
  if (context in depths) return playbook === context ? 1.02 : 0.98;
  return 1 - 0.01 * depths[playbook];
}

/* ------------------------------------------------------------------ queries */

/** Cut a run of text into vocabulary words, longest first; unknown stretches stay together. */
function cut(part) {
  const words = [];
  let unknown = "";
  for (let i = 0; i < part.length;) {
    let found = "";
    for (let n = Math.min(MAX_WORD, part.length - i); n > 1; n--) {
      const candidate = part.slice(i, i + n);
      if (vocabulary.has(candidate)) { found = candidate; break; }
    }
    if (found) {
      if (unknown) { words.push(unknown); unknown = ""; }
      words.push(found);
      i += found.length;
    } else {
      unknown += part[i++];
    }
  }
  if (unknown) words.push(unknown);
  // A single unknown character next to words is noise (的, 和 …) unless it is all there is.
  const kept = words.filter(w => w.length > 1 || words.length === 1);
  return kept.length ? kept : words;
}

/** Chinese terms whose pinyin or initials the query spells. */
function fromPinyin(part) {
  if (!/^[a-z]{2,}$/.test(part)) return [];
  const exact = pinyin.filter(([, full, initials]) => full === part || initials === part);
  if (exact.length) return exact.map(([term]) => normalize(term));
  // Partial pinyin only for letters that are not an English word of the site (kpi, scrum …).
  if (asciiTokens.some(t => t.startsWith(part))) return [];
  return pinyin.filter(([, full, initials]) =>
    (part.length >= 4 && full.startsWith(part)) ||
    (part.length >= 3 && initials.startsWith(part) && initials.length - part.length <= 1))
    .map(([term]) => normalize(term));
}

/** The query as words, each with the alternatives that count as the same word. */
function parse(query) {
  const parts = normalize(query).split(/[\s,，、;；:：+*~^"'“”()（）]+/u).filter(Boolean);
  const words = [];
  for (const part of parts) {
    const pieces = HAN.test(part)
      ? part.split(/([a-z0-9][a-z0-9._+#-]*)/).filter(Boolean).flatMap(
          piece => HAN.test(piece) ? cut(piece) : [piece])
      : [part];
    for (const piece of pieces) {
      const alternatives = new Set([piece, ...(synonyms.get(piece) || [])]);
      if (ASCII_WORD.test(piece))
        for (const term of fromPinyin(piece)) {
          alternatives.add(term);
          for (const synonym of synonyms.get(term) || []) alternatives.add(synonym);
        }
      words.push({ word: piece, alternatives: [...alternatives] });
    }
  }
  return { parts, words };
}

function words(text) {
  return [...new Set([...text.matchAll(/[a-z0-9][a-z0-9._+#-]*/g)].map(m => m[0]))];
}

function occurs(doc, alternative, field) {
  if (ASCII_WORD.test(alternative))
    return doc.ascii[field].some(token => token.startsWith(alternative));
  if (field === "tags") return doc.tagsN.some(tag => tag.includes(alternative));
  return (field === "title" ? doc.titleN : doc.textN).includes(alternative);
}

/**
 * A document's score for the query, or 0 when a word is missing: every word must match.
 *
 * One word: a title that is the word (or starts with it) wins, pages before sections, then the
 * share of the title the word covers. Several words: each word found in a title or tags counts
 * most, and the words standing together as typed (a phrase) count extra.
 */
function score(doc, query) {
  const single = query.words.length === 1;
  let total = 0;
  let strong = 0;   // words found in the title or tags
  let covered = 0;  // characters of the title that the words account for
  for (const { word, alternatives } of query.words) {
    let best = 0;
    let inTitle = 0;
    for (const alternative of alternatives) {
      const weight = alternative === word ? 1 : 0.9;  // the word as typed beats a synonym
      let s = 0;
      if (doc.titles.includes(alternative)) s = single ? 120 : 45;
      else if (doc.titles.some(t => t.startsWith(alternative))) s = single ? 105 : 42;
      else if (occurs(doc, alternative, "title")) s = 40;
      else if (occurs(doc, alternative, "tags")) s = 20;
      else if (occurs(doc, alternative, "text")) s = 6;
      if (s * weight > best) {
        best = s * weight;
        inTitle = s >= 40 ? alternative.length : 0;
      }
    }
    if (!best) return 0;
    total += best;
    covered += inTitle;
    if (best >= 18) strong += 1;
  }
  if (single) {
    if (covered && !doc.anchor) total += 20;
    total += 30 * Math.min(1, covered / Math.max(1, doc.titleN.length));
  } else {
    total += 20 * strong;
    for (const part of query.parts) {
      const phrase = squeeze(part);
      if (phrase.length < 2 || phrase === part && !HAN.test(part)) continue;
      if (doc.titleP.includes(phrase)) total += 40;
      else if (doc.textP.includes(phrase)) total += 10;
    }
  }
  return total * doc.boost * preference(doc);
}

/* ------------------------------------------------------------------ results */

function highlighter(query) {
  const needles = [...new Set(query.words.flatMap(w => w.alternatives))]
    .filter(Boolean).sort((a, b) => b.length - a.length)
    .map(n => n.replace(/[.*+?^${}()|[\]\\]/g, "\\$&"));
  if (!needles.length) return text => escapeHTML(text);
  const pattern = new RegExp(`(${needles.join("|")})`, "giu");
  return text => text.split(pattern).map((piece, i) => i % 2
    ? `<mark data-md-highlight>${escapeHTML(piece)}</mark>` : escapeHTML(piece)).join("");
}

/** Where offset `at` of normalize(text) falls in text: NFKC changes lengths (… → ...). */
function originalOffset(text, at) {
  let seen = 0, offset = 0;
  for (const ch of text) {
    seen += normalize(ch).length;
    if (seen > at) return offset;
    offset += ch.length;
  }
  return offset;
}

function teaser(text, query) {
  const lower = normalize(text);
  let at = -1;
  for (const { alternatives } of query.words)
    for (const alternative of alternatives) {
      const i = lower.indexOf(alternative);
      if (i >= 0 && (at < 0 || i < at)) at = i;
    }
  if (at > 0 && lower.length !== text.length) at = originalOffset(text, at);
  const start = Math.max(0, at - 40);
  const snippet = text.slice(start, start + 160);
  return (start > 0 ? "…" : "") + snippet + (start + 160 < text.length ? "…" : "");
}

function item(doc, value, query, mark, withPage) {
  const title = mark(doc.title) + (withPage && doc.pageTitle
    ? ` <small class="luodi-search-page">· ${escapeHTML(doc.pageTitle)}</small>` : "");
  const terms = {};
  for (const { word } of query.words) terms[word] = true;
  return {
    location: doc.location, title, text: doc.text ? `<p>${mark(teaser(doc.text, query))}</p>` : "",
    tags: doc.tags.map(tag => mark(tag)), score: value, terms,
  };
}

function search(raw) {
  const query = parse(raw);
  if (!query.words.length) return { items: [] };
  const mark = highlighter(query);
  const scored = [];
  for (const doc of docs) {
    const value = score(doc, query);
    if (value > 0) scored.push([doc, value]);
  }
  scored.sort((a, b) => b[1] - a[1] || a[0].location.localeCompare(b[0].location));
  // One group per page, in the order of each page's best match. Material's interface shows a
  // group's page-level entry as its heading link; when the best match is a section, the section
  // itself becomes the heading (the interface takes the last entry when there is no page entry).
  const groups = new Map();
  for (const [doc, value] of scored) {
    let group = groups.get(doc.page);
    if (!group) {
      if (groups.size >= MAX_GROUPS) continue;
      group = { best: doc, entries: [] };
      groups.set(doc.page, group);
    }
    if (doc === group.best || (group.best.anchor && !doc.anchor)) continue;
    group.entries.push(item(doc, value, query, mark, false));
  }
  const items = [];
  for (const { best, entries } of groups.values()) {
    const bestValue = scored.find(([doc]) => doc === best)[1];
    const head = item(best, bestValue, query, mark, Boolean(best.anchor));
    items.push(best.anchor ? [...entries.slice(0, 5), head] : [head, ...entries.slice(0, 5)]);
  }
  return { items };
}

/* ------------------------------------------------------------------ protocol */

addEventListener("message", ev => {
  const message = ev.data;
  switch (message.type) {
    case SETUP:
      setup(message.data);
      postMessage({ type: READY });
      break;
    case QUERY:
      try {
        postMessage({ type: RESULT, data: search(message.data) });
      } catch (err) {
        console.warn("Luodi search: cannot answer", message.data, err);
        postMessage({ type: RESULT, data: { items: [] } });
      }
      break;
    default:
      break;
  }
});
