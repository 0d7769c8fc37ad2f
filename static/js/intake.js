// Intake form: show the fields a channel or source needs, add petitioner rows, pick a known
// person, and register only once however often the button is pressed.
(function () {
  "use strict";
  var form = document.getElementById("intake-form");
  if (!form) return;

  function valueOf(name) {
    var el = form.querySelector('[name="p-' + name + '"]');
    return el ? el.value : "";
  }
  function applyVisibility() {
    form.querySelectorAll("[data-show-when]").forEach(function (el) {
      var rule = el.getAttribute("data-show-when").split(":");
      var allowed = rule[1].split(",");
      el.hidden = allowed.indexOf(valueOf(rule[0])) === -1;
    });
  }
  form.addEventListener("change", applyVisibility);
  applyVisibility();

  var rows = document.getElementById("petitioner-rows");
  var total = form.querySelector('[name="people-TOTAL_FORMS"]');
  document.getElementById("add-petitioner").addEventListener("click", function () {
    var index = parseInt(total.value, 10);
    var html = document.getElementById("petitioner-template").innerHTML.replace(/__prefix__/g, index);
    rows.insertAdjacentHTML("beforeend", html);
    total.value = index + 1;
    if (window.htmx) window.htmx.process(rows.lastElementChild);
  });

  document.addEventListener("click", function (event) {
    var button = event.target.closest(".use-person");
    if (!button) return;
    var row = form.querySelector('.petitioner-row[data-prefix="' + button.dataset.row + '"]');
    if (!row) return;
    row.querySelector('[name="' + button.dataset.row + '-person"]').value = button.dataset.person;
    row.querySelector('[name="' + button.dataset.row + '-name"]').value = button.dataset.name;
    row.querySelector(".linked-person").hidden = false;
  });

  form.addEventListener("submit", function () {
    form.querySelectorAll("[data-once]").forEach(function (b) {
      setTimeout(function () { b.disabled = true; }, 0);
    });
  });
})();
