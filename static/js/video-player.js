/* The form-check player (templates/portal/videos/detail.html) and side-by-side compare (compare.html).

   Frames: the rendition keeps the original's frame rate, so frame n is shown from n / fps to
   (n + 1) / fps; stepping seeks to the middle of a frame, which every browser displays exactly.
   Annotations are anchored to a frame; their shapes are stored relative to the picture (0..1), drawn on
   a canvas laid over the video, and shown whenever the player stands on that frame. */
(function () {
  "use strict";
  const $ = (selector) => document.querySelector(selector);

  // The thumbnail strip behind the scrubber: its address comes in data- attributes (the Content
  // Security Policy forbids style="" attributes; setting a property from a script is allowed).
  const seekBar = $("#seek");
  if (seekBar && seekBar.dataset.strip) {
    seekBar.style.setProperty("--strip", `url("${seekBar.dataset.strip}")`);
    seekBar.style.setProperty("--frames", seekBar.dataset.frames);
  }
  const HEAD = 0.035; // arrow head length, relative to the picture's diagonal-ish size

  function framesOf(video, fps) {
    return {
      current: () => Math.floor(video.currentTime * fps + 1e-3),
      seek: (frame) => {
        const last = Math.max(0, Math.floor(video.duration * fps) - 1);
        video.currentTime = (Math.min(Math.max(frame, 0), last) + 0.5) / fps;
      },
    };
  }

  function wirePlayback(videos, fps, scrub) {
    const [lead] = videos;
    const frames = framesOf(lead, fps);
    const play = $("#play");
    play.addEventListener("click", () => {
      if (lead.paused) videos.forEach((v) => v.play());
      else videos.forEach((v) => v.pause());
    });
    lead.addEventListener("play", () => (play.textContent = "❚❚"));
    lead.addEventListener("pause", () => (play.textContent = "▶︎"));
    const step = (delta) => {
      videos.forEach((v) => v.pause());
      frames.seek(frames.current() + delta);
    };
    $("#back").addEventListener("click", () => step(-1));
    $("#forward").addEventListener("click", () => step(1));
    $("#speed").addEventListener("change", (event) => videos.forEach((v) => (v.playbackRate = Number(event.target.value))));
    scrub.addEventListener("input", () => {
      videos.forEach((v) => v.pause());
      lead.currentTime = (Number(scrub.value) / Number(scrub.max)) * (lead.duration || 0);
    });
    lead.addEventListener("timeupdate", () => {
      if (document.activeElement !== scrub && lead.duration) scrub.value = String((lead.currentTime / lead.duration) * Number(scrub.max));
    });
    return frames;
  }

  // --- drawing ------------------------------------------------------------------------------------

  function drawShape(context, shape, width, height) {
    const points = shape.points.map(([x, y]) => [x * width, y * height]);
    context.strokeStyle = context.fillStyle = shape.color || "#ff3b30";
    context.lineWidth = Math.max(2, width / 160);
    context.lineCap = "round";
    context.beginPath();
    if (shape.type === "circle") {
      const [[cx, cy], [x, y]] = points;
      context.arc(cx, cy, Math.hypot(x - cx, y - cy), 0, 2 * Math.PI);
      context.stroke();
      return;
    }
    if (shape.type === "angle") {
      const [a, v, b] = points;
      context.moveTo(a[0], a[1]);
      context.lineTo(v[0], v[1]);
      context.lineTo(b[0], b[1]);
      context.stroke();
      const first = Math.atan2(a[1] - v[1], a[0] - v[0]);
      const second = Math.atan2(b[1] - v[1], b[0] - v[0]);
      let degrees = Math.abs(((second - first) * 180) / Math.PI);
      if (degrees > 180) degrees = 360 - degrees;
      context.beginPath();
      context.arc(v[0], v[1], width / 20, Math.min(first, second), Math.max(first, second), Math.abs(second - first) > Math.PI);
      context.stroke();
      context.font = `${Math.max(12, width / 28)}px system-ui, sans-serif`;
      context.fillText(`${Math.round(degrees)}°`, v[0] + width / 40, v[1] - width / 40);
      return;
    }
    const [[x1, y1], [x2, y2]] = points;
    context.moveTo(x1, y1);
    context.lineTo(x2, y2);
    context.stroke();
    if (shape.type === "arrow") {
      const angle = Math.atan2(y2 - y1, x2 - x1);
      const size = HEAD * Math.max(width, height);
      context.beginPath();
      context.moveTo(x2, y2);
      context.lineTo(x2 - size * Math.cos(angle - 0.45), y2 - size * Math.sin(angle - 0.45));
      context.lineTo(x2 - size * Math.cos(angle + 0.45), y2 - size * Math.sin(angle + 0.45));
      context.closePath();
      context.fill();
    }
  }

  function player() {
    const config = JSON.parse($("#player-config").textContent);
    const T = config.texts;
    const video = $("#video");
    const canvas = $("#overlay");
    const context = canvas.getContext("2d");
    const fps = config.video.frame_rate || 30;
    const annotations = config.annotations.slice();
    const status = $("#player-status");
    const frames = wirePlayback([video], fps, $("#scrub"));
    const draft = [];
    let pending = null; // points of the shape being drawn
    let tool = "arrow";

    function resize() {
      const box = video.getBoundingClientRect();
      canvas.width = Math.round(box.width * devicePixelRatio);
      canvas.height = Math.round(box.height * devicePixelRatio);
      redraw();
    }

    function redraw() {
      const frame = frames.current();
      $("#frame").textContent = T.frame.replace("%(frame)s", String(frame));
      context.clearRect(0, 0, canvas.width, canvas.height);
      const shown = video.paused ? annotations.filter((a) => a.frame === frame) : [];
      shown.forEach((a) => a.shapes.forEach((s) => drawShape(context, s, canvas.width, canvas.height)));
      const color = $("#color") ? $("#color").value : "#ff3b30";
      draft.forEach((s) => drawShape(context, s, canvas.width, canvas.height));
      if (pending && pending.length > 1) drawShape(context, { type: tool, points: pending, color }, canvas.width, canvas.height);
      document.querySelectorAll("#notes li").forEach((li) => li.classList.toggle("here", Number(li.dataset.frame) === frame));
      canvas.dataset.frame = String(frame);
      canvas.dataset.shown = String(shown.length);
    }

    function jump(annotation) {
      video.pause();
      frames.seek(annotation.frame);
    }

    function renderNotes() {
      const list = $("#notes");
      const markers = $("#markers");
      list.replaceChildren();
      markers.replaceChildren();
      const duration = config.video.duration_ms || 1;
      annotations.sort((a, b) => a.time_ms - b.time_ms);
      annotations.forEach((a) => {
        const marker = document.createElement("button");
        marker.type = "button";
        marker.className = "marker";
        marker.style.left = `${(a.time_ms / duration) * 100}%`;
        marker.title = a.text || T.frame.replace("%(frame)s", a.frame);
        marker.addEventListener("click", () => jump(a));
        markers.append(marker);
        const item = document.createElement("li");
        item.dataset.frame = a.frame;
        const link = document.createElement("button");
        link.type = "button";
        link.className = "linklike";
        link.textContent = `${T.frame.replace("%(frame)s", a.frame)} · ${(a.time_ms / 1000).toFixed(2)} s`;
        link.addEventListener("click", () => jump(a));
        const text = document.createElement("span");
        text.textContent = ` ${a.text} — ${a.author_name}`;
        item.append(link, text);
        if (config.canDraw) {
          const remove = document.createElement("button");
          remove.type = "button";
          remove.className = "linklike remove";
          remove.textContent = "✕";
          remove.addEventListener("click", async () => {
            await window.fitwellVideos.api("DELETE", `${config.annotationsUrl}/${a.id}`);
            annotations.splice(annotations.indexOf(a), 1);
            status.textContent = T.deleted;
            renderNotes();
            redraw();
          });
          item.append(" ", remove);
        }
        list.append(item);
      });
    }

    const neighbour = (direction) => {
      const frame = frames.current();
      const sorted = annotations.slice().sort((a, b) => a.frame - b.frame);
      const found = direction > 0 ? sorted.find((a) => a.frame > frame) : sorted.reverse().find((a) => a.frame < frame);
      if (found) jump(found);
    };
    $("#prev-note").addEventListener("click", () => neighbour(-1));
    $("#next-note").addEventListener("click", () => neighbour(1));

    if (config.canDraw) {
      const relative = (event) => {
        const box = canvas.getBoundingClientRect();
        const clamp = (value) => Math.min(1, Math.max(0, value));
        return [clamp((event.clientX - box.left) / box.width), clamp((event.clientY - box.top) / box.height)];
      };
      document.querySelectorAll("[data-tool]").forEach((button) =>
        button.addEventListener("click", () => {
          tool = button.dataset.tool;
          pending = null;
          document.querySelectorAll("[data-tool]").forEach((b) => b.classList.toggle("active", b === button));
        })
      );
      canvas.classList.add("drawing");
      canvas.addEventListener("pointerdown", (event) => {
        video.pause();
        event.preventDefault();
        const point = relative(event);
        if (tool === "angle" && pending) pending.push(point);
        else pending = [point, point];
        redraw();
      });
      canvas.addEventListener("pointermove", (event) => {
        if (!pending) return;
        pending[pending.length - 1] = relative(event);
        redraw();
      });
      canvas.addEventListener("pointerup", (event) => {
        if (!pending) return;
        pending[pending.length - 1] = relative(event);
        const needed = tool === "angle" ? 3 : 2;
        if (pending.length >= needed && (tool !== "angle" || pending[2] !== pending[1])) {
          draft.push({ type: tool, points: pending.slice(0, needed), color: $("#color").value });
          pending = null;
        }
        redraw();
      });
      $("#undo").addEventListener("click", () => {
        pending = null;
        draft.pop();
        redraw();
      });
      $("#save-note").addEventListener("click", async () => {
        const text = $("#note-text").value.trim();
        if (!draft.length && !text) return (status.textContent = T.nothing);
        const frame = frames.current();
        const timeMs = Math.round(((frame + 0.5) / fps) * 1000);
        try {
          const saved = await window.fitwellVideos.api("POST", config.annotationsUrl, { time_ms: timeMs, text, shapes: draft });
          annotations.push(saved);
          draft.length = 0;
          $("#note-text").value = "";
          status.textContent = T.saved;
          renderNotes();
          redraw();
        } catch (error) {
          status.textContent = `${T.error} ${error.message}`;
        }
      });
    }

    ["seeked", "timeupdate", "pause", "play", "loadeddata"].forEach((name) => video.addEventListener(name, redraw));
    // The video's box changes as its metadata and layout settle (a phone lays it out late): a canvas sized
    // before that would stay too small, so the canvas follows the box, not only the window.
    if (window.ResizeObserver) new ResizeObserver(resize).observe(video);
    else window.addEventListener("resize", resize);
    video.addEventListener("loadedmetadata", () => {
      resize();
      const wanted = window.location.hash.match(/^#a-(\d+)$/);
      const target = wanted && annotations.find((a) => String(a.id) === wanted[1]);
      if (target) jump(target);
    });
    if (video.readyState >= 1) resize();
    renderNotes();
    window.fitwellPlayer = { frames, annotations, redraw };
  }

  function compare() {
    const config = JSON.parse($("#compare-config").textContent);
    const videos = [$("#side-0"), $("#side-1")];
    const fps = config.videos[0].frame_rate || 30;
    const offsetInput = $("#offset");
    let offset = 0;
    wirePlayback(videos.slice(0, 1), fps, $("#scrub"));
    const [lead, follower] = videos;
    const align = () => {
      const wanted = lead.currentTime + offset;
      if (Math.abs(follower.currentTime - wanted) > 0.5 / fps) follower.currentTime = Math.max(0, wanted);
    };
    // the lead is controlled by the shared buttons; the follower keeps in step (play, pause, rate, position)
    lead.addEventListener("play", () => { align(); follower.play(); });
    lead.addEventListener("pause", () => { follower.pause(); align(); });
    lead.addEventListener("seeked", align);
    lead.addEventListener("ratechange", () => (follower.playbackRate = lead.playbackRate));
    lead.addEventListener("timeupdate", () => !lead.paused && align());
    offsetInput.addEventListener("input", () => {
      offset = Number(offsetInput.value);
      $("#offset-out").textContent = offset.toFixed(2);
      align();
    });
    window.fitwellCompare = { videos, offset: () => offset };
  }

  if ($("#player-config") && $("#video")) player();
  if ($("#compare-config")) compare();
})();
