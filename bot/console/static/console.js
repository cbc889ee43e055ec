// Deskbot console: the Online timer ticks from the worked time the server gave when the page
// loaded (only while the status is Online), and the page asks the server every 15 s whether the
// status changed elsewhere (the chat, an admin): then it reloads, so it shows the same truth.
"use strict";
(function () {
  var POLL_MS = 15000;
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
      timer.textContent = show(worked + (running ? Date.now() - loaded : 0));
    }
    function poll() {
      fetch(timer.dataset.poll, { credentials: "same-origin", headers: { Accept: "application/json" } })
        .then(function (answer) { return answer.ok ? answer.json() : null; })
        .then(function (now) {
          // The timer keeps ticking from the page's start; only a move made elsewhere reloads.
          if (now && String(now.status_id) !== timer.dataset.statusId) {
            window.location.replace(window.location.pathname);
          }
        })
        .catch(function () { /* offline for a moment: the next poll tries again */ });
    }
    tick();
    setInterval(tick, 1000);
    if (timer.dataset.poll) { setInterval(poll, POLL_MS); }
  }
  document.addEventListener("DOMContentLoaded", start);
})();
