// A small, safe Markdown subset for environment READMEs: headings, fenced code, lists, paragraphs and
// inline code. Text only ever becomes text nodes, never HTML.
"use strict";

const OpenEnvMarkdown = (() => {
  function render(text) {
    // A small, safe subset: headings, fenced code, lists, paragraphs, inline code. Text is never parsed as HTML.
    const out = document.createDocumentFragment();
    const lines = text.replace(/\r\n/g, "\n").split("\n");
    let i = 0;
    const inline = (parent, s) => {
      s.split(/(`[^`]+`)/).forEach((part) => {
        if (part.startsWith("`") && part.endsWith("`") && part.length > 1) {
          const code = document.createElement("code");
          code.textContent = part.slice(1, -1);
          parent.append(code);
        } else if (part) {
          parent.append(document.createTextNode(part));
        }
      });
      return parent;
    };
    while (i < lines.length) {
      const line = lines[i];
      if (line.startsWith("```")) {
        const code = [];
        for (i++; i < lines.length && !lines[i].startsWith("```"); i++) code.push(lines[i]);
        i++;
        const pre = document.createElement("pre");
        pre.textContent = code.join("\n");
        out.append(pre);
      } else if (/^#{1,6} /.test(line)) {
        const level = Math.min(6, line.indexOf(" ") + 2);
        out.append(inline(document.createElement("h" + level), line.replace(/^#+ /, "")));
        i++;
      } else if (/^\s*([-*]|\d+\.) /.test(line)) {
        const list = document.createElement(/^\s*\d/.test(line) ? "ol" : "ul");
        for (; i < lines.length && /^\s*([-*]|\d+\.) /.test(lines[i]); i++) {
          list.append(inline(document.createElement("li"), lines[i].replace(/^\s*([-*]|\d+\.) /, "")));
        }
        out.append(list);
      } else if (line.trim() === "") {
        i++;
      } else {
        const para = [];
        for (; i < lines.length && lines[i].trim() !== "" && !/^(#{1,6} |```|\s*([-*]|\d+\.) )/.test(lines[i]); i++) para.push(lines[i]);
        out.append(inline(document.createElement("p"), para.join(" ")));
      }
    }
    return out;
  }

  return { render };
})();
