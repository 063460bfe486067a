// The catalogue works as plain links and a GET form; htmx (loaded just before this file) only
// swaps the results region in place. Configure it before it initialises on DOMContentLoaded.
(function () {
  "use strict";
  if (!window.htmx) {
    return;
  }
  // No inline <style> element (a Content-Security-Policy comes later).
  window.htmx.config.includeIndicatorStyles = false;
  // Back/forward loads the page again rather than restoring a DOM snapshot from localStorage:
  // the form's fields then always agree with the URL.
  window.htmx.config.historyCacheSize = 0;
  window.htmx.config.refreshOnHistoryMiss = true;
})();

// After htmx swapped the results: when the swap removed the element that had focus (a page
// link), focus goes to the results heading rather than to nothing, so a keyboard or
// screen-reader user carries on from the new results. While a request runs, the region says
// it is busy.
(function () {
  "use strict";
  const results = document.getElementById("resultaten");
  const heading = document.getElementById("resultaten-kop");
  if (!results || !heading) return;

  document.body.addEventListener("htmx:beforeRequest", (event) => {
    if (event.detail.target === results) results.setAttribute("aria-busy", "true");
  });
  document.body.addEventListener("htmx:afterRequest", (event) => {
    if (event.detail.target === results) results.removeAttribute("aria-busy");
  });
  document.body.addEventListener("htmx:afterSettle", (event) => {
    if (event.detail.target !== results) return;
    if (!document.activeElement || document.activeElement === document.body) heading.focus();
  });
})();
