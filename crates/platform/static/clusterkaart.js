/*
 * Baken: every melding of a selection on a Leaflet map, an enhancement of the SVG map and the
 * table beside it (which stay the text alternative).
 * <div data-baken-clusterkaart="id of a <script type=application/json> with [[lat, lon, n, id?], …]"
 *      data-svg="id of the SVG map's wrapper" data-tegels="tile URL template"
 *      data-tegels-bron="attribution" data-gebieden="URL of GeoJSON boundaries"
 *      data-melding="label of one melding" data-meldingen="label of a group" hidden></div>
 * The server counts the selection per small grid cell; here the cells are grouped further per
 * zoom level by their distance on screen, so the map stays readable with a million meldingen.
 * Each group is a focusable button with its count: it zooms in, and a single melding opens.
 */
(function () {
  "use strict";

  var GRID_PX = 56;

  function start() {
    var el = document.querySelector("[data-baken-clusterkaart]");
    var L = window.L;
    if (!el || !L) return;
    var attr = function (n) {
      return el.getAttribute("data-" + n) || "";
    };
    var source = document.getElementById(attr("baken-clusterkaart"));
    var svg = document.getElementById(attr("svg"));
    var cells;
    try {
      cells = JSON.parse(source ? source.textContent : "[]");
    } catch (e) {
      return;
    }
    el.hidden = false;
    var map;
    try {
      map = L.map(el, { scrollWheelZoom: false, zoomControl: false });
      L.control.zoom({ zoomInTitle: attr("inzoomen") || "+", zoomOutTitle: attr("uitzoomen") || "-" }).addTo(map);
      map.attributionControl.setPrefix(false);
      if (attr("tegels")) {
        L.tileLayer(attr("tegels"), { attribution: attr("tegels-bron"), maxZoom: 19, minZoom: 6 }).addTo(map);
      }
      map.setView([51.93, 5.05], 11);
    } catch (e) {
      el.hidden = true;
      return;
    }
    var bounds = null;
    cells.forEach(function (c) {
      var p = L.latLng(c[0], c[1]);
      bounds = bounds ? bounds.extend(p) : L.latLngBounds(p, p);
    });
    if (bounds) map.fitBounds(bounds.pad(0.05), { maxZoom: 16 });
    fetch(attr("gebieden"), { credentials: "same-origin" })
      .then(function (r) {
        return r.ok ? r.json() : null;
      })
      .then(function (geo) {
        if (!geo) return;
        var layer = L.geoJSON(geo, { interactive: false, style: { color: "#3b0fb0", weight: 1, fillOpacity: 0 } }).addTo(map);
        if (!bounds) map.fitBounds(layer.getBounds());
      })
      .catch(function () {});

    var layer = L.layerGroup().addTo(map);
    function draw() {
      layer.clearLayers();
      // Greedy grouping in screen space: a cell joins the group whose first point lies within
      // GRID_PX of it (looked up in the 3 × 3 buckets around it), else starts a new group; so
      // two meldingen close together are never split by a grid line.
      var groups = {};
      var buckets = {};
      var zoom = map.getZoom();
      var order = cells.slice().sort(function (a, b) {
        return b[2] - a[2];
      });
      order.forEach(function (c, index) {
        var pt = map.project([c[0], c[1]], zoom);
        var bx = Math.floor(pt.x / GRID_PX);
        var by = Math.floor(pt.y / GRID_PX);
        var g = null;
        for (var dx = -1; dx <= 1 && !g; dx++) {
          for (var dy = -1; dy <= 1 && !g; dy++) {
            (buckets[bx + dx + ":" + (by + dy)] || []).some(function (candidate) {
              if (Math.abs(candidate.x - pt.x) <= GRID_PX && Math.abs(candidate.y - pt.y) <= GRID_PX) {
                g = candidate;
                return true;
              }
              return false;
            });
          }
        }
        if (!g) {
          g = { x: pt.x, y: pt.y, n: 0, lat: 0, lon: 0, id: null, cells: 0, bounds: null };
          groups[index] = g;
          (buckets[bx + ":" + by] = buckets[bx + ":" + by] || []).push(g);
        }
        g.lat += c[0] * c[2];
        g.lon += c[1] * c[2];
        g.n += c[2];
        g.cells += 1;
        g.id = c[3] || null;
        var p = L.latLng(c[0], c[1]);
        g.bounds = g.bounds ? g.bounds.extend(p) : L.latLngBounds(p, p);
      });
      Object.keys(groups).forEach(function (k) {
        var g = groups[k];
        var single = g.n === 1 && g.cells === 1 && g.id;
        var size = g.n >= 1000 ? "l" : g.n >= 50 ? "m" : "s";
        var label = single ? attr("melding") : g.n + " " + attr("meldingen");
        var icon = L.divIcon({
          className: "baken-cluster baken-cluster--" + size,
          html: "<span>" + (g.n >= 10000 ? Math.round(g.n / 1000) + "k" : g.n) + "</span>",
          iconSize: size === "l" ? [52, 52] : size === "m" ? [42, 42] : [32, 32]
        });
        var m = L.marker([g.lat / g.n, g.lon / g.n], { icon: icon, keyboard: true, title: label, alt: label });
        m.on("click", function () {
          if (single) {
            window.location.href = "/meldingen/" + encodeURIComponent(g.id);
          } else if (map.getZoom() >= map.getMaxZoom() || g.cells === 1 && map.getZoom() >= 17) {
            map.setView(g.bounds.getCenter(), map.getMaxZoom());
          } else {
            map.fitBounds(g.bounds.pad(0.2), { maxZoom: Math.min(map.getZoom() + 3, 19) });
          }
        });
        m.addTo(layer);
        var node = m.getElement();
        if (node) node.setAttribute("aria-label", label);
      });
    }
    map.on("zoomend", draw);
    draw();
    if (svg) svg.hidden = true;
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
