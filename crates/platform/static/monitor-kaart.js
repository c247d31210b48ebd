/*
 * Baken monitor: the choropleth on a Leaflet map, an enhancement of the server-rendered SVG map.
 * <div data-baken-choropleet="id of a <script type=application/json> with the GeoJSON"
 *      data-svg="id of the SVG map's wrapper" data-legenda="legend title"
 *      data-inzoomen="zoom-in label" data-uitzoomen="zoom-out label" hidden></div>
 * The GeoJSON has per area the properties code, name, colour and label, and as foreign members
 * legend [{colour, label}], title and source. Without JavaScript (or without Leaflet) the div stays
 * hidden and the SVG shows; with it, the same classes are drawn on a Leaflet map (no tiles: the
 * gemeente's own boundaries on a plain background), every area reachable with Tab and named, and
 * the SVG is hidden only once the map is drawn. The table of figures is never touched.
 */
(function () {
  "use strict";

  function legendControl(L, data, title) {
    var control = L.control({ position: "bottomright" });
    control.onAdd = function () {
      var box = L.DomUtil.create("div", "baken-kaart-legenda");
      box.style.background = "#ffffff";
      box.style.color = "#001a40";
      box.style.padding = "0.4rem 0.6rem";
      box.style.border = "1px solid #3d5374";
      box.style.fontSize = "0.875rem";
      box.style.lineHeight = "1.4";
      var heading = document.createElement("p");
      heading.style.margin = "0 0 0.25rem";
      heading.style.fontWeight = "bold";
      heading.textContent = title;
      box.appendChild(heading);
      var list = document.createElement("ul");
      list.style.listStyle = "none";
      list.style.margin = "0";
      list.style.padding = "0";
      (data.legend || []).forEach(function (item) {
        var li = document.createElement("li");
        var swatch = document.createElement("span");
        swatch.setAttribute("aria-hidden", "true");
        swatch.style.display = "inline-block";
        swatch.style.width = "0.9rem";
        swatch.style.height = "0.9rem";
        swatch.style.marginInlineEnd = "0.4rem";
        swatch.style.verticalAlign = "middle";
        swatch.style.border = "1px solid #3b0fb0";
        swatch.style.background = item.colour;
        li.appendChild(swatch);
        li.appendChild(document.createTextNode(item.label));
        list.appendChild(li);
      });
      box.appendChild(list);
      L.DomEvent.disableClickPropagation(box);
      return box;
    };
    return control;
  }

  function start() {
    var el = document.querySelector("[data-baken-choropleet]");
    var L = window.L;
    if (!el || !L) return;
    var source = document.getElementById(el.getAttribute("data-baken-choropleet"));
    var svg = document.getElementById(el.getAttribute("data-svg"));
    var data;
    try {
      data = JSON.parse(source ? source.textContent : "");
    } catch (e) {
      return;
    }
    if (!data || !data.features || !data.features.length) return;
    el.hidden = false;
    el.style.background = "#ffffff";
    try {
      var map = L.map(el, { scrollWheelZoom: false, zoomControl: false, zoomSnap: 0.25 });
      L.control
        .zoom({
          zoomInTitle: el.getAttribute("data-inzoomen") || "+",
          zoomOutTitle: el.getAttribute("data-uitzoomen") || "-"
        })
        .addTo(map);
      map.attributionControl.setPrefix(false);
      map.attributionControl.addAttribution(data.source || "");
      var base = { color: "#3b0fb0", weight: 1, opacity: 1, fillOpacity: 0.9 };
      var layer = L.geoJSON(data, {
        style: function (f) {
          return {
            color: base.color,
            weight: base.weight,
            opacity: base.opacity,
            fillOpacity: base.fillOpacity,
            fillColor: f.properties.colour
          };
        },
        onEachFeature: function (f, area) {
          area.bindTooltip(f.properties.name + ": " + f.properties.label);
        }
      }).addTo(map);
      map.fitBounds(layer.getBounds());
      layer.eachLayer(function (area) {
        var path = area.getElement ? area.getElement() : null;
        if (!path) return;
        var p = area.feature.properties;
        path.setAttribute("tabindex", "0");
        path.setAttribute("role", "img");
        path.setAttribute("aria-label", p.name + " (" + p.code + "): " + p.label);
        path.addEventListener("focus", function () {
          area.setStyle({ weight: 4, color: "#001a40" });
          area.openTooltip(area.getBounds().getCenter());
        });
        path.addEventListener("blur", function () {
          area.setStyle({ weight: base.weight, color: base.color });
          area.closeTooltip();
        });
      });
      legendControl(L, data, el.getAttribute("data-legenda") || "").addTo(map);
      if (svg) svg.hidden = true;
    } catch (e) {
      el.hidden = true;
      if (svg) svg.hidden = false;
    }
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
