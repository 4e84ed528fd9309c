// The installable app (docs/guides/clients.md "Install the app"):
//   <meta name="fitwell-service-worker" content="/sw.js">   registers the studio's offline worker (scope /)
//   <section data-install-app>                               install guidance; hidden once installed
//   <button data-install-button hidden>                      shown when the browser offers an install prompt
//   <form data-clear-offline>                                signing out forgets the offline copies
(function () {
  "use strict";
  var meta = document.querySelector('meta[name="fitwell-service-worker"]');
  if (meta && "serviceWorker" in navigator) {
    navigator.serviceWorker.register(meta.content, { scope: "/" }).catch(function () {});
  }
  var standalone = window.matchMedia("(display-mode: standalone)").matches || window.navigator.standalone === true;
  var block = document.querySelector("[data-install-app]");
  if (block && standalone) block.hidden = true;
  var offered = null;
  window.addEventListener("beforeinstallprompt", function (event) {
    event.preventDefault();
    offered = event;
    var button = document.querySelector("[data-install-button]");
    if (button) button.hidden = false;
  });
  document.addEventListener("click", function (event) {
    var button = event.target instanceof Element ? event.target.closest("[data-install-button]") : null;
    if (!button || !offered) return;
    offered.prompt();
    offered.userChoice.finally(function () { offered = null; button.hidden = true; });
  });
  window.addEventListener("appinstalled", function () { if (block) block.hidden = true; });
  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (!(form instanceof HTMLFormElement) || !form.hasAttribute("data-clear-offline") || !("caches" in window)) return;
    caches.keys().then(function (keys) {
      return Promise.all(keys.filter(function (key) { return key.indexOf("fitwell-") === 0; }).map(function (key) { return caches.delete(key); }));
    });
  });
})();
