/* The dispatch board: one cheap conditional GET every two seconds; a new emergency sounds and is highlighted. */
(function () {
  "use strict";
  var board = document.getElementById("board");
  if (!board) return;
  var url = board.getAttribute("data-live-url");
  var etag = board.getAttribute("data-version") || "";
  var POLL_MS = 2000;
  var HIDDEN_POLL_MS = 10000;

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

  function apply(rows) {
    var body = document.getElementById("board-body");
    var fresh = false;
    rows.forEach(function (row) {
      var old = body.querySelector('[data-dispatch="' + row.id + '"]');
      if (!row.active) {
        if (old) old.remove();
        return;
      }
      var holder = document.createElement("tbody");
      holder.innerHTML = row.html;
      var tr = holder.firstElementChild;
      if (old) {
        old.replaceWith(tr);
      } else {
        tr.classList.add("fresh");
        body.insertBefore(tr, body.firstChild);
        fresh = true;
      }
    });
    var empty = !body.querySelector("[data-dispatch]");
    document.getElementById("board-table").hidden = empty;
    document.getElementById("board-empty").hidden = !empty;
    if (fresh) beep();
  }

  function poll() {
    var headers = etag ? { "If-None-Match": etag } : {};
    var since = etag.replace(/"/g, "");
    fetch(url + (url.indexOf("?") < 0 ? "?" : "&") + "since=" + encodeURIComponent(since),
          { credentials: "same-origin", cache: "no-store", headers: headers })
      .then(function (response) {
        if (response.status === 304) return null;
        if (!response.ok) throw new Error("board " + response.status);
        etag = response.headers.get("ETag") || etag;
        return response.json();
      })
      .then(function (answer) {
        if (answer === null) return;
        apply(answer.rows || []);
        board.setAttribute("data-updated", String(Date.now()));
      })
      .catch(function () { /* the next poll tries again */ })
      .then(function () { window.setTimeout(poll, document.hidden ? HIDDEN_POLL_MS : POLL_MS); });
  }
  window.setTimeout(poll, POLL_MS);
})();
