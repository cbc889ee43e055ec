// Deskbot console: the Online timer ticks from the time the server gave when the page loaded.
"use strict";
(function () {
  function two(n) { return (n < 10 ? "0" : "") + n; }
  function show(ms) {
    var s = Math.floor(ms / 1000);
    return Math.floor(s / 3600) + ":" + two(Math.floor(s / 60) % 60) + ":" + two(s % 60);
  }
  function start() {
    var timer = document.getElementById("timer");
    if (!timer) { return; }
    var worked = Number(timer.dataset.workedMs) || 0;
    var running = timer.dataset.running === "yes";
    var loaded = Date.now();
    function tick() {
      var ms = worked + (running ? Date.now() - loaded : 0);
      timer.textContent = show(ms);
    }
    tick();
    if (running) { setInterval(tick, 1000); }
  }
  document.addEventListener("DOMContentLoaded", start);
})();
