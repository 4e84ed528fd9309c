/* The bell in the header (templates/base.html): the unread count from the API, raised live by the
   messaging socket's events (messages.js re-broadcasts them as `fitwell:event`) and refreshed every minute. */
(function () {
  "use strict";
  const bell = document.querySelector("[data-bell]");
  if (!bell) return;
  const badge = bell.querySelector("[data-bell-count]");
  let unread = 0;
  const show = () => {
    badge.textContent = unread > 99 ? "99+" : String(unread);
    badge.hidden = unread === 0;
  };
  const refresh = () =>
    fetch(bell.dataset.bell, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then((response) => (response.ok ? response.json() : null))
      .then((body) => {
        if (body) {
          unread = body.unread;
          show();
        }
      })
      .catch(() => {});
  window.addEventListener("fitwell:event", (event) => {
    if (event.detail && event.detail.type === "notification") {
      unread += 1;
      show();
    }
  });
  refresh();
  setInterval(refresh, 60000);
})();
