/*
 * Boot and live updates: ask for the admin token once per tab, then poll
 * GET /sandbox/dashboard/state every second (never two requests at once) and redraw.
 */
"use strict";
window.Dash = window.Dash || {};

(function (Dash) {
  const POLL_MS = 1000;
  const STALE_MS = 2500;
  let state = null;
  let built = false;
  let timer = null;
  let inFlight = false;
  let lastOk = 0;

  /** Show the token prompt; `rejected` says the previous token was refused. */
  Dash.askToken = function (rejected) {
    Dash.clearToken();
    clearTimeout(timer);
    document.getElementById("token-error").textContent = rejected ? Dash.t("token_rejected") : "";
    document.getElementById("token-dialog").hidden = false;
    document.getElementById("token-input").focus();
  };

  /** Draw everything from the last state (also after a language change). */
  Dash.redraw = function () {
    if (!state) return;
    Dash.updateTopbar(state);
    Dash.updateMap(state);
    Dash.updateJournal(state);
    Dash.updateFlows(state);
    Dash.updateStatusChart(state);
    Dash.updateSatisfaction(state);
    Dash.updateRules(state);
  };

  async function poll() {
    if (inFlight || !Dash.token()) return;
    inFlight = true;
    try {
      state = await Dash.api("GET", "/sandbox/dashboard/state");
      lastOk = Date.now();
      if (!built) {
        Dash.buildMap(document.getElementById("map"), state.provinces);
        built = true;
        Dash.initControls(state);
      }
      Dash.redraw();
    } catch (err) {
      if (err instanceof Dash.Unauthorized) {
        inFlight = false;
        return Dash.askToken(true);
      }
      // A network blip: keep polling; the freshness badge turns red meanwhile.
    }
    inFlight = false;
    clearTimeout(timer);
    timer = setTimeout(poll, POLL_MS);
  }

  /** Poll now (after a control changed something) instead of waiting for the next tick. */
  Dash.pollNow = function () {
    clearTimeout(timer);
    if (!inFlight) poll();
    else timer = setTimeout(poll, 100);
  };

  function showFreshness() {
    const el = document.getElementById("freshness");
    if (!lastOk) return;
    const stale = Date.now() - lastOk > STALE_MS;
    el.className = "freshness" + (stale ? " stale" : "");
    el.textContent = stale ? Dash.t("stale") : `${Dash.t("updated")} ${new Date(lastOk).toLocaleTimeString("vi-VN", { hour12: false })}`;
  }

  document.addEventListener("DOMContentLoaded", () => {
    Dash.applyLanguage();
    Dash.bindControls();
    document.getElementById("lang-toggle").addEventListener("click", Dash.toggleLanguage);
    document.getElementById("token-change").addEventListener("click", () => Dash.askToken(false));
    document.getElementById("token-form").addEventListener("submit", (e) => {
      e.preventDefault();
      Dash.setToken(document.getElementById("token-input").value.trim());
      document.getElementById("token-dialog").hidden = true;
      poll();
    });
    setInterval(showFreshness, 500);
    if (Dash.token()) poll();
    else Dash.askToken(false);
  });
})(window.Dash);
