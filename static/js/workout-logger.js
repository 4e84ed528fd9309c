/* The workout logger: set by set, on a phone, on a gym's flaky connection.

   Everything typed is saved on the device (localStorage) at once, so closing the tab, losing the
   signal or the battery loses nothing. Finishing puts the whole log in an outbox on the device and
   sends it; whatever could not be sent is sent again when the connection comes back (the browser's
   "online" event, every 20 s, and on the next visit). Each log carries an idempotency key made when
   the workout was started, so a log sent twice (a retry after a lost answer) is written once.
   No build step, no libraries. */
(function () {
  "use strict";

  const workout = JSON.parse(document.getElementById("workout-data").textContent);
  const config = JSON.parse(document.getElementById("logger-config").textContent);
  const T = config.texts;
  const KG_PER_LB = 0.45359237;
  const stateKey = `fitwell.log.v1.${config.userId}.${config.workoutId}`;
  const outboxKey = `fitwell.outbox.v1.${config.userId}`;
  const $ = (selector) => document.querySelector(selector);

  function uuid() {
    if (window.crypto && crypto.randomUUID) return crypto.randomUUID();
    const bytes = crypto.getRandomValues(new Uint8Array(16));
    bytes[6] = (bytes[6] & 0x0f) | 0x40;
    bytes[8] = (bytes[8] & 0x3f) | 0x80;
    const hex = Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
    return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
  }

  function read(key, fallback) {
    try {
      const raw = localStorage.getItem(key);
      return raw ? JSON.parse(raw) : fallback;
    } catch (error) {
      return fallback;
    }
  }

  function write(key, value) {
    localStorage.setItem(key, JSON.stringify(value));
  }

  /* --- the workout's state on the device ------------------------------------------------- */

  function prescribedLoad(item) {
    if (item.load_type !== "kg" || item.load_value === null) return "";
    const kg = parseFloat(item.load_value);
    const value = config.loadUnit === "lb" ? kg / KG_PER_LB : kg;
    return String(Math.round(value * 10) / 10);
  }

  function freshState() {
    return {
      key: uuid(),
      startedAt: new Date().toISOString(),
      status: "editing",
      effort: 7,
      mood: "",
      notes: "",
      exercises: workout.exercises.map((item) => ({
        id: item.id,
        skipped: false,
        sets: Array.from({ length: item.sets }, () => ({
          reps: item.duration_seconds ? "" : String(item.reps_max ?? ""),
          seconds: item.duration_seconds ? String(item.duration_seconds) : "",
          load: prescribedLoad(item),
          rpe: "",
          done: false,
        })),
      })),
    };
  }

  let state = read(stateKey, null);
  if (!state || !Array.isArray(state.exercises)) {
    state = freshState();
    write(stateKey, state);
  }
  const save = () => write(stateKey, state);

  /* --- drawing ---------------------------------------------------------------------------- */

  function el(tag, attributes, ...children) {
    const node = document.createElement(tag);
    Object.entries(attributes || {}).forEach(([name, value]) => {
      if (name === "class") node.className = value;
      else if (name.startsWith("on")) node.addEventListener(name.slice(2), value);
      else if (value !== false && value !== null && value !== undefined) node.setAttribute(name, value === true ? "" : value);
    });
    children.flat().forEach((child) => node.append(child instanceof Node ? child : document.createTextNode(child)));
    return node;
  }

  function numberInput(label, value, onInput, attributes) {
    return el(
      "label",
      { class: "field" },
      el("span", {}, label),
      el("input", { type: "number", inputmode: "decimal", value, "aria-label": label, oninput: (e) => onInput(e.target.value), ...attributes })
    );
  }

  function setRow(item, exerciseState, set, index) {
    const timed = Boolean(item.duration_seconds);
    const row = el("div", { class: `set-row${set.done ? " done" : ""}`, "data-set": index + 1 });
    const update = (field) => (value) => {
      set[field] = value;
      save();
    };
    row.append(
      el("span", { class: "set-no" }, String(index + 1)),
      timed
        ? numberInput(T.seconds, set.seconds, update("seconds"), { min: 0, step: 1, name: "seconds" })
        : numberInput(T.reps, set.reps, update("reps"), { min: 0, step: 1, name: "reps" }),
      numberInput(`${T.load} (${config.loadUnit})`, set.load, update("load"), { min: 0, step: "any", name: "load" }),
      numberInput(T.rpe, set.rpe, update("rpe"), { min: 1, max: 10, step: 0.5, name: "rpe" }),
      el(
        "button",
        {
          type: "button",
          class: `tick${set.done ? " on" : ""}`,
          "aria-pressed": set.done ? "true" : "false",
          "aria-label": `${T.set} ${index + 1}: ${set.done ? T.undo : T.done}`,
          onclick: () => {
            set.done = !set.done;
            save();
            render();
          },
        },
        set.done ? "✓" : T.done
      )
    );
    return row;
  }

  function exerciseCard(item, exerciseState) {
    const target = [
      `${item.sets} × ${item.duration_seconds ? `${item.duration_seconds} s` : item.reps_min === item.reps_max ? item.reps_min : `${item.reps_min}–${item.reps_max}`}`,
      item.load_display ? `@ ${item.load_display}` : "",
      item.tempo ? `· ${item.tempo}` : "",
      item.rest_seconds ? `· ${T.rest.replace("%(seconds)s", item.rest_seconds)}` : "",
    ].join(" ");
    const card = el(
      "article",
      { class: `exercise card${exerciseState.skipped ? " skipped" : ""}`, "data-exercise": item.id },
      el("header", {}, el("h2", {}, item.exercise_name), el("p", { class: "muted" }, target.trim())),
      item.notes ? el("p", { class: "muted note" }, item.notes) : ""
    );
    if (exerciseState.skipped) {
      card.append(el("p", { class: "badge skipped" }, T.skipped));
    } else {
      exerciseState.sets.forEach((set, index) => card.append(setRow(item, exerciseState, set, index)));
    }
    const actions = el("div", { class: "exercise-actions" });
    if (!exerciseState.skipped) {
      actions.append(
        el(
          "button",
          {
            type: "button",
            class: "linklike add-set",
            onclick: () => {
              const last = exerciseState.sets[exerciseState.sets.length - 1] || {};
              exerciseState.sets.push({ reps: last.reps || "", seconds: last.seconds || "", load: last.load || "", rpe: "", done: false });
              save();
              render();
            },
          },
          `+ ${T.add_set}`
        )
      );
    }
    actions.append(
      el(
        "button",
        {
          type: "button",
          class: "linklike skip",
          onclick: () => {
            exerciseState.skipped = !exerciseState.skipped;
            save();
            render();
          },
        },
        exerciseState.skipped ? T.unskip : T.skip
      )
    );
    card.append(actions);
    return card;
  }

  function render() {
    const container = $("#exercises");
    container.replaceChildren(...workout.exercises.map((item, i) => exerciseCard(item, state.exercises[i])));
    const locked = state.status !== "editing";
    container.querySelectorAll("input, button").forEach((control) => (control.disabled = locked));
    $("#finish").disabled = locked;
    $("#finish-card").hidden = state.status === "sent";
    document.querySelector(".finish-bar").hidden = state.status === "sent";
  }

  function drawFinish() {
    const effort = $("#effort");
    effort.value = state.effort;
    $("#effort-out").textContent = state.effort;
    effort.addEventListener("input", () => {
      state.effort = Number(effort.value);
      $("#effort-out").textContent = effort.value;
      save();
    });
    const moods = $("#moods");
    moods.replaceChildren(
      ...config.moods.map(([value, label]) =>
        el(
          "button",
          {
            type: "button",
            class: `mood${state.mood === value ? " on" : ""}`,
            "aria-pressed": state.mood === value ? "true" : "false",
            onclick: () => {
              state.mood = state.mood === value ? "" : value;
              save();
              drawFinish();
            },
          },
          label
        )
      )
    );
    const notes = $("#notes");
    notes.value = state.notes;
    notes.oninput = () => {
      state.notes = notes.value;
      save();
    };
  }

  function notice(message, tone) {
    const box = $("#notice");
    box.textContent = message;
    box.className = `logger-notice ${tone || ""}`;
    box.hidden = !message;
  }

  function network() {
    const online = navigator.onLine;
    const badge = $("#net");
    badge.textContent = online ? T.online : T.offline;
    badge.classList.toggle("offline", !online);
  }

  /* --- sending ---------------------------------------------------------------------------- */

  function payload() {
    const finishedAt = new Date();
    const minutes = Math.round((finishedAt - new Date(state.startedAt)) / 60000);
    // Inputs hold text. Counts go as JSON numbers (the API refuses "8" for an integer); loads and RPE stay
    // decimal strings, which the API takes as exact decimals.
    const blank = (value) => value === "" || value === null || value === undefined;
    const numberOrNull = (value) => (blank(value) ? null : value);
    const integerOrNull = (value) => (blank(value) ? null : Number(value));
    return {
      idempotency_key: state.key,
      started_at: state.startedAt,
      completed_at: finishedAt.toISOString(),
      duration_minutes: Math.min(Math.max(minutes, 1), 600),
      perceived_effort: state.effort,
      mood: state.mood,
      notes: state.notes,
      load_unit: config.loadUnit,
      exercises: state.exercises.map((exercise) => ({
        session_exercise_id: exercise.id,
        skipped: exercise.skipped,
        sets: exercise.skipped
          ? []
          : exercise.sets.map((set) => ({
              reps: integerOrNull(set.reps),
              duration_seconds: integerOrNull(set.seconds),
              load: numberOrNull(set.load),
              rpe: numberOrNull(set.rpe),
              completed: set.done,
            })),
      })),
    };
  }

  function csrfToken() {
    const match = document.cookie.match(/(?:^|;\s*)csrftoken=([^;]+)/);
    return match ? decodeURIComponent(match[1]) : "";
  }

  function showResult(body) {
    const result = $("#result");
    const items = [el("h2", {}, `${T.sent} ✓`)];
    const records = (body.records || []).map((record) =>
      el(
        "li",
        { class: record.is_improvement ? "pr" : "" },
        el("strong", {}, record.exercise_name),
        " ",
        el("span", { class: "muted" }, `${record.kind_label}:`),
        ` ${record.display} `,
        el("span", { class: "muted" }, record.is_improvement ? T.new_record : T.first_log)
      )
    );
    if (records.length) items.push(el("ul", { class: "records" }, records));
    if (body.program) {
      if (body.program.weeks_advanced > 0) items.push(el("p", {}, T.next_week.replace("%(week)s", body.program.current_week)));
      body.program.load_changes.forEach((change) => {
        const kg = parseFloat(change.new_load);
        const shown = config.loadUnit === "lb" ? `${Math.round((kg / KG_PER_LB) * 10) / 10} lb` : `${kg} kg`;
        items.push(el("p", {}, T.load_up.replace("%(exercise)s", change.exercise_name).replace("%(load)s", shown)));
      });
    }
    // the page shown again lists the logged sets, each with "Add a video" (form check)
    items.push(el("p", {}, el("a", { href: window.location.pathname, class: "btn small add-videos" }, T.add_videos)));
    result.replaceChildren(...items);
    result.hidden = false;
  }

  function settleElsewhere(workoutId, response, body) {
    // a log of another workout (queued from its own page): record the outcome where that page looks
    const key = `fitwell.log.v1.${config.userId}.${workoutId}`;
    const other = read(key, null);
    if (!other) return;
    other.status = response.ok || response.status === 409 ? "sent" : "editing";
    if (response.ok) other.result = body;
    write(key, other);
  }

  let flushing = false;

  async function flush() {
    if (flushing) return;
    flushing = true;
    try {
      let outbox = read(outboxKey, []);
      for (const item of [...outbox]) {
        const mine = item.workoutId === config.workoutId;
        if (mine) notice(T.sending, "info");
        let response;
        try {
          response = await fetch(item.url, {
            method: "POST",
            credentials: "same-origin",
            headers: { "Content-Type": "application/json", "X-CSRFToken": csrfToken() },
            body: JSON.stringify(item.body),
          });
        } catch (error) {
          if (mine) notice(T.queued, "warn");
          break; // still offline: keep everything, try again later
        }
        if (response.status === 401 || response.status === 403 || response.status === 429 || response.status >= 500) {
          if (mine) notice(response.status === 429 || response.status >= 500 ? T.queued : T.signin, "warn");
          break; // keep it; it is still valid and will be sent later
        }
        const body = await response.json().catch(() => ({}));
        outbox = read(outboxKey, []).filter((queued) => queued.body.idempotency_key !== item.body.idempotency_key);
        write(outboxKey, outbox);
        if (!mine) {
          settleElsewhere(item.workoutId, response, body);
          continue;
        }
        if (response.ok) {
          state.status = "sent";
          state.result = body;
          save();
          notice("", "");
          showResult(body);
        } else if (response.status === 409) {
          state.status = "sent";
          save();
          notice(T.already, "info");
        } else {
          state.status = "editing"; // the server refused it: let the client correct it
          save();
          const fields = body.fields ? Object.values(body.fields).join(" ") : "";
          notice(`${T.failed} ${body.detail || ""} ${fields}`.trim(), "error");
        }
        render();
      }
    } finally {
      flushing = false;
    }
  }

  function finish() {
    const anyDone = state.exercises.some((exercise) => !exercise.skipped && exercise.sets.some((set) => set.done));
    if (!anyDone) {
      notice(T.nothing, "error");
      return;
    }
    const body = payload();
    state.status = "queued";
    state.sentBody = body;
    save();
    const outbox = read(outboxKey, []).filter((item) => item.body.idempotency_key !== body.idempotency_key);
    outbox.push({ workoutId: config.workoutId, url: config.completeUrl, body });
    write(outboxKey, outbox);
    render();
    notice(navigator.onLine ? T.sending : T.queued, navigator.onLine ? "info" : "warn");
    flush();
  }

  /* --- start ------------------------------------------------------------------------------- */

  drawFinish();
  render();
  network();
  if (state.status === "sent" && state.result) showResult(state.result);
  else if (state.status === "queued") notice(T.queued, "warn");
  $("#finish").addEventListener("click", finish);
  window.addEventListener("online", () => {
    network();
    flush();
  });
  window.addEventListener("offline", network);
  setInterval(() => {
    if (navigator.onLine && read(outboxKey, []).length) flush();
  }, 20000);
  flush();
  if ("serviceWorker" in navigator && config.serviceWorker) {
    navigator.serviceWorker.register(config.serviceWorker, { scope: config.scope }).catch(() => {});
  }
  window.fitwellLogger = { flush, outboxKey, stateKey }; // for support and tests
})();
