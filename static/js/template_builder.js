/* The template builder: edits a template as one document (phases > workouts > exercises) and saves it
   with PUT /api/v1/templates/{id}. Errors come back keyed by path and are shown on the matching field. */
(function () {
  "use strict";
  const root = document.getElementById("builder");
  if (!root) return;
  const L = JSON.parse(document.getElementById("builder-labels").textContent);
  const T = L.text;
  const status = document.getElementById("builder-status");
  const byName = new Map();
  const byId = new Map();
  let doc = null;

  function csrf() {
    const match = document.cookie.match(/(?:^|;\s*)csrftoken=([^;]+)/);
    return match ? decodeURIComponent(match[1]) : "";
  }

  async function api(method, url, body) {
    const response = await fetch(url, {
      method,
      credentials: "same-origin",
      headers: { "Content-Type": "application/json", "X-CSRFToken": csrf() },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    return { status: response.status, body: response.status === 204 ? null : await response.json() };
  }

  async function loadExercises() {
    let cursor = "";
    do {
      const page = await api("GET", `${root.dataset.exercises}?limit=100${cursor ? "&cursor=" + cursor : ""}`);
      page.body.items.forEach((e) => { byName.set(e.name.toLowerCase(), e.id); byId.set(e.id, e.name); });
      cursor = page.body.next_cursor || "";
    } while (cursor);
    const list = el("datalist", { id: "exercise-names" });
    [...byId.values()].sort().forEach((name) => list.appendChild(el("option", { value: name })));
    document.body.appendChild(list);
  }

  function toDocument(t) {
    const rule = (r) => ({ kind: r.kind, is_enabled: r.is_enabled, increment_kg: r.increment_kg, increment_percent: r.increment_percent,
      miss_threshold: r.miss_threshold, deload_percent: r.deload_percent });
    return {
      name: t.name, goal: t.goal, level: t.level, description: t.description, rules: t.rules.map(rule),
      phases: t.phases.map((p) => ({ name: p.name, weeks: p.weeks, focus: p.focus,
        workouts: p.workouts.map((w) => ({ day: w.day, name: w.name,
          exercises: w.exercises.map((x) => ({ exercise_id: x.exercise.id, sets: x.sets, reps_min: x.reps_min, reps_max: x.reps_max,
            duration_seconds: x.duration_seconds, load_type: x.load_type, load_value: x.load_value, tempo: x.tempo,
            rest_seconds: x.rest_seconds, notes: x.notes, superset_group: x.superset_group, rules: x.rules.map(rule) })) })) })),
    };
  }

  function el(tag, attrs, ...children) {
    const node = document.createElement(tag);
    Object.entries(attrs || {}).forEach(([k, v]) => {
      if (k === "on") Object.entries(v).forEach(([ev, fn]) => node.addEventListener(ev, fn));
      else if (v !== undefined && v !== null) node.setAttribute(k, v);
    });
    children.flat().forEach((c) => node.append(c instanceof Node ? c : document.createTextNode(String(c))));
    return node;
  }

  const numberOrNull = (v) => (v === "" || v === null ? null : Number(v));

  function field(label, path, value, set, attrs) {
    const input = el("input", { value: value ?? "", "data-path": path, ...(attrs || {}),
      on: { input: (e) => set(e.target.type === "number" ? numberOrNull(e.target.value) : e.target.value) } });
    return el("label", { class: "field" }, label, input, el("small", { class: "error", "data-error": path }));
  }

  function select(label, path, value, choices, set) {
    const node = el("select", { "data-path": path, on: { change: (e) => set(e.target.value) } },
      choices.map(([v, text]) => { const o = el("option", { value: v }, text); if (v === value) o.selected = true; return o; }));
    return el("label", { class: "field" }, label, node, el("small", { class: "error", "data-error": path }));
  }

  function mover(list, index) {
    const move = (delta) => { const j = index + delta; if (j < 0 || j >= list.length) return; [list[index], list[j]] = [list[j], list[index]]; render(); };
    return el("span", { class: "movers" },
      el("button", { type: "button", class: "btn small secondary", title: T.up, on: { click: () => move(-1) } }, "↑"),
      el("button", { type: "button", class: "btn small secondary", title: T.down, on: { click: () => move(1) } }, "↓"),
      el("button", { type: "button", class: "btn small secondary", title: T.remove, on: { click: () => { list.splice(index, 1); render(); } } }, "✕"));
  }

  function exerciseRow(x, path, list, index) {
    const increase = x.rules.find((r) => r.kind === "load_increase");
    const nameInput = el("input", { list: "exercise-names", value: byId.get(x.exercise_id) || "", "data-path": `${path}.exercise_id`,
      on: { input: (e) => { x.exercise_id = byName.get(e.target.value.trim().toLowerCase()) ?? null; } } });
    const setIncrease = (kg, enabled) => {
      x.rules = x.rules.filter((r) => r.kind !== "load_increase");
      if (!enabled || kg) x.rules.push({ kind: "load_increase", is_enabled: enabled, increment_kg: kg || 2.5, increment_percent: 2.5 });
    };
    return el("div", { class: "exercise-row" },
      el("label", { class: "field wide" }, T.exercise, nameInput, el("small", { class: "error", "data-error": `${path}.exercise_id` })),
      field(T.sets, `${path}.sets`, x.sets, (v) => (x.sets = v), { type: "number", min: 1 }),
      field(T.reps_min, `${path}.reps_min`, x.reps_min, (v) => (x.reps_min = v), { type: "number", min: 1 }),
      field(T.reps_max, `${path}.reps_max`, x.reps_max, (v) => (x.reps_max = v), { type: "number", min: 1 }),
      field(T.duration, `${path}.duration_seconds`, x.duration_seconds, (v) => (x.duration_seconds = v), { type: "number", min: 1 }),
      select(T.load_type, `${path}.load_type`, x.load_type, L.load_types, (v) => { x.load_type = v; render(); }),
      x.load_type === "none" ? "" : field(T.load, `${path}.load_value`, x.load_value, (v) => (x.load_value = v), { type: "number", step: "0.5" }),
      field(T.tempo, `${path}.tempo`, x.tempo, (v) => (x.tempo = v), { placeholder: "3-1-X-0", size: 7 }),
      field(T.rest, `${path}.rest_seconds`, x.rest_seconds, (v) => (x.rest_seconds = v), { type: "number", min: 0 }),
      field(T.superset, `${path}.superset_group`, x.superset_group, (v) => (x.superset_group = v), { maxlength: 1, size: 2 }),
      field(T.notes, `${path}.notes`, x.notes, (v) => (x.notes = v)),
      el("label", { class: "field" }, el("input", { type: "checkbox", ...(increase && !increase.is_enabled ? { checked: "" } : {}),
        on: { change: (e) => setIncrease(null, !e.target.checked) } }), " ", T.no_increase),
      field(T.increase_kg, `${path}.rules`, increase && increase.is_enabled ? increase.increment_kg : "", (v) => setIncrease(v, true), { type: "number", step: "0.5", min: 0 }),
      mover(list, index));
  }

  function blankExercise() {
    return { exercise_id: null, sets: 3, reps_min: 8, reps_max: 12, duration_seconds: null, load_type: "none", load_value: null,
      tempo: "", rest_seconds: 90, notes: "", superset_group: "", rules: [] };
  }

  function rulesBlock() {
    const rule = (kind) => doc.rules.find((r) => r.kind === kind);
    const ensure = (kind, defaults) => rule(kind) || (doc.rules.push({ kind, is_enabled: true, ...defaults }), rule(kind));
    const inc = ensure("load_increase", { increment_kg: 2.5, increment_percent: 2.5 });
    const del = ensure("deload", { miss_threshold: 2, deload_percent: 10 });
    const toggle = (r) => el("label", { class: "field" }, el("input", { type: "checkbox", ...(r.is_enabled ? { checked: "" } : {}),
      on: { change: (e) => (r.is_enabled = e.target.checked) } }), " ", T.enabled);
    return el("fieldset", { class: "rules" }, el("legend", {}, T.rules),
      el("div", { class: "row" }, el("span", {}, T.rule_increase), toggle(inc),
        field("kg", "rules.0.increment_kg", inc.increment_kg, (v) => (inc.increment_kg = v), { type: "number", step: "0.5" }),
        field("%", "rules.0.increment_percent", inc.increment_percent, (v) => (inc.increment_percent = v), { type: "number", step: "0.5" })),
      el("div", { class: "row" }, el("span", {}, T.rule_deload), toggle(del),
        field("n", "rules.1.miss_threshold", del.miss_threshold, (v) => (del.miss_threshold = v), { type: "number", min: 1 }),
        field("%", "rules.1.deload_percent", del.deload_percent, (v) => (del.deload_percent = v), { type: "number" })));
  }

  function render() {
    const head = el("div", { class: "card grid-form" },
      field(T.name, "name", doc.name, (v) => (doc.name = v)),
      select(T.goal, "goal", doc.goal, L.goals, (v) => (doc.goal = v)),
      select(T.level, "level", doc.level, L.levels, (v) => (doc.level = v)),
      field(T.description, "description", doc.description, (v) => (doc.description = v)));
    const phases = doc.phases.map((phase, p) => el("section", { class: "card phase" },
      el("div", { class: "grid-form" },
        el("strong", {}, `${T.phase} ${p + 1}`),
        field(T.phase, `phases.${p}.name`, phase.name, (v) => (phase.name = v)),
        field(T.weeks, `phases.${p}.weeks`, phase.weeks, (v) => (phase.weeks = v), { type: "number", min: 1 }),
        field(T.focus, `phases.${p}.focus`, phase.focus, (v) => (phase.focus = v)),
        mover(doc.phases, p)),
      phase.workouts.map((workout, w) => el("div", { class: "workout" },
        el("div", { class: "grid-form" },
          field(T.workout, `phases.${p}.workouts.${w}.name`, workout.name, (v) => (workout.name = v)),
          field(T.day, `phases.${p}.workouts.${w}.day`, workout.day, (v) => (workout.day = v), { type: "number", min: 1, max: 7 }),
          mover(phase.workouts, w)),
        workout.exercises.map((x, e) => exerciseRow(x, `phases.${p}.workouts.${w}.exercises.${e}`, workout.exercises, e)),
        el("button", { type: "button", class: "btn small", on: { click: () => { workout.exercises.push(blankExercise()); render(); } } }, T.add_exercise))),
      el("button", { type: "button", class: "btn small", on: { click: () => { phase.workouts.push({ day: phase.workouts.length + 1, name: "", exercises: [] }); render(); } } }, T.add_workout)));
    root.replaceChildren(head, rulesBlock(), ...phases,
      el("button", { type: "button", class: "btn", on: { click: () => { doc.phases.push({ name: "", weeks: 4, focus: "", workouts: [] }); render(); } } }, T.add_phase));
  }

  function showErrors(fields) {
    document.querySelectorAll("[data-error]").forEach((n) => (n.textContent = ""));
    document.querySelectorAll(".invalid").forEach((n) => n.classList.remove("invalid"));
    Object.entries(fields || {}).forEach(([path, message]) => {
      const key = path.replace(/^payload\./, "");
      const input = root.querySelector(`[data-path="${CSS.escape(key)}"]`);
      const slot = root.querySelector(`[data-error="${CSS.escape(key)}"]`);
      if (input) input.classList.add("invalid");
      if (slot) slot.textContent = message;
    });
  }

  async function save() {
    const body = JSON.parse(JSON.stringify(doc));
    const response = await api("PUT", root.dataset.api, body);
    if (response.status === 200) {
      showErrors({});
      status.textContent = T.saved;
      status.className = "ok";
    } else {
      showErrors(response.body.fields);
      status.textContent = `${T.save_failed} ${response.body.detail || ""}`;
      status.className = "error";
    }
  }

  document.getElementById("builder-save").addEventListener("click", save);
  Promise.all([api("GET", root.dataset.api), loadExercises()]).then(([template]) => {
    doc = toDocument(template.body);
    render();
  });
})();
