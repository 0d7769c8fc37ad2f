// Sessions on a shared office PC (docs/domain.md §8). Signed in: warn a minute before the idle
// limit, then log out; keep what was typed into a form in this tab (sessionStorage, gone when the
// tab closes) so that logging in again as the same user puts it back. On the login page: mark the
// page the user is sent back to, so that it restores what was typed there.
(function () {
  "use strict";
  var me = document.currentScript;
  var user = me.getAttribute("data-user") || "";
  var idle = parseInt(me.getAttribute("data-idle-seconds") || "0", 10);
  var PREFIX = "unsaved:";
  var store = window.sessionStorage;

  function here() { return location.pathname + location.search; }
  function read(key) { try { return JSON.parse(store.getItem(key) || "null"); } catch (e) { return null; } }
  function csrf() {
    try { return JSON.parse(document.body.getAttribute("hx-headers"))["X-CSRFToken"]; } catch (e) { return ""; }
  }
  function kept(form) {
    var method = (form.getAttribute("method") || "get").toLowerCase();
    return method === "post" && !form.hasAttribute("data-no-keep") && form.querySelector("input:not([type=hidden]), textarea, select");
  }
  function keptField(el) {
    return el.name && el.name !== "csrfmiddlewaretoken" && ["hidden", "file", "password", "submit", "button"].indexOf(el.type) === -1;
  }

  // On the login page: the page to return to restores its input if the same user logs in.
  var login = me.getAttribute("data-login-url");
  if (location.pathname === login) {
    var next = new URLSearchParams(location.search).get("next");
    var saved = next && read(PREFIX + next);
    if (saved) { saved.restore = true; store.setItem(PREFIX + next, JSON.stringify(saved)); }
    return;
  }
  if (!user) return;

  // Restore what was typed here before the session ended, or forget a stale copy.
  var previous = read(PREFIX + here());
  store.removeItem(PREFIX + here());
  if (previous && previous.restore && previous.user === user) {
    var forms = document.querySelectorAll("form");
    Object.keys(previous.forms).forEach(function (index) {
      var form = forms[index];
      if (!form) return;
      previous.forms[index].forEach(function (entry) {
        var name = entry[0], value = entry[1];
        form.querySelectorAll('[name="' + name.replace(/"/g, "") + '"]').forEach(function (el) {
          if (!keptField(el)) return;
          if (el.type === "checkbox" || el.type === "radio") el.checked = value.indexOf(el.value) !== -1;
          else if (el.multiple) Array.prototype.forEach.call(el.options, function (o) { o.selected = value.indexOf(o.value) !== -1; });
          else el.value = value[0] || "";
        });
      });
      form.dispatchEvent(new Event("change", { bubbles: true }));
    });
    var notice = document.querySelector("[data-testid=input-restored]");
    if (notice) notice.hidden = false;
  }

  function snapshot() {
    var data = { user: user, at: Date.now(), forms: {} };
    document.querySelectorAll("form").forEach(function (form, index) {
      if (!kept(form)) return;
      var values = {};
      Array.prototype.forEach.call(form.elements, function (el) {
        if (!keptField(el)) return;
        values[el.name] = values[el.name] || [];
        if (el.type === "checkbox" || el.type === "radio") { if (el.checked) values[el.name].push(el.value); }
        else if (el.multiple) Array.prototype.forEach.call(el.selectedOptions, function (o) { values[el.name].push(o.value); });
        else values[el.name].push(el.value);
      });
      data.forms[index] = Object.keys(values).map(function (name) { return [name, values[name]]; });
    });
    if (Object.keys(data.forms).length) store.setItem(PREFIX + here(), JSON.stringify(data));
  }
  document.addEventListener("input", snapshot);
  document.addEventListener("change", snapshot);

  // Logging out on purpose forgets everything kept in this tab.
  document.addEventListener("submit", function (event) {
    if (event.target.getAttribute("action") === me.getAttribute("data-logout-url")) {
      Object.keys(store).forEach(function (key) { if (key.indexOf(PREFIX) === 0) store.removeItem(key); });
    }
  });

  if (!idle) return;
  // The last activity of any tab of this browser (they share one session).
  var SEEN = "session-seen";
  function touch() { try { localStorage.setItem(SEEN, String(Date.now())); } catch (e) { /* private mode */ } }
  function lastSeen() { return parseInt(localStorage.getItem(SEEN) || "0", 10) || Date.now(); }
  touch();
  document.body.addEventListener("htmx:afterRequest", touch);
  var warning = document.querySelector("[data-testid=session-warning]");

  document.addEventListener("click", function (event) {
    if (!event.target.closest("[data-keep-session]")) return;
    fetch(me.getAttribute("data-keepalive-url"), {
      method: "POST", credentials: "same-origin", headers: { "X-CSRFToken": csrf() },
    }).then(function (response) {
      if (response.ok && !response.redirected) { touch(); if (warning) warning.hidden = true; }
    });
  });

  function logOut() {
    snapshot();
    fetch(me.getAttribute("data-logout-url"), {
      method: "POST", credentials: "same-origin", headers: { "X-CSRFToken": csrf() },
    }).finally(function () {
      location.assign(login + "?" + new URLSearchParams({ next: here(), idle: "1" }).toString());
    });
  }

  setInterval(function () {
    var left = lastSeen() + idle * 1000 - Date.now();
    if (left <= 0) logOut();
    else if (warning) warning.hidden = left > 60000;
  }, 5000);
})();
