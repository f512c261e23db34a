/* A tiny helper to build inline SVG without a chart library. */
"use strict";
window.Dash = window.Dash || {};

(function (Dash) {
  const NS = "http://www.w3.org/2000/svg";

  /** Create an SVG element with attributes and optional children (elements or text). */
  Dash.svg = function (tag, attrs, ...children) {
    const el = document.createElementNS(NS, tag);
    for (const [name, value] of Object.entries(attrs || {})) {
      if (value !== undefined && value !== null) el.setAttribute(name, value);
    }
    for (const child of children.flat()) {
      if (child === undefined || child === null) continue;
      el.appendChild(typeof child === "string" || typeof child === "number" ? document.createTextNode(String(child)) : child);
    }
    return el;
  };

  /** A <title> child: the tooltip of an SVG shape. */
  Dash.tooltip = (text) => Dash.svg("title", {}, text);

  /** Replace an element's children. */
  Dash.replace = function (el, ...children) {
    while (el.firstChild) el.removeChild(el.firstChild);
    for (const child of children.flat()) if (child) el.appendChild(child);
  };
})(window.Dash);
