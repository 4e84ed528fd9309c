/* The food logger: a day's meals against its targets, on a phone, offline-tolerant.

   The day arrives as JSON (the API's day summary) and is drawn here. Adding a food puts the log in an outbox
   on the device first (localStorage) with an idempotency key made on the device, draws it at once as
   "waiting", and sends it; what could not be sent is sent again when the connection comes back (the
   "online" event, every 20 s, and on the next visit). A log sent twice is written once (same key).
   No build step, no libraries; no inline script (the page's CSP forbids it). */
(function () {
  "use strict";

  const config = JSON.parse(document.getElementById("nutrition-config").textContent);
  let day = JSON.parse(document.getElementById("nutrition-day").textContent);
  const T = config.texts;
  const outboxKey = `fitwell.food-outbox.v1.${config.userId}`;
  const $ = (selector) => document.querySelector(selector);
  const NUTRIENTS = ["energy_kcal", "protein_g", "carbohydrate_g", "fat_g", "fibre_g"];
  let results = [];

  function uuid() {
    if (window.crypto && crypto.randomUUID) return crypto.randomUUID();
    const bytes = crypto.getRandomValues(new Uint8Array(16));
    bytes[6] = (bytes[6] & 0x0f) | 0x40;
    bytes[8] = (bytes[8] & 0x3f) | 0x80;
    const hex = Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
    return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
  }
  const read = (key, fallback) => {
    try {
      const raw = localStorage.getItem(key);
      return raw ? JSON.parse(raw) : fallback;
    } catch (error) {
      return fallback;
    }
  };
  const write = (key, value) => localStorage.setItem(key, JSON.stringify(value));

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
  const fmt = (value) => String(Math.round(parseFloat(value || 0)));
  const csrfToken = () => (document.cookie.match(/(?:^|;\s*)csrftoken=([^;]+)/) || [])[1] || "";

  /* --- what a pending log carries, for drawing before the server has answered --------------- */

  function gramsOf(food, amount, unit, portionId) {
    if (unit === "oz") return amount * 28.349523125;
    if (unit === "portion") {
      const portion = food.portions.find((p) => String(p.id) === String(portionId));
      return portion ? amount * parseFloat(portion.grams) : 0;
    }
    return amount;
  }

  function pendingFor(dayDate) {
    return read(outboxKey, []).filter((item) => item.body.logged_on === dayDate);
  }

  /* --- drawing ------------------------------------------------------------------------------ */

  function targetBar(label, eaten, target, unit) {
    const pct = target ? Math.min(100, Math.round((eaten / target) * 100)) : 0;
    return el(
      "div",
      { class: "target" },
      el("div", { class: "target-head" }, el("strong", {}, label), el("span", {}, target ? `${fmt(eaten)} / ${target} ${unit}` : `${fmt(eaten)} ${unit}`)),
      el("div", { class: "target-bar", role: "progressbar", "aria-label": label, "aria-valuenow": String(pct), "aria-valuemin": "0", "aria-valuemax": "100" }, el("span", { style: false, "data-pct": String(pct) }))
    );
  }

  function draw() {
    const pending = pendingFor(day.date);
    const totals = { ...day.totals };
    pending.forEach((item) => NUTRIENTS.forEach((name) => (totals[name] = parseFloat(totals[name]) + (item.preview[name] || 0))));
    const summary = $("#targets");
    summary.replaceChildren(
      targetBar(T.energy, totals.energy_kcal, day.targets.energy_kcal, "kcal"),
      targetBar(T.protein, totals.protein_g, day.targets.protein_g, "g"),
      targetBar(T.carbohydrate, totals.carbohydrate_g, day.targets.carbohydrate_g, "g"),
      targetBar(T.fat, totals.fat_g, day.targets.fat_g, "g")
    );
    summary.querySelectorAll(".target-bar span").forEach((bar) => (bar.style.width = `${bar.dataset.pct}%`));
    $("#no-plan").hidden = day.plan_id !== null;
    const meals = $("#meals");
    meals.replaceChildren(
      ...day.meals.map((meal) => {
        const rows = meal.entries.map((entry) =>
          el(
            "li",
            { class: "entry", "data-entry": String(entry.id) },
            el("span", { class: "entry-name" }, entry.name, entry.portion ? el("small", {}, ` · ${entry.portion}`) : entry.grams ? el("small", {}, ` · ${fmt(entry.grams)} g`) : ""),
            el("span", { class: "entry-kcal" }, `${fmt(entry.energy_kcal)} kcal`),
            el("button", { type: "button", class: "link remove", "aria-label": `${T.remove} ${entry.name}`, onclick: () => remove(entry.id) }, "✕")
          )
        );
        pending
          .filter((item) => item.body.meal === meal.meal)
          .forEach((item) =>
            rows.push(el("li", { class: "entry pending" }, el("span", { class: "entry-name" }, item.preview.name, el("small", {}, ` · ${T.waiting}`)), el("span", { class: "entry-kcal" }, `${fmt(item.preview.energy_kcal)} kcal`)))
          );
        return el(
          "section",
          { class: "card meal", "data-meal": meal.meal },
          el("h3", {}, meal.label, el("span", { class: "muted" }, ` ${fmt(meal.energy_kcal)} kcal`)),
          rows.length ? el("ul", { class: "entries" }, rows) : el("p", { class: "muted" }, T.nothing)
        );
      })
    );
    const net = $("#net");
    net.textContent = navigator.onLine ? T.online : T.offline;
    net.classList.toggle("offline", !navigator.onLine);
  }

  function notice(text) {
    const box = $("#notice");
    box.textContent = text;
    box.hidden = !text;
  }

  /* --- talking to the server ---------------------------------------------------------------- */

  async function refresh() {
    const response = await fetch(config.dayUrl, { credentials: "same-origin", headers: { Accept: "application/json" } });
    if (response.ok) {
      day = await response.json();
      draw();
    }
  }

  let flushing = false;
  async function flush() {
    if (flushing) return;
    flushing = true;
    let changed = false;
    try {
      for (const item of read(outboxKey, [])) {
        let response;
        try {
          response = await fetch(config.logUrl, {
            method: "POST",
            credentials: "same-origin",
            headers: { "Content-Type": "application/json", "X-CSRFToken": csrfToken() },
            body: JSON.stringify(item.body),
          });
        } catch (error) {
          break; // offline: keep everything for later
        }
        if (response.status === 401 || response.status === 403) {
          notice(T.signin);
          break;
        }
        if (!response.ok) {
          const problem = await response.json().catch(() => ({}));
          notice(`${T.failed} ${item.preview.name}: ${problem.detail || response.status}`);
        }
        write(outboxKey, read(outboxKey, []).filter((queued) => queued.body.idempotency_key !== item.body.idempotency_key));
        changed = true;
      }
    } finally {
      flushing = false;
    }
    if (changed) await refresh().catch(() => draw());
    else draw();
  }

  async function remove(entryId) {
    try {
      const response = await fetch(config.deleteUrl.replace("0", String(entryId)), {
        method: "DELETE",
        credentials: "same-origin",
        headers: { "X-CSRFToken": csrfToken() },
      });
      if (response.ok) await refresh();
    } catch (error) {
      notice(T.offline);
    }
  }

  function queue(body, preview) {
    const outbox = read(outboxKey, []);
    outbox.push({ body: { idempotency_key: uuid(), logged_on: day.date, ...body }, preview });
    write(outboxKey, outbox);
    draw();
    flush();
  }

  /* --- searching and adding ----------------------------------------------------------------- */

  function resultRow(food) {
    const amount = el("input", { type: "number", inputmode: "decimal", min: "0", step: "any", value: "1", "aria-label": T.amount, class: "amount" });
    const unit = el(
      "select",
      { "aria-label": T.unit, class: "unit" },
      ...food.portions.map((p) => el("option", { value: `portion:${p.id}` }, `${p.label} (${fmt(p.grams)} g)`)),
      el("option", { value: "g" }, "g"),
      el("option", { value: "oz" }, "oz")
    );
    if (!food.portions.length) amount.value = "100";
    const add = () => {
      const [kind, portionId] = unit.value.split(":");
      const value = parseFloat(amount.value);
      if (!(value > 0)) return notice(T.amount_needed);
      const grams = gramsOf(food, value, kind, portionId);
      const preview = { name: food.name };
      NUTRIENTS.forEach((name) => (preview[name] = (parseFloat(food[name]) * grams) / 100));
      queue({ meal: $("#meal").value, food_id: food.id, amount: String(value), unit: kind, portion_id: portionId ? Number(portionId) : null }, preview);
      notice("");
    };
    return el(
      "li",
      { class: "result", "data-food": String(food.id) },
      el("span", { class: "result-name" }, food.name, el("small", { class: "muted" }, ` ${fmt(food.energy_kcal)} kcal / 100 g`)),
      el("span", { class: "result-add" }, amount, unit, el("button", { type: "button", class: "btn small add", onclick: add }, T.add))
    );
  }

  function showResults(foods) {
    results = foods;
    $("#results").replaceChildren(...results.map(resultRow));
  }

  let searchTimer = null;
  $("#food-search").addEventListener("input", (event) => {
    clearTimeout(searchTimer);
    const q = event.target.value.trim();
    searchTimer = setTimeout(async () => {
      if (!q) return showResults([]);
      try {
        const response = await fetch(`${config.foodsUrl}?q=${encodeURIComponent(q)}&limit=15`, { credentials: "same-origin" });
        if (response.ok) showResults((await response.json()).items);
      } catch (error) {
        notice(T.offline_search);
      }
    }, 250);
  });

  async function showList(url) {
    try {
      const response = await fetch(url, { credentials: "same-origin" });
      if (response.ok) showResults(await response.json());
    } catch (error) {
      notice(T.offline_search);
    }
  }
  $("#show-recent").addEventListener("click", () => showList(config.recentUrl));
  $("#show-favourites").addEventListener("click", () => showList(config.favouritesUrl));

  $("#quick-add").addEventListener("submit", (event) => {
    event.preventDefault();
    const form = event.target;
    const body = { meal: $("#meal").value, name: form.elements.name.value.trim() };
    const preview = { name: body.name || T.quick_add };
    ["energy_kcal", "protein_g", "carbohydrate_g", "fat_g"].forEach((name) => {
      const value = form.elements[name].value;
      body[name] = value === "" ? null : value;
      preview[name] = parseFloat(value || 0);
    });
    preview.fibre_g = 0;
    queue(body, preview);
    form.reset();
  });

  window.addEventListener("online", flush);
  window.addEventListener("offline", draw);
  setInterval(() => {
    if (navigator.onLine && read(outboxKey, []).length) flush();
  }, 20000);
  if ("serviceWorker" in navigator && config.serviceWorker) {
    navigator.serviceWorker.register(config.serviceWorker, { scope: config.scope }).catch(() => {});
  }
  draw();
  flush();
  window.fitwellFoodLogger = { flush, outboxKey }; // for support and tests
})();
