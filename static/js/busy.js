// Actions that take a while (issuing and sealing a PDF: sign-off, archive …): once the form is sent its
// buttons are disabled and the pressed one shows a spinner and the form's data-busy text, so nobody
// presses twice or leaves thinking nothing happened.
(function () {
  "use strict";
  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (!form.matches || !form.matches("form[data-busy]")) return;
    if (form.getAttribute("data-sent") === "1") {
      event.preventDefault();
      return;
    }
    form.setAttribute("data-sent", "1");
    var pressed = event.submitter;
    if (pressed && pressed.name) {
      // A disabled button's value is not sent: keep it in a hidden field.
      var keep = document.createElement("input");
      keep.type = "hidden";
      keep.name = pressed.name;
      keep.value = pressed.value;
      form.appendChild(keep);
    }
    window.setTimeout(function () {
      form.querySelectorAll("button[type=submit], button:not([type])").forEach(function (button) {
        button.disabled = true;
        button.setAttribute("aria-disabled", "true");
      });
      var target = pressed || form.querySelector("button[type=submit]");
      if (target) {
        var spinner = document.createElement("span");
        spinner.className = "spinner-border spinner-border-sm me-1";
        spinner.setAttribute("role", "status");
        spinner.setAttribute("aria-hidden", "true");
        target.textContent = " " + form.getAttribute("data-busy");
        target.insertBefore(spinner, target.firstChild);
      }
      form.setAttribute("aria-busy", "true");
    }, 0);
  });
})();
