// Small progressive enhancements; every page works without this script.
"use strict";

document.addEventListener("DOMContentLoaded", () => {
  // The status form: the reason is required when the chosen status needs one.
  for (const select of document.querySelectorAll("select[data-reason-for]")) {
    const form = select.form;
    const reason = form && form.querySelector("textarea[name=reason]");
    if (!reason) continue;
    const needs = select.dataset.reasonFor;
    const update = () => { reason.required = select.value === needs; };
    select.addEventListener("change", update);
    update();
  }
  // Filters start open on wide screens, folded on narrow ones (unless a filter is active).
  for (const details of document.querySelectorAll("details[data-open-wide]")) {
    if (window.matchMedia("(min-width: 861px)").matches) details.open = true;
  }
});
