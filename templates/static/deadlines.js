// The deadlines page: a button shows every date in UTC instead of the
// organization's zone, and back. Without JavaScript the button stays
// hidden; each date shows its UTC form on hover and on keyboard focus.
"use strict";
document.addEventListener("DOMContentLoaded", function () {
  var button = document.getElementById("utc-toggle");
  if (!button) { return; }
  var times = document.querySelectorAll("time.when[data-utc]");
  times.forEach(function (t) { t.setAttribute("data-local", t.textContent); });
  button.hidden = false;
  button.addEventListener("click", function () {
    var utc = button.getAttribute("aria-pressed") !== "true";
    times.forEach(function (t) {
      t.textContent = t.getAttribute(utc ? "data-utc" : "data-local");
      var zone = t.parentNode.querySelector(".zone");
      if (zone) { zone.hidden = utc; }
    });
    button.setAttribute("aria-pressed", utc ? "true" : "false");
    button.textContent = button.getAttribute(utc ? "data-local" : "data-utc");
  });
});

// The time left to each date counts down while the page is open, in the
// page's words: the table carries the phrases ("in #", "# ago") and each
// unit's singular and plural (with 1 and 2 for the number), and the time
// is split as the server splits it: minutes under an hour, hours under
// two days, then days and hours.
document.addEventListener("DOMContentLoaded", function () {
  var table = document.querySelector("table.deadlines[data-in]");
  if (!table) { return; }
  var lefts = table.querySelectorAll(".left-text[data-at]");
  if (lefts.length === 0) { return; }
  var plural = new Intl.PluralRules(document.documentElement.lang || "en");
  function unit(name, n) {
    var form = table.getAttribute("data-" + name + "-" + (plural.select(n) === "one" ? "one" : "other"));
    var sample = plural.select(n) === "one" ? "1" : "2";
    return form.replace(sample, n.toLocaleString(document.documentElement.lang || "en"));
  }
  function span(ms) {
    var minute = 60000, hour = 60 * minute;
    if (ms < hour) { return unit("minutes", Math.round(ms / minute)); }
    var h = Math.round(ms / hour);
    if (h < 48) { return unit("hours", h); }
    var days = Math.floor(h / 24), rest = h % 24;
    return rest === 0 ? unit("days", days) : unit("days", days) + " " + unit("hours", rest);
  }
  function tick() {
    var now = Date.now();
    lefts.forEach(function (el) {
      var left = Date.parse(el.getAttribute("data-at")) - now;
      var phrase = table.getAttribute(left < 0 ? "data-ago" : "data-in");
      el.textContent = phrase.replace("#", span(Math.abs(left)));
    });
  }
  tick();
  window.setInterval(tick, 30000);
});
