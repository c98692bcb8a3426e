"use strict";
// The environment's picture of its state (observation metadata "render": text, SVG or PNG), shown in the
// #picture box in place of the raw JSON (#observation-raw folds away). Used by the play page and the
// replay page.
window.OpenEnvPicture = (() => {
  function show(render) {
    const box = document.getElementById("picture");
    const raw = document.getElementById("observation-raw");
    if (!render || typeof render.content !== "string") {
      box.hidden = true;
      box.replaceChildren();
      raw.open = true;
      return;
    }
    let node;
    if (render.format === "text") {
      node = document.createElement("pre");
      node.className = "rendering";
      node.textContent = render.content;
    } else {
      // As an image, so an SVG cannot run scripts in the page.
      node = document.createElement("img");
      node.alt = "rendering of the state";
      const bytes = render.format === "png" ? render.content : btoa(unescape(encodeURIComponent(render.content)));
      node.src = "data:" + render.media_type + ";base64," + bytes;
    }
    box.replaceChildren(node);
    box.hidden = false;
    box.dataset.format = render.format;
    raw.open = false;
  }
  return { show };
})();
