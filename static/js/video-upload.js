/* Form-check video upload and status polling (templates/portal/videos/list.html, detail.html).

   The file never goes to the app in one request: POST /api/v1/videos/upload answers either a presigned
   POST to the studio's bucket, or chunks to PUT with Content-Range (resumed from what arrived when the
   connection drops). Then POST .../upload/complete, where ffprobe decides what the file is. */
(function () {
  "use strict";
  const $ = (selector) => document.querySelector(selector);
  const configNode = $("#uploader-config") || $("#player-config");
  const T = configNode ? JSON.parse(configNode.textContent).texts : {};

  function csrfToken() {
    const match = document.cookie.match(/(?:^|;\s*)csrftoken=([^;]+)/);
    return match ? decodeURIComponent(match[1]) : "";
  }

  async function api(method, url, body, headers) {
    const options = { method, credentials: "same-origin", headers: { "X-CSRFToken": csrfToken(), ...(headers || {}) } };
    if (body !== undefined) {
      if (body instanceof Blob) options.body = body;
      else {
        options.body = JSON.stringify(body);
        options.headers["Content-Type"] = "application/json";
      }
    }
    const response = await fetch(url, options);
    const data = await response.json().catch(() => ({}));
    if (!response.ok) {
      const error = new Error(data.detail || response.statusText);
      error.status = response.status;
      error.data = data;
      throw error;
    }
    return data;
  }

  const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

  async function sendChunks(file, target, progress) {
    let offset = 0;
    let failures = 0;
    while (offset < file.size) {
      const end = Math.min(offset + target.chunk_bytes, file.size);
      try {
        const answer = await api("PUT", target.url, file.slice(offset, end), {
          "Content-Type": "application/octet-stream",
          "Content-Range": `bytes ${offset}-${end - 1}/${file.size}`,
        });
        offset = answer.received_bytes;
        failures = 0;
        progress(offset / file.size);
      } catch (error) {
        if (error.status && error.status !== 409 && error.status < 500) throw error;
        if (++failures > 8) throw error;
        progress(offset / file.size, T.resume);
        await sleep(Math.min(30000, 1000 * 2 ** failures));
        const state = await api("GET", target.url).catch(() => null); // resume from what arrived
        if (state) offset = state.received_bytes;
      }
    }
  }

  function sendToBucket(file, target, progress) {
    return new Promise((resolve, reject) => {
      const form = new FormData();
      Object.entries(target.fields).forEach(([key, value]) => form.append(key, value));
      form.append("file", file);
      const request = new XMLHttpRequest();
      request.open("POST", target.url);
      request.upload.onprogress = (event) => event.lengthComputable && progress(event.loaded / event.total);
      request.onload = () => (request.status < 300 ? resolve() : reject(new Error(request.statusText)));
      request.onerror = () => reject(new Error(T.resume));
      request.send(form);
    });
  }

  function setUpUploader() {
    const form = $("#video-upload");
    if (!form) return;
    const config = JSON.parse($("#uploader-config").textContent);
    const status = $("#upload-status");
    const bar = $("#upload-progress");
    const progress = (share, note) => {
      bar.hidden = false;
      bar.value = Math.round(share * 100);
      status.textContent = note || T.uploading.replace("%(percent)s", String(Math.round(share * 100))).replace("%%", "%");
    };
    form.addEventListener("submit", async (event) => {
      event.preventDefault();
      const file = $("#video-file").files[0];
      if (!file) return (status.textContent = T.choose);
      form.querySelector("button[type=submit]").disabled = true;
      try {
        const started = await api("POST", config.startUrl, {
          size_bytes: file.size,
          client_id: config.clientId,
          filename: file.name,
          logged_set_id: config.loggedSetId,
          title: $("#video-title").value,
          notes: $("#video-notes").value,
        });
        progress(0);
        if (started.upload.method === "post") await sendToBucket(file, started.upload, progress);
        else await sendChunks(file, started.upload, progress);
        status.textContent = T.checking;
        await api("POST", `/api/v1/videos/${started.video.id}/upload/complete`);
        window.location.href = `/videos/${started.video.id}/`;
      } catch (error) {
        status.textContent = `${T.failed} ${error.message}`;
        form.querySelector("button[type=submit]").disabled = false;
      }
    });
  }

  function setUpPolling() {
    const waiting = [...document.querySelectorAll("[data-poll]")];
    if (!waiting.length) return;
    const check = async () => {
      for (const node of waiting) {
        const video = await api("GET", `/api/v1/videos/${node.dataset.poll}`).catch(() => null);
        if (video && (video.processing === "ready" || video.processing === "failed")) return window.location.reload();
      }
      setTimeout(check, 3000);
    };
    setTimeout(check, 3000);
  }

  document.addEventListener("click", async (event) => {
    const button = event.target.closest("[data-retry]");
    if (!button) return;
    button.disabled = true;
    await api("POST", `/api/v1/videos/${button.dataset.retry}/retry`).catch(() => null);
    window.location.reload();
  });

  window.fitwellVideos = { api, csrfToken };
  setUpUploader();
  setUpPolling();
})();
