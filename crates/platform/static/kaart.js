/*
 * Baken: the map picker, an enhancement of a form that has its own fields for a point.
 * <div data-baken-kaart data-lat="id of the latitude input" data-lon="id of the longitude input"
 *      data-radio="id of the radio that chooses 'point'" data-gebieden="URL of GeoJSON boundaries"
 *      data-bron="source line for the boundaries" hidden></div>
 * Without JavaScript (or without Leaflet) the div stays hidden and the fields remain; with it, a
 * click on the map fills the fields. No tile server: the map is the gemeente's own boundaries.
 */
(function () {
  "use strict";

  function start() {
    var el = document.querySelector("[data-baken-kaart]");
    if (!el || !window.L) return;
    var lat = document.getElementById(el.getAttribute("data-lat"));
    var lon = document.getElementById(el.getAttribute("data-lon"));
    var radio = document.getElementById(el.getAttribute("data-radio"));
    if (!lat || !lon) return;
    el.hidden = false;
    var map = window.L.map(el, { scrollWheelZoom: false });
    map.attributionControl.setPrefix(false);
    map.attributionControl.addAttribution(el.getAttribute("data-bron") || "");
    map.setView([51.95, 5.05], 11);
    var marker = null;
    function place(latlng) {
      if (marker) {
        marker.setLatLng(latlng);
      } else {
        marker = window.L.circleMarker(latlng, { radius: 8, color: "#001a40", fillColor: "#3b0fb0", fillOpacity: 0.9 }).addTo(map);
      }
    }
    fetch(el.getAttribute("data-gebieden"), { credentials: "same-origin" })
      .then(function (r) {
        return r.ok ? r.json() : null;
      })
      .then(function (geo) {
        if (!geo) return;
        var layer = window.L.geoJSON(geo, {
          style: { color: "#3b0fb0", weight: 1, fillColor: "#3b0fb0", fillOpacity: 0.04 }
        }).addTo(map);
        map.fitBounds(layer.getBounds());
      })
      .catch(function () {});
    map.on("click", function (e) {
      lat.value = e.latlng.lat.toFixed(5);
      lon.value = e.latlng.lng.toFixed(5);
      if (radio) radio.checked = true;
      place(e.latlng);
    });
    var y = parseFloat(String(lat.value).replace(",", "."));
    var x = parseFloat(String(lon.value).replace(",", "."));
    if (!isNaN(y) && !isNaN(x)) place([y, x]);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
