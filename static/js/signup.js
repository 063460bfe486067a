// The aanmeldformulier works without JavaScript; this only makes it shorter and calmer:
// details appear for the kinds that are ticked, dates only for "in een bepaalde periode",
// the error summary takes focus, and the button cannot be pressed twice.
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

  const summary = document.getElementById("foutmeldingen");
  if (summary) summary.focus();

  form.addEventListener("submit", () => {
    const button = form.querySelector("[data-submit]");
    // Disable a moment later, so the button's own value is still sent with this submit.
    window.setTimeout(() => { button.disabled = true; }, 0);
  });
  // Back from the thank-you page (the browser's page cache): the button works again.
  window.addEventListener("pageshow", () => {
    form.querySelector("[data-submit]").disabled = false;
  });
})();
