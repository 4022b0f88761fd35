/* The public report page. Without this file everything still works as plain form posts; with it:
   - an emergency button asks the browser for the location first (a few seconds at most), then sends, located
     or not, so one tap is always enough;
   - "use my location" and (when map tiles are configured) a map pin fill the location before the tap;
   - the district select follows the province (htmx, declared in the markup), the anonymous box greys out the
     contact fields, and too many pictures are flagged before a long upload. */
(function () {
  "use strict";

  var LOCATE_TIMEOUT_MS = 8000;
  var th = (document.documentElement.lang || "th").indexOf("en") !== 0;
  function t(thai, english) {
    return th ? thai : english;
  }

  function ready(fn) {
    if (document.readyState !== "loading") fn();
    else document.addEventListener("DOMContentLoaded", fn);
  }

  ready(function () {
    document.querySelectorAll(".js-only").forEach(function (el) {
      el.hidden = false;
    });
    document.querySelectorAll(".no-js").forEach(function (el) {
      el.hidden = true;
    });
    emergency();
    problem();
  });

  function emergency() {
    var form = document.getElementById("emergency-form");
    if (!form) return;
    var lat = form.querySelector("[name=latitude]");
    var lon = form.querySelector("[name=longitude]");
    var accuracy = form.querySelector("[name=accuracy]");
    var status = document.getElementById("where-status");
    var overlay = document.getElementById("sending");
    var overlayStatus = document.getElementById("sending-status");
    var sendNow = document.getElementById("send-now");
    var sent = false;
    var chosen = null;
    var marker = null;
    var map = null;

    function show(message, problem) {
      status.textContent = message;
      status.classList.toggle("is-problem", !!problem);
    }

    function setPlace(latitude, longitude, metres, how) {
      lat.value = latitude.toFixed(6);
      lon.value = longitude.toFixed(6);
      accuracy.value = metres ? String(Math.round(metres)) : "";
      var where = lat.value + ", " + lon.value;
      show(
        how === "pin"
          ? t("ปักหมุดแล้ว: " + where, "Pin placed: " + where)
          : t("ได้ตำแหน่งแล้ว (±" + Math.round(metres || 0) + " ม.)", "Location found (±" + Math.round(metres || 0) + " m)")
      );
      if (map && window.L) {
        if (!marker) marker = window.L.marker([latitude, longitude]).addTo(map);
        else marker.setLatLng([latitude, longitude]);
      }
    }

    function locate(done) {
      if (!navigator.geolocation) {
        done(false);
        return;
      }
      var finished = false;
      var timer = window.setTimeout(function () {
        if (!finished) {
          finished = true;
          done(false);
        }
      }, LOCATE_TIMEOUT_MS + 1000);
      navigator.geolocation.getCurrentPosition(
        function (position) {
          if (finished) return;
          finished = true;
          window.clearTimeout(timer);
          setPlace(position.coords.latitude, position.coords.longitude, position.coords.accuracy, "gps");
          done(true);
        },
        function () {
          if (finished) return;
          finished = true;
          window.clearTimeout(timer);
          show(t("ไม่ได้รับตำแหน่งจากโทรศัพท์", "No location from the phone"), true);
          done(false);
        },
        { enableHighAccuracy: true, timeout: LOCATE_TIMEOUT_MS, maximumAge: 60000 }
      );
    }

    function send() {
      if (sent || !chosen) return;
      sent = true;
      overlayStatus.textContent = t("กำลังส่ง…", "Sending…");
      sendNow.hidden = true;
      form.querySelectorAll("button.sos").forEach(function (b) {
        b.disabled = true;
      });
      // A hidden input carries the choice: the pressed button is disabled now, and a disabled button sends nothing.
      var input = document.createElement("input");
      input.type = "hidden";
      input.name = "emergency_type";
      input.value = chosen;
      form.appendChild(input);
      form.submit();
    }

    form.querySelectorAll("button.sos").forEach(function (button) {
      button.addEventListener("click", function (event) {
        event.preventDefault();
        if (sent) return;
        chosen = button.value;
        overlay.hidden = false;
        sendNow.hidden = false;
        sendNow.focus();
        if (lat.value && lon.value) {
          send();
          return;
        }
        overlayStatus.textContent = t("กำลังหาตำแหน่งของคุณ…", "Finding your location…");
        locate(send);
      });
    });
    sendNow.addEventListener("click", send);

    // Back from the thank-you page, the browser may show this page as it was left (buttons disabled, the
    // overlay up). Make it usable again, with a new form token: a tap now is a new report.
    window.addEventListener("pageshow", function (event) {
      if (!event.persisted) return;
      sent = false;
      chosen = null;
      overlay.hidden = true;
      form.querySelectorAll("button.sos").forEach(function (b) {
        b.disabled = false;
      });
      form.querySelectorAll("input[type=hidden][name=emergency_type]").forEach(function (input) {
        input.remove();
      });
      var token = form.querySelector("[name=token]");
      if (token && window.crypto && window.crypto.getRandomValues) {
        var bytes = new Uint8Array(18);
        window.crypto.getRandomValues(bytes);
        token.value = Array.prototype.map
          .call(bytes, function (b) {
            return ("0" + b.toString(16)).slice(-2);
          })
          .join("");
      }
    });

    var locateButton = document.getElementById("locate-button");
    if (locateButton) {
      if (!navigator.geolocation) locateButton.hidden = true;
      locateButton.addEventListener("click", function () {
        show(t("กำลังหาตำแหน่ง…", "Finding your location…"));
        locate(function () {});
      });
    }

    var mapButton = document.getElementById("map-button");
    var mapBox = document.getElementById("map");
    if (mapButton && mapBox) {
      mapButton.addEventListener("click", function () {
        if (!window.L) {
          show(t("แผนที่ใช้ไม่ได้ในขณะนี้ พิมพ์สถานที่แทนได้", "The map is not available; type the place instead"), true);
          return;
        }
        mapBox.hidden = false;
        mapButton.hidden = true;
        var start = lat.value ? [Number(lat.value), Number(lon.value)] : [13.7563, 100.5018];
        map = window.L.map(mapBox).setView(start, lat.value ? 16 : 11);
        var tiles = window.L.tileLayer(mapBox.dataset.tiles, {
          maxZoom: 19,
          attribution: mapBox.dataset.attribution,
        }).addTo(map);
        var told = false;
        tiles.on("tileerror", function () {
          // Tiles come from another host and may fail (no signal, blocked): the pin still works on the bare map.
          if (told) return;
          told = true;
          mapBox.classList.add("tiles-failed");
          if (!lat.value) {
            show(t("โหลดภาพแผนที่ไม่ได้ ยังแตะเพื่อปักหมุดได้ หรือพิมพ์สถานที่แทน", "The map pictures did not load; you can still tap to pin, or type the place"), true);
          }
        });
        if (lat.value) marker = window.L.marker(start).addTo(map);
        map.on("click", function (event) {
          setPlace(event.latlng.lat, event.latlng.lng, 0, "pin");
        });
      });
    }
  }

  function problem() {
    var form = document.getElementById("problem-form");
    if (!form) return;
    var anonymous = form.querySelector("[name=anonymous]");
    var contact = form.querySelectorAll("[name=name], [name=phone]");
    function sync() {
      contact.forEach(function (input) {
        input.disabled = anonymous.checked;
      });
    }
    if (anonymous) {
      anonymous.addEventListener("change", sync);
      sync();
    }
    var photos = form.querySelector("[name=photos]");
    var limits = document.getElementById("photo-limits");
    if (photos && limits) {
      var max = Number(limits.dataset.max || 5);
      photos.addEventListener("change", function () {
        var tooMany = photos.files && photos.files.length > max;
        photos.setCustomValidity(tooMany ? t("เลือกรูปได้ไม่เกิน " + max + " รูป", "At most " + max + " pictures") : "");
        if (tooMany) photos.reportValidity();
      });
    }
  }
})();
