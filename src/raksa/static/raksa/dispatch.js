/* The dispatch board: one cheap conditional GET every two seconds; a new emergency sounds and is highlighted. */
(function () {
  "use strict";
  var board = document.getElementById("board");
  if (!board) return;
  var url = board.getAttribute("data-live-url");
  var etag = board.getAttribute("data-version") || "";
  var POLL_MS = 1500;
  var HIDDEN_POLL_MS = 10000;

  // One audio context for the page's life. Browsers start it suspended until someone clicks or types on the
  // page (autoplay rules): the first click or key resumes it, so a wall screen touched once sounds from then on.
  var audio = null;
  function audioContext() {
    if (audio) return audio;
    var Ctx = window.AudioContext || window.webkitAudioContext;
    if (!Ctx) return null;
    try {
      audio = new Ctx();
    } catch (e) {
      return null;
    }
    return audio;
  }
  function unlock() {
    var ctx = audioContext();
    if (ctx && ctx.state === "suspended") ctx.resume().catch(function () {});
  }
  document.addEventListener("pointerdown", unlock, { once: true });
  document.addEventListener("keydown", unlock, { once: true });

  // Every sound the board asks for is counted in data-sounds, whether or not the browser let it play.
  function beep() {
    board.setAttribute("data-sounds", String(Number(board.getAttribute("data-sounds") || 0) + 1));
    var ctx = audioContext();
    if (!ctx || ctx.state !== "running") return; // not allowed to play yet: the highlight is enough
    try {
      var osc = ctx.createOscillator();
      var gain = ctx.createGain();
      osc.frequency.value = 880;
      osc.connect(gain);
      gain.connect(ctx.destination);
      gain.gain.value = 0.15;
      osc.start();
      osc.stop(ctx.currentTime + 0.4);
    } catch (e) { /* no sound: the highlight is enough */ }
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
    // The map (dispatch-map.js) redraws from the rows: it shows exactly what the list shows.
    board.dispatchEvent(new CustomEvent("board:rows"));
  }

  // Where the next poll starts (the server's X-Board-Since: the version seen and when it was answered), and the
  // version itself as the ETag for a 304.
  var since = etag.replace(/"/g, "");

  function poll() {
    var headers = etag ? { "If-None-Match": etag } : {};
    fetch(url + (url.indexOf("?") < 0 ? "?" : "&") + "since=" + encodeURIComponent(since),
          { credentials: "same-origin", cache: "no-store", headers: headers })
      .then(function (response) {
        since = response.headers.get("X-Board-Since") || since;
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
