// Two small helps on every page; without JavaScript the page works as it is.
//
// 1. Reference previews: hovering, focusing or tapping a numbered mark (`a.fn`) shows the
//    quoted words of its entry in the page's References list, with "Open the passage" and
//    the fact it supports. Without JavaScript the mark links to that entry. The preview
//    stays while the pointer is over it, and Escape closes it (WCAG 1.4.13).
// 2. The phone menu: on a narrow screen the navigation folds behind a "Menu" button whose
//    `aria-expanded` says whether it is open. Without JavaScript the list is shown wrapped.
(function () {
  "use strict";

  document.documentElement.classList.add("js");

  // --- The phone menu ------------------------------------------------------------------
  var toggle = document.querySelector("[data-nav-toggle]");
  if (toggle) {
    toggle.hidden = false;
    toggle.addEventListener("click", function () {
      var open = toggle.getAttribute("aria-expanded") === "true";
      toggle.setAttribute("aria-expanded", open ? "false" : "true");
    });
  }

  // --- A folded References list opens for a mark's link and for printing -------------
  function openReferenceOf(hash) {
    var target = hash && hash.length > 1 ? document.getElementById(hash.slice(1)) : null;
    var box = target && target.closest ? target.closest("details") : null;
    if (box && !box.open) {
      box.open = true;
      target.scrollIntoView();
    }
  }
  window.addEventListener("hashchange", function () { openReferenceOf(location.hash); });
  openReferenceOf(location.hash);
  window.addEventListener("beforeprint", function () {
    var boxes = document.querySelectorAll("details.references-box");
    for (var i = 0; i < boxes.length; i++) boxes[i].open = true;
  });

  // --- On a source page, the passage a reader landed on ---------------------------------
  // Every run of text of that passage is highlighted (overlapping passages are cut into
  // runs), and its note gets a Back button to where the reader came from.
  function landOn(hash) {
    var marks = document.querySelectorAll(".source-text mark.landed");
    for (var i = 0; i < marks.length; i++) marks[i].classList.remove("landed");
    var id = hash && hash.length > 1 ? decodeURIComponent(hash.slice(1)) : "";
    var anchor = id ? document.getElementById(id) : null;
    if (!anchor || !anchor.classList.contains("cite-anchor")) return;
    var runs = document.querySelectorAll(".source-text mark[data-c]");
    for (var j = 0; j < runs.length; j++) {
      if ((" " + runs[j].getAttribute("data-c") + " ").indexOf(" " + id + " ") >= 0) {
        runs[j].classList.add("landed");
      }
    }
    var note = anchor.querySelector(".landed-note");
    if (note && !note.querySelector("button") && window.history.length > 1) {
      var back = document.createElement("button");
      back.type = "button";
      back.className = "back-button";
      back.textContent = "Back to where you were";
      back.addEventListener("click", function () { window.history.back(); });
      note.appendChild(document.createTextNode(" "));
      note.appendChild(back);
    }
  }
  window.addEventListener("hashchange", function () { landOn(location.hash); });
  landOn(location.hash);

  // --- Reference previews --------------------------------------------------------------
  var preview = null; // the one open preview, and its mark
  var owner = null;
  var hideTimer = 0;
  var lastPointer = "mouse";
  var tapOpens = false; // a tap on a mark whose preview is not open yet
  var dismissed = null; // the mark whose preview Escape closed, focused again after it

  function entryOf(mark) {
    var id = (mark.getAttribute("href") || "").slice(1);
    return id ? document.getElementById(id) : null;
  }

  function build(mark) {
    var entry = entryOf(mark);
    if (!entry) return null;
    var box = document.createElement("span");
    box.className = "fn-preview";
    box.setAttribute("role", "group");
    box.setAttribute("aria-label", mark.getAttribute("aria-label") || "Reference");
    var quote = entry.querySelector(".ref-quote");
    var source = entry.querySelector(".ref-source");
    var passage = entry.querySelector(".ref-passage");
    var facts = entry.querySelectorAll(".ref-fact");
    if (quote) {
      var q = document.createElement("q");
      q.className = "fn-quote";
      q.textContent = quote.textContent;
      box.appendChild(q);
    }
    if (source) {
      var s = document.createElement("span");
      s.className = "fn-source";
      s.textContent = source.textContent;
      box.appendChild(s);
    }
    var links = document.createElement("span");
    links.className = "fn-links";
    if (passage) {
      var open = document.createElement("a");
      open.href = passage.getAttribute("href");
      open.textContent = "Open the passage";
      links.appendChild(open);
    }
    for (var i = 0; i < facts.length; i++) {
      links.appendChild(facts[i].cloneNode(true)); // "the fact", its claim for screen readers
    }
    box.appendChild(links);
    box.addEventListener("mouseenter", cancelHide);
    box.addEventListener("mouseleave", scheduleHide);
    return box;
  }

  function show(mark) {
    cancelHide();
    if (owner === mark) return;
    hide();
    var box = build(mark);
    if (!box) return;
    mark.after(box);
    mark.setAttribute("aria-expanded", "true");
    preview = box;
    owner = mark;
    place(mark, box);
  }

  function place(mark, box) {
    // Below the mark, kept inside the viewport's width.
    var rect = mark.getBoundingClientRect();
    var width = Math.min(box.offsetWidth, document.documentElement.clientWidth - 16);
    var left = Math.max(8, Math.min(rect.left, document.documentElement.clientWidth - width - 8));
    box.style.left = (left - rect.left) + "px";
  }

  function hide() {
    cancelHide();
    if (preview) {
      preview.remove();
      if (owner) owner.removeAttribute("aria-expanded");
    }
    preview = null;
    owner = null;
  }

  function scheduleHide() {
    cancelHide();
    hideTimer = window.setTimeout(hide, 300);
  }

  function cancelHide() {
    if (hideTimer) window.clearTimeout(hideTimer);
    hideTimer = 0;
  }

  function markOf(target) {
    return target && target.closest ? target.closest("a.fn") : null;
  }

  document.addEventListener("pointerdown", function (event) {
    lastPointer = event.pointerType || "mouse";
    var tapped = markOf(event.target);
    tapOpens = Boolean(tapped) && lastPointer !== "mouse" && owner !== tapped;
    if (preview && !preview.contains(event.target) && markOf(event.target) !== owner) hide();
  });
  document.addEventListener("mouseover", function (event) {
    var mark = markOf(event.target);
    if (mark && lastPointer === "mouse") show(mark);
  });
  document.addEventListener("mouseout", function (event) {
    if (markOf(event.target) && owner) scheduleHide();
  });
  document.addEventListener("focusin", function (event) {
    var mark = markOf(event.target);
    if (mark && mark === dismissed) {
      dismissed = null;
    } else if (mark) {
      show(mark);
    } else if (preview && !preview.contains(event.target)) {
      hide();
    }
  });
  document.addEventListener("click", function (event) {
    var mark = markOf(event.target);
    // A tap opens the preview first; a second tap follows the link to the reference.
    if (mark && tapOpens) {
      event.preventDefault();
      show(mark);
    }
    tapOpens = false;
  });
  document.addEventListener("keydown", function (event) {
    if (event.key === "Escape" && preview) {
      var mark = owner;
      hide();
      if (mark && document.activeElement !== mark) {
        dismissed = mark;
        mark.focus();
      }
    }
  });
})();
