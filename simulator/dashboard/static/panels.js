/* The panels around the map: scenario bar, journal, online dossiers, status and satisfaction charts. */
"use strict";
window.Dash = window.Dash || {};

(function (Dash) {
  const S = (...args) => Dash.svg(...args);
  // One colour per status code 1-10 (finished and returned in greens, refusals in reds).
  const STATUS_COLOURS = {
    1: "#90caf9", 2: "#42a5f5", 3: "#e57373", 4: "#ffb74d", 5: "#ba68c8",
    6: "#f06292", 7: "#bdbdbd", 8: "#8d6e63", 9: "#81c784", 10: "#2e7d32",
  };

  /** A status code's name in the current language. */
  Dash.statusName = function (state, code) {
    const found = state.statuses.find((s) => String(s.code) === String(code));
    if (!found) return String(code);
    return Dash.lang === "en" ? found.name_en : found.name;
  };

  const provinceName = (state, code) => (state.provinces.find((p) => p.code === code) || { name: code }).name;

  function duration(seconds) {
    const s = Math.max(0, Math.round(seconds));
    return `${Math.floor(s / 60)}:${String(s % 60).padStart(2, "0")}`;
  }

  /** The top bar: scenario and phase with time left (real seconds), sandbox clock. */
  Dash.updateTopbar = function (state) {
    const sc = state.scenario;
    const el = document.getElementById("scenario");
    if (!sc.running) {
      el.textContent = Dash.t("no_scenario");
    } else {
      const phase = sc.phase
        ? ` — ${Dash.t("phase")} <b>${escapeHtml(sc.phase.name)}</b> (${sc.phase.index + 1}/${sc.phases.length}), ${Dash.t("left")} ${duration(sc.phase.remaining_real_s)}`
        : ` — ${Dash.t("finished")}`;
      el.innerHTML = `<b>${escapeHtml(sc.name)}</b>${phase} · ${Dash.t("total_left")} ${duration(sc.remaining_real_s)}`;
      el.title = sc.description || "";
    }
    const now = new Date(state.clock.now);
    const text = state.clock.now.slice(0, 10) + " " + state.clock.now.slice(11, 19);
    document.getElementById("clock").textContent = `${text} ×${state.clock.scale}`;
    document.getElementById("clock").title = now.toString();
  };

  function escapeHtml(text) {
    return String(text).replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c]);
  }

  /** The latest journal rows, newest first; failed answers in red. */
  Dash.updateJournal = function (state) {
    const body = document.querySelector("#journal tbody");
    const rows = state.journal.map((j) => {
      const tr = document.createElement("tr");
      if (j.status === 0 || j.status >= 500 || j.status === 429) tr.className = "bad";
      const time = new Date(j.ts * 1000).toLocaleTimeString("vi-VN", { hour12: false });
      for (const value of [time, j.system, j.operation || "", j.client || "", j.status, j.fault || "", Math.round(j.latency_ms || 0)]) {
        const td = document.createElement("td");
        td.textContent = String(value);
        tr.appendChild(td);
      }
      return tr;
    });
    Dash.replace(body, rows);
  };

  /** Online dossiers in total: submitted, synced back, waiting, lost, overdue. */
  Dash.updateFlows = function (state) {
    const totals = state.flows.totals;
    const figures = ["submitted", "synced_back", "waiting", "lost", "overdue"].map((key) => {
      const div = document.createElement("div");
      const value = totals[key] || 0;
      div.className = "figure" + ((key === "lost" || key === "overdue") && value > 0 ? " alarm" : "");
      div.dataset.figure = key;
      div.innerHTML = `<b>${value}</b><span>${Dash.t(key)}</span>`;
      return div;
    });
    Dash.replace(document.getElementById("flows"), figures);
  };

  /** Stacked horizontal bars: dossiers by status for the busiest provinces (at most 7). */
  Dash.updateStatusChart = function (state) {
    const svgEl = document.getElementById("status-chart");
    const totals = Object.entries(state.dossiers.by_province)
      .map(([code, byStatus]) => [code, byStatus, Object.values(byStatus).reduce((a, b) => a + b, 0)])
      .sort((a, b) => b[2] - a[2])
      .slice(0, 7);
    if (!totals.length) {
      Dash.replace(svgEl, S("text", { x: 8, y: 20, class: "empty" }, Dash.t("no_dossiers")));
      return;
    }
    const max = Math.max(...totals.map((t) => t[2]));
    const left = 96, width = 320, rowH = 22;
    const shapes = [];
    totals.forEach(([code, byStatus, total], i) => {
      const y = 4 + i * rowH;
      shapes.push(S("text", { x: left - 6, y: y + 14, "text-anchor": "end" }, provinceName(state, code)));
      let x = left;
      for (const status of Object.keys(byStatus).sort((a, b) => a - b)) {
        const w = (byStatus[status] / max) * width;
        shapes.push(S("rect", { x, y, width: Math.max(w, 1), height: rowH - 6, fill: STATUS_COLOURS[status] },
          Dash.tooltip(`${Dash.statusName(state, status)}: ${byStatus[status]}`)));
        x += w;
      }
      shapes.push(S("text", { x: x + 4, y: y + 14 }, String(total)));
    });
    // Legend: only the statuses present, three per line.
    const present = [...new Set(totals.flatMap((t) => Object.keys(t[1])))].sort((a, b) => a - b);
    present.forEach((status, i) => {
      const x = 8 + (i % 3) * 150, y = 4 + totals.length * rowH + 6 + Math.floor(i / 3) * 16;
      shapes.push(S("rect", { x, y, width: 10, height: 10, fill: STATUS_COLOURS[status] }));
      shapes.push(S("text", { x: x + 14, y: y + 9, "font-size": 10 }, `${status} ${Dash.statusName(state, status)}`.slice(0, 24)));
    });
    const height = 4 + totals.length * rowH + 10 + Math.ceil(present.length / 3) * 16;
    svgEl.setAttribute("viewBox", `0 0 460 ${height}`);
    Dash.replace(svgEl, shapes);
  };

  /** Bars of the average satisfaction score (out of 18) per province that has ratings. */
  Dash.updateSatisfaction = function (state) {
    const svgEl = document.getElementById("satisfaction-chart");
    const groups = state.satisfaction;
    if (!groups.length) {
      svgEl.setAttribute("viewBox", "0 0 460 30");
      Dash.replace(svgEl, S("text", { x: 8, y: 20, class: "empty" }, Dash.t("no_ratings")));
      return;
    }
    const left = 96, width = 300, rowH = 20;
    const shapes = [];
    groups.forEach((g, i) => {
      const y = 4 + i * rowH;
      const w = (g.average_score / 18) * width;
      // Green when most citizens are satisfied, amber when not.
      const fill = g.share_satisfied >= 0.8 ? "#43a047" : g.share_satisfied >= 0.5 ? "#fbc02d" : "#e53935";
      shapes.push(S("text", { x: left - 6, y: y + 13, "text-anchor": "end" }, provinceName(state, g.group)));
      shapes.push(S("rect", { x: left, y, width: Math.max(w, 1), height: rowH - 5, fill, "data-province": g.group },
        Dash.tooltip(`${Math.round(g.share_satisfied * 100)}% · ${g.count} ${Dash.t("ratings")}`)));
      shapes.push(S("text", { x: left + w + 4, y: y + 13 }, `${g.average_score.toFixed(1)} (${g.count})`));
    });
    svgEl.setAttribute("viewBox", `0 0 460 ${8 + groups.length * rowH}`);
    Dash.replace(svgEl, shapes);
  };
})(window.Dash);
