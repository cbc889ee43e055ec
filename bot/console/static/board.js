// Deskbot console: the attendance board asks the server for its columns every few seconds and
// swaps them in, keeping keyboard focus on the same card; it stops once the session ends.
"use strict";
(function () {
  function start() {
    var board = document.getElementById("board");
    if (!board) { return; }
    var url = board.dataset.refresh;
    var every = (Number(board.dataset.every) || 5) * 1000;
    var timer = null;
    function refresh() {
      if (document.hidden) { return; }
      fetch(url, { credentials: "same-origin", headers: { "Accept": "text/html" } })
        .then(function (answer) {
          if (!answer.ok || answer.redirected) { throw new Error(String(answer.status)); }
          return answer.text();
        })
        .then(function (html) {
          var focused = document.activeElement && board.contains(document.activeElement)
            ? document.activeElement.id : "";
          board.innerHTML = html;
          board.dataset.refreshed = String(Number(board.dataset.refreshed || 0) + 1);
          if (focused) {
            var again = document.getElementById(focused);
            if (again) { again.focus(); }
          }
        })
        .catch(function () {
          clearInterval(timer);
          var note = document.createElement("p");
          note.className = "notice";
          note.setAttribute("role", "alert");
          note.textContent = "The board stopped refreshing (signed out, or Deskbot is not answering). Reload the page.";
          board.parentNode.insertBefore(note, board);
        });
    }
    timer = setInterval(refresh, every);
  }
  document.addEventListener("DOMContentLoaded", start);
})();
