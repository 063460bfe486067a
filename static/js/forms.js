// Every public form, improved when JavaScript runs: after a failed submit the error summary
// takes focus (screen readers read it, the keyboard starts there), and a form's
// [data-submit] button cannot be pressed twice. Without JavaScript the forms work the same.
(function () {
  "use strict";
  const summary = document.getElementById("foutmeldingen");
  if (summary) {
    summary.focus();
    // A form that posts to an anchor (an event's #inschrijven) has the browser scroll to it
    // once the page has loaded, which takes the focus away again: give it back then.
    window.addEventListener("load", () => {
      window.setTimeout(() => {
        if (document.activeElement === document.body) summary.focus();
      }, 0);
    });
  }

  document.querySelectorAll("form").forEach((form) => {
    const button = form.querySelector("[data-submit]");
    if (!button) return;
    form.addEventListener("submit", () => {
      // Disable a moment later, so the button's own value is still sent with this submit.
      window.setTimeout(() => { button.disabled = true; }, 0);
    });
    // Back from the next page (the browser's page cache): the button works again.
    window.addEventListener("pageshow", () => { button.disabled = false; });
  });
})();
