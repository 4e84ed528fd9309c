// Studio sign-up: address suggested from the name, checked as the owner types; zone from the browser.
(function () {
  "use strict";
  var form = document.getElementById("signup-form");
  if (!form) return;
  var name = form.elements["name"];
  var slug = form.elements["slug"];
  var zone = form.elements["timezone"];
  var status = document.getElementById("slug-status");
  var slugTouched = slug.value !== "";
  var timer = null;
  var latest = 0;

  function slugify(text) {
    return text.normalize("NFKD").replace(/[\u0300-\u036f]/g, "").toLowerCase()
      .replace(/[^a-z0-9]+/g, "-").replace(/^-+|-+$/g, "").slice(0, 40).replace(/-+$/, "");
  }

  function show(available, message) {
    status.textContent = message;
    status.className = "slug-status " + (available ? "ok" : "taken");
  }

  function check() {
    var value = slug.value.trim();
    if (!value) { status.textContent = ""; status.className = "slug-status"; return; }
    var ticket = ++latest;
    fetch(status.dataset.checkUrl + "?slug=" + encodeURIComponent(value), {headers: {"Accept": "application/json"}})
      .then(function (response) { return response.json(); })
      .then(function (data) { if (ticket === latest) show(data.available, data.message); })
      .catch(function () { /* the server checks again on submit */ });
  }

  function later() {
    clearTimeout(timer);
    timer = setTimeout(check, 300);
  }

  slug.addEventListener("input", function () {
    slugTouched = slug.value !== "";
    var lower = slug.value.toLowerCase();
    if (lower !== slug.value) slug.value = lower;
    later();
  });
  name.addEventListener("input", function () {
    if (slugTouched) return;
    slug.value = slugify(name.value);
    later();
  });

  // Default the zone to the browser's own unless the form is coming back with the owner's choice.
  if (zone && !form.dataset.bound) {
    try {
      var browserZone = Intl.DateTimeFormat().resolvedOptions().timeZone;
      if (browserZone && zone.value === "UTC" && zone.querySelector('option[value="' + browserZone + '"]')) {
        zone.value = browserZone;
      }
    } catch (e) { /* keep UTC */ }
  }
  if (slug.value) check();
})();
