/* The readiness-check panel: start a check of a province's connector, follow it, open its report. */
"use strict";
window.Dash = window.Dash || {};

(function (Dash) {
  const $ = (id) => document.getElementById(id);
  const t = Dash.t;  // labels live in i18n.js with the others
  let current = null;
  let timer = null;

  function label() {
    document.querySelectorAll("[data-certify]").forEach((el) => { el.textContent = t(el.dataset.certify); });
  }

  /** Show one run: its phase and last progress line while running, then the verdict and failed checks. */
  function show(run) {
    const box = $("certify-status");
    box.replaceChildren();
    if (!run) { box.textContent = t("none"); return; }
    const head = document.createElement("div");
    if (run.status === "running") {
      const last = (run.progress || []).slice(-1)[0];
      head.textContent = `${run.province} · ${run.profile} · ${t("running")}: ${run.phase}` + (last ? ` — ${last.text}` : "");
    } else {
      head.className = run.ready ? "certify-ready" : "certify-not-ready";
      head.textContent = `${run.province} · ${run.profile} · ${run.ready ? t("ready") : t("not_ready")} — ${run.verdict || ""}`;
      const failed = (run.results || []).filter((r) => r.status === "fail" || r.status === "inconclusive");
      const list = document.createElement("ul");
      failed.forEach((r) => {
        const li = document.createElement("li");
        li.textContent = `${r.id} ${r.title}: ${r.summary}`;
        list.append(li);
      });
      const link = document.createElement("a");
      link.href = "#";
      link.textContent = t("report");
      link.onclick = (event) => { event.preventDefault(); openReport(run.id); };
      box.append(head, list, link);
      return;
    }
    box.append(head);
  }

  /** The HTML report needs the admin token, so it is fetched here and opened as a page of its own. */
  async function openReport(id) {
    const response = await fetch(`/sandbox/certify/runs/${id}/report.html`, {
      headers: { Authorization: "Bearer " + (Dash.token() || "") } });
    const page = URL.createObjectURL(new Blob([await response.text()], { type: "text/html" }));
    window.open(page, "_blank");
  }

  /** "127.0.0.1:9000/push" means http:// on loopback; a URL with its own scheme is kept. */
  function withScheme(url) {
    return /^[a-z]+:\/\//i.test(url) ? url : "http" + "://" + url;
  }

  async function follow() {
    clearTimeout(timer);
    if (!current) return;
    try {
      const run = await Dash.api("GET", `/sandbox/certify/runs/${current}`);
      show(run);
      if (run.status === "running") timer = setTimeout(follow, 1000);
    } catch (err) {
      if (err instanceof Dash.Unauthorized) return Dash.askToken(true);
      $("certify-status").textContent = err.message;
    }
  }

  Dash.initCertify = async function () {
    label();
    $("certify-form").addEventListener("submit", async (event) => {
      event.preventDefault();
      try {
        const started = await Dash.api("POST", "/sandbox/certify", {
          province: $("certify-province").value, connector: withScheme($("certify-connector").value),
          secret: $("certify-secret").value, profile: $("certify-profile").value, duration: "3m" });
        current = started.id;
        follow();
      } catch (err) {
        if (err instanceof Dash.Unauthorized) return Dash.askToken(true);
        $("certify-status").textContent = err.message;
      }
    });
    $("lang-toggle").addEventListener("click", label);
    try {
      const runs = await Dash.api("GET", "/sandbox/certify/runs?limit=1");
      current = runs.length ? runs[0].id : null;
      if (current) follow(); else show(null);
    } catch (err) {
      if (!(err instanceof Dash.Unauthorized)) $("certify-status").textContent = err.message;
    }
  };

  document.addEventListener("DOMContentLoaded", () => {
    // After the token is known: app.js asks for it first; retry until it is there.
    const wait = () => (Dash.token() ? Dash.initCertify() : setTimeout(wait, 500));
    wait();
  });
})(window.Dash);
