// Starts GOV.UK Frontend and MOJ Frontend components. Kept out of the page so the
// content security policy can forbid inline script.
import { initAll as initGovuk } from "/static/vendor/govuk/govuk-frontend.min.js";
import { initAll as initMoj } from "/static/vendor/moj/moj-frontend.min.js";

document.body.classList.add("js-enabled", "govuk-frontend-supported");
initGovuk();
initMoj();

// The organisation switcher submits as soon as a new organisation is chosen.
for (const select of document.querySelectorAll("[data-autosubmit]")) {
  select.addEventListener("change", () => select.form.submit());
}
