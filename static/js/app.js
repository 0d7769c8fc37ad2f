// Behaviour every page shares, kept out of the templates: the Content-Security-Policy allows
// scripts from this server only (no inline script, no on…= attributes).
(function () {
  "use strict";
  // <select data-autosubmit> submits its form when changed (e.g. the screening period picker).
  document.addEventListener("change", function (event) {
    var field = event.target.closest("[data-autosubmit]");
    if (field && field.form) field.form.submit();
  });
})();
