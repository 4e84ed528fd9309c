/* "Turn on notifications on this device" (templates/portal/messaging/settings.html): subscribes the studio's
   service worker (/sw.js) to Web Push with the platform's VAPID public key and registers the subscription. */
(function () {
  "use strict";
  const config = JSON.parse(document.getElementById("push-config").textContent);
  const button = document.getElementById("push-enable");
  const status = document.getElementById("push-status");
  const csrf = (document.cookie.match(/(?:^|;\s*)csrftoken=([^;]+)/) || [])[1] || "";
  const keyBytes = (base64) => {
    const raw = atob((base64 + "=".repeat((4 - (base64.length % 4)) % 4)).replace(/-/g, "+").replace(/_/g, "/"));
    return Uint8Array.from(raw, (c) => c.charCodeAt(0));
  };
  if (!("serviceWorker" in navigator) || !("PushManager" in window)) {
    status.textContent = config.texts.unsupported;
    button.disabled = true;
    return;
  }
  button.addEventListener("click", () => {
    Notification.requestPermission().then((permission) => {
      if (permission !== "granted") {
        status.textContent = config.texts.denied;
        return null;
      }
      return navigator.serviceWorker.register("/sw.js", { scope: "/" })
        .then(() => navigator.serviceWorker.ready)
        .then((registration) => registration.pushManager.subscribe({ userVisibleOnly: true, applicationServerKey: keyBytes(config.key) }))
        .then((subscription) => fetch(config.subscribe, {
          method: "POST",
          credentials: "same-origin",
          headers: { "Content-Type": "application/json", "X-CSRFToken": csrf },
          body: JSON.stringify(subscription.toJSON()),
        }))
        .then((response) => (status.textContent = response.ok ? config.texts.on : response.statusText));
    }).catch((error) => (status.textContent = String(error)));
  });
})();
