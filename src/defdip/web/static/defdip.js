// defdip pages: the map's hover text as a tooltip that follows the pointer (and keyboard
// focus), a click on a partner opens its page, and the sections computed later are filled in.
// Only what the maps and filters need; every asset is served by defdip itself.
(function () {
  "use strict";

  function tip() { return document.getElementById("map-tip"); }

  function show(target, x, y) {
    const box = tip();
    const title = target && target.querySelector && target.querySelector("title");
    if (!box || !title) return;
    box.textContent = title.textContent;
    box.hidden = false;
    const width = box.offsetWidth, height = box.offsetHeight;
    box.style.left = Math.max(4, Math.min(x + 14, window.innerWidth - width - 4)) + window.scrollX + "px";
    box.style.top = Math.max(4, y - height - 10) + window.scrollY + "px";
  }

  function hide() { const box = tip(); if (box) box.hidden = true; }

  function mapShape(node) {
    return node && node.closest ? node.closest("svg.worldmap path[data-key], svg.worldmap circle") : null;
  }

  function wire(root) {
    root.querySelectorAll("svg.worldmap path[data-key]").forEach(function (path) {
      if (path.querySelector("title") && path.getAttribute("fill") !== "#13294b") {
        path.setAttribute("tabindex", "0");
        path.setAttribute("role", "link");
        path.setAttribute("aria-label", path.querySelector("title").textContent.split("\n")[0]);
      }
    });
  }

  document.addEventListener("mousemove", function (event) {
    const shape = mapShape(event.target);
    if (shape && shape.querySelector("title")) show(shape, event.clientX, event.clientY);
    else hide();
  });
  document.addEventListener("focusin", function (event) {
    const shape = mapShape(event.target);
    if (!shape) return;
    const r = shape.getBoundingClientRect();
    show(shape, r.left + r.width / 2, r.top);
  });
  document.addEventListener("focusout", hide);
  function open(event) {
    const shape = mapShape(event.target);
    if (!shape || !shape.dataset.key || !shape.querySelector("title")) return;
    const map = shape.closest("[data-link]");
    if (map && shape.getAttribute("fill") !== "#13294b") window.location.href = map.dataset.link + shape.dataset.key;
  }
  document.addEventListener("click", open);
  document.addEventListener("keydown", function (event) { if (event.key === "Enter") open(event); });

  function fill(section) {
    return fetch(section.dataset.fragment, {headers: {Accept: "text/html"}}).then(function (r) {
      return r.text().then(function (html) {
        section.innerHTML = html;
        section.removeAttribute("aria-busy");
        if (!r.ok) section.classList.add("failed");
        wire(section);
      });
    });
  }

  function start() {
    wire(document);
    const fragments = Array.from(document.querySelectorAll("[data-fragment]")).map(fill);
    Promise.all(fragments).then(function () {
      document.body.dataset.ready = "1";
    }, function (error) {
      document.body.dataset.ready = "error";
      console.warn(error);
    });
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
