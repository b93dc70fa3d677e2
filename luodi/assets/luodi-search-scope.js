/* Luodi search scope: on a playbook's pages, a switch above the search results between "this
 * playbook" (the default: its results and the hand-written pages) and "all playbooks".
 *
 * The choice is remembered in localStorage ("luodi:search-scope") and told to Luodi's search
 * worker over a BroadcastChannel named "luodi-search": Material's interface gives a site no
 * other way to talk to its worker. The worker asks for the choice when it starts ({hello}) and
 * answers the last query again when it changes. Pages that do not belong to a playbook search
 * every playbook, grouped by playbook, and show no switch; nor does a site whose search box
 * is Material's own.
 */
(function () {
  "use strict";

  var KEY = "luodi:search-scope";

  function workerPlaybook() {
    // The plugin names the page's playbook in the worker URL's fragment (site/search.py).
    var config = document.getElementById("__config");
    if (!config) return null;
    try {
      var search = String(JSON.parse(config.textContent).search || "");
      if (!/luodi-(search|pagefind)-worker\.js/.test(search)) return null;
      return decodeURIComponent(search.split("#")[1] || "");
    } catch (err) {
      return null;
    }
  }

  function stored() {
    try {
      return window.localStorage.getItem(KEY) === "all" ? "all" : "own";
    } catch (err) {
      return "own";
    }
  }

  function remember(scope) {
    try {
      window.localStorage.setItem(KEY, scope);
    } catch (err) {
      // Storage blocked: the choice lasts for this page only.
    }
  }

  var playbook = workerPlaybook();
  if (!playbook || typeof BroadcastChannel === "undefined") return;
  var marker = document.querySelector(".luodi-page[data-luodi-playbook]");
  var lang = marker ? marker.getAttribute("data-luodi-lang") : "zh";
  var labels = (window.luodiLabels || {})[lang] || (window.luodiLabels || {}).zh || {};
  var name = (marker && marker.getAttribute("data-luodi-label")) || playbook;
  var scope = stored();
  var channel = new BroadcastChannel("luodi-search");
  channel.onmessage = function (ev) {
    if (ev.data && ev.data.hello) channel.postMessage({ scope: scope });
  };
  channel.postMessage({ scope: scope });

  var result = document.querySelector(".md-search-result");
  if (!result) return;
  var group = document.createElement("div");
  group.className = "luodi-search-scope";
  group.setAttribute("role", "group");
  group.setAttribute("aria-label", labels["search-scope"] || "Search in");
  var buttons = {};
  // A function as the replacement: a playbook's name may hold "$&" and the like.
  [["own", String(labels["search-scope-own"] || "{playbook}").replace("{playbook}",
                                                                       function () { return name; })],
   ["all", labels["search-scope-all"] || "All playbooks"]].forEach(function (pair) {
    var button = document.createElement("button");
    button.type = "button";
    button.textContent = pair[1];
    button.setAttribute("data-scope", pair[0]);
    button.addEventListener("click", function () { choose(pair[0]); });
    buttons[pair[0]] = button;
    group.appendChild(button);
  });

  function show() {
    Object.keys(buttons).forEach(function (key) {
      buttons[key].setAttribute("aria-pressed", String(key === scope));
    });
  }

  function choose(wanted) {
    if (wanted !== scope) {
      scope = wanted;
      remember(scope);
      channel.postMessage({ scope: scope });
      show();
    }
    var input = document.querySelector(".md-search__input");
    if (input) input.focus();
  }

  // Another tab changed it: that tab's message reached this page's worker too.
  window.addEventListener("storage", function (ev) {
    if (ev.key === KEY) { scope = stored(); show(); }
  });
  show();
  result.insertBefore(group, result.firstChild);
})();

// The theme searches on each key released in the search box: text pasted with the mouse, or
// committed by a Chinese input method (IME), changes the box without one. Every change that
// is not mid-composition is passed on as one; the theme ignores a value it has already seen.
(function () {
  "use strict";
  var input = document.querySelector(".md-search__input");
  if (!input) return;
  function nudge() { input.dispatchEvent(new KeyboardEvent("keyup", { bubbles: true })); }
  input.addEventListener("input", function (event) { if (!event.isComposing) nudge(); });
  input.addEventListener("compositionend", nudge);
})();
