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
