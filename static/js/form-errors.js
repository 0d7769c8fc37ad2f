// Form errors beside their fields: each message rendered under a field (.invalid-feedback) marks that
// field invalid (red border, aria-invalid, aria-describedby), and the page scrolls to the first one and
// focuses its field, so a person on a phone sees what to correct without hunting for it.
(function () {
  "use strict";
  function fieldOf(message) {
    var holder = message.parentElement;
    while (holder && holder.tagName !== "FORM") {
      var field = holder.querySelector("input:not([type=hidden]), select, textarea");
      if (field) return field;
      holder = holder.parentElement;
    }
    return null;
  }
  function mark() {
    var messages = document.querySelectorAll("form .invalid-feedback");
    var first = null;
    messages.forEach(function (message, index) {
      var field = fieldOf(message);
      if (!field) return;
      if (!message.id) message.id = "field-error-" + index;
      field.classList.add("is-invalid");
      field.setAttribute("aria-invalid", "true");
      var described = (field.getAttribute("aria-describedby") || "").split(" ").filter(Boolean);
      if (described.indexOf(message.id) < 0) described.push(message.id);
      field.setAttribute("aria-describedby", described.join(" "));
      if (!first) first = { message: message, field: field };
    });
    if (!first) return;
    var box = first.field.closest(".mb-3, .col-12, [class*=col-], fieldset") || first.field;
    box.scrollIntoView({ block: "center" });
    first.field.focus({ preventScroll: true });
    // Styles, fonts and scripts that finish later can move the page: centre the field again once all is loaded.
    if (document.readyState !== "complete") {
      window.addEventListener("load", function () { box.scrollIntoView({ block: "center" }); }, { once: true });
    }
    document.body.setAttribute("data-first-error", first.field.name || "");
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", mark);
  } else {
    mark();
  }
})();
