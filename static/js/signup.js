// The aanmeldformulier works without JavaScript; this only makes it shorter and calmer:
// details appear for the kinds that are ticked, dates only for "in een bepaalde periode",
// (static/js/forms.js moves focus to the error summary and guards the button).
(function () {
  "use strict";
  const form = document.querySelector("[data-signup-form]");
  if (!form) return;

  document.querySelectorAll("[data-hide-with-js]").forEach((el) => { el.hidden = true; });

  const kindBoxes = form.querySelectorAll('input[name="kinds"]');
  function showChosenDetails() {
    kindBoxes.forEach((box) => {
      const details = form.querySelector(`[data-offer-kind="${box.value}"]`);
      if (details) details.hidden = !box.checked;
    });
  }
  kindBoxes.forEach((box) => box.addEventListener("change", showChosenDetails));
  showChosenDetails();

  form.querySelectorAll(".offer-details").forEach((details) => {
    const radios = details.querySelectorAll('input[name$="-availability"]');
    const period = details.querySelector("[data-period]");
    function showPeriod() {
      const chosen = details.querySelector('input[name$="-availability"]:checked');
      period.hidden = !chosen || chosen.value !== "periode";
    }
    radios.forEach((radio) => radio.addEventListener("change", showPeriod));
    showPeriod();
  });
})();
