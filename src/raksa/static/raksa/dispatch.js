/* The dispatch board: one cheap conditional GET every two seconds; a new emergency sounds and is highlighted. */
(function () {
  "use strict";
  var board = document.getElementById("board");
  if (!board) return;
  var url = board.getAttribute("data-live-url");
  var etag = board.getAttribute("data-version") || "";
  var rows = document.getElementById("board-rows");
  var POLL_MS = 2000;
  var HIDDEN_POLL_MS = 10000;

  function ids() {
    var found = {};
    rows.querySelectorAll("[data-dispatch]").forEach(function (row) { found[row.getAttribute("data-dispatch")] = true; });
    return found;
  }

  function beep() {
    try {
      var Ctx = window.AudioContext || window.webkitAudioContext;
      if (!Ctx) return;
      var ctx = new Ctx();
      var osc = ctx.createOscillator();
      var gain = ctx.createGain();
      osc.frequency.value = 880;
      osc.connect(gain);
      gain.connect(ctx.destination);
      gain.gain.value = 0.15;
      osc.start();
      osc.stop(ctx.currentTime + 0.4);
    } catch (e) { /* a browser that will not play before a click: the highlight is enough */ }
  }

  function poll() {
    var headers = etag ? { "If-None-Match": etag } : {};
    fetch(url, { credentials: "same-origin", cache: "no-store", headers: headers })
      .then(function (response) {
        if (response.status === 304) return null;
        if (!response.ok) throw new Error("board " + response.status);
        etag = response.headers.get("ETag") || "";
        return response.text();
      })
      .then(function (html) {
        if (html === null) return;
        var before = ids();
        rows.innerHTML = html;
        var fresh = false;
        rows.querySelectorAll("[data-dispatch]").forEach(function (row) {
          if (!before[row.getAttribute("data-dispatch")]) { row.classList.add("fresh"); fresh = true; }
        });
        if (fresh) beep();
        board.setAttribute("data-updated", String(Date.now()));
      })
      .catch(function () { /* the next poll tries again */ })
      .then(function () { window.setTimeout(poll, document.hidden ? HIDDEN_POLL_MS : POLL_MS); });
  }
  window.setTimeout(poll, POLL_MS);
})();
