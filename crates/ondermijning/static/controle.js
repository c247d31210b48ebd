// Baken ondermijning: keeps a draft of an inspection on this device while it is filled in, so a
// dropped connection loses no finding. The form works without this script; the draft is only
// kept in this browser (localStorage) and removed once the server has the findings.
(function () {
  "use strict";
  var form = document.querySelector("form[data-concept]");
  if (!form || !window.localStorage) { return; }
  var key = "baken-controle-" + form.getAttribute("data-concept");
  var status = document.getElementById("concept-status");
  function say(text) { if (status) { status.textContent = text; } }
  function fields() {
    return Array.prototype.filter.call(form.elements, function (el) {
      return el.name && el.name !== "csrf" && el.type !== "submit";
    });
  }
  if (form.getAttribute("data-opgeslagen") === "1") {
    localStorage.removeItem(key);
  } else {
    try {
      var saved = JSON.parse(localStorage.getItem(key) || "null");
      if (saved && saved.values) {
        fields().forEach(function (el) {
          if (Object.prototype.hasOwnProperty.call(saved.values, el.name)) { el.value = saved.values[el.name]; }
        });
        say(form.getAttribute("data-tekst-hersteld"));
        if (saved.pending && navigator.onLine) { form.submit(); }
      }
    } catch (e) { localStorage.removeItem(key); }
  }
  function save(pending) {
    var values = {};
    fields().forEach(function (el) { values[el.name] = el.value; });
    localStorage.setItem(key, JSON.stringify({ values: values, pending: pending }));
  }
  form.addEventListener("input", function () { save(false); });
  form.addEventListener("change", function () { save(false); });
  form.addEventListener("submit", function (ev) {
    if (!navigator.onLine) {
      ev.preventDefault();
      save(true);
      say(form.getAttribute("data-tekst-offline"));
    } else {
      save(false);
    }
  });
  window.addEventListener("online", function () {
    try {
      var saved = JSON.parse(localStorage.getItem(key) || "null");
      if (saved && saved.pending) { form.submit(); }
    } catch (e) { /* nothing to send */ }
  });
})();
