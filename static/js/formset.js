// "Add another" for Django formsets: clone the <template> holding the empty form,
// number it, and raise the management form's TOTAL_FORMS. No dependencies.
document.addEventListener("click", function (event) {
  var button = event.target.closest("[data-formset-add]");
  if (!button) return;
  var prefix = button.getAttribute("data-formset-add");
  var total = document.getElementById("id_" + prefix + "-TOTAL_FORMS");
  var template = document.getElementById("entry-form-template");
  var index = parseInt(total.value, 10);
  var holder = document.createElement("div");
  holder.innerHTML = template.innerHTML.replace(/__prefix__/g, String(index));
  var form = holder.firstElementChild;
  var number = form.querySelector(".entry-number");
  if (number) number.textContent = String(index + 1);
  document.getElementById("entry-forms").appendChild(form);
  total.value = String(index + 1);
  var first = form.querySelector("input[type=text], textarea");
  if (first) first.focus();
});
