/* The 1300 console: caller pop by conditional polling, triage fill as she types, the call timer and the keys.
   No inline script (CSP): everything is wired here from data- attributes of #console. */
(function () {
  "use strict";

  var root = document.getElementById("console");
  if (!root) {
    return;
  }
  var POLL_MS = 1000;
  var HIDDEN_POLL_MS = 5000;
  var TRIAGE_DEBOUNCE_MS = 600;
  var isResult = root.dataset.result === "1";
  var intake = document.getElementById("intake");
  var phone = document.getElementById("phone");
  var callerBox = document.getElementById("caller");
  var etag = "";
  var clockOffset = 0; // server time minus this browser's
  var timerStarted = null;
  var timerHandle = null;

  function csrfToken() {
    var input = document.querySelector("input[name=csrfmiddlewaretoken]");
    if (input) {
      return input.value;
    }
    try {
      return JSON.parse(document.body.getAttribute("hx-headers") || "{}")["X-CSRFToken"] || "";
    } catch (e) {
      return "";
    }
  }

  function post(url, fields) {
    var body = new FormData();
    Object.keys(fields).forEach(function (key) {
      body.append(key, fields[key]);
    });
    return fetch(url, {
      method: "POST",
      body: body,
      credentials: "same-origin",
      headers: { "X-CSRFToken": csrfToken(), Accept: "application/json" },
    });
  }

  function field(name) {
    return intake ? intake.elements.namedItem(name) : null;
  }

  // --- the call: state, timer -----------------------------------------------------------------------------

  function pad(n) {
    return (n < 10 ? "0" : "") + n;
  }

  function tick() {
    var out = document.getElementById("call-timer");
    if (!out || timerStarted === null) {
      return;
    }
    var seconds = Math.max(0, Math.floor((Date.now() + clockOffset - timerStarted) / 1000));
    out.textContent = pad(Math.floor(seconds / 60)) + ":" + pad(seconds % 60);
  }

  function timerRun(fromIso) {
    timerStarted = fromIso ? Date.parse(fromIso) : Date.now() + clockOffset;
    if (timerHandle === null) {
      timerHandle = window.setInterval(tick, 500);
    }
    tick();
  }

  function timerStop() {
    if (timerHandle !== null) {
      window.clearInterval(timerHandle);
      timerHandle = null;
    }
    tick();
  }

  function showState(state, caller) {
    var badge = document.getElementById("call-state");
    if (badge) {
      badge.className = "badge call-" + (state || "none");
      badge.textContent = badge.dataset["label" + (state ? state.charAt(0).toUpperCase() + state.slice(1) : "None")] || "";
    }
    var who = document.getElementById("call-caller");
    if (who && caller !== undefined) {
      who.textContent = caller || "";
    }
    root.dataset.callState = state || "";
  }

  function callShow(call) {
    root.dataset.callId = call.call_id;
    showState(call.state, call.caller);
    if (call.state === "ringing") {
      timerRun(call.rang_at);
    } else if (call.state === "answered") {
      timerRun(call.answered_at || call.rang_at);
    } else {
      timerStop();
    }
  }

  // --- the caller panel -------------------------------------------------------------------------------------

  function callerLoad(number, callId) {
    if (!callerBox) {
      return Promise.resolve();
    }
    var url = root.dataset.callerUrl + "?phone=" + encodeURIComponent(number) +
      (callId ? "&call_id=" + encodeURIComponent(callId) : "");
    return fetch(url, { credentials: "same-origin", cache: "no-store" })
      .then(function (response) {
        return response.text();
      })
      .then(function (html) {
        callerBox.innerHTML = html;
      });
  }

  function addressKeep(number, callId) {
    var params = new URLSearchParams();
    if (number) {
      params.set("caller", number);
    }
    if (callId) {
      params.set("call_id", callId);
    }
    var query = params.toString();
    window.history.replaceState(null, "", root.dataset.consoleUrl + (query ? "?" + query : ""));
  }

  function callerSet(number) {
    if (phone) {
      phone.value = number;
    }
    var hidden = field("caller");
    if (hidden) {
      hidden.value = number;
    }
  }

  function pop(call) {
    if (isResult || !intake) {
      // The last call's result is on screen: open a fresh console for the new caller.
      var params = new URLSearchParams({ caller: call.caller || "", call_id: call.call_id });
      window.location.href = root.dataset.consoleUrl + "?" + params.toString();
      return;
    }
    callShow(call);
    var callField = field("call_id");
    if (callField) {
      callField.value = call.call_id;
    }
    callerSet(call.caller || "");
    addressKeep(call.caller, call.call_id);
    if (call.caller) {
      callerLoad(call.caller, call.call_id);
    }
  }

  // --- polling: one cheap conditional GET a second ---------------------------------------------------------

  var pollTimer = null;

  function pollLater() {
    window.clearTimeout(pollTimer);
    pollTimer = window.setTimeout(poll, document.hidden ? HIDDEN_POLL_MS : POLL_MS);
  }

  function poll() {
    var headers = { Accept: "application/json" };
    if (etag) {
      headers["If-None-Match"] = etag;
    }
    fetch(root.dataset.liveUrl, { credentials: "same-origin", cache: "no-store", headers: headers })
      .then(function (response) {
        if (response.status === 304) {
          return null;
        }
        if (!response.ok) {
          return null;
        }
        etag = response.headers.get("ETag") || "";
        return response.json();
      })
      .then(function (data) {
        if (!data) {
          return;
        }
        if (data.now) {
          clockOffset = Date.parse(data.now) - Date.now();
        }
        var call = data.call;
        if (call && call.call_id !== root.dataset.callId) {
          pop(call);
        } else if (call) {
          callShow(call);
        } else if (!isResult && root.dataset.callId && root.dataset.callState !== "ended") {
          showState("ended");
          root.dataset.callState = "ended";
          timerStop();
        }
      })
      .catch(function () {
        /* offline for a moment: the next poll tries again */
      })
      .then(pollLater);
  }

  document.addEventListener("visibilitychange", function () {
    if (!document.hidden) {
      poll();
    }
  });

  // --- triage fill ------------------------------------------------------------------------------------------

  var touched = {};
  var triageTimer = null;
  var triageSeq = 0;

  function markTouched(event) {
    if (event.target && event.target.name) {
      touched[event.target.name] = true;
      var wrap = event.target.closest(".field");
      if (wrap) {
        wrap.classList.remove("suggested");
      }
    }
  }

  function suggest(name, value) {
    var input = field(name);
    if (!input || touched[name] || value === undefined || value === null) {
      return;
    }
    if (input.tagName === "SELECT" && !Array.prototype.some.call(input.options, function (o) {
      return o.value === value;
    })) {
      return;
    }
    input.value = value;
    var wrap = input.closest(".field");
    if (wrap) {
      wrap.classList.add("suggested");
    }
  }

  function label(name) {
    var input = field(name);
    if (!input || input.tagName !== "SELECT" || input.selectedIndex < 0) {
      return "";
    }
    return input.options[input.selectedIndex].text;
  }

  function districtsFilter() {
    var province = field("province_code");
    var district = field("district_code");
    if (!province || !district) {
      return;
    }
    var code = province.value;
    Array.prototype.forEach.call(district.querySelectorAll("optgroup"), function (group) {
      var first = group.querySelector("option");
      group.hidden = Boolean(code) && !(first && first.value.indexOf(code) === 0);
    });
    if (code && district.value && district.value.indexOf(code) !== 0) {
      district.value = "";
    }
  }

  function emergencyButtons() {
    var value = field("emergency_type") ? field("emergency_type").value : "";
    Array.prototype.forEach.call(root.querySelectorAll(".emergency-key"), function (button) {
      button.setAttribute("aria-pressed", button.dataset.emergency === value && value ? "true" : "false");
    });
  }

  function triageApply(result) {
    var status = document.getElementById("triage-status");
    if (!result) {
      return;
    }
    var predicted = field("predicted");
    if (predicted) {
      predicted.value = JSON.stringify({
        emergency_type: result.emergency_type,
        category: result.category,
        urgency: result.urgency,
      });
    }
    suggest("emergency_type", result.emergency_type || "");
    suggest("category", result.category);
    suggest("urgency", result.urgency);
    var entities = result.entities || {};
    var caller = field("caller") ? field("caller").value : "";
    var other = (entities.phones || []).filter(function (p) {
      return p !== caller;
    });
    if (other.length) {
      suggest("subject_phone", other[0]);
    }
    if ((entities.national_ids || []).length) {
      suggest("subject_national_id", entities.national_ids[0]);
    }
    var province = (entities.province_codes || [])[0] ||
      ((entities.district_codes || [])[0] || "").slice(0, 2);
    if (province) {
      suggest("province_code", province);
      districtsFilter();
    }
    var districts = (entities.district_codes || []).filter(function (d) {
      return !province || d.indexOf(province) === 0;
    });
    if (districts.length) {
      suggest("district_code", districts[0]);
    }
    emergencyButtons();
    if (status) {
      var parts = [label("emergency_type"), label("category"), label("urgency")].filter(Boolean);
      status.textContent = (status.dataset.prefix || "") + parts.join(" · ") + " (" +
        (status.dataset.confidence || "") + Math.round((result.confidence || 0) * 100) + "%)";
    }
  }

  function triageRun() {
    var text = field("text");
    if (!text || !text.value.trim()) {
      return;
    }
    var seq = ++triageSeq;
    post(root.dataset.triageUrl, { text: text.value })
      .then(function (response) {
        return response.ok ? response.json() : null;
      })
      .then(function (data) {
        if (data && seq === triageSeq) {
          triageApply(data.triage);
        }
      })
      .catch(function () {});
  }

  // --- wiring -----------------------------------------------------------------------------------------------

  function callStart() {
    if (root.dataset.callId && root.dataset.callState !== "ended") {
      return;
    }
    var number = phone ? phone.value : "";
    post(root.dataset.startUrl, { caller: number })
      .then(function (response) {
        return response.ok ? response.json() : null;
      })
      .then(function (data) {
        if (data && data.call) {
          callShow(data.call);
          var callField = field("call_id");
          if (callField) {
            callField.value = data.call.call_id;
          }
          addressKeep(data.call.caller, data.call.call_id);
        }
      });
  }

  function callEnd() {
    var callId = root.dataset.callId;
    if (!callId) {
      return;
    }
    post(root.dataset.endUrl, { call_id: callId }).then(function (response) {
      if (response.ok) {
        showState("ended");
        timerStop();
      }
    });
  }

  if (intake) {
    var status = document.getElementById("triage-status");
    if (status) {
      var english = document.documentElement.lang === "en";
      status.dataset.prefix = english ? "Suggested: " : "ระบบแนะนำ: ";
      status.dataset.confidence = english ? "confidence " : "ความมั่นใจ ";
    }
    ["emergency_type", "category", "urgency", "subject_phone", "subject_national_id", "province_code",
      "district_code", "subject_name", "reporter_name", "location_text"].forEach(function (name) {
      var input = field(name);
      if (input) {
        input.addEventListener("change", markTouched);
        input.addEventListener("input", markTouched);
      }
    });
    var text = field("text");
    if (text) {
      text.addEventListener("input", function () {
        window.clearTimeout(triageTimer);
        triageTimer = window.setTimeout(triageRun, TRIAGE_DEBOUNCE_MS);
      });
    }
    var province = field("province_code");
    if (province) {
      province.addEventListener("change", districtsFilter);
      districtsFilter();
    }
    if (field("emergency_type")) {
      field("emergency_type").addEventListener("change", emergencyButtons);
    }
    Array.prototype.forEach.call(root.querySelectorAll(".emergency-key"), function (button) {
      button.addEventListener("click", function () {
        emergencySet(button.dataset.emergency);
      });
    });
  }

  function emergencySet(value) {
    var select = field("emergency_type");
    if (!select) {
      return;
    }
    select.value = value;
    touched.emergency_type = true;
    if (value) {
      field("urgency").value = "emergency";
      touched.urgency = true;
    } else if (field("urgency").value === "emergency") {
      field("urgency").value = "";
    }
    emergencyButtons();
  }

  if (phone) {
    phone.addEventListener("input", function () {
      var hidden = field("caller");
      if (hidden) {
        hidden.value = phone.value;
      }
    });
  }
  var phoneForm = document.getElementById("phone-form");
  if (phoneForm && callerBox) {
    phoneForm.addEventListener("submit", function (event) {
      event.preventDefault();
      callerSet(phone.value.trim());
      addressKeep(phone.value.trim(), root.dataset.callId);
      callerLoad(phone.value.trim(), root.dataset.callId);
    });
  }
  var startButton = document.getElementById("call-start");
  if (startButton) {
    startButton.addEventListener("click", callStart);
  }
  var endButton = document.getElementById("call-end");
  if (endButton) {
    endButton.addEventListener("click", callEnd);
  }

  function isTyping(target) {
    if (!target) {
      return false;
    }
    var tag = target.tagName;
    return tag === "INPUT" || tag === "TEXTAREA" || tag === "SELECT" || target.isContentEditable;
  }

  var ACTION_KEYS = { KeyN: "n", KeyA: "a", KeyD: "d", KeyV: "v", KeyS: "s", KeyP: "p" };
  var EMERGENCY_CODES = ["threat", "detention", "abuse_risk", "frenzy", "gathering"];

  // Keys by physical position (event.code), so they work with the Thai keyboard layout too.
  document.addEventListener("keydown", function (event) {
    if (event.ctrlKey || event.metaKey || event.repeat) {
      return;
    }
    if (event.key === "Escape" && isTyping(event.target)) {
      event.target.blur();
      return;
    }
    if (isTyping(event.target) && !event.altKey) {
      return;
    }
    var code = event.code;
    var digit = /^(Digit|Numpad)([0-5])$/.exec(code);
    var handled = true;
    if (digit && intake) {
      var n = Number(digit[2]);
      emergencySet(n === 0 ? "" : EMERGENCY_CODES[n - 1]);
    } else if (ACTION_KEYS[code] && intake) {
      var button = intake.querySelector("button[data-key=" + ACTION_KEYS[code] + "]");
      if (button) {
        intake.requestSubmit(button);
      }
    } else if (code === "KeyT") {
      callStart();
    } else if (code === "KeyE") {
      callEnd();
    } else if (code === "Slash" && phone) {
      phone.focus();
      phone.select();
    } else if (code === "KeyM" && field("text")) {
      field("text").focus();
    } else {
      handled = false;
    }
    if (handled) {
      event.preventDefault();
    }
  });

  // --- start ------------------------------------------------------------------------------------------------

  var state = root.dataset.callState;
  if (state === "ringing") {
    timerRun(root.dataset.rangAt);
  } else if (state === "answered") {
    timerRun(root.dataset.answeredAt || root.dataset.rangAt);
  } else if (state === "ended" && root.dataset.answeredAt && root.dataset.endedAt) {
    timerStarted = Date.parse(root.dataset.answeredAt);
    clockOffset = Date.parse(root.dataset.endedAt) - Date.now();
    tick();
    clockOffset = 0;
  }
  poll();
})();
