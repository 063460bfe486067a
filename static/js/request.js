// The request form works without JavaScript (the "Zoek school" button reloads the page with
// the schools found). With htmx loaded, the choices appear while typing instead; this file
// keeps Enter in the search box from reloading the page (static/js/forms.js does the rest).
(function () {
  "use strict";
  const form = document.querySelector("[data-request-form]");
  if (!form) return;

  const search = document.getElementById("school-zoeken");
  const box = document.getElementById("school-zoek");
  if (search && box) {
    search.addEventListener("submit", (event) => {
      if (!window.htmx) return; // no htmx: the page reload is the search
      event.preventDefault();
      window.htmx.trigger(box, "search");
    });
  }
})();
