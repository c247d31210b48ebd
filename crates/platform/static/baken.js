/*
 * Baken: small progressive enhancement. Every page works without this file; it only adds comfort.
 * Loaded as <script src="/static/baken.js" defer></script> (no inline scripts: CSP has no 'unsafe-inline').
 *
 * - data-confirm="Vraag?" on a <form>, or on the <button type="submit"> that submits it: ask before sending.
 *   The server must still treat the action as final (without JavaScript there is no question).
 * - .baken-error-summary: receives focus when the page loads, so screen-reader and keyboard users hear the
 *   errors first (give it tabindex="-1" in the markup; this script adds it if missing).
 */
(function () {
  "use strict";

  document.addEventListener(
    "submit",
    function (event) {
      var form = event.target;
      if (!(form instanceof HTMLFormElement)) return;
      var submitter = event.submitter;
      var question =
        (submitter && submitter.getAttribute("data-confirm")) || form.getAttribute("data-confirm");
      if (question && !window.confirm(question)) {
        event.preventDefault();
        event.stopImmediatePropagation();
      }
    },
    true
  );

  function focusErrorSummary() {
    var summary = document.querySelector(".baken-error-summary");
    if (!summary) return;
    if (!summary.hasAttribute("tabindex")) summary.setAttribute("tabindex", "-1");
    summary.focus();
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", focusErrorSummary);
  } else {
    focusErrorSummary();
  }
})();
