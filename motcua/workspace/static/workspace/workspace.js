// Keyboard helpers of the staff workspace; every page works without them.
(function () {
  "use strict";
  function fold(text) {
    return text.replace(/đ/g, "d").replace(/Đ/g, "d").normalize("NFD")
      .replace(/[\u0300-\u036f]/g, "").toLowerCase().replace(/[^0-9a-z.]+/g, " ").trim()
      // i/y spellings (kí/ký, lí/lý, quí/quý) fold together, as on the server.
      .replace(/\b(b|c|ch|d|g|gh|h|k|kh|l|m|n|ng|nh|p|ph|qu|r|s|t|th|tr|v|x)y\b/g, "$1i");
  }
  // Access keys the same way in every browser: Alt+Shift+key (Chromium's own chord is Alt
  // alone, which clashes with menus; Firefox's is Alt+Shift). Each key is used once a page.
  document.addEventListener("keydown", function (event) {
    if (!event.altKey || !event.shiftKey || event.ctrlKey || event.metaKey) { return; }
    var key = (event.code || "").replace(/^Key/, "").toLowerCase();
    if (key.length !== 1) { return; }
    var target = document.querySelector("[accesskey='" + key + "']");
    if (!target) { return; }
    event.preventDefault();
    if (/INPUT|TEXTAREA|SELECT/.test(target.tagName) && target.type !== "submit") {
      target.focus();
      if (target.select) { target.select(); }
    } else {
      target.click();
    }
  });
  document.addEventListener("keydown", function (event) {
    var tag = (event.target && event.target.tagName) || "";
    if (event.key === "/" && !/INPUT|TEXTAREA|SELECT/.test(tag)) {
      var box = document.querySelector("[data-shortcut='/']");
      if (box) { event.preventDefault(); box.focus(); box.select(); }
    }
  });
  document.addEventListener("DOMContentLoaded", function () {
    var input = document.querySelector("[data-filter]");
    if (!input) { return; }
    var list = document.querySelector(input.getAttribute("data-filter"));
    var items = Array.prototype.slice.call(list.querySelectorAll("li[data-fold]"));
    var active = -1;
    function visible() { return items.filter(function (li) { return !li.hidden; }); }
    function mark(index) {
      items.forEach(function (li) { li.classList.remove("ws-active"); });
      var shown = visible();
      if (!shown.length) { active = -1; return; }
      active = Math.max(0, Math.min(index, shown.length - 1));
      shown[active].classList.add("ws-active");
      shown[active].scrollIntoView({ block: "nearest" });
    }
    // The list comes ranked by the server's search (synonyms, i/y spellings, phrase,
    // most used first): the same engine as the portal and the API. The typed words only
    // hide what no longer matches while the ranked list is on its way.
    var pending = null;    // the debounce timer of the next ranked list
    var loading = null;    // the ranked list on its way
    var goWhenLoaded = false;
    function load() {
      pending = null;
      var form = input.form;
      var params = new URLSearchParams(new FormData(form));
      params.set("partial", "1");
      var request = fetch(form.action + "?" + params.toString(), { credentials: "same-origin" })
        .then(function (r) { return r.ok ? r.text() : null; })
        .then(function (html) {
          if (request !== loading) { return; }  // a newer query is on its way
          loading = null;
          if (html !== null) {
            list.innerHTML = html;
            items = Array.prototype.slice.call(list.querySelectorAll("li[data-fold]"));
          }
          mark(0);
          if (goWhenLoaded) {
            goWhenLoaded = false;
            var shown = visible();
            if (shown.length) { window.location.href = shown[0].querySelector("a").href; }
          }
        });
      loading = request;
    }
    input.addEventListener("input", function () {
      var words = fold(input.value).split(" ").filter(Boolean);
      items.forEach(function (li) {
        var text = li.getAttribute("data-fold");
        li.hidden = !words.every(function (w) { return text.indexOf(w) !== -1; });
      });
      mark(0);
      if (pending) { clearTimeout(pending); }
      pending = setTimeout(load, 150);
    });
    input.addEventListener("keydown", function (event) {
      if (event.key === "ArrowDown") { event.preventDefault(); mark(active + 1); }
      else if (event.key === "ArrowUp") { event.preventDefault(); mark(active - 1); }
      else if (event.key === "Enter") {
        if ((pending || loading) && active <= 0 && input.value.trim()) {
          // Enter before the ranked list arrived: go to its first line once it is here,
          // never to the first line of the provisional, alphabetical one.
          event.preventDefault();
          goWhenLoaded = true;
          if (pending) { clearTimeout(pending); load(); }
          return;
        }
        var shown = visible();
        if (shown.length && active >= 0 && input.value.trim()) {
          event.preventDefault();
          window.location.href = shown[active].querySelector("a").href;
        }
      }
    });
  });
})();
// The population database lookup of the intake page (issue 15): the button asks the JSON
// endpoint and fills the applicant's fields; without this script the button stays hidden
// and the officer types the applicant in by hand.
(function () {
  "use strict";
  var panel = document.getElementById("population");
  if (!panel || !window.fetch) { return; }
  panel.hidden = false;
  var form = panel.closest("form");
  var button = document.getElementById("population-lookup");
  var result = document.getElementById("population-result");
  function field(name) { return form.querySelector("[name='" + name + "']"); }
  function say(kind, parts) {
    result.textContent = "";
    parts.forEach(function (part) {
      var p = document.createElement("p");
      p.className = "notice " + kind;
      if (part.strong) {
        var b = document.createElement("strong");
        b.textContent = part.strong;
        p.appendChild(b);
      } else {
        p.textContent = part.text;
      }
      result.appendChild(p);
    });
  }
  button.addEventListener("click", function () {
    var body = new FormData();
    body.set("csrfmiddlewaretoken", field("csrfmiddlewaretoken").value);
    body.set("unit", panel.getAttribute("data-unit"));
    body.set("id_number", field("id_number").value);
    body.set("name", field("name").value);
    body.set("birth_year", document.getElementById("p-year").value);
    body.set("reason", document.getElementById("p-reason").value);
    button.disabled = true;
    fetch(panel.getAttribute("data-url"), {
      method: "POST", body: body, credentials: "same-origin",
      headers: { "Accept": "application/json" }
    }).then(function (r) {
      return r.json().catch(function () { return { detail: panel.getAttribute("data-failed") }; });
    }).then(function (data) {
      var parts = data.label ? [{ strong: data.label }] : [];
      if (data.person) {
        field("name").value = data.person.name;
        field("id_number").value = data.person.id_number;
        field("address").value = data.person.address;
        var kind = field("kind");
        if (kind) { kind.value = "citizen"; }
        document.getElementById("population-query").value = data.query;
        parts.push({ text: panel.getAttribute("data-filled") + ": " + data.person.name + ", " +
          panel.getAttribute("data-birth") + " " + data.person.date_of_birth_display + ", " +
          data.person.address + "." });
        say(data.label ? "notice-warning" : "notice-success", parts);
      } else {
        var detail = data.detail || panel.getAttribute("data-failed");
        if (data.errors) {
          detail = Object.keys(data.errors).map(function (k) { return data.errors[k].join(" "); }).join(" ");
        }
        parts.push({ text: detail });
        say("notice-error", parts);
      }
    }, function () {
      say("notice-error", [{ text: panel.getAttribute("data-failed") }]);
    }).then(function () { button.disabled = false; });
  });
})();
