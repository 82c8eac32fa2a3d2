// Counts down the time left on a timed quiz attempt. The server renders the time left and decides
// what counts; this only keeps the number current while the page stays open.
(function () {
  "use strict";
  var el = document.querySelector("[data-countdown]");
  if (!el) { return; }
  var end = Date.now() + parseInt(el.getAttribute("data-countdown"), 10) * 1000;
  function tick() {
    var left = Math.max(0, Math.round((end - Date.now()) / 1000));
    var m = Math.floor(left / 60), s = left % 60;
    el.textContent = left > 0 ? m + ":" + (s < 10 ? "0" : "") + s : "0:00, time is up: submit now";
    if (left > 0) { window.setTimeout(tick, 1000); }
  }
  tick();
})();
