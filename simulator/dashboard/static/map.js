/*
 * The interconnection map as inline SVG: the 34 provinces (chips with dossier counts) on the
 * left, the national portal and the NGSP gateway in the middle, the ministry systems on the
 * right, with arrows. The shapes are built once; each poll only updates texts and attributes,
 * so the CSS animations (pulsing failures, moving dashes on busy links) run smoothly.
 */
"use strict";
window.Dash = window.Dash || {};

(function (Dash) {
  const S = (...args) => Dash.svg(...args);
  const CHIP = { x0: 8, y0: 26, w: 64, h: 58, gap: 4, cols: 5 };
  const MIDDLE = { x: 392, w: 188 };
  const RIGHT = { x: 596, w: 200 };

  // Boxes of the map: one per system, except justice which holds civil status and judicial record.
  const BOXES = [
    { key: "portal", systems: ["portal"], x: MIDDLE.x, y: 40, w: MIDDLE.w },
    { key: "gateway", systems: ["gateway"], x: MIDDLE.x, y: 300, w: MIDDLE.w },
    { key: "payment", systems: ["payment"], x: RIGHT.x, y: 6 },
    { key: "population", systems: ["population"], x: RIGHT.x, y: 72 },
    { key: "justice", systems: ["civil_status", "judicial_record"], x: RIGHT.x, y: 138 },
    { key: "business_registration", systems: ["business_registration"], x: RIGHT.x, y: 240 },
    { key: "social_insurance", systems: ["social_insurance"], x: RIGHT.x, y: 306 },
    { key: "environment", systems: ["environment"], x: RIGHT.x, y: 372 },
  ];
  const RANK = { healthy: 0, slow: 1, failing: 2 };
  const nodes = { boxes: {}, rows: {}, chips: {}, links: [] };

  const boxHeight = (box) => (box.systems.length > 1 ? 96 : 58);
  const mid = (box) => box.y + boxHeight(box) / 2;

  function chipPosition(index) {
    const col = index % CHIP.cols;
    const row = Math.floor(index / CHIP.cols);
    return { x: CHIP.x0 + col * (CHIP.w + CHIP.gap), y: CHIP.y0 + row * (CHIP.h + CHIP.gap) };
  }

  /** The arrows: [from box or "provinces", to box, label key, path]. */
  function linkSpecs() {
    const by = Object.fromEntries(BOXES.map((b) => [b.key, b]));
    const portal = by.portal, gateway = by.gateway;
    const edge = CHIP.x0 + CHIP.cols * (CHIP.w + CHIP.gap);
    const specs = [
      { system: "portal", label: "sync", d: `M${edge},${portal.y + 16} L${portal.x - 2},${portal.y + 16}`, lx: edge + 2, ly: portal.y + 10 },
      { system: "portal", label: "push", d: `M${portal.x},${portal.y + 42} L${edge + 2},${portal.y + 42}`, lx: edge + 2, ly: portal.y + 56 },
      { system: "gateway", label: "calls", d: `M${edge},${mid(gateway)} L${gateway.x - 2},${mid(gateway)}`, lx: edge + 2, ly: mid(gateway) - 6 },
      { system: "payment", label: "payment_link",
        d: `M${portal.x + portal.w},${portal.y + 20} C${portal.x + portal.w + 20},${portal.y + 20} ${RIGHT.x - 20},${mid(by.payment)} ${RIGHT.x - 2},${mid(by.payment)}` },
    ];
    for (const box of BOXES.slice(3)) {
      const y0 = mid(gateway), y1 = mid(box), x0 = gateway.x + gateway.w;
      specs.push({ system: box.systems[0], box: box.key,
        d: `M${x0},${y0} C${x0 + 24},${y0} ${RIGHT.x - 24},${y1} ${RIGHT.x - 2},${y1}` });
    }
    return specs;
  }

  /** Build the map's shapes once, for the province list the sandbox sent. */
  Dash.buildMap = function (svgEl, provinces) {
    const defs = S("defs", {},
      S("marker", { id: "arrow", viewBox: "0 0 10 10", refX: 9, refY: 5, markerWidth: 7, markerHeight: 7, orient: "auto-start-reverse" },
        S("path", { d: "M0,0 L10,5 L0,10 z", fill: "#78909c" })));
    const layers = { links: S("g", {}), chips: S("g", {}), boxes: S("g", {}) };
    nodes.regionTitle = S("text", { x: CHIP.x0, y: 16, class: "region-title" }, "");

    provinces.forEach((p, i) => {
      const { x, y } = chipPosition(i);
      const title = Dash.tooltip(p.name);
      const count = S("text", { x: x + CHIP.w / 2, y: y + 34, "text-anchor": "middle", class: "count" }, "0");
      const badge = S("text", { x: x + CHIP.w - 4, y: y + 12, "text-anchor": "end", class: "badge" }, "");
      const chip = S("g", { class: "chip", "data-province": p.code },
        title,
        S("rect", { x, y, width: CHIP.w, height: CHIP.h }),
        S("text", { x: x + 4, y: y + 11, class: "code" }, p.code),
        badge, count,
        S("text", { x: x + CHIP.w / 2, y: y + 51, "text-anchor": "middle", class: "name", textLength: p.name.length > 11 ? CHIP.w - 6 : null, lengthAdjust: "spacingAndGlyphs" }, p.name));
      nodes.chips[p.code] = { chip, count, badge, title, name: p.name };
      layers.chips.appendChild(chip);
    });

    for (const spec of linkSpecs()) {
      const path = S("path", { d: spec.d, class: "link", "marker-end": "url(#arrow)", "data-link": spec.box || spec.system });
      const label = spec.label ? S("text", { x: spec.lx, y: spec.ly, class: "link-label" }, "") : null;
      nodes.links.push({ spec, path, label });
      layers.links.appendChild(path);
      if (label) layers.links.appendChild(label);
    }

    for (const box of BOXES) {
      const h = boxHeight(box), w = box.w || RIGHT.w;
      const label = S("text", { x: box.x + 8, y: box.y + 17, class: "label" }, "");
      const sector = S("text", { x: box.x + 8, y: box.y + 31, class: "sector" }, "");
      const group = S("g", { class: "sys", "data-system": box.key, "data-health": "healthy" },
        S("rect", { class: "box", x: box.x, y: box.y, width: w, height: h }), label, sector);
      nodes.boxes[box.key] = { group, label, sector, box, title: Dash.tooltip("") };
      group.appendChild(nodes.boxes[box.key].title);
      box.systems.forEach((name, i) => {
        // A single-system box has one status line; justice has a name line and a status line per system.
        const y = box.systems.length > 1 ? box.y + 46 + i * 30 : box.y + 48;
        const sub = box.systems.length > 1 ? S("text", { x: box.x + 8, y, class: "sector" }, "") : null;
        const lineY = sub ? y + 14 : y;
        const dot = S("circle", { cx: box.x + 13, cy: lineY - 4, r: 5, class: "dot healthy" });
        // Health word and figures flow in one line of text, whatever the language's word length.
        const health = S("tspan", { class: "health-text healthy" }, "");
        const figures = S("tspan", { class: "figures", dx: 6 }, "");
        const line = S("text", { x: box.x + 22, y: lineY }, health, figures);
        const row = S("g", { "data-system": name, "data-health": "healthy" }, sub, dot, line);
        nodes.rows[name] = { row, sub, dot, health, figures };
        group.appendChild(row);
      });
      layers.boxes.appendChild(group);
    }
    Dash.replace(svgEl, defs, nodes.regionTitle, layers.links, layers.chips, layers.boxes);
  };

  function figuresText(s) {
    const parts = [`${s.rps.toFixed(1)}${Dash.t("rps")}`];
    if (s.p95_ms !== null && s.p95_ms !== undefined) {
      parts.push(s.p95_ms >= 1000 ? `p95 ${(s.p95_ms / 1000).toFixed(1)} s` : `p95 ${Math.round(s.p95_ms)} ms`);
    }
    if (s.error_rate > 0) parts.push(`${Math.round(s.error_rate * 100)}% ${Dash.t("errors")}`);
    return parts.join(" · ");
  }

  /** Update the map from one state reply. */
  Dash.updateMap = function (state) {
    const lang = Dash.lang;
    const systems = Object.fromEntries(state.systems.map((s) => [s.name, s]));
    nodes.regionTitle.textContent = Dash.t("provinces");

    for (const { group, label, sector, box, title } of Object.values(nodes.boxes)) {
      const members = box.systems.map((n) => systems[n]).filter(Boolean);
      if (!members.length) continue;
      const first = members[0];
      const worst = members.reduce((a, s) => (RANK[s.health] > RANK[a] ? s.health : a), "healthy");
      group.setAttribute("data-health", worst);
      // Justice holds two systems: its title is the sector, each line names its system.
      label.textContent = members.length > 1 ? first["sector_" + lang] : first["label_" + lang];
      sector.textContent = members.length > 1 ? "" : first["sector_" + lang];
      title.textContent = members.flatMap((s) => [`${s["label_" + lang]}: ${Dash.t(s.health)}`, ...s.reasons]).join("\n");
      for (const s of members) {
        const row = nodes.rows[s.name];
        row.row.setAttribute("data-health", s.health);
        row.dot.setAttribute("class", "dot " + s.health);
        row.health.setAttribute("class", "health-text " + s.health);
        row.health.textContent = Dash.t(s.health);
        row.figures.textContent = figuresText(s);
        if (row.sub) row.sub.textContent = s["label_" + lang];
      }
    }

    for (const { spec, path, label } of nodes.links) {
      const target = systems[spec.system];
      if (!target) continue;
      const busy = target.rps > 0 ? " busy" : "";
      const tone = target.health === "healthy" ? "" : " " + target.health;
      path.setAttribute("class", "link" + busy + tone);
      if (label) label.textContent = Dash.t(spec.label);
    }

    const dossiers = state.dossiers.by_province;
    const flows = state.flows.by_province;
    const streaming = new Set(state.arrivals.map((a) => a.province));
    for (const [code, chip] of Object.entries(nodes.chips)) {
      const byStatus = dossiers[code] || {};
      const total = Object.values(byStatus).reduce((a, b) => a + b, 0);
      const flow = flows[code] || { waiting: 0, lost: 0, overdue: 0 };
      chip.count.textContent = String(total);
      chip.badge.textContent = flow.waiting ? "+" + flow.waiting : "";
      const alarm = flow.lost > 0 || flow.overdue > 0;
      chip.chip.setAttribute("class", "chip" + (alarm ? " alarm" : streaming.has(code) ? " active" : ""));
      const lines = Object.entries(byStatus).map(([s, n]) => `${Dash.statusName(state, s)}: ${n}`);
      lines.push(`${Dash.t("waiting")}: ${flow.waiting} · ${Dash.t("lost")}: ${flow.lost} · ${Dash.t("overdue")}: ${flow.overdue}`);
      chip.title.textContent = `${code} ${chip.name}\n` + lines.join("\n");
    }
  };
})(window.Dash);
