/* The dispatch board's map: one marker per row of the list that has a position, coloured by the row's state.
   The rows are the only source: the map redraws from them when the page loads and whenever dispatch.js has
   applied a live change ("board:rows"), so the filters, the live updates and the list's order of importance all
   hold for the map too. Without tiles (RAKSA_MAP_TILE_URL empty, or none load) the markers sit on a plain
   background with a scale. Without Leaflet or JavaScript the map stays hidden and the list is the whole board. */
(function () {
  "use strict";
  var board = document.getElementById("board");
  var box = document.getElementById("board-map-box");
  var holder = document.getElementById("board-map");
  var L = window.L;
  if (!board || !box || !holder || !L) return;

  // Thailand, for a board with nothing to show: the whole country, not a blank square somewhere at sea.
  var THAILAND = L.latLngBounds([5.6, 97.3], [20.5, 105.7]);
  var FIT_MAX_ZOOM = 14;
  var labels = holder.dataset;
  var count = document.getElementById("board-map-count");

  box.hidden = false;
  document.getElementById("board-body-layout").classList.add("has-map");
  // A view first: Leaflet adds layers to a map only once it has one.
  var map = L.map(holder, { minZoom: 4, maxZoom: 18, zoomSnap: 0.5 }).fitBounds(THAILAND, { animate: false });
  L.control.scale({ imperial: false }).addTo(map);
  if (labels.tiles) {
    var tiles = L.tileLayer(labels.tiles, { maxZoom: 19, attribution: labels.attribution }).addTo(map);
    tiles.on("tileerror", function () {
      holder.classList.add("tiles-failed"); // tiles come from another host: the markers work without them
    });
  }

  var markers = {}; // dispatch id -> circle marker
  // Once someone pans or zooms, live changes stop moving the map under them; the fit button gives it back.
  var followRows = true;
  var fitting = false;

  function fit() {
    var points = Object.keys(markers).map(function (id) {
      return markers[id].getLatLng();
    });
    fitting = true;
    try {
      if (points.length) map.fitBounds(L.latLngBounds(points), { padding: [24, 24], maxZoom: FIT_MAX_ZOOM, animate: false });
      else map.fitBounds(THAILAND, { animate: false });
    } finally {
      fitting = false;
    }
  }
  map.on("dragstart zoomstart", function () {
    if (!fitting) followRows = false;
  });

  var FitControl = L.Control.extend({
    options: { position: "topright" },
    onAdd: function () {
      var button = L.DomUtil.create("button", "board-map-fit");
      button.type = "button";
      button.textContent = labels.fitLabel || "All";
      L.DomEvent.disableClickPropagation(button);
      L.DomEvent.on(button, "click", function () {
        followRows = true;
        fit();
      });
      return button;
    },
  });
  new FitControl().addTo(map);

  function text(tag, value, className) {
    var el = document.createElement(tag);
    el.textContent = value;
    if (className) el.className = className;
    return el;
  }

  // Built with DOM calls and textContent, never HTML strings: a case's place is typed by the public.
  function popup(row) {
    var d = row.dataset;
    var el = document.createElement("div");
    el.className = "board-popup state-" + d.state;
    var head = document.createElement("p");
    head.appendChild(text("strong", d.type || ""));
    head.appendChild(document.createTextNode(" "));
    head.appendChild(text("span", d.number || "", "muted"));
    el.appendChild(head);
    if (d.place) el.appendChild(text("p", d.place));
    var state = document.createElement("p");
    state.appendChild(text("span", d.stateLabel || d.state, "board-popup-state"));
    if (row.classList.contains("alert-failed")) {
      state.appendChild(document.createTextNode(" "));
      state.appendChild(text("span", labels.failedLabel || "", "badge danger"));
    }
    el.appendChild(state);
    var links = document.createElement("p");
    var open = text("a", labels.openLabel || "Open");
    open.href = d.href;
    var inList = text("a", labels.rowLabel || "List");
    inList.href = "#" + row.id;
    links.appendChild(open);
    links.appendChild(document.createTextNode(" · "));
    links.appendChild(inList);
    el.appendChild(links);
    return el;
  }

  function urgent(row) {
    return row.dataset.state === "escalated" || row.classList.contains("alert-failed");
  }

  function markerClass(row) {
    var names = ["board-marker", "state-" + row.dataset.state];
    if (row.classList.contains("alert-failed")) names.push("alert-failed");
    if (urgent(row)) names.push("urgent");
    if (row.classList.contains("fresh")) names.push("fresh");
    return names.join(" ");
  }

  function position(row) {
    var lat = parseFloat(row.dataset.lat);
    var lon = parseFloat(row.dataset.lon);
    return isFinite(lat) && isFinite(lon) ? L.latLng(lat, lon) : null;
  }

  function sync() {
    var rows = document.querySelectorAll("#board-body tr[data-dispatch]");
    var seen = {};
    var shown = 0;
    var changed = false;
    var drawn = [];
    rows.forEach(function (row) {
      var id = row.dataset.dispatch;
      var where = position(row);
      if (!where) return;
      seen[id] = true;
      shown += 1;
      var marker = markers[id];
      if (!marker) {
        marker = L.circleMarker(where, { radius: 9, weight: 2, fillOpacity: 0.9 }).addTo(map);
        marker.bindPopup(popup(row));
        marker.getElement().setAttribute("data-dispatch", id);
        markers[id] = marker;
        changed = true;
      } else {
        if (!marker.getLatLng().equals(where)) {
          marker.setLatLng(where);
          changed = true;
        }
        marker.setPopupContent(popup(row));
      }
      // The SVG path carries the row's state as a class: dispatch.css colours both alike.
      var el = marker.getElement();
      el.setAttribute("class", "leaflet-interactive " + markerClass(row));
      marker.setRadius(urgent(row) ? 12 : 9);
      drawn.push({ marker: marker, urgent: urgent(row) });
    });
    // Drawn in the list's order, the first on top, and every escalation or failed alert above the rest: never
    // hidden under a calmer dispatch (its case's next level is at the very same place), nor under a new row.
    [false, true].forEach(function (pass) {
      for (var i = drawn.length - 1; i >= 0; i--) if (drawn[i].urgent === pass) drawn[i].marker.bringToFront();
    });
    Object.keys(markers).forEach(function (id) {
      if (seen[id]) return;
      map.removeLayer(markers[id]);
      delete markers[id];
      changed = true;
    });
    if (count) {
      var total = rows.length;
      var template = shown === total ? count.dataset.allTemplate : count.dataset.template;
      count.textContent = (template || "{shown}/{total}").replace("{shown}", shown).replace("{total}", total);
    }
    return changed;
  }

  sync();
  fit();
  board.addEventListener("board:rows", function () {
    if (sync() && followRows) fit();
  });
  // The map's box changes size with the window (and the layout switches at phone width): tell Leaflet.
  if (window.ResizeObserver) {
    new ResizeObserver(function () {
      map.invalidateSize();
    }).observe(holder);
  }
})();
