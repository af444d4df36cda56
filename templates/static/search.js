// The search box of /search/: queries the static Pagefind index built with the site.
//
// Without JavaScript the page shows its static index of facts, actors and sources and this
// box stays hidden. Everything here is same-origin: the index is loaded from
// `<base path>pagefind/pagefind.js`, where the base path comes from the box's
// `data-base-path` attribute (or, failing that, from this script's own URL).
(function () {
  "use strict";

  var DEBOUNCE_MS = 200;
  var PAGE_SIZE = 20;

  var box = document.querySelector("[data-search]");
  if (!box) return;
  var form = box.querySelector("[data-search-form]");
  var input = box.querySelector("[data-search-input]");
  var status = box.querySelector("[data-search-status]");
  var list = box.querySelector("[data-search-results]");
  var more = box.querySelector("[data-search-more]");
  if (!form || !input || !status || !list) return;

  var script = document.currentScript;
  var basePath = box.getAttribute("data-base-path") ||
    (script ? new URL("..", new URL(".", script.src)).pathname : "/");
  if (basePath.slice(-1) !== "/") basePath += "/";

  var pagefind = null; // the loaded module, once
  var loading = null;
  var latest = 0; // the number of the latest search; older answers are dropped
  var timer = 0;
  var pending = [];

  box.hidden = false;

  function load() {
    if (!loading) {
      loading = import(basePath + "pagefind/pagefind.js").then(function (module) {
        return module.options({ baseUrl: basePath, excerptLength: 24 }).then(function () {
          return module.init();
        }).then(function () {
          pagefind = module;
          return module;
        });
      });
    }
    return loading;
  }

  function say(text) {
    status.textContent = text;
  }

  function plural(n, one, many) {
    return n + " " + (n === 1 ? one : many);
  }

  // Pagefind's excerpt is HTML with <mark> around the matched words. Parse it inertly and
  // rebuild it from text nodes, keeping only <mark>: nothing in an excerpt can run or link.
  function excerptNode(html) {
    var p = document.createElement("p");
    p.className = "search-excerpt";
    var parsed = new DOMParser().parseFromString("<body>" + html, "text/html").body;
    parsed.childNodes.forEach(function (node) {
      if (node.nodeType === 1 && node.nodeName === "MARK") {
        var mark = document.createElement("mark");
        mark.textContent = node.textContent;
        p.appendChild(mark);
      } else {
        p.appendChild(document.createTextNode(node.textContent || ""));
      }
    });
    return p;
  }

  function resultItem(data) {
    var li = document.createElement("li");
    li.className = "search-result";
    var meta = data.meta || {};
    if (meta.kind) {
      var kind = document.createElement("span");
      kind.className = "search-kind";
      kind.textContent = meta.kind;
      li.appendChild(kind);
      li.appendChild(document.createTextNode(" "));
    }
    if (meta.event) {
      // A fact of another event than the briefing's main one says so, in words.
      var event = document.createElement("span");
      event.className = "event-badge";
      event.textContent = meta.event;
      li.appendChild(event);
    }
    var link = document.createElement("a");
    link.href = data.url;
    link.textContent = meta.title || data.url;
    li.appendChild(link);
    if (data.excerpt) li.appendChild(excerptNode(data.excerpt));
    return li;
  }

  // Shows the next page of results (in place of the old ones when `replace`); resolves to
  // false when a newer search has started meanwhile.
  function showMore(run, replace) {
    var next = pending.splice(0, PAGE_SIZE);
    return Promise.all(next.map(function (r) { return r.data(); })).then(function (items) {
      if (run !== latest) return false;
      if (replace) list.replaceChildren();
      items.forEach(function (data) {
        list.appendChild(resultItem(data));
      });
      if (more) more.hidden = pending.length === 0;
      return true;
    });
  }

  function search(query, run) {
    query = query.trim();
    if (!query) {
      list.replaceChildren();
      if (more) more.hidden = true;
      say("");
      return Promise.resolve();
    }
    return load().then(function (module) {
      return module.search(query);
    }).then(function (answer) {
      if (run !== latest) return;
      pending = answer.results.slice();
      var count = answer.results.length;
      // The count is announced once the results it counts are on the page.
      return showMore(run, true).then(function (current) {
        if (!current) return;
        say(count === 0
          ? "No results for \u201c" + query + "\u201d."
          : plural(count, "result", "results") + " for \u201c" + query + "\u201d.");
      });
    }).catch(function () {
      if (run !== latest) return;
      say("Search is unavailable here; the index below lists every fact, actor and source.");
    });
  }

  function schedule(immediately) {
    var run = ++latest;
    clearTimeout(timer);
    timer = setTimeout(function () { search(input.value, run); }, immediately ? 0 : DEBOUNCE_MS);
  }

  function remember(query) {
    var url = new URL(window.location.href);
    if (query) url.searchParams.set("q", query);
    else url.searchParams.delete("q");
    window.history.replaceState(null, "", url);
  }

  input.addEventListener("input", function () { schedule(false); });
  form.addEventListener("submit", function (event) {
    event.preventDefault();
    remember(input.value.trim());
    schedule(true);
  });
  if (more) {
    more.addEventListener("click", function () {
      var first = list.children.length;
      showMore(latest, false).then(function () {
        var link = list.children[first] && list.children[first].querySelector("a");
        if (link) link.focus();
      });
    });
  }

  // Arrow keys move between the box and the result links; Escape clears the box.
  function links() {
    return Array.prototype.slice.call(list.querySelectorAll(".search-result > a"));
  }
  box.addEventListener("keydown", function (event) {
    var all = links();
    var at = all.indexOf(document.activeElement);
    if (event.key === "ArrowDown" && all.length && (document.activeElement === input || at >= 0)) {
      event.preventDefault();
      all[Math.min(at + 1, all.length - 1)].focus();
    } else if (event.key === "ArrowUp" && at >= 0) {
      event.preventDefault();
      if (at === 0) input.focus();
      else all[at - 1].focus();
    } else if (event.key === "Escape" && document.activeElement === input && input.value) {
      input.value = "";
      remember("");
      schedule(true);
    }
  });

  var initial = new URL(window.location.href).searchParams.get("q");
  if (initial) {
    input.value = initial;
    schedule(true);
  }
})();
