// Breachline pages work without JavaScript; this file adds small conveniences.
// It is served from our own origin so the Content-Security-Policy can forbid
// inline scripts entirely.
"use strict";
document.addEventListener("DOMContentLoaded", function () {
  var times = document.querySelectorAll("time[datetime]");
  times.forEach(function (t) {
    var d = new Date(t.getAttribute("datetime"));
    // Times the server already labels (UTC on hover) keep their title.
    if (!isNaN(d) && !t.title) { t.title = d.toString(); }
  });
});

// A campaign's progress: while it sends, fetch its counts every few seconds
// and update the page in place (without JavaScript, the page's Refresh link
// does the same). The summary line is a polite live region, rewritten only
// at each tenth of the way and when the campaign's status changes, so that
// a screen reader hears the milestones without being flooded; focus never
// moves.
document.addEventListener("DOMContentLoaded", function () {
  var box = document.querySelector("[data-progress-url]");
  if (!box || !box.hasAttribute("data-live") || !window.fetch) { return; }
  var lang = document.documentElement.lang || "en";
  var whole = new Intl.NumberFormat(lang);
  var decimal = new Intl.NumberFormat(lang, { minimumFractionDigits: 1, maximumFractionDigits: 1 });
  var labels = JSON.parse(box.getAttribute("data-labels") || "{}");
  var summary = box.querySelector("[data-summary]");
  var status = box.getAttribute("data-status"), first = status;
  var tenth = Math.floor(Number(box.getAttribute("data-percent") || 0) / 10);
  var ended = { completed: true, cancelled: true, draft: true, approved: true };

  function eta(secs) {
    if (secs < 60) { return "< 1 min"; }
    var m = Math.ceil(secs / 60);
    if (m < 60) { return m + " min"; }
    var mm = String(m % 60);
    return Math.floor(m / 60) + " h " + (mm.length < 2 ? "0" + mm : mm) + " min";
  }

  function show(p) {
    var counts = p.by_status || {};
    var total = p.total || 0, done = p.done || 0;
    var pct = total > 0 ? Math.floor(100 * done / total) : 0;
    box.querySelectorAll("[data-count]").forEach(function (cell) {
      var n = counts[cell.getAttribute("data-count")] || 0;
      cell.textContent = whole.format(n);
      cell.parentNode.hidden = n === 0;
    });
    var bar = box.querySelector("progress");
    if (bar) { bar.value = pct; }
    var rate = box.querySelector("[data-field=rate]");
    if (rate) { rate.textContent = decimal.format(p.rate || 0); }
    var left = box.querySelector("[data-field=eta]");
    if (left) { left.textContent = p.eta_seconds == null ? box.getAttribute("data-eta-unknown") : eta(p.eta_seconds); }
    box.setAttribute("data-percent", String(pct));
    box.setAttribute("data-status", p.status);
    if (p.status !== first) {
      // What the user may do depends on the status: say a reload shows it.
      var badge = document.querySelector("[data-campaign-status]");
      if (badge) {
        badge.textContent = labels[p.status] || p.status;
        badge.className = "status status-" + p.status;
      }
      // The action forms were for the old status: hide them (unless the
      // user is in one) and say a reload shows what applies now.
      document.querySelectorAll("#actions form").forEach(function (f) {
        if (!f.contains(document.activeElement)) { f.hidden = true; }
      });
      document.querySelectorAll("[data-stale]").forEach(function (el) { el.hidden = false; });
    }
    if (summary && (Math.floor(pct / 10) !== tenth || p.status !== status)) {
      summary.textContent = summary.getAttribute("data-template")
        .replace("{status}", labels[p.status] || p.status)
        .replace("{done}", whole.format(done))
        .replace("{total}", whole.format(total))
        .replace("{percent}", whole.format(pct));
      tenth = Math.floor(pct / 10);
      status = p.status;
    }
    return !ended[p.status];
  }

  function poll() {
    fetch(box.getAttribute("data-progress-url"), { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (r) {
        if (!r.ok) { throw new Error("progress: " + r.status); }
        return r.json();
      })
      .then(function (p) { if (show(p)) { setTimeout(poll, 2000); } })
      .catch(function () { setTimeout(poll, 10000); });
  }
  setTimeout(poll, 2000);
});

// Wide tables: a table the page did not put in a scrolling box of its own
// gets one, so that on a phone the table scrolls and the page does not
// (WCAG 1.4.10). While a box actually scrolls it is a named, focusable
// region, so that the keyboard can scroll it too; otherwise it is a plain
// box and adds no tab stop.
document.addEventListener("DOMContentLoaded", function () {
  var main = document.getElementById("main");
  if (!main) { return; }
  var fallback = main.getAttribute("data-table-label") || "";
  var made = [];
  main.querySelectorAll("table").forEach(function (table, i) {
    var parent = table.parentNode;
    if (parent.classList.contains("table-wrap") || parent.classList.contains("table-scroll")) { return; }
    var box = document.createElement("div");
    box.className = "table-wrap";
    parent.insertBefore(box, table);
    box.appendChild(table);
    var caption = table.querySelector("caption");
    var section = box.closest("section[aria-labelledby]");
    if (caption) {
      if (!caption.id) { caption.id = "table-caption-" + (i + 1); }
      box.setAttribute("data-labelledby", caption.id);
    } else if (section) {
      box.setAttribute("data-labelledby", section.getAttribute("aria-labelledby"));
    }
    made.push(box);
  });
  function mark() {
    made.forEach(function (box) {
      var scrolls = box.scrollWidth > box.clientWidth + 1;
      if (scrolls === box.hasAttribute("tabindex")) { return; }
      if (!scrolls) {
        ["tabindex", "role", "aria-labelledby", "aria-label"].forEach(function (a) { box.removeAttribute(a); });
        return;
      }
      box.setAttribute("tabindex", "0");
      box.setAttribute("role", "region");
      if (box.hasAttribute("data-labelledby")) {
        box.setAttribute("aria-labelledby", box.getAttribute("data-labelledby"));
      } else {
        box.setAttribute("aria-label", fallback);
      }
    });
  }
  var pending = false;
  window.addEventListener("resize", function () {
    if (pending) { return; }
    pending = true;
    window.requestAnimationFrame(function () { pending = false; mark(); });
  });
  mark();
});

// Printing: explanations folded in <details> are opened for the printout
// and folded again afterwards.
(function () {
  var opened = [];
  window.addEventListener("beforeprint", function () {
    document.querySelectorAll("details:not([open])").forEach(function (d) {
      d.open = true;
      opened.push(d);
    });
  });
  window.addEventListener("afterprint", function () {
    opened.forEach(function (d) { d.open = false; });
    opened = [];
  });
})();

// A roster import's progress: while it is queued or running, ask for its
// state every two seconds and update the counts in place; when its status
// changes (it starts, ends or is found stalled), reload the page, which
// then shows what applies (the result, the rejected rows). Without
// JavaScript, the page's Refresh link does the same. The summary line is a
// polite live region rewritten at each tenth of the file, so that a screen
// reader hears the milestones without being flooded; focus never moves.
document.addEventListener("DOMContentLoaded", function () {
  var box = document.querySelector("[data-import-url]");
  if (!box || !box.hasAttribute("data-live") || !window.fetch) { return; }
  var lang = document.documentElement.lang || "en";
  var whole = new Intl.NumberFormat(lang);
  var percent = new Intl.NumberFormat(lang, { style: "percent", maximumFractionDigits: 0 });
  var status = box.getAttribute("data-status");
  var stalled = box.getAttribute("data-stalled") === "true";
  var live = document.getElementById("import-live");
  var tenth = -1;
  var fields = { "import-rows": "rows_read", "import-accepted": "accepted", "import-rejected": "rejected", "import-duplicates": "duplicates" };

  function show(p) {
    if (p.status !== status || Boolean(p.stalled) !== stalled) {
      window.location.reload();
      return false;
    }
    Object.keys(fields).forEach(function (id) {
      var el = document.getElementById(id);
      if (el) { el.textContent = whole.format(p[fields[id]] || 0); }
    });
    if (p.status !== "running" || !(p.bytes_total > 0)) { return true; }
    var share = Math.min(1, p.bytes_read / p.bytes_total);
    var read = document.getElementById("import-percent");
    if (read) {
      read.textContent = " — " + read.getAttribute("data-template").replace("{percent}", percent.format(share));
    }
    if (live && Math.floor(share * 10) !== tenth) {
      tenth = Math.floor(share * 10);
      live.textContent = live.getAttribute("data-template")
        .replace("{percent}", percent.format(share))
        .replace("{rows}", whole.format(p.rows_read || 0));
    }
    return true;
  }

  function poll() {
    fetch(box.getAttribute("data-import-url"), { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (r) {
        if (!r.ok) { throw new Error("import: " + r.status); }
        return r.json();
      })
      .then(function (p) { if (show(p)) { setTimeout(poll, 2000); } })
      .catch(function () { setTimeout(poll, 10000); });
  }
  setTimeout(poll, 2000);
});
