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
