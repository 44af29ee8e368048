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
