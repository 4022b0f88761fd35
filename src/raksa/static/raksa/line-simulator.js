/* The LINE chat simulator (development only). Every tap, text, pin or photo is posted to the simulator's
   endpoints, which make the webhook event LINE would send and deliver it to /line/webhook; the bot's answers are
   read back every second from what the LINE stand-in recorded for this browser's user, and drawn from their
   message JSON: texts as bubbles, the last message's quick replies as chips that do what LINE's do (a postback,
   a message, the location sheet, a link, the camera). */
(function () {
  "use strict";

  var POLL_MS = 1000;
  var TYPING_MS = 15000;
  var root = document.getElementById("simulator");
  if (!root) return;
  var th = (document.documentElement.lang || "th").indexOf("en") !== 0;
  function t(thai, english) {
    return th ? thai : english;
  }

  var urls = root.dataset;
  var chat = document.getElementById("sim-chat");
  var quick = document.getElementById("sim-quick");
  var status = document.getElementById("sim-status");
  var menu = document.getElementById("sim-menu");
  var menuToggle = document.getElementById("sim-menu-toggle");
  var compose = document.getElementById("sim-compose");
  var text = document.getElementById("sim-text");
  var photo = document.getElementById("sim-photo");
  var sheet = document.getElementById("sim-location");
  var userLabel = document.getElementById("sim-user");
  var seen = 0; // how many of the stand-in's records for this user are drawn
  var typing = null;
  var typingTimer = null;
  var polling = null; // the poll under way
  var map = null;
  var marker = null;

  // -- drawing

  function scrollDown() {
    chat.scrollTop = chat.scrollHeight;
  }

  // Text with its web links made clickable, built from text nodes (never innerHTML).
  function linked(node, value) {
    var pattern = /https?:\/\/[^\s]+/g;
    var last = 0;
    var match;
    while ((match = pattern.exec(value)) !== null) {
      if (match.index > last) node.appendChild(document.createTextNode(value.slice(last, match.index)));
      var a = document.createElement("a");
      a.href = match[0];
      a.textContent = match[0];
      a.target = "_blank";
      a.rel = "noopener";
      node.appendChild(a);
      last = match.index + match[0].length;
    }
    if (last < value.length) node.appendChild(document.createTextNode(value.slice(last)));
  }

  function bubble(who, value, via) {
    var li = document.createElement("li");
    li.className = who === "me" ? "sim-me" : who === "system" ? "sim-system" : "sim-bot";
    var span = document.createElement("span");
    span.className = "sim-bubble";
    if (who === "system") span.className = "";
    linked(span, value);
    if (via) {
      var small = document.createElement("span");
      small.className = "sim-via";
      small.textContent = via === "reply" ? t("ตอบกลับ (reply)", "reply") : t("ส่งถึง (push)", "push");
      span.appendChild(small);
    }
    li.appendChild(span);
    if (typing && typing.parentNode) chat.insertBefore(li, typing);
    else chat.appendChild(li);
    scrollDown();
    return li;
  }

  function shown(message) {
    switch (message.type) {
      case "text":
        return message.text || "";
      case "location":
        return t("ตำแหน่ง: ", "Location: ") + [message.title, message.address].filter(Boolean).join("\n") +
          "\n" + message.latitude + ", " + message.longitude;
      case "image":
        return t("รูป: ", "Image: ") + (message.originalContentUrl || "");
      case "sticker":
        return t("[สติกเกอร์]", "[sticker]");
      default:
        return message.altText || "[" + message.type + "]";
    }
  }

  function typingShow() {
    typingHide();
    typing = document.createElement("li");
    typing.className = "sim-bot sim-typing";
    var span = document.createElement("span");
    span.className = "sim-bubble";
    span.textContent = "•••";
    span.setAttribute("aria-label", t("กำลังพิมพ์", "typing"));
    typing.appendChild(span);
    chat.appendChild(typing);
    scrollDown();
    typingTimer = window.setTimeout(typingHide, TYPING_MS);
  }

  function typingHide() {
    if (typingTimer) window.clearTimeout(typingTimer);
    typingTimer = null;
    if (typing && typing.parentNode) typing.parentNode.removeChild(typing);
    typing = null;
  }

  function say(message) {
    status.textContent = message || "";
  }

  // -- quick replies: the last message's, gone once she does anything

  function chipsClear() {
    quick.textContent = "";
    quick.hidden = true;
  }

  function chips(items) {
    chipsClear();
    items.forEach(function (item) {
      var action = (item && item.action) || {};
      var chip;
      if (action.type === "uri") {
        chip = document.createElement("a");
        chip.href = action.uri;
      } else {
        chip = document.createElement("button");
        chip.type = "button";
        chip.addEventListener("click", function () {
          act(action);
        });
        if (["postback", "message", "location", "camera", "cameraRoll"].indexOf(action.type) < 0) chip.disabled = true;
        if ((action.type === "camera" || action.type === "cameraRoll") && photo.disabled) chip.disabled = true;
      }
      chip.className = "sim-chip sim-chip-" + action.type;
      chip.dataset.type = action.type || "";
      if (action.data) chip.dataset.data = action.data;
      chip.textContent = action.label || action.type;
      quick.appendChild(chip);
    });
    quick.hidden = items.length === 0;
  }

  // -- what she does

  function post(url, body, isForm) {
    var headers = { "X-CSRFToken": urls.csrf };
    if (!isForm) headers["Content-Type"] = "application/json";
    return fetch(url, {
      method: "POST",
      credentials: "same-origin",
      headers: headers,
      body: isForm ? body : JSON.stringify(body),
    }).then(function (response) {
      return response.json().then(
        function (data) {
          if (!response.ok) throw new Error((th ? data.message_th : data.message_en) || data.message_en || response.status);
          return data;
        },
        function () {
          throw new Error(t("เซิร์ฟเวอร์ตอบ ", "The server answered ") + response.status);
        }
      );
    });
  }

  function send(body, mine) {
    chipsClear();
    // What the bot already sent is drawn first, so her bubble comes after it, as in LINE.
    return poll().then(function () {
      if (mine) bubble("me", mine);
      say("");
      typingShow();
      return deliver(body);
    });
  }

  // Resolves to whether the webhook took it.
  function deliver(body) {
    return post(urls.sendUrl, body).then(
      function () {
        poll();
        return true;
      },
      function (error) {
        typingHide();
        say(t("ส่งไม่สำเร็จ: ", "Not sent: ") + error.message);
        return false;
      }
    );
  }

  // A postback shows her the displayText, as LINE does; a message action says its text.
  function act(action) {
    if (action.type === "postback") return send({ type: "postback", data: action.data }, action.displayText || "");
    if (action.type === "message") return send({ type: "text", text: action.text }, action.text);
    if (action.type === "location") return locationOpen();
    if (action.type === "camera" || action.type === "cameraRoll") return photo.click();
    return null;
  }

  menu.querySelectorAll("button.sim-area").forEach(function (button) {
    button.addEventListener("click", function () {
      act(JSON.parse(button.dataset.action));
    });
  });

  menuToggle.addEventListener("click", function () {
    menu.hidden = !menu.hidden;
    menuToggle.setAttribute("aria-expanded", menu.hidden ? "false" : "true");
  });

  compose.addEventListener("submit", function (event) {
    event.preventDefault();
    var value = text.value;
    if (!value.trim()) return;
    text.value = "";
    send({ type: "text", text: value }, value).then(function (sent) {
      if (!sent) text.value = value; // kept, to send again
    });
  });

  document.getElementById("sim-new").addEventListener("click", function () {
    chipsClear();
    chat.textContent = "";
    seen = 0;
    typingShow();
    post(urls.newUrl, {}).then(
      function (data) {
        userLabel.textContent = data.user;
        root.dataset.user = data.user;
        bubble("system", t("ผู้ใช้ใหม่เพิ่มเพื่อนบัญชีนี้แล้ว", "A new user added the account as a friend"));
        poll();
      },
      function (error) {
        typingHide();
        say(error.message);
      }
    );
  });

  // -- the location sheet: a pin on the map, or the numbers typed

  var lat = document.getElementById("sim-lat");
  var lon = document.getElementById("sim-lon");
  var place = document.getElementById("sim-place");
  var locationError = document.getElementById("sim-location-error");

  function pin(latitude, longitude) {
    lat.value = latitude.toFixed(6);
    lon.value = longitude.toFixed(6);
    if (!map) return;
    if (!marker) marker = window.L.marker([latitude, longitude]).addTo(map);
    else marker.setLatLng([latitude, longitude]);
  }

  function locationOpen() {
    sheet.hidden = false;
    locationError.hidden = true;
    var L = window.L;
    var box = document.getElementById("sim-map");
    if (!L) {
      box.hidden = true;
      document.getElementById("sim-map-note").hidden = false;
      return;
    }
    if (!map) {
      var start = [Number(lat.value) || 13.7563, Number(lon.value) || 100.5018];
      map = L.map(box, { zoomSnap: 0.5 }).setView(start, 12);
      L.control.scale({ imperial: false }).addTo(map);
      if (urls.tiles) {
        var tiles = L.tileLayer(urls.tiles, { maxZoom: 19, attribution: urls.attribution }).addTo(map);
        tiles.on("tileerror", function () {
          document.getElementById("sim-map-note").hidden = false;
        });
      } else {
        document.getElementById("sim-map-note").hidden = false;
      }
      map.on("click", function (event) {
        pin(event.latlng.lat, event.latlng.lng);
      });
      pin(start[0], start[1]);
    }
    window.setTimeout(function () {
      map.invalidateSize();
    }, 0);
  }

  function locationClose() {
    sheet.hidden = true;
  }

  document.getElementById("sim-location-open").addEventListener("click", locationOpen);
  document.getElementById("sim-location-cancel").addEventListener("click", locationClose);
  [lat, lon].forEach(function (input) {
    input.addEventListener("change", function () {
      var a = Number(lat.value);
      var b = Number(lon.value);
      if (map && isFinite(a) && isFinite(b) && lat.value && lon.value) {
        pin(a, b);
        map.setView([a, b]);
      }
    });
  });
  document.getElementById("sim-location-send").addEventListener("click", function () {
    var body = { type: "location", latitude: lat.value.trim(), longitude: lon.value.trim() };
    var title = place.value.trim();
    if (title) body.title = title;
    post(urls.sendUrl, body).then(
      function () {
        locationClose();
        chipsClear();
        bubble("me", t("ตำแหน่ง: ", "Location: ") + (title ? title + "\n" : "") + body.latitude + ", " + body.longitude);
        typingShow();
        poll();
      },
      function (error) {
        locationError.textContent = error.message;
        locationError.hidden = false;
      }
    );
  });

  // -- a photo: kept on the stand-in, then an image message

  photo.addEventListener("change", function () {
    var file = photo.files && photo.files[0];
    if (!file) return;
    var form = new FormData();
    form.append("photo", file);
    chipsClear();
    bubble("me", t("รูป: ", "Photo: ") + file.name);
    typingShow();
    post(urls.photoUrl, form, true).then(poll, function (error) {
      typingHide();
      say(t("ส่งรูปไม่สำเร็จ: ", "Photo not sent: ") + error.message);
    });
    photo.value = "";
  });

  // -- the bot's answers

  function poll() {
    if (polling) return polling;
    polling = fetch(urls.receivedUrl + "?after=" + seen, { credentials: "same-origin" })
      .then(function (response) {
        return response.json().then(function (data) {
          if (!response.ok) throw new Error((th ? data.message_th : data.message_en) || response.status);
          return data;
        });
      })
      .then(function (data) {
        if (data.user !== root.dataset.user) return; // a poll sent before "new user"
        if (data.total < seen) {
          seen = 0; // the stand-in was reset
          return;
        }
        var last = null;
        data.items.forEach(function (item) {
          item.messages.forEach(function (message) {
            bubble("bot", shown(message), item.via);
            last = message;
          });
        });
        seen = data.total;
        if (last) {
          typingHide();
          chips((last.quickReply && last.quickReply.items) || []);
        }
        if (status.dataset.problem) {
          status.dataset.problem = "";
          say("");
        }
      })
      .catch(function (error) {
        status.dataset.problem = "1";
        say(t("อ่านข้อความไม่ได้: ", "Cannot read the messages: ") + error.message);
      })
      .then(function () {
        polling = null;
      });
    return polling;
  }

  window.setInterval(poll, POLL_MS);
  if (urls.fresh === "1") {
    bubble("system", t("คุณเพิ่มเพื่อนบัญชีนี้แล้ว", "You added the account as a friend"));
    send({ type: "follow" }, "");
  } else {
    poll();
  }
})();
