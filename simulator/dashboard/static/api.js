/* Calls to the sandbox's admin API with the admin token, which is kept in sessionStorage. */
"use strict";
window.Dash = window.Dash || {};

(function (Dash) {
  const KEY = "dashboard.adminToken";

  /** Raised when the sandbox refuses the token, so the page can ask for it again. */
  class Unauthorized extends Error {}
  Dash.Unauthorized = Unauthorized;

  Dash.token = () => sessionStorage.getItem(KEY);
  Dash.setToken = (token) => sessionStorage.setItem(KEY, token);
  Dash.clearToken = () => sessionStorage.removeItem(KEY);

  /**
   * Call the admin API: JSON in, JSON out. Throws Unauthorized on 401 and an Error carrying
   * the sandbox's own message (which names the field) on any other error status.
   */
  Dash.api = async function (method, path, body) {
    const headers = { Authorization: "Bearer " + (Dash.token() || "") };
    const init = { method, headers, cache: "no-store" };
    if (body !== undefined) {
      headers["Content-Type"] = "application/json";
      init.body = JSON.stringify(body);
    }
    const response = await fetch(path, init);
    if (response.status === 401) throw new Unauthorized("401");
    const text = await response.text();
    const data = text ? JSON.parse(text) : null;
    if (!response.ok) throw new Error((data && data.message) || response.status + " " + response.statusText);
    return data;
  };
})(window.Dash);
