/* Luodi reader: what readers and trainers do in the browser, with nothing loaded from elsewhere.
 *
 * - Checklist items of phase and role pages become checkboxes. Ticks are saved in localStorage
 *   under "luodi:<playbook id>" as {format, version, playbook, items: {<item id>: true}}: by item
 *   id only, never by position or title, so a changed playbook never moves a tick to another item.
 *   Ticks of ids that are not on the page are kept as they are.
 * - Phase and role pages show progress (done / total, and the Must items), and readers can export
 *   the ticks to a JSON file, import such a file (checked first: a bad file changes nothing) and
 *   reset them after a confirmation.
 * - Items, modules and lessons get a copy-link button (stable URL with the id as anchor).
 * - An old anchor (an alias the plugin marks with .luodi-alias) is rewritten to the new id.
 * - Self-check questions of course pages get "got it / missed it" buttons once the answer is
 *   open; the results are saved under "luodi:quiz:<playbook id>" as {format, version, playbook,
 *   answers: {<question id>: "right" | "wrong"}}, by question id like ticks.
 *
 * The page says which playbook it belongs to in <div class="luodi-page" data-luodi-…>, written by
 * the plugin; labels come from luodi-labels.js (generated from luodi/i18n.py).
 */
(function () {
  "use strict";

  var FORMAT = "luodi-progress";
  var VERSION = 1;
  var PREFIX = "luodi:";
  var NAME_KEY = "luodi:status:name";  // the name a reader gives (no playbook id has a colon)
  // Ids as the model defines them: luodi-labels.js carries the pattern from the build (without
  // it, nothing matches and an import is refused rather than half checked).
  var ID = new RegExp(window.luodiIdPattern || "(?!)");
  var filterAgain = null;  // the phase page's filters, run again after a tick
  var LINK_ICON =
    '<svg viewBox="0 0 24 24" width="16" height="16" aria-hidden="true" focusable="false">' +
    '<path fill="currentColor" d="M10.6 13.4a1 1 0 0 1 0-1.4l3.5-3.5a1 1 0 1 1 1.4 1.4L12 13.4a1 1 0 0 1-1.4 0zM8.5 ' +
    '19a4.5 4.5 0 0 1-3.2-7.7l2.5-2.5a1 1 0 0 1 1.4 1.4l-2.5 2.5a2.5 2.5 0 0 0 3.5 3.5l2.5-2.5a1 1 0 0 ' +
    '1 1.4 1.4l-2.5 2.5A4.5 4.5 0 0 1 8.5 19zm7.3-4.4a1 1 0 0 1-.7-1.7l2.5-2.5a2.5 2.5 0 0 0-3.5-3.5l-2.5 ' +
    '2.5a1 1 0 0 1-1.4-1.4l2.5-2.5a4.5 4.5 0 0 1 6.4 6.4l-2.5 2.5a1 1 0 0 1-.8.2z"/></svg>';

  // ------------------------------------------------------------------ page and labels

  function pageInfo() {
    var marker = document.querySelector(".luodi-page[data-luodi-playbook]");
    var htmlLang = (document.documentElement.lang || "zh").slice(0, 2);
    var lang = marker ? marker.getAttribute("data-luodi-lang") : htmlLang;
    var all = window.luodiLabels || {};
    return {
      playbook: marker ? marker.getAttribute("data-luodi-playbook") : "",
      title: marker ? marker.getAttribute("data-luodi-title") : "",
      kind: marker ? marker.getAttribute("data-luodi-kind") : "",
      labels: all[lang] || all.zh || {}
    };
  }

  function format(text, values) {
    return String(text).replace(/\{(\w+)\}/g, function (whole, key) {
      return values && Object.prototype.hasOwnProperty.call(values, key) ? String(values[key]) : whole;
    });
  }

  function make(tag, attrs, text) {
    var el = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (name) { el.setAttribute(name, attrs[name]); });
    if (text !== undefined) el.textContent = text;
    return el;
  }

  function pageUrl() {
    // Without ?h=… (search highlighting) or an old #fragment; works for http(s) and file://.
    return location.href.replace(/[?#].*$/, "");
  }

  // Title of an item, module or lesson, without what Luodi and the theme add to the element.
  // Read from the element's own nodes, not from a copy of it: pages hold thousands of items.
  var EXTRAS = ["headerlink", "luodi-check", "luodi-copy-link", "luodi-alias"];
  function titleOf(el) {
    var link = el.matches("li") ? el.querySelector(":scope > a") : null;
    if (link) return link.textContent.replace(/\s+/g, " ").trim();
    var text = "";
    for (var node = el.firstChild; node; node = node.nextSibling) {
      if (node.nodeType === 1 && EXTRAS.some(function (c) { return node.classList.contains(c); })) continue;
      text += node.textContent;
    }
    return text.replace(/\s+/g, " ").trim();
  }

  // ------------------------------------------------------------------ saved ticks

  // One saved object of the reader's (their ticks, their answers): {} when there is none, or
  // when what is there is not an object.
  function loadSaved(key, field) {
    try {
      var data = JSON.parse(localStorage.getItem(key) || "null");
      var value = data && data[field];
      return value && typeof value === "object" && !Array.isArray(value) ? value : {};
    } catch (e) {
      return {};
    }
  }

  function loadTicks(playbook) { return loadSaved(PREFIX + playbook, "items"); }

  function saveTicks(playbook, items) {  // throws when the browser refuses storage
    var sorted = {};
    Object.keys(items).sort().forEach(function (id) { if (items[id] === true) sorted[id] = true; });
    localStorage.setItem(PREFIX + playbook,
      JSON.stringify({ format: FORMAT, version: VERSION, playbook: playbook, items: sorted }));
  }

  function countTicks(items) {
    return Object.keys(items).filter(function (id) { return items[id] === true; }).length;
  }

  // Checks a progress file; returns {items} or {error} (a message for the reader).
  function parseProgress(text, info) {
    var L = info.labels;
    var data;
    try {
      data = JSON.parse(text);
    } catch (e) {
      return { error: L["reader-import-bad-json"] };
    }
    if (!data || typeof data !== "object" || Array.isArray(data) || data.format !== FORMAT) {
      return { error: L["reader-import-bad-format"] };
    }
    if (data.version !== VERSION) {
      return { error: format(L["reader-import-bad-version"],
        { version: String(JSON.stringify(data.version)).slice(0, 20) }) };
    }
    if (typeof data.playbook !== "string") return { error: L["reader-import-bad-format"] };
    if (data.playbook !== info.playbook) {
      return { error: format(L["reader-import-other-playbook"],
        { other: data.playbook.slice(0, 80), playbook: info.title || info.playbook }) };
    }
    var items = data.items;
    if (!items || typeof items !== "object" || Array.isArray(items)) {
      return { error: L["reader-import-bad-format"] };
    }
    var clean = {};
    var ids = Object.keys(items);
    for (var i = 0; i < ids.length; i++) {
      if (!ID.test(ids[i]) || typeof items[ids[i]] !== "boolean") {
        return { error: L["reader-import-bad-format"] };
      }
      if (items[ids[i]]) clean[ids[i]] = true;
    }
    return { items: clean };
  }

  // ------------------------------------------------------------------ checklist

  // The items a reader ticks: Won't items are an agreement on scope, not work, and get no box.
  function checklistItems(kind) {
    if (kind === "phase") {
      var blocks = document.querySelectorAll(".md-content .luodi-item-block");
      var found = [];
      for (var i = 0; i < blocks.length; i++) {
        var block = blocks[i];
        var el = block.querySelector(".luodi-item[id]");
        var priority = block.getAttribute("data-priority");
        if (el && priority !== "wont") found.push({ id: el.id, el: el, block: block, must: priority === "must" });
      }
      return found;
    }
    if (kind === "role") {
      return Array.prototype.map.call(
        document.querySelectorAll(".md-content .luodi-own-items li.luodi-role-item[id]"),
        function (el) {
          return { id: el.id, el: el, block: el, must: !!el.querySelector(".luodi-priority-must"),
            listItem: true };
        });
    }
    return [];
  }

  // A heading's own text, moved into the label of its box: tapping the title ticks the item.
  function labelTitle(heading, boxId) {
    var label = document.createElement("label");
    label.className = "luodi-check-label";
    label.htmlFor = boxId;
    var node = heading.firstChild;
    while (node) {
      var next = node.nextSibling;
      var extra = node.nodeType === 1 && EXTRAS.some(function (c) { return node.classList.contains(c); });
      if (!extra) label.appendChild(node);
      node = next;
    }
    heading.insertBefore(label, heading.firstChild);
  }

  function setupChecklist(info) {
    var items = checklistItems(info.kind);
    if (!items.length || document.querySelector(".luodi-progress-panel")) return;
    var L = info.labels;
    var byId = {};

    // One checkbox made, then copied: a page may hold ten thousand items.
    var template = make("span", { class: "luodi-check" });
    template.appendChild(make("input", { type: "checkbox", class: "luodi-check-input" }));
    // Print shows a character instead of the form control: ☑ or ☐.
    template.appendChild(make("span", { class: "luodi-check-print", "aria-hidden": "true" }));
    items.forEach(function (item) {
      var wrap = template.cloneNode(true);
      item.box = wrap.firstChild;
      item.box.setAttribute("data-luodi-id", item.id);
      if (item.listItem) {  // its title is a link to the phase page: named, not a label
        item.box.setAttribute("aria-label", titleOf(item.el));
      } else {
        item.box.id = "luodi-check-" + item.id;
        labelTitle(item.el, item.box.id);
      }
      item.el.insertBefore(wrap, item.el.firstChild);
      byId[item.id] = item;
    });

    var panel = buildPanel(L);
    var anchor = document.getElementById(info.kind === "phase" ? "checklist" : "items");
    if (anchor && anchor.parentNode) anchor.parentNode.insertBefore(panel.root, anchor.nextSibling);
    else items[0].el.parentNode.insertBefore(panel.root, items[0].el);

    function say(message, isError) {
      panel.status.textContent = message;
      panel.status.classList.toggle("luodi-error", !!isError);
    }

    // The ticks and counts of this page, kept in step with each tick: a tick changes one item
    // and two numbers, never a walk over every item.
    var ticks = {};
    var counts = { done: 0, must: 0, mustDone: 0 };

    function show() {
      panel.setBar(panel.all, counts.done, items.length, format(L["reader-progress-all"],
        { done: counts.done, total: items.length }));
      panel.setBar(panel.must, counts.mustDone, counts.must, format(L["reader-progress-must"],
        { done: counts.mustDone, total: counts.must }));
    }

    function mark(item, on) {
      item.box.checked = on;
      item.block.classList.toggle("luodi-done", on);
    }

    function refresh() {  // everything again: on load, import, reset, or another tab's change
      ticks = loadTicks(info.playbook);
      counts = { done: 0, must: 0, mustDone: 0 };
      items.forEach(function (item) {
        var on = ticks[item.id] === true;
        if (on || item.box.checked) mark(item, on);
        if (on) counts.done += 1;
        if (item.must) {
          counts.must += 1;
          if (on) counts.mustDone += 1;
        }
      });
      show();
    }

    function store(next) {
      try {
        saveTicks(info.playbook, next);
        return true;
      } catch (e) {
        say(L["reader-storage-error"], true);
        return false;
      }
    }

    // A renamed item (the plugin marks its old id as an alias) keeps its tick: move it over.
    var saved = loadTicks(info.playbook);
    var moved = false;
    document.querySelectorAll(".luodi-alias[data-luodi-alias-of]").forEach(function (alias) {
      var now = alias.getAttribute("data-luodi-alias-of");
      if (saved[alias.id] === true && !(now in saved)) {
        saved[now] = true;
        delete saved[alias.id];
        moved = true;
      }
    });
    if (moved) store(saved);

    function change(box) {  // one listener for every checkbox (at the end of this file)
      var item = byId[box.getAttribute("data-luodi-id")];
      if (!item || item.box !== box) return;
      var on = box.checked;
      if (on) ticks[item.id] = true;
      else delete ticks[item.id];
      if (!store(ticks)) {
        if (on) delete ticks[item.id];
        else ticks[item.id] = true;
        box.checked = !on;
        return;
      }
      mark(item, on);
      var step = on ? 1 : -1;
      counts.done += step;
      if (item.must) counts.mustDone += step;
      show();
      if (filterAgain) filterAgain();
    }

    panel.exportButton.addEventListener("click", function () {
      var current = loadTicks(info.playbook);
      var data = { format: FORMAT, version: VERSION, playbook: info.playbook,
        title: info.title, exported: new Date().toISOString(), items: {} };
      Object.keys(current).sort().forEach(function (id) {
        if (current[id] === true) data.items[id] = true;
      });
      download(JSON.stringify(data, null, 2) + "\n", "application/json",
        "luodi-progress-" + info.playbook + ".json");
      say(format(L["reader-exported"], { n: countTicks(data.items) }));
    });

    // The reader's ticks as status.yaml lines (done, by them, today), for the team's file: no
    // server, the lines go into the repository by pull request.
    panel.statusButton.addEventListener("click", function () {
      var current = loadTicks(info.playbook);
      var ids = Object.keys(current).sort().filter(function (id) { return current[id] === true; });
      if (!ids.length) { say(L["reader-status-none"], true); return; }
      var saved = "";
      try { saved = localStorage.getItem(NAME_KEY) || ""; } catch (err) { /* private mode */ }
      var name = window.prompt(L["reader-status-name"], saved);
      if (name === null) return;
      name = name.replace(/[\u0000-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g, "").trim();
      try { localStorage.setItem(NAME_KEY, name); } catch (err) { /* private mode */ }
      var now = new Date();
      var day = now.getFullYear() + "-" + ("0" + (now.getMonth() + 1)).slice(-2) + "-" +
        ("0" + now.getDate()).slice(-2);
      // JSON strings are YAML double-quoted strings: whatever the name holds, it stays text.
      var lines = ["# " + (info.title || info.playbook) + ": " + ids.length + " item(s), " + day,
        "items:"].concat(ids.map(function (id) {
          return "  " + id + ": {state: done, by: " + JSON.stringify(name) + ", date: \"" + day +
            "\"}";
        }));
      var text = lines.join("\n") + "\n";
      var file = info.playbook + "-status-" + day + ".yaml";
      download(text, "text/yaml", file);
      if (navigator.clipboard && navigator.clipboard.writeText) {
        navigator.clipboard.writeText(text).catch(function () { /* the download is there */ });
      }
      say(format(L["reader-status-done"], { n: ids.length, file: file, playbook: info.playbook }));
    });

    // An import says what it would change and merges by default: replacing would clear the
    // ticks here that the file lacks, and only an explicit choice does that.
    function imported(fileItems) {
      var here = loadTicks(info.playbook);
      var added = Object.keys(fileItems).filter(function (id) { return here[id] !== true; });
      var removed = Object.keys(here).filter(function (id) {
        return here[id] === true && fileItems[id] !== true;
      });
      var merged = {};
      Object.keys(here).forEach(function (id) { if (here[id] === true) merged[id] = true; });
      added.forEach(function (id) { merged[id] = true; });
      function merge() {
        if (!added.length) { say(L["reader-import-nothing-new"]); return; }
        if (store(merged)) {
          refresh();
          say(format(L["reader-imported-merged"], { added: added.length, n: countTicks(merged) }));
        }
      }
      if (!removed.length) { merge(); return; }
      choose(format(L["reader-import-question"], { file: countTicks(fileItems), added: added.length,
        removed: removed.length }), [
        format(L["reader-import-merge-hint"], { merged: countTicks(merged) }),
        format(L["reader-import-replace-hint"], { removed: removed.length, file: countTicks(fileItems) })
      ], function (answer) {
        if (answer === "merge") merge();
        else if (answer === "replace" && store(fileItems)) {
          refresh();
          say(format(L["reader-imported"], { n: countTicks(fileItems) }));
        }
      });
    }

    function choose(question, hints, done) {
      var dialog = make("dialog", { "class": "luodi-dialog", "aria-labelledby": "luodi-dialog-q" });
      dialog.appendChild(make("p", { id: "luodi-dialog-q" }, question));
      hints.forEach(function (hint) { dialog.appendChild(make("p", { "class": "luodi-dialog-hint" }, hint)); });
      var row = make("div", { "class": "luodi-progress-actions" });
      [["merge", "reader-import-merge"], ["replace", "reader-import-replace"],
        ["cancel", "reader-import-cancel"]].forEach(function (pair) {
        var button = make("button", { type: "button", "class": "luodi-button", value: pair[0] }, L[pair[1]]);
        button.addEventListener("click", function () { dialog.close(pair[0]); });
        row.appendChild(button);
      });
      dialog.appendChild(row);
      dialog.addEventListener("close", function () {
        var answer = dialog.returnValue;
        dialog.remove();
        done(answer);
      });
      document.body.appendChild(dialog);
      dialog.showModal();
      row.firstChild.focus();  // merge, the safe choice, is the default
    }

    panel.importInput.addEventListener("change", function () {
      var file = panel.importInput.files && panel.importInput.files[0];
      if (!file) return;
      var reader = new FileReader();
      reader.onload = function () {
        var result = parseProgress(String(reader.result), info);
        if (result.error) say(result.error, true);
        else imported(result.items);
      };
      reader.onerror = function () { say(L["reader-import-unreadable"], true); };
      reader.readAsText(file);
      panel.importInput.value = "";  // the same file can be chosen again
    });

    panel.resetButton.addEventListener("click", function () {
      var n = countTicks(loadTicks(info.playbook));
      var question = format(L["reader-reset-confirm"], { playbook: info.title || info.playbook, n: n });
      if (!window.confirm(question)) return;
      try {
        localStorage.removeItem(PREFIX + info.playbook);
      } catch (e) {
        say(L["reader-storage-error"], true);
        return;
      }
      refresh();
      say(L["reader-reset-done"]);
    });

    active = { key: PREFIX + info.playbook, refresh: refresh, change: change };
    refresh();
    holdSize(panel.bars);  // with its text: the height it is held at must fit it
    setupFilters(L);
  }

  // The phase page's filters: by priority, by a role that executes or approves, by the
  // reader's ticks. A priority's heading goes with its items.
  function setupFilters(L) {
    var bar = document.querySelector(".md-content .luodi-filters");
    if (!bar) return;
    var blocks = Array.prototype.slice.call(document.querySelectorAll(".md-content .luodi-item-block"));
    var selects = bar.querySelectorAll("select[data-filter]");
    var count = bar.querySelector(".luodi-filter-count");
    function value(name) { return bar.querySelector('select[data-filter="' + name + '"]').value; }
    function apply() {
      var priority = value("priority"), role = value("role"), state = value("state");
      var shown = 0;
      blocks.forEach(function (block) {
        var done = block.classList.contains("luodi-done");
        var ok = (!priority || block.getAttribute("data-priority") === priority) &&
          (!role || (" " + block.getAttribute("data-roles") + " ").indexOf(" " + role + " ") >= 0) &&
          (!state || (block.getAttribute("data-priority") !== "wont" && (state === "done") === done));
        block.hidden = !ok;
        if (ok) shown += 1;
      });
      // Each priority's heading (and note) shows while one of its items does.
      document.querySelectorAll(".md-content h3[id^='priority-']").forEach(function (h3) {
        var any = false;
        for (var el = h3.nextElementSibling; el && !/^H[23]$/.test(el.tagName); el = el.nextElementSibling) {
          if (el.classList.contains("luodi-item-block") && !el.hidden) any = true;
        }
        h3.hidden = !any;
        for (el = h3.nextElementSibling; el && !/^H[23]$/.test(el.tagName); el = el.nextElementSibling) {
          if (el.classList.contains("luodi-wont-note")) el.hidden = !any;
        }
      });
      var filtering = priority || role || state;
      count.textContent = filtering ? format(L["reader-filter-count"], { shown: shown, total: blocks.length }) : "";
    }
    Array.prototype.forEach.call(selects, function (select) { select.addEventListener("change", apply); });
    bar.hidden = false;
    // A tick moves an item in or out of "open" and "done": only that filter needs a new pass.
    filterAgain = function () { if (value("state")) apply(); };
  }

  // The progress rows keep the height they have with their first text, and nothing inside them
  // can change the layout around them: on a page of thousands of items a tick then costs a few
  // milliseconds, not a layout of the whole page. Measured once, and again on resize.
  function holdSize(el) {
    function hold() {
      el.classList.remove("luodi-held");
      el.style.height = "";
      el.style.height = el.offsetHeight + "px";
      el.classList.add("luodi-held");
    }
    var pending = false;
    window.addEventListener("resize", function () {
      if (pending || !el.isConnected) return;
      pending = true;
      requestAnimationFrame(function () { pending = false; hold(); });
    });
    hold();
  }

  // A file made in the page, saved by the browser: no server.
  function download(text, type, file) {
    var link = make("a", { href: URL.createObjectURL(new Blob([text], { type: type })),
      download: file, hidden: "" });
    document.body.appendChild(link);
    link.click();
    setTimeout(function () { URL.revokeObjectURL(link.href); link.remove(); }, 1000);
  }

  function buildPanel(L) {
    var root = make("section", { class: "luodi-progress-panel", "data-search-exclude": "",
      "aria-labelledby": "luodi-progress-heading" });
    root.appendChild(make("p", { class: "luodi-progress-heading", id: "luodi-progress-heading" },
      L["reader-progress"]));

    var bars = make("div", { class: "luodi-progress-bars" });
    root.appendChild(bars);

    function bar(name) {
      var row = make("div", { class: "luodi-progress-row luodi-progress-" + name });
      var text = make("span", { class: "luodi-progress-text", id: "luodi-progress-" + name + "-text" });
      var meter = make("progress", { class: "luodi-progress-bar", max: "1", value: "0",
        "aria-labelledby": "luodi-progress-" + name + "-text" });
      row.appendChild(text);
      row.appendChild(meter);
      bars.appendChild(row);
      return { text: text, meter: meter };
    }

    var all = bar("all");
    var must = bar("must");
    root.appendChild(make("p", { class: "luodi-progress-hint" }, L["reader-progress-hint"]));
    var actions = make("div", { class: "luodi-progress-actions" });
    var exportButton = make("button", { type: "button", class: "luodi-button" },
      L["reader-export"]);
    var statusButton = make("button", { type: "button", class: "luodi-button" },
      L["reader-status-lines"]);
    var importLabel = make("label", { class: "luodi-button luodi-import" });
    importLabel.appendChild(make("span", {}, L["reader-import"]));
    var importInput = make("input", { type: "file", accept: ".json,application/json",
      class: "luodi-import-input" });
    importLabel.appendChild(importInput);
    var resetButton = make("button", { type: "button", class: "luodi-button" },
      L["reader-reset"]);
    actions.appendChild(exportButton);
    actions.appendChild(statusButton);
    actions.appendChild(importLabel);
    actions.appendChild(resetButton);
    root.appendChild(actions);
    var status = make("p", { class: "luodi-progress-status", role: "status", "aria-live": "polite" });
    root.appendChild(status);

    return {
      root: root, bars: bars, all: all, must: must, status: status, exportButton: exportButton,
      statusButton: statusButton,
      importInput: importInput, resetButton: resetButton,
      setBar: function (part, done, total, text) {
        part.text.textContent = text;
        part.meter.max = Math.max(total, 1);
        part.meter.value = done;
      }
    };
  }

  // ------------------------------------------------------------------ copy links

  function toast(message) {
    var box = document.querySelector(".luodi-toast");
    if (!box) {
      box = make("div", { class: "luodi-toast", role: "status", "aria-live": "polite" });
      document.body.appendChild(box);
    }
    box.textContent = message;
    box.classList.add("luodi-toast-shown");
    clearTimeout(box.luodiTimer);
    box.luodiTimer = setTimeout(function () { box.classList.remove("luodi-toast-shown"); }, 4000);
  }

  // The Clipboard API exists on HTTPS and localhost only; an intranet host on plain HTTP has
  // none, where a selected text field and the copy command still work.
  function copyBySelection(text) {
    var field = make("textarea", { readonly: "", "aria-hidden": "true",
      style: "position:fixed;top:0;left:-9999px;opacity:0" });
    field.value = text;
    document.body.appendChild(field);
    field.select();
    var copied = false;
    try { copied = document.execCommand("copy"); } catch (e) { copied = false; }
    field.remove();
    return copied;
  }

  function copyLink(url, L) {
    function done() { toast(format(L["reader-copied"], { url: url })); }
    function fallback() {
      if (copyBySelection(url)) done();
      else window.prompt(L["reader-copy-prompt"], url);  // the last resort: copy it by hand
    }
    if (navigator.clipboard && navigator.clipboard.writeText && window.isSecureContext) {
      navigator.clipboard.writeText(url).then(done, fallback);
    } else {
      fallback();
    }
  }

  var buttonTemplate = null;

  // Buttons are copies of one, and one listener (setupCopyLinks) serves them all.
  function copyButton(title, url, L) {
    if (!buttonTemplate) {
      buttonTemplate = make("button", { type: "button", class: "luodi-copy-link",
        title: L["reader-copy-link"] });
      buttonTemplate.innerHTML = LINK_ICON;
    }
    var button = buttonTemplate.cloneNode(true);
    button.setAttribute("aria-label",
      title ? format(L["reader-copy-link-to"], { title: title }) : L["reader-copy-link"]);
    button.setAttribute("data-luodi-url", url);
    return button;
  }

  var copyListening = false;

  function listenForCopies(L) {
    if (copyListening) return;
    copyListening = true;
    document.addEventListener("click", function (event) {
      var button = event.target && event.target.closest && event.target.closest(".luodi-copy-link");
      if (!button) return;
      event.preventDefault();
      event.stopPropagation();
      copyLink(button.getAttribute("data-luodi-url"), L);
    });
  }

  function setupCopyLinks(info) {
    var L = info.labels;
    var base = pageUrl();
    listenForCopies(L);
    // Items (phase pages, role pages, embedded checklists) and lessons: this page + #id.
    document.querySelectorAll(
      ".md-content .luodi-item[id], .md-content li.luodi-role-item[id], .md-content .luodi-lesson[id]"
    ).forEach(function (el) {
      if (el.querySelector(":scope > .luodi-copy-link")) return;
      var button = copyButton(titleOf(el), base + "#" + el.id, L);
      var link = el.matches("li") ? el.querySelector(":scope > a") : el.querySelector(".headerlink");
      if (link && el.matches("li")) el.insertBefore(button, link.nextSibling);
      else if (link) {  // one link icon: the copy button takes the theme's ¶ place
        el.insertBefore(button, link);
        link.remove();
      } else el.appendChild(button);
    });
    // Modules listed on a role page or handout: the course page's own URL.
    if (info.kind === "role" || info.kind === "handout") {
      document.querySelectorAll(".md-content li > span[id]:first-child + a[href]").forEach(function (link) {
        var li = link.parentNode;
        if (li.querySelector(":scope > .luodi-copy-link") || !/training\//.test(link.getAttribute("href"))) return;
        li.insertBefore(copyButton(link.textContent.trim(), link.href.replace(/[?#].*$/, ""), L),
          link.nextSibling);
      });
    }
    // A course page: the module itself.
    if (info.kind === "module") {
      var h1 = document.querySelector(".md-content h1");
      if (h1 && !h1.querySelector(".luodi-copy-link")) h1.appendChild(copyButton(titleOf(h1), base, L));
    }
  }

  // ------------------------------------------------------------------ old anchors

  function followAlias() {
    var id;
    try {
      id = decodeURIComponent(location.hash.slice(1));
    } catch (e) {
      return;
    }
    var alias = id && document.getElementById(id);
    if (!alias || !alias.classList.contains("luodi-alias")) return;
    var now = alias.getAttribute("data-luodi-alias-of");
    history.replaceState(history.state, "", "#" + now);
    var target = document.getElementById(now);
    if (target) target.scrollIntoView();
  }

  // ------------------------------------------------------------------ start

  var active = null;  // the checklist of the page shown now

  // The theme's search dialog has no accessible name (axe aria-dialog-name): give it the name
  // of its own search field.
  function nameSearchDialog() {
    var dialog = document.querySelector('.md-search[role="dialog"]:not([aria-label]):not([aria-labelledby])');
    var field = document.querySelector(".md-search__input");
    var name = field && (field.getAttribute("aria-label") || field.getAttribute("placeholder"));
    if (dialog && name) dialog.setAttribute("aria-label", name);
  }

  // ------------------------------------------------------------------ self-check questions

  var QUIZ_PREFIX = "luodi:quiz:";  // a playbook id has no colon: never a playbook's ticks

  function loadAnswers(playbook) { return loadSaved(QUIZ_PREFIX + playbook, "answers"); }

  function setupQuestions(info) {
    var questions = document.querySelectorAll("details.luodi-question[data-question]");
    if (!questions.length) return;
    var L = info.labels;
    var key = QUIZ_PREFIX + info.playbook;
    var score = make("p", { "class": "luodi-self-check-score", "aria-live": "polite" });
    // Under the course's "lessons" heading (a handout: before its first questions).
    var heading = document.getElementById("lessons");
    var first = document.querySelector(".luodi-questions");
    if (heading) heading.parentNode.insertBefore(score, heading.nextSibling);
    else first.parentNode.insertBefore(score, first);

    function show() {
      var answers = loadAnswers(info.playbook);
      var right = 0;
      Array.prototype.forEach.call(questions, function (q) {
        var id = q.getAttribute("data-question");
        var result = answers[id] === "right" || answers[id] === "wrong" ? answers[id] : "";
        if (result === "right") right += 1;
        if (result) q.setAttribute("data-result", result); else q.removeAttribute("data-result");
        Array.prototype.forEach.call(q.querySelectorAll("button[data-result]"), function (b) {
          b.setAttribute("aria-pressed", String(b.getAttribute("data-result") === result));
        });
      });
      score.textContent = format(L["reader-self-check-score"], { right: right, total: questions.length });
    }

    function record(id, result) {
      var answers = loadAnswers(info.playbook);
      if (answers[id] === result) delete answers[id]; else answers[id] = result;  // a second tap undoes
      try {
        localStorage.setItem(key, JSON.stringify(
          { format: "luodi-self-check", version: 1, playbook: info.playbook, answers: answers }));
      } catch (e) { /* private mode: the result lasts as long as the page */ }
      show();
    }

    Array.prototype.forEach.call(questions, function (q) {
      var answer = q.querySelector(".luodi-answer");
      if (!answer || answer.querySelector(".luodi-answer-actions")) return;
      var actions = make("div", { "class": "luodi-answer-actions" });
      ["right", "wrong"].forEach(function (result) {
        var button = make("button", { type: "button", "class": "luodi-button", "data-result": result,
          "aria-pressed": "false" }, L["reader-answered-" + result]);
        button.addEventListener("click", function () { record(q.getAttribute("data-question"), result); });
        actions.appendChild(button);
      });
      answer.appendChild(actions);
    });
    show();
  }

  // The RACI matrix's role filter: that role's rows and column only; a phase row stays while
  // one of its items does.
  function setupRaciFilter() {
    var select = document.querySelector("select[data-raci-filter]:not([data-luodi-ready])");
    if (!select) return;
    select.setAttribute("data-luodi-ready", "");
    select.closest(".luodi-raci-filter").hidden = false;
    select.addEventListener("change", function () {
      var role = select.value;
      document.querySelectorAll("table.luodi-raci").forEach(function (table) {
        table.querySelectorAll("[data-role]").forEach(function (cell) {
          cell.hidden = !!role && cell.getAttribute("data-role") !== role;
        });
        var phaseRow = null, any = false;
        function closePhase() { if (phaseRow) phaseRow.hidden = !any; }
        table.querySelectorAll("tbody tr").forEach(function (row) {
          if (row.classList.contains("luodi-raci-phase")) {
            closePhase();
            phaseRow = row; any = false;
            return;
          }
          var cell = role ? row.querySelector('td[data-role="' + role + '"]') : null;
          var shown = !role || (cell !== null && cell.textContent.trim() !== "");
          row.hidden = !shown;
          if (shown) any = true;
        });
        closePhase();
        // A phase row spans every column: as many as are shown.
        var columns = table.querySelectorAll("thead th:not([hidden])").length;
        table.querySelectorAll(".luodi-raci-phase th").forEach(function (th) { th.colSpan = columns; });
      });
    });
  }

  // A form's print button (hidden without this script).
  function setupPrint() {
    document.querySelectorAll("[data-luodi-print]:not([data-luodi-ready])").forEach(function (button) {
      button.setAttribute("data-luodi-ready", "");
      button.parentNode.hidden = false;
      button.addEventListener("click", function () { window.print(); });
    });
  }

  function init() {
    active = null;
    filterAgain = null;
    var info = pageInfo();
    nameSearchDialog();
    followAlias();
    setupCopyLinks(info);
    if (info.playbook && (info.kind === "phase" || info.kind === "role")) setupChecklist(info);
    if (info.playbook) setupQuestions(info);
    setupPrint();
    setupRaciFilter();
  }

  window.addEventListener("hashchange", followAlias);
  document.addEventListener("change", function (event) {
    var box = event.target;
    if (active && box && box.classList && box.classList.contains("luodi-check-input")) active.change(box);
  });
  // Another tab (or window) changed the ticks of this playbook.
  window.addEventListener("storage", function (event) {
    if (active && (event.key === null || event.key === active.key)) active.refresh();
  });
  // Material's instant navigation swaps pages without a load event: document$ tells each one.
  if (window.document$ && typeof window.document$.subscribe === "function") {
    window.document$.subscribe(function () { init(); });
  } else if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();

// Printing a page prints what the screen folds away (what a gate is missing, the answers of
// self-check questions, the parts of checklist items), in browsers that do not print a closed
// box's content by CSS alone.
window.addEventListener("beforeprint", function () {
  var boxes = document.querySelectorAll(".md-content details:not([open])");
  for (var i = 0; i < boxes.length; i++) {
    boxes[i].open = true;
    boxes[i].setAttribute("data-luodi-opened-for-print", "");
  }
});
window.addEventListener("afterprint", function () {
  var boxes = document.querySelectorAll("details[data-luodi-opened-for-print]");
  for (var i = 0; i < boxes.length; i++) {
    boxes[i].open = false;
    boxes[i].removeAttribute("data-luodi-opened-for-print");
  }
});
