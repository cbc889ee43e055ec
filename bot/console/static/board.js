// Deskbot console: the attendance board asks the server for its columns every few seconds and
// swaps them in, keeping keyboard focus on the same card. What it says comes from the page, in
// the page's language (the board's data-say-* attributes, from the console's catalog). An answer that fails (Deskbot
// restarting, the network down) shows a quiet "reconnecting" note and is tried again, waiting
// twice as long after each failure in a row, up to a minute; the board stops refreshing only when
// the session has ended, and then offers to sign in again.
"use strict";
(function () {
  var MAX_WAIT_MS = 60000;

  // Milliseconds to wait before the next poll: `every` while the answers come, then `every`,
  // 2×, 4×… after each failure in a row, never more than MAX_WAIT_MS.
  function nextWait(every, failures) {
    if (failures <= 1) { return every; }
    return Math.min(every * Math.pow(2, failures - 1), Math.max(every, MAX_WAIT_MS));
  }

  // What an answer to a poll means: "ok" (the columns), "signed-out" (401, or the redirect to
  // sign in that a page of a session that has ended gets), else "retry".
  function outcome(answer) {
    if (answer.type === "opaqueredirect" || answer.status === 401) { return "signed-out"; }
    return answer.ok ? "ok" : "retry";
  }

  function start() {
    var board = document.getElementById("board");
    if (!board) { return; }
    var url = board.dataset.refresh;
    var every = (Number(board.dataset.every) || 5) * 1000;
    var failures = 0;
    var note = null;

    function say(text) {
      if (!note) {
        note = document.createElement("p");
        note.className = "quiet reconnecting";
        note.setAttribute("role", "status");
        board.parentNode.insertBefore(note, board);
      }
      note.textContent = text;
      return note;
    }
    function swap(html) {
      var focused = document.activeElement && board.contains(document.activeElement)
        ? document.activeElement.id : "";
      board.innerHTML = html;
      board.dataset.refreshed = String(Number(board.dataset.refreshed || 0) + 1);
      if (focused) {
        var again = document.getElementById(focused);
        if (again) { again.focus(); }
      }
    }
    function later() { setTimeout(poll, nextWait(every, failures)); }
    function signedOut() {
      var link = document.createElement("a");
      link.href = "/console/login?next=" + encodeURIComponent(location.pathname);
      link.textContent = board.dataset.saySignIn;
      say(board.dataset.sayEnded + " ").appendChild(link);
    }
    function poll() {
      if (document.hidden) { later(); return; }
      fetch(url, { credentials: "same-origin", redirect: "manual", headers: { "Accept": "text/html" } })
        .then(function (answer) {
          var said = outcome(answer);
          if (said === "signed-out") { signedOut(); return; }
          if (said === "retry") { throw new Error(String(answer.status)); }
          return answer.text().then(function (html) {
            swap(html);
            failures = 0;
            if (note) { note.remove(); note = null; }
            later();
          });
        })
        .catch(function () {
          failures += 1;
          var seconds = Math.round(nextWait(every, failures) / 1000);
          say(board.dataset.sayReconnecting.replace("{seconds}", String(seconds)));
          later();
        });
    }
    later();
  }

  if (typeof module === "object" && module.exports) {
    module.exports = { nextWait: nextWait, outcome: outcome };  // for the unit test under node
  } else {
    document.addEventListener("DOMContentLoaded", start);
  }
})();
