/*
 * Baken: the location of a report, an enhancement of a form that works without it.
 * <div data-baken-kaart data-adres="id of the address input" data-lat="id of a hidden latitude input"
 *      data-lon="id of a hidden longitude input" data-radio="id of the radio that chooses the address"
 *      data-status="id of a role=status element" data-zoek="base URL of Baken's address search"
 *      data-tegels="tile URL template" data-tegels-bron="tile attribution"
 *      data-gebieden="URL of GeoJSON boundaries" data-bron="source line for the boundaries"
 *      data-…="the Dutch texts it says" hidden></div>
 * Without JavaScript the resident types the address and Baken looks it up when the form arrives.
 * With it: typing offers addresses (a combobox: arrow keys, Enter, Escape), picking one fills its
 * point on the map, and a click on the map fills the point and the address found there. The
 * browser talks only to Baken (…/zoek, …/kies, …/punt), which asks PDOK Locatieserver. When that
 * cannot be reached, the resident is told and the typed address is kept as it is.
 */
(function () {
  "use strict";

  function start() {
    var el = document.querySelector("[data-baken-kaart]");
    if (!el || !window.L) return;
    var L = window.L;
    var attr = function (n) {
      return el.getAttribute("data-" + n) || "";
    };
    var input = document.getElementById(attr("adres"));
    var lat = document.getElementById(attr("lat"));
    var lon = document.getElementById(attr("lon"));
    var radio = document.getElementById(attr("radio"));
    var status = document.getElementById(attr("status"));
    var base = attr("zoek");
    if (!input || !lat || !lon) return;

    function say(text) {
      if (status) status.textContent = text;
    }
    function choose() {
      if (radio) radio.checked = true;
    }

    // The map, on the base tiles, with the gemeente's wijken over it.
    el.hidden = false;
    var map = L.map(el, { scrollWheelZoom: false, zoomControl: false });
    L.control.zoom({ zoomInTitle: attr("inzoomen") || "+", zoomOutTitle: attr("uitzoomen") || "-" }).addTo(map);
    map.attributionControl.setPrefix(false);
    if (attr("tegels")) {
      L.tileLayer(attr("tegels"), { attribution: attr("tegels-bron"), maxZoom: 19, minZoom: 6 }).addTo(map);
    }
    map.attributionControl.addAttribution(attr("bron"));
    map.setView([51.95, 5.05], 11);
    var marker = null;
    function place(latlng, zoom) {
      if (marker) {
        marker.setLatLng(latlng);
      } else {
        marker = L.circleMarker(latlng, { radius: 9, color: "#001a40", weight: 3, fillColor: "#3b0fb0", fillOpacity: 0.9 }).addTo(map);
      }
      if (zoom) map.setView(latlng, Math.max(map.getZoom(), 17));
    }
    fetch(attr("gebieden"), { credentials: "same-origin" })
      .then(function (r) {
        return r.ok ? r.json() : null;
      })
      .then(function (geo) {
        if (!geo) return;
        var layer = L.geoJSON(geo, {
          interactive: false,
          style: { color: "#3b0fb0", weight: 1, fillOpacity: 0 }
        }).addTo(map);
        if (!marker) map.fitBounds(layer.getBounds());
      })
      .catch(function () {});

    function setPoint(y, x) {
      lat.value = y.toFixed(6);
      lon.value = x.toFixed(6);
    }
    function get(path) {
      return fetch(base + path, { credentials: "same-origin", headers: { Accept: "application/json" } }).then(function (r) {
        return r.json().then(
          function (body) {
            return { status: r.status, body: body };
          },
          function () {
            return { status: r.status, body: {} };
          }
        );
      });
    }

    // The combobox (WAI-ARIA 1.2 pattern: the input owns a listbox of options).
    var list = document.createElement("ul");
    list.id = input.id + "-suggesties";
    list.className = "baken-suggesties";
    list.setAttribute("role", "listbox");
    list.setAttribute("aria-label", attr("suggesties"));
    list.hidden = true;
    input.parentNode.insertBefore(list, input.nextSibling);
    input.setAttribute("role", "combobox");
    input.setAttribute("aria-autocomplete", "list");
    input.setAttribute("aria-expanded", "false");
    input.setAttribute("aria-controls", list.id);
    var hint = document.createElement("div");
    hint.className = "utrecht-form-field-description";
    hint.id = input.id + "-zoekhint";
    hint.textContent = attr("zoek-hint");
    input.parentNode.insertBefore(hint, input);
    input.setAttribute("aria-describedby", ((input.getAttribute("aria-describedby") || "") + " " + hint.id).trim());
    var options = [];
    var active = -1;
    var timer = null;
    var asked = 0;

    function close() {
      list.hidden = true;
      list.textContent = "";
      options = [];
      active = -1;
      input.setAttribute("aria-expanded", "false");
      input.removeAttribute("aria-activedescendant");
    }
    function highlight(i) {
      options.forEach(function (o, n) {
        o.el.setAttribute("aria-selected", n === i ? "true" : "false");
      });
      active = i;
      if (i >= 0) {
        input.setAttribute("aria-activedescendant", options[i].el.id);
        options[i].el.scrollIntoView({ block: "nearest" });
      } else {
        input.removeAttribute("aria-activedescendant");
      }
    }
    function pick(s) {
      close();
      input.value = s.naam;
      choose();
      get("/kies?id=" + encodeURIComponent(s.id))
        .then(function (r) {
          if (r.status === 200 && typeof r.body.lat === "number") {
            input.value = r.body.adres;
            setPoint(r.body.lat, r.body.lon);
            place([r.body.lat, r.body.lon], true);
            say(attr("gekozen") + ": " + r.body.adres + (r.body.buurt ? " (" + r.body.buurt + ")" : "") + ".");
          } else {
            say(attr("zoeker-weg"));
          }
        })
        .catch(function () {
          say(attr("zoeker-weg"));
        });
    }
    function show(items) {
      close();
      if (!items.length) {
        say(attr("geen-suggesties"));
        return;
      }
      items.forEach(function (s, n) {
        var li = document.createElement("li");
        li.id = list.id + "-" + n;
        li.setAttribute("role", "option");
        li.setAttribute("aria-selected", "false");
        li.textContent = s.naam;
        li.addEventListener("mousedown", function (e) {
          e.preventDefault();
        });
        li.addEventListener("click", function () {
          pick(s);
        });
        list.appendChild(li);
        options.push({ el: li, s: s });
      });
      list.hidden = false;
      input.setAttribute("aria-expanded", "true");
      say(items.length + " " + attr("suggesties") + ".");
    }
    input.addEventListener("input", function () {
      // Typed anew: the point of an earlier pick no longer belongs to it.
      lat.value = "";
      lon.value = "";
      choose();
      if (timer) clearTimeout(timer);
      var text = input.value.trim();
      if (text.length < 3) {
        close();
        return;
      }
      timer = setTimeout(function () {
        var mine = ++asked;
        get("/zoek?q=" + encodeURIComponent(text))
          .then(function (r) {
            if (mine !== asked) return;
            if (r.status === 200 && r.body.suggesties) {
              show(r.body.suggesties);
            } else {
              close();
              say(attr("zoeker-weg"));
            }
          })
          .catch(function () {
            close();
            say(attr("zoeker-weg"));
          });
      }, 250);
    });
    input.addEventListener("keydown", function (e) {
      if (list.hidden || !options.length) return;
      if (e.key === "ArrowDown") {
        e.preventDefault();
        highlight((active + 1) % options.length);
      } else if (e.key === "ArrowUp") {
        e.preventDefault();
        highlight(active <= 0 ? options.length - 1 : active - 1);
      } else if (e.key === "Enter" && active >= 0) {
        e.preventDefault();
        pick(options[active].s);
      } else if (e.key === "Escape") {
        e.preventDefault();
        close();
      }
    });
    input.addEventListener("blur", function () {
      setTimeout(close, 150);
    });

    // A click on the map: the point is where it was put, the address the nearest one found.
    map.on("click", function (e) {
      setPoint(e.latlng.lat, e.latlng.lng);
      place(e.latlng, false);
      choose();
      close();
      get("/punt?lat=" + e.latlng.lat.toFixed(6) + "&lon=" + e.latlng.lng.toFixed(6))
        .then(function (r) {
          if (r.status === 200 && r.body.adres) {
            input.value = r.body.adres;
            say(attr("punt-adres") + ": " + r.body.adres + (r.body.buurt ? " (" + r.body.buurt + ")" : "") + ".");
          } else if (r.status === 404) {
            input.value = "";
            say(attr("punt-zonder-adres"));
          } else {
            say(attr("punt-zonder-adres") + " " + attr("zoeker-weg"));
          }
        })
        .catch(function () {
          say(attr("punt-zonder-adres") + " " + attr("zoeker-weg"));
        });
    });

    var y = parseFloat(String(lat.value).replace(",", "."));
    var x = parseFloat(String(lon.value).replace(",", "."));
    if (!isNaN(y) && !isNaN(x)) place([y, x], true);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
