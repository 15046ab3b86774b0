/*
 * Show <time datetime="..." data-relative> dates as "3 hours ago". The page shows
 * the exact date (also in the title, so it stays on hover); without JavaScript that
 * is what readers see. Cached pages hold no "now": this file is the only place
 * that knows it. Dates are read again each minute, so an open page stays right.
 */
(function () {
  "use strict";

  var times = document.querySelectorAll("time[datetime][data-relative]");
  if (!times.length || typeof Intl === "undefined" || !Intl.RelativeTimeFormat) {
    return;
  }
  var format = new Intl.RelativeTimeFormat(document.documentElement.lang || "en", {
    numeric: "auto",
  });
  var UNITS = [
    ["year", 365 * 24 * 3600],
    ["month", 30 * 24 * 3600],
    ["week", 7 * 24 * 3600],
    ["day", 24 * 3600],
    ["hour", 3600],
    ["minute", 60],
  ];

  function relative(then, now) {
    var seconds = (now - then) / 1000;
    if (seconds < 60) {
      return "just now"; // also a clock a little ahead of the server's
    }
    for (var i = 0; i < UNITS.length; i++) {
      if (seconds >= UNITS[i][1]) {
        return format.format(-Math.floor(seconds / UNITS[i][1]), UNITS[i][0]);
      }
    }
    return "just now";
  }

  function update() {
    var now = Date.now();
    for (var i = 0; i < times.length; i++) {
      var then = Date.parse(times[i].getAttribute("datetime"));
      if (!isNaN(then)) {
        times[i].textContent = relative(then, now);
      }
    }
  }

  update();
  window.setInterval(update, 60 * 1000);
})();
