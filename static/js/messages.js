/* The messages page (templates/portal/messaging/messages.html): threads, a thread, the composer.

   Everything comes from /api/v1/messaging with the session cookie. The socket (/ws/messaging/) brings new
   messages, edits, read receipts and typing as they happen; while it is down the page polls every
   `pollSeconds` (and keeps trying to reconnect), so nothing is missed either way. Times are shown as the
   API writes them: on the studio's wall clock. */
(function () {
  "use strict";
  const $ = (selector) => document.querySelector(selector);
  const config = JSON.parse($("#messages-config").textContent);
  const T = config.texts;
  const csrf = (document.cookie.match(/(?:^|;\s*)csrftoken=([^;]+)/) || [])[1] || "";
  const state = { thread: null, lastId: 0, reads: {}, socket: null, poll: null, retry: 1000, typingAt: 0 };

  function api(path, options = {}) {
    const headers = { Accept: "application/json", "X-CSRFToken": csrf, ...(options.headers || {}) };
    return fetch(config.api + path, { credentials: "same-origin", ...options, headers }).then((response) => {
      if (response.status === 204) return null;
      return response.json().then((body) => {
        if (!response.ok) throw new Error(body.detail || response.statusText);
        return body;
      });
    });
  }
  const postJson = (path, body) =>
    api(path, { method: "POST", body: JSON.stringify(body), headers: { "Content-Type": "application/json" } });
  const el = (tag, props = {}, ...children) => {
    const node = Object.assign(document.createElement(tag), props);
    children.filter((c) => c !== null && c !== undefined).forEach((c) => node.append(c));
    return node;
  };
  const when = (iso) => (iso ? `${iso.slice(0, 10)} ${iso.slice(11, 16)}` : "");
  const showError = (error) => ($("#composer-error").textContent = `${T.error} ${error.message}`);

  // --- threads ---------------------------------------------------------------------------------------
  function loadThreads() {
    const search = $("#thread-search").value.trim();
    return api(`/threads${search ? `?search=${encodeURIComponent(search)}` : ""}`).then((threads) => {
      const list = $("#thread-list");
      list.replaceChildren();
      if (!threads.length) list.append(el("li", { className: "muted", textContent: T.empty }));
      threads.forEach((t) => {
        const preview = t.last_message ? t.last_message.body || `(${T.attachment})` : "";
        const link = el("a", { href: `?thread=${t.id}`, className: t.id === state.thread ? "active" : "" },
          t.unread ? el("span", { className: "unread-count", textContent: String(t.unread) }) : null,
          el("strong", { textContent: t.title }), el("span", { className: "preview", textContent: preview }));
        link.dataset.thread = t.id;
        link.addEventListener("click", (event) => {
          event.preventDefault();
          openThread(t.id);
        });
        list.append(el("li", {}, link));
      });
    });
  }

  function readsOf(detail) {
    state.reads = {};
    detail.participants.forEach((p) => {
      if (p.id !== config.me) state.reads[p.id] = p.last_read_message_id || 0;
    });
  }

  function openThread(id) {
    state.thread = id;
    state.lastId = 0;
    history.replaceState(null, "", `?thread=${id}`);
    $("#message-list").replaceChildren();
    return api(`/threads/${id}`).then((detail) => {
      $("#thread-title").textContent = detail.title;
      readsOf(detail);
      $("#composer").hidden = false;
      $("#message-search").hidden = false;
      document.querySelectorAll("#thread-list a").forEach((a) => a.classList.toggle("active", +a.dataset.thread === id));
      return fetchNew();
    });
  }

  // --- messages --------------------------------------------------------------------------------------
  function attachmentNode(a) {
    if (a.kind === "image") return el("a", { href: a.url, target: "_blank" }, el("img", { src: a.url, alt: a.name }));
    return el("a", { href: a.url, target: "_blank", textContent: `📄 ${a.name}` });
  }

  function messageNode(m) {
    const mine = m.sender && m.sender.id === config.me;
    const node = el("li", { className: `${mine ? "mine" : ""} ${m.deleted ? "deleted" : ""}`.trim() });
    node.dataset.id = m.id;
    node.append(el("span", { className: "meta", textContent: `${m.sender ? m.sender.name : ""} · ${when(m.sent_at)}${m.edited_at ? ` · ${T.edited}` : ""}` }));
    node.append(el("span", { className: "text", textContent: m.deleted ? T.deleted : m.body }));
    m.attachments.forEach((a) => node.append(attachmentNode(a)));
    if (mine && !m.deleted) {
      const remove = el("button", { type: "button", className: "linklike", textContent: T.delete });
      remove.addEventListener("click", () => {
        if (window.confirm(T.confirmDelete)) api(`/messages/${m.id}`, { method: "DELETE" }).then(replaceMessage).catch(showError);
      });
      node.append(" ", remove);
    }
    if (mine) node.append(el("span", { className: "meta receipt", hidden: true, textContent: T.seen }));
    return node;
  }

  function replaceMessage(m) {
    const old = document.querySelector(`#message-list li[data-id="${m.id}"]`);
    if (old) old.replaceWith(messageNode(m));
    showReceipts();
  }

  function showReceipts() {
    const seenUpTo = Math.max(0, ...Object.values(state.reads));
    const mine = [...document.querySelectorAll("#message-list li.mine")];
    mine.forEach((li) => (li.querySelector(".receipt").hidden = true));
    const lastSeen = mine.filter((li) => +li.dataset.id <= seenUpTo).pop();
    if (lastSeen) lastSeen.querySelector(".receipt").hidden = false;
  }

  function fetchNew() {
    const id = state.thread;
    if (!id) return Promise.resolve();
    const query = state.lastId ? `?after=${state.lastId}` : "";
    return api(`/threads/${id}/messages${query}`).then((messages) => {
      if (id !== state.thread) return;
      const list = $("#message-list");
      messages.forEach((m) => {
        if (!list.querySelector(`li[data-id="${m.id}"]`)) list.append(messageNode(m));
        state.lastId = Math.max(state.lastId, m.id);
      });
      list.scrollTop = list.scrollHeight;
      showReceipts();
      if (messages.length && document.visibilityState === "visible") {
        return postJson(`/threads/${id}/read`, { message_id: state.lastId }).then(loadThreads);
      }
    });
  }

  function refreshThread() {
    if (!state.thread) return Promise.resolve();
    return api(`/threads/${state.thread}`).then((detail) => {
      readsOf(detail);
      showReceipts();
    });
  }

  // --- live: the socket, else polling ------------------------------------------------------------------
  function onEvent(event) {
    window.dispatchEvent(new CustomEvent("fitwell:event", { detail: event }));
    if (event.type === "message.new") {
      if (event.thread === state.thread) fetchNew();
      else loadThreads();
    } else if (event.type === "message.changed" && event.thread === state.thread) {
      api(`/threads/${state.thread}/messages?after=${event.message - 1}&limit=1`).then((found) => found.forEach(replaceMessage));
    } else if (event.type === "read" && event.thread === state.thread && event.user !== config.me) {
      state.reads[event.user] = Math.max(state.reads[event.user] || 0, event.message);
      showReceipts();
    } else if (event.type === "typing" && event.thread === state.thread) {
      $("#typing").textContent = T.typing.replace("%(name)s", event.name);
      clearTimeout(state.typingTimer);
      state.typingTimer = setTimeout(() => ($("#typing").textContent = ""), 3000);
    } else if (event.type === "thread.created") {
      loadThreads();
    } else if (event.type === "thread.closed") {
      // taken off the conversation (the client moved to another trainer): it leaves the list and the page
      if (event.thread === state.thread) window.location.assign("/messages/");
      else loadThreads();
    }
  }

  function startPolling() {
    const status = $("#live-status");
    status.textContent = T.offline;
    status.hidden = false;
    if (state.poll) return;
    state.poll = setInterval(() => {
      loadThreads();
      fetchNew();
      refreshThread();
    }, config.pollSeconds * 1000);
  }

  function stopPolling() {
    $("#live-status").hidden = true;
    clearInterval(state.poll);
    state.poll = null;
  }

  function connect() {
    if (!("WebSocket" in window)) return startPolling();
    const scheme = location.protocol === "https:" ? "wss" : "ws";
    const socket = new WebSocket(`${scheme}://${location.host}${config.socket}`);
    state.socket = socket;
    socket.addEventListener("open", () => {
      state.retry = 1000;
      stopPolling();
      fetchNew(); // whatever arrived while the socket was down
      refreshThread();
    });
    socket.addEventListener("message", (message) => onEvent(JSON.parse(message.data)));
    socket.addEventListener("close", () => {
      state.socket = null;
      startPolling();
      setTimeout(connect, state.retry);
      state.retry = Math.min(state.retry * 2, 60000);
    });
  }

  // --- forms ------------------------------------------------------------------------------------------
  $("#composer").addEventListener("submit", (event) => {
    event.preventDefault();
    const text = $("#composer-text");
    const files = $("#composer-files");
    const body = new FormData();
    body.append("body", text.value);
    [...files.files].forEach((file) => body.append("files", file));
    $("#composer-send").disabled = true;
    $("#composer-error").textContent = "";
    api(`/threads/${state.thread}/messages`, { method: "POST", body })
      .then(() => {
        text.value = "";
        files.value = "";
        return fetchNew();
      })
      .then(loadThreads)
      .catch(showError)
      .finally(() => ($("#composer-send").disabled = false));
  });
  $("#composer-text").addEventListener("input", () => {
    const now = Date.now();
    if (state.socket && state.socket.readyState === WebSocket.OPEN && now - state.typingAt > 2000) {
      state.typingAt = now;
      state.socket.send(JSON.stringify({ type: "typing", thread: state.thread }));
    }
  });
  $("#new-thread").addEventListener("submit", (event) => {
    event.preventDefault();
    const person = +$("#new-person").value;
    if (!person) return;
    postJson("/threads/direct", { user_id: person }).then((thread) => openThread(thread.id)).then(loadThreads).catch(showError);
  });
  $("#thread-search").addEventListener("input", () => loadThreads());
  $("#message-search").addEventListener("submit", (event) => event.preventDefault());
  $("#message-search-input").addEventListener("input", (event) => {
    const term = event.target.value.trim();
    if (!term) return openThread(state.thread);
    api(`/threads/${state.thread}/messages?search=${encodeURIComponent(term)}`).then((found) => {
      $("#message-list").replaceChildren(...found.map(messageNode));
    });
  });
  document.addEventListener("visibilitychange", () => {
    if (document.visibilityState === "visible") fetchNew();
  });

  loadThreads().then(() => (config.thread ? openThread(config.thread) : null));
  connect();
})();
