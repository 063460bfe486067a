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
