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
 * - when the best match is a section (a checklist item, a module's lesson …), the result is its
 *   page's title with that section under it, its link to the section's anchor and its own text
 *   (Material shows a group's first section with its text only under a page entry); every word
 *   is highlighted;
 * - every result names its playbook. On a playbook's pages the reader searches that playbook
 *   (and the hand-written pages); a switch on the page (luodi-search-scope.js, over a
 *   BroadcastChannel) widens the search to every playbook, whose results come grouped by
 *   playbook. A section a fork inherits unchanged is one document in the index, listing the
 *   playbooks that hold it (luodi/search.py fold_inherited): one result, which links a reader
 *   in one of those forks to the fork's own page. A section a fork changed is its own result,
 *   marked as changed.
 *
 * Build-time data (synonym groups, extra vocabulary, pinyin table) comes in config.luodi,
 * written into search_index.json by the luodi plugin (luodi/search.py).
 */
"use strict";

const SETUP = 0, READY = 1, QUERY = 2, RESULT = 3;
const HAN = /\p{sc=Han}/u;
const WORD = "\u0000";           // a sharded index's key of a word (search_shards.WORD)
const ASCII_WORD = /^[a-z0-9][a-z0-9._+#-]*$/;
const MAX_WORD = 10;          // longest vocabulary word tried when cutting a query
const MAX_GROUPS = 40;        // result groups sent back (Material renders them lazily)
const MAX_LABELS = 4;         // playbooks named on one result; more are counted
const MAX_ENTRIES = 5;        // other sections listed under a page's best match
const MAX_LIKELY = 16;        // text files fetched with the records, before ranking

let docs = [];                // prepared documents
let vocabulary = new Set();   // words for cutting queries
let synonyms = new Map();     // word → its synonym group (array of words)
let pinyin = [];              // [term, full pinyin, initials]
let asciiTokens = [];         // every ASCII token of the index, once each
let family = {};              // playbook id → {label, depth, parent, root}
let labels = {};              // the worker's words, in the site's language
let byLocation = new Map();   // every playbook's location of a document → the document
let shards = null;            // a sharded index: documents are fetched per query (load())
let byGroup = new Map();      // a sharded index: group number → its documents fetched
let answering = 0;            // the latest query: an older one's answer is dropped
// The page that started this worker names its playbook in the worker URL's fragment.
const context = decodeURIComponent(((self.location || {}).hash || "").slice(1));
let scope = "own";            // "own": the context's playbook and other pages; "all"
let lastQuery = null;         // answered again when the reader switches the scope

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
  byLocation = new Map();
  family = {};
  for (const [id, info] of Object.entries(extra.playbooks || {}))  // version 1: id → depth
    family[id] = typeof info === "number" ? { label: id, depth: info, parent: "", root: id } : info;
  labels = extra.labels || {};
  shards = extra.shards && extra.shards.format === 1 ? openShards(extra.shards) : null;
  const allTokens = new Set(shards ? extra.shards.tokens : []);
  if (shards) for (const word of extra.shards.words) vocabulary.add(word);
  docs = (shards ? [] : raw).map(doc => {
    for (const word of (decode(doc.title || "") + " " + decode(doc.text || "")).split(separator)) {
      const w = normalize(word.trim());
      if (w.length > 1 && w.length <= MAX_WORD && HAN.test(w)) vocabulary.add(w);
    }
    const prepared = prepare(doc);
    for (const field of Object.values(prepared.ascii))
      for (const token of field) allTokens.add(token);
    for (const location of locations(prepared)) byLocation.set(location, prepared);
    return prepared;
  });
  // A page's own H1 is indexed as a first section with the page's title: fold it into the
  // page, so that the page itself is what a query finds (luodi/search_shards.py does this for
  // a sharded index).
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
    const page = doc.anchor ? byLocation.get(doc.page) : null;
    complete(doc, page ? page.title : "", page ? page.tags : []);
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
  if (shards) {
    // search_shards.lexicon(): the words with a posting of their own.
    shards.lexicon = new Set([...extra.shards.words, ...extra.shards.tokens,
      ...(extra.synonyms || []).flat().map(normalize), ...(extra.terms || []).map(normalize),
      ...pinyin.map(row => normalize(row[0]))]);
  }
}

/** Where a document is in each playbook that holds it. */
function locations(doc) {
  return doc.playbook ? doc.members.map(pb => `${pb}/${doc.rel}`) : [doc.location];
}

/** A document of the index as the worker scores it. */
function prepare(doc) {
  const title = decode(doc.title || "").replace(/\u200b/g, "").trim();
  const text = decode(doc.text || "").replace(/\u200b/g, "").replace(/\s+/g, " ").trim();
  const [page, anchor] = doc.location.split("#");
  const head = doc.location.split("/", 1)[0];
  const playbook = head in family && doc.location.length > head.length ? head : "";
  // Tags are HTML in the index, as titles are: text here, escaped once where shown (item()).
  const tags = (doc.tags || []).map(tag => decode(String(tag)));
  const prepared = {
    location: doc.location, page, anchor: anchor || "", title, text,
    tags, boost: doc.boost || 1, playbook,
    members: playbook ? (doc.playbooks || [playbook]) : [],
    rel: playbook ? doc.location.slice(playbook.length + 1) : doc.location,
    changed: Boolean(doc.changed),
    titleN: normalize(title), textN: normalize(text),
    tagsN: tags.map(normalize),
  };
  // English words of each field, for prefix matching (kpi → KPI 指标).
  prepared.ascii = { title: words(prepared.titleN), tags: words(prepared.tagsN.join(" ")),
    text: words(prepared.textN) };
  return prepared;
}

/** What a document needs once its text is final: its page's title and tags (a result's
 * heading) and the forms of its title that ranking compares. */
function complete(doc, pageTitle, pageTags) {
  doc.pageTitle = doc.anchor ? pageTitle || "" : "";
  doc.pageTags = pageTags || [];
  // "超级用户/系统管理员" is both names; punctuation never counts inside a phrase.
  doc.titles = [doc.titleN, ...doc.titleN.split(/[/／|]/).map(t => t.trim()).filter(Boolean)];
  doc.titleP = squeeze(doc.titleN);
  doc.textP = squeeze(doc.textN);
}

/* ------------------------------------------------------------------ shards */

/*
 * A sharded index (luodi/search_shards.py) holds no documents. A query fetches the postings of
 * its words (a word of the index's vocabulary by its own key, any other by its characters and
 * pairs of characters), keeps the groups of documents (documents with one text) that can hold
 * every word, and fetches their records: locations, titles and tags.
 * Texts come last and only where a result shows them: a document whose text is not fetched yet
 * is ranked as if its text held every word its postings allow (an upper bound), and load()
 * fetches texts until every result shown, and every section listed under it, is ranked on its
 * real text. What is fetched stays for the next queries.
 */
function openShards(info) {
  const root = new URL(`../../search/${info.dir}/`, self.location.href);
  const empty = new Set(info.empty || []);
  const cache = new Map();     // file name → promise of what it added
  const fetchOnce = (name, use) => {
    if (!cache.has(name)) cache.set(name, fetch(new URL(`${name}?v=${info.version}`, root)).then(r => {
      if (!r.ok) throw new Error(`${name}: HTTP ${r.status}`);
      return r.json();
    }).then(use).catch(err => { cache.delete(name); throw err; }));
    return cache.get(name);
  };
  const heads = info.heads;
  const textStarts = [...fromGaps(info.texts || [])];
  const chunkOf = (starts, group) => {  // the last chunk that starts at or before the group
    let lo = 0, hi = starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (starts[mid] <= group) lo = mid; else hi = mid - 1;
    }
    return lo;
  };
  const waiting = new Map();   // text chunk → documents waiting for a text of it
  const texts = new Map();     // text chunk → its texts, once fetched
  return {
    buckets: info.buckets, boost: info.boost || 1,
    bucket: n => empty.has(n) ? Promise.resolve({}) : fetchOnce(`k${n}.json`, bucket => bucket),
    // The chunk of texts that holds a group's text (if it has one).
    textOf: group => chunkOf(textStarts, group),
    records: group => {
      const n = chunkOf(heads, group);
      return fetchOnce(`h${n}.json`, chunk => addGroups(chunk, heads[n], waiting, texts));
    },
    texts: n => fetchOnce(`t${n}.json`, chunk => {
      texts.set(n, chunk);
      for (const doc of waiting.get(n) || []) setText(doc, chunk[doc.textAt]);
      waiting.delete(n);
    }),
  };
}

function addGroups({ pages, groups }, first, waiting, texts) {
  groups.forEach(([chunk, at, records], i) => {
    for (const record of records) {
      const doc = prepare(expand(record, pages));
      doc.group = first + i;
      if (!byGroup.has(doc.group)) byGroup.set(doc.group, []);
      byGroup.get(doc.group).push(doc);
      const page = pages[record.p];
      complete(doc, page ? decode(page[1]).replace(/\u200b/g, "").trim() : "",
        page ? page[2].map(tag => decode(String(tag))) : []);
      if (texts.has(chunk)) {
        setText(doc, texts.get(chunk)[at]);
      } else if (chunk >= 0) {
        doc.textN = null;  // not fetched yet
        doc.textChunk = chunk; doc.textAt = at;
        if (!waiting.has(chunk)) waiting.set(chunk, []);
        waiting.get(chunk).push(doc);
      }
      docs.push(doc);
    }
  });
}

/** A record of a chunk as the index's document (search_shards._compact()). */
function expand(record, pages) {
  const page = pages[record.p];
  if (!page) return record;
  const [location, title, tags] = page;
  // A missing `playbooks` is the location's own: prepare() reads it so.
  return { ...record, location: record.a ? `${location}#${record.a}` : location,
    title: record.a ? record.title : title, tags: record.tags || tags };
}

function setText(doc, raw) {
  const text = decode(raw || "").replace(/\u200b/g, "").replace(/\s+/g, " ").trim();
  doc.text = text; doc.textN = normalize(text); doc.ascii.text = words(doc.textN);
  doc.textP = squeeze(doc.textN);
}

/** The keys a word can only occur where all of them do: its pairs of characters (or it). */
const keyCache = new Map();
function keysOf(word) {
  let keys = keyCache.get(word);
  if (!keys) {
    keys = pairs(word);
    if (keyCache.size > 5000) keyCache.clear();
    keyCache.set(word, keys);
  }
  return keys;
}

function pairs(word) {
  const chars = Array.from(word);
  if (chars.length < 2) return chars;
  return chars.slice(1).map((ch, i) => chars[i] + ch).filter(key => key !== " ");
}

/** The worker's side of search_shards.key_hash: FNV-1a over UTF-16 code units. */
function keyHash(key) {
  let h = 0x811c9dc5;
  for (let i = 0; i < key.length; i++) {
    h ^= key.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h;
}

/**
 * Fetch what the query's results are made of (both readings of the query, parse()).
 *
 * Postings say, for each key, which groups hold it in a title or tag and which in their text.
 * Records are fetched for the groups where some word can be in a title or tag; a group that
 * can match only in its text ranks below `bound` (6 a word and 10 a phrase, times the largest
 * boost), so its records are fetched only when fewer results than that are found. Texts are
 * fetched until every result shown is ranked on its own text (shown()).
 */
async function load(query) {
  const readings = query.phrased ? [query, query.phrased] : [query];
  const alternatives = new Set();
  for (const reading of readings)
    for (const word of reading.words) for (const alternative of word.alternatives) alternatives.add(alternative);
  // A word of the lexicon has a key of its own; another, or one whose key is missing (the
  // worker normalized it otherwise), its pairs of characters.
  const keyed = new Map();  // alternative → its keys
  const postings = new Map();
  const fetchKeys = list => Promise.all(list.filter(key => !postings.has(key)).map(async key => {
    const found = (await shards.bucket(keyHash(key) % shards.buckets))[key];
    postings.set(key, found ? { title: fromGaps(found[0]), text: fromGaps(found[1]) } : null);
  }));
  await fetchKeys([...alternatives].filter(a => shards.lexicon.has(a)).map(a => WORD + a));
  for (const alternative of alternatives)
    if (postings.get(WORD + alternative)) keyed.set(alternative, [WORD + alternative]);
  await fetchKeys([...alternatives].filter(a => !keyed.has(a)).flatMap(keysOf));
  for (const alternative of alternatives)
    if (!keyed.has(alternative)) keyed.set(alternative, keysOf(alternative));
  const none = { title: new Set(), text: new Set() };
  const listOf = key => postings.get(key) || none;
  const holds = (field, group, alternative) =>
    keyed.get(alternative).every(key => listOf(key)[field].has(group));
  const titled = new Set(), untitled = new Set();
  let bound = 0;
  for (const reading of readings) {
    reading.possible = (group, alternative) => holds("text", group, alternative);
    let found = null;
    for (const { alternatives } of reading.words) {
      const holding = new Map();  // group → whether a title or tag can hold the word
      for (const field of ["title", "text"])
        for (const group of rarest(alternatives, keyed, listOf, field))
          if (alternatives.some(alternative => holds(field, group, alternative)))
            holding.set(group, holding.get(group) || field === "title");
      found = found ? new Map([...found].filter(([g]) => holding.has(g))
        .map(([g, titledSoFar]) => [g, titledSoFar || holding.get(g)])) : holding;
      if (!found.size) break;
    }
    for (const [group, isTitled] of found || []) (isTitled ? titled : untitled).add(group);
    const single = reading.words.length === 1 && reading.parts.length === 1;
    bound = Math.max(bound, 6 * reading.words.length + (single ? 0 : 10 * reading.parts.length));
  }
  bound *= shards.boost * 1.02;  // the largest preference()
  const fetchTexts = async () => {
    for (let round = 0; round < 1000; round++) {
      const missing = new Set(shown(query).filter(doc => doc.textN === null).map(doc => doc.textChunk));
      if (!missing.size) return;
      await Promise.all([...missing].map(n => shards.texts(n)));
    }
  };
  // Only documents of these groups can match: the query ranks them, not every document.
  const pool = () => [...titled, ...untitled].flatMap(group => byGroup.get(group) || []);
  // The texts of the groups that match in a title come with their records, in one round: they
  // are the results shown, most of the time (a few files at most; load() fetches what is left).
  const likely = new Set([...titled].map(group => shards.textOf(group)));
  await Promise.all([...[...titled].map(group => shards.records(group)),
    ...(likely.size <= MAX_LIKELY ? [...likely].map(n => shards.texts(n)) : [])]);
  query.pool = pool();
  await fetchTexts();
  if (untitled.size) {
    const groups = ranked(query);
    if (groups.length < MAX_GROUPS || groups[groups.length - 1].value < bound) {
      await Promise.all([...untitled].map(group => shards.records(group)));
      query.pool = pool();
      await fetchTexts();
    }
  }
}

function fromGaps(gaps) {
  let at = 0;
  return new Set(gaps.map(gap => (at += gap)));
}

/** Groups that may hold one of the alternatives in a field: the union of each one's rarest key. */
function* rarest(alternatives, keyed, listOf, field) {
  const seen = new Set();
  for (const alternative of alternatives) {
    const lists = keyed.get(alternative).map(key => listOf(key)[field]);
    if (!lists.length) continue;
    const smallest = lists.reduce((a, b) => a.size <= b.size ? a : b);
    for (const group of smallest) if (!seen.has(group)) { seen.add(group); yield group; }
  }
}

/* ------------------------------------------------------------------ scope */

function scoped() {
  return scope === "own" && context in family;
}

function inScope(doc) {
  return !scoped() || !doc.playbook || doc.members.includes(context);
}

/** The playbook a reader who opens the document lands in: their own where it holds it. */
function landing(doc) {
  return doc.members.includes(context) ? context : doc.playbook;
}

function locate(doc) {
  return doc.playbook ? `${landing(doc)}/${doc.rel}` : doc.location;
}

/** The playbooks a result names: where the reader lands, or in the all-playbooks scope every
 * playbook that holds it; and whether it is a fork's change. */
function badge(doc) {
  if (!doc.playbook) return "";
  // The reader's own playbook first; with many forks, the first few and how many more.
  const shown = scoped() ? [landing(doc)]
    : [...doc.members.filter(pb => pb === context), ...doc.members.filter(pb => pb !== context)];
  const label = pb => (family[pb] || {}).label || pb;
  const more = shown.length > MAX_LABELS && labels["search-more"]
    ? [labels["search-more"].replace("{n}", shown.length - MAX_LABELS + 1)] : [];
  const names = [...shown.slice(0, more.length ? MAX_LABELS - 1 : shown.length).map(label),
    ...more].join(" · ");
  const changed = doc.changed && labels["search-changed"] ? ` · ${labels["search-changed"]}` : "";
  const all = shown.map(label).join(" · ");
  return ` <span class="luodi-search-playbook" title="${escapeHTML(all)}">`
    + `${escapeHTML(names + changed)}</span>`;
}

/**
 * Near-ties: the playbooks' content before other pages (guides, the format reference), and
 * where playbooks repeat each other's text, the reader's own playbook first, then parents.
 */
function preference(doc) {
  if (!doc.playbook) return 0.97;
  if (context in family) return doc.members.includes(context) ? 1.02 : 0.98;
  return 1 - 0.01 * Math.min(...doc.members.map(pb => (family[pb] || {}).depth || 0));
}

try {
  const channel = new BroadcastChannel("luodi-search");
  channel.onmessage = ev => {
    const wanted = ev.data && ev.data.scope;
    if ((wanted !== "own" && wanted !== "all") || wanted === scope) return;
    scope = wanted;
    if (lastQuery !== null) answer(lastQuery);
  };
  channel.postMessage({ hello: true });  // pages answer with the reader's choice
} catch (err) {
  // No BroadcastChannel (a very old browser, or a sandboxed frame): the scope stays "own".
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

/**
 * The query as words, each with the alternatives that count as the same word. Where words typed
 * apart form one synonym (gray release, exit criteria), `phrased` reads them as that one word
 * as well: a page may match either reading (score() takes the better).
 */
function parse(query) {
  const parts = normalize(query).split(/[\s,，、;；:：+*~^"'“”()（）]+/u).filter(Boolean);
  const words = [], phrasedWords = [];
  let grouped = false;
  for (let i = 0; i < parts.length; i++) {
    const phrase = [3, 2].map(n => parts.slice(i, i + n)).find(
      run => run.length > 1 && synonyms.has(run.join(" ")));
    if (phrase) {
      const word = phrase.join(" ");
      phrasedWords.push({ word, alternatives: [...new Set([word, ...synonyms.get(word)])] });
      grouped = true;
      for (const part of phrase) words.push(...partWords(part));
      i += phrase.length - 1;
      continue;
    }
    const pieces = partWords(parts[i]);
    words.push(...pieces);
    phrasedWords.push(...pieces);
  }
  const phrased = grouped ? { parts, words: phrasedWords, phrased: null } : null;
  return { parts, words, phrased };
}

/** One typed part as words: Chinese cut with the vocabulary, each word with its synonyms and,
 * for letters, the Chinese terms they spell in pinyin. */
function partWords(part) {
  const pieces = HAN.test(part)
    ? part.split(/([a-z0-9][a-z0-9._+#-]*)/).filter(Boolean).flatMap(
        piece => HAN.test(piece) ? cut(piece) : [piece])
    : [part];
  return pieces.map(piece => {
    const alternatives = new Set([piece,
      ...(synonyms.get(piece) || synonyms.get(singular(piece)) || [])]);
    if (ASCII_WORD.test(piece))
      for (const term of fromPinyin(piece)) {
        alternatives.add(term);
        for (const synonym of synonyms.get(term) || []) alternatives.add(synonym);
      }
    return { word: piece, alternatives: [...alternatives] };
  });
}

/** An English plural's singular (checklists → checklist), for looking up synonyms. */
function singular(word) {
  return /^[a-z]{4,}s$/.test(word) && !word.endsWith("ss") ? word.slice(0, -1) : word;
}

function words(text) {
  return [...new Set([...text.matchAll(/[a-z0-9][a-z0-9._+#-]*/g)].map(m => m[0]))];
}

function occurs(doc, alternative, field, query) {
  // A text not fetched yet (a sharded index): whatever its postings allow.
  if (field === "text" && doc.textN === null) return query.possible(doc.group, alternative);
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
  const value = scoreWords(doc, query);
  return query.phrased ? Math.max(value, scoreWords(doc, query.phrased)) : value;
}

function scoreWords(doc, query) {
  // One word typed as one part: a title that is the word wins outright.
  const single = query.words.length === 1 && query.parts.length === 1;
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
      else if (occurs(doc, alternative, "title", query)) s = 40;
      else if (occurs(doc, alternative, "tags", query)) s = 20;
      else if (occurs(doc, alternative, "text", query)) s = 6;
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
      else if (doc.textN === null || doc.textP.includes(phrase)) total += 10;
    }
  }
  return total * doc.boost * preference(doc);
}

/* ------------------------------------------------------------------ results */

/** Every word of both readings of the query (parse()). */
function allWords(query) {
  return query.phrased ? [...query.words, ...query.phrased.words] : query.words;
}

function highlighter(query) {
  const needles = [...new Set(allWords(query).flatMap(w => w.alternatives))]
    .filter(Boolean).sort((a, b) => b.length - a.length)
    .map(n => n.replace(/[.*+?^${}()|[\]\\]/g, "\\$&"));
  if (!needles.length) return text => escapeHTML(text);
  const pattern = new RegExp(`(${needles.join("|")})`, "giu");
  return text => text.split(pattern).map((piece, i) => i % 2
    ? `<mark data-md-highlight>${escapeHTML(piece)}</mark>` : escapeHTML(piece)).join("");
}

/** Where offset `at` of normalize(text) falls in text: NFKC changes lengths (… → ...). The
 * longest prefix that normalizes to at most `at` characters, found by halving (a loop over the
 * characters took a third of a second for one answer with long texts). */
function originalOffset(text, at) {
  let lo = 0, hi = text.length;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (normalize(text.slice(0, mid)).length <= at) lo = mid; else hi = mid - 1;
  }
  // Not between the two halves of a surrogate pair.
  return lo > 0 && /[\ud800-\udbff]/.test(text[lo - 1]) ? lo - 1 : lo;
}

function teaser(text, query) {
  const lower = normalize(text);
  let at = -1;
  for (const { alternatives } of allWords(query))
    for (const alternative of alternatives) {
      const i = lower.indexOf(alternative);
      if (i >= 0 && (at < 0 || i < at)) at = i;
    }
  if (at > 0 && lower.length !== text.length) at = originalOffset(text, at);
  const start = Math.max(0, at - 40);
  const snippet = text.slice(start, start + 160);
  return (start > 0 ? "…" : "") + snippet + (start + 160 < text.length ? "…" : "");
}

function item(doc, value, query, mark, title) {
  const terms = {};
  for (const { word } of query.words) terms[word] = true;
  return {
    location: locate(doc), title, text: doc.text ? `<p>${mark(teaser(doc.text, query))}</p>` : "",
    tags: doc.tags.map(tag => mark(tag)), score: value, terms,
  };
}

/**
 * The result groups a query shows, best first: one per page (at most MAX_GROUPS), each with its
 * best match and the page's other matching sections (entries), and, from a page of no playbook,
 * grouped by playbook.
 */
function ranked(query) {
  const scored = [];
  // A sharded index: the documents that can match (load()), each ranked once on its text.
  const known = query.known || (query.known = new Map());
  for (const doc of query.pool || docs) {
    if (!inScope(doc)) continue;
    let value = known.get(doc);
    if (value === undefined) {
      value = score(doc, query);
      if (doc.textN !== null) known.set(doc, value);
    }
    if (value > 0) scored.push([doc, value]);
  }
  scored.sort((a, b) => b[1] - a[1] || a[0].location.localeCompare(b[0].location));
  // One group per page, in the order of each page's best match.
  const groups = new Map();
  for (const [doc, value] of scored) {
    const page = locate(doc).split("#")[0];
    let group = groups.get(page);
    if (!group) {
      if (groups.size >= MAX_GROUPS) continue;
      group = { best: doc, value, entries: [] };
      groups.set(page, group);
    }
    if (doc !== group.best && doc.anchor) group.entries.push([doc, value]);
  }
  let ordered = [...groups.values()];
  if (!(context in family)) {
    // Searching from a page of no playbook (the home page): grouped by playbook (and the
    // other pages), in the order of each one's best result. From a playbook's page, every
    // playbook's results stay in score order, each named by its playbook.
    const rank = new Map();
    for (const group of ordered) {
      const owner = group.best.playbook ? landing(group.best) : "";
      if (!rank.has(owner)) rank.set(owner, rank.size);
      group.rank = rank.get(owner);
    }
    ordered = ordered.map((group, i) => [group, i]).sort((a, b) => a[0].rank - b[0].rank || a[1] - b[1])
      .map(([group]) => group);
  }
  for (const group of ordered) group.entries = group.entries.slice(0, MAX_ENTRIES);
  return ordered;
}

/** The documents a query's results show. */
function shown(query) {
  return ranked(query).flatMap(({ best, entries }) => [best, ...entries.map(([doc]) => doc)]);
}

function search(raw, query = parse(raw)) {
  lastQuery = raw;
  if (!query.words.length) return { items: [] };
  const mark = highlighter(query);
  const items = [];
  for (const { best, value, entries } of ranked(query)) {
    // Material shows a group's page entry as its heading (with the page's text only when no
    // section scored as high), then its best sections with their own text, then the others
    // folded away. The best match is flagged for tools that read the worker's answers.
    // Sections score below the best match, so that Material folds them away under it.
    const sections = entries.map(([doc, v]) =>
      item(doc, Math.min(v, value * 0.999), query, mark, mark(doc.title)));
    if (!best.anchor) {
      items.push([{ ...item(best, value, query, mark, mark(best.title) + badge(best)), best: true },
        ...sections]);
      continue;
    }
    const heading = { ...item(best, value, query, mark, ""), location: locate(best).split("#")[0],
      title: escapeHTML(best.pageTitle || best.page) + badge(best),
      text: "", tags: best.pageTags.map(tag => mark(tag)) };
    items.push([heading, { ...item(best, value, query, mark, mark(best.title)), best: true },
      ...sections]);
  }
  return { items };
}

/* ------------------------------------------------------------------ protocol */

/** Answer a query; with a sharded index, once what it can match is fetched. */
async function answer(raw) {
  const mine = ++answering;
  lastQuery = raw;
  try {
    const query = parse(raw);
    if (shards) await load(query);
    if (mine === answering) postMessage({ type: RESULT, data: search(raw, query) });
  } catch (err) {
    console.warn("Luodi search: cannot answer", raw, err);
    if (mine === answering) postMessage({ type: RESULT, data: { items: [] } });
  }
}

addEventListener("message", ev => {
  const message = ev.data;
  switch (message.type) {
    case SETUP:
      setup(message.data);
      postMessage({ type: READY });
      break;
    case QUERY:
      answer(message.data);
      break;
    default:
      break;
  }
});
