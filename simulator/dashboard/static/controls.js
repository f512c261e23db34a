/* The trainer's controls; each one calls the existing admin API with the admin token. */
"use strict";
window.Dash = window.Dash || {};

(function (Dash) {
  const $ = (id) => document.getElementById(id);
  let lastRules = "";

  function say(text, isError) {
    const el = $("message");
    el.textContent = text;
    el.className = "message" + (isError ? " error" : "");
  }

  /** Run one admin call, report its outcome, and refresh the page's state at once. */
  async function act(label, call) {
    try {
      await call();
      say(`${Dash.t("done")}: ${label}`);
    } catch (err) {
      if (err instanceof Dash.Unauthorized) return Dash.askToken(true);
      say(`${label}: ${err.message}`, true);
    }
    Dash.pollNow();
  }

  function option(value, text) {
    const el = document.createElement("option");
    el.value = value;
    el.textContent = text;
    return el;
  }

  /** Fill the selects that depend on the sandbox's data (systems, provinces, scenarios). */
  Dash.initControls = async function (state) {
    Dash.replace($("fault-system"), state.systems.map((s) => option(s.name, s["label_" + Dash.lang])));
    $("fault-system").value = "population";
    Dash.replace($("arrivals-province"), state.provinces.map((p) => option(p.code, `${p.code} ${p.name}`)));
    $("arrivals-province").value = "56";
    $("clock-scale").value = state.clock.scale;
    try {
      const scenarios = await Dash.api("GET", "/sandbox/scenarios");
      Dash.replace($("scenario-select"), scenarios.map((s) => option(s.name, s.name)));
      if (state.scenario.running) $("scenario-select").value = state.scenario.name;
    } catch (err) {
      if (err instanceof Dash.Unauthorized) return Dash.askToken(true);
      say(err.message, true);
    }
  };

  /** Redraw the list of manual rules (with a "lift" button each) when it changed. */
  Dash.updateRules = function (state) {
    const key = JSON.stringify(state.rules.map((r) => [r.id, r.expires_at])) + Dash.lang;
    const now = state.generated_at;
    // Rebuilt only on change, so a click is never lost to a redraw; the countdown is refreshed by text.
    if (key !== lastRules) {
      lastRules = key;
      Dash.replace($("rules"), state.rules.map((rule) => {
        const li = document.createElement("li");
        li.dataset.rule = rule.id;
        const text = document.createElement("span");
        const lift = document.createElement("button");
        lift.type = "button";
        lift.className = "link";
        lift.textContent = Dash.t("lift");
        lift.addEventListener("click", () => act(rule.name, () => Dash.api("DELETE", "/sandbox/rules/" + encodeURIComponent(rule.id))));
        li.append(text, lift);
        return li;
      }));
    }
    for (const rule of state.rules) {
      const li = document.querySelector(`#rules li[data-rule="${CSS.escape(rule.id)}"] span`);
      if (!li) continue;
      const left = rule.expires_at ? ` · ${Dash.t("expires")} ${Math.max(0, Math.round(rule.expires_at - now))} s` : "";
      li.textContent = `${rule.name} [${rule.systems.join(", ")}: ${rule.effects.join(", ")}]${left}`;
    }
  };

  /** Wire every form and button once. */
  Dash.bindControls = function () {
    $("scenario-form").addEventListener("submit", (e) => {
      e.preventDefault();
      const name = $("scenario-select").value;
      if (name) act(name, () => Dash.api("POST", `/sandbox/scenarios/${encodeURIComponent(name)}/apply`));
    });
    $("scenario-stop").addEventListener("click", () => act(Dash.t("stop"), () => Dash.api("POST", "/sandbox/scenarios/stop")));

    $("fault-form").addEventListener("submit", (e) => {
      e.preventDefault();
      const system = $("fault-system").value;
      const mode = $("fault-mode").value;
      const minutes = parseFloat($("fault-minutes").value) || 1;
      const seconds = parseFloat($("fault-seconds").value) || 5;
      const effects = mode === "down"
        ? [{ error: { status: 503 } }]
        : [{ latency: { dist: "fixed", seconds } }];
      // One rule per system and mode: applying again replaces it instead of stacking delays.
      const rule = {
        id: `dashboard-${system}-${mode}`,
        name: `${Dash.t("controls")}: ${system} ${Dash.t("mode_" + mode)}`,
        match: { system },
        effects,
        expires_in_s: minutes * 60,
      };
      act(Dash.t("rule_set"), () => Dash.api("POST", "/sandbox/rules", rule));
    });

    $("arrivals-form").addEventListener("submit", (e) => {
      e.preventDefault();
      const province = $("arrivals-province").value;
      const rate = parseFloat($("arrivals-rate").value);
      act(`${Dash.t("arrivals")} ${province}`, () => Dash.api("POST", "/sandbox/arrivals", { province, rate_per_min: rate }));
    });
    $("arrivals-stop").addEventListener("click", () => {
      const province = $("arrivals-province").value;
      act(`${Dash.t("stop")} ${province}`, () => Dash.api("DELETE", "/sandbox/arrivals?province=" + encodeURIComponent(province)));
    });

    $("clock-form").addEventListener("submit", (e) => {
      e.preventDefault();
      const scale = parseFloat($("clock-scale").value);
      act(`${Dash.t("time_scale")} ×${scale}`, () => Dash.api("PUT", "/sandbox/clock", { scale }));
    });
    $("reset").addEventListener("click", () => {
      if (window.confirm(Dash.t("confirm_reset"))) act(Dash.t("reset"), () => Dash.api("POST", "/sandbox/reset", {}));
    });
  };
})(window.Dash);
