// Small page behaviours declared in the markup with data- attributes, so no template needs an inline
// event handler (the Content Security Policy forbids them; docs/api.md "Security headers"):
//   <form data-confirm="Question?">       asks before submitting; cancelling stops the submit
//   <select data-autosubmit>              submits its form when the choice changes
//   <input data-select-on-focus>          selects its whole text when clicked (a link to copy)
//   <form data-action-from="field">       submits to the URL held by that field's value
(function () {
  "use strict";
  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (!(form instanceof HTMLFormElement)) return;
    var question = form.getAttribute("data-confirm");
    if (question && !window.confirm(question)) { event.preventDefault(); return; }
    var from = form.getAttribute("data-action-from");
    if (from && form.elements[from]) form.action = form.elements[from].value;
  });
  document.addEventListener("change", function (event) {
    var field = event.target;
    if (field instanceof HTMLSelectElement && field.hasAttribute("data-autosubmit") && field.form) {
      field.form.requestSubmit ? field.form.requestSubmit() : field.form.submit();
    }
  });
  document.addEventListener("click", function (event) {
    var field = event.target;
    if (field instanceof HTMLInputElement && field.hasAttribute("data-select-on-focus")) field.select();
  });
})();
