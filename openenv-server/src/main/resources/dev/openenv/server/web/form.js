// Builds an HTML form from a JSON Schema (the shapes pydantic and our SchemaFactory produce) and reads
// the value back. Validation is left to the server: what the user typed is sent, and the server's
// errors are shown next to the field their `loc` names.
"use strict";

const OpenEnvForm = (() => {
  let counter = 0;

  function el(tag, attrs, ...children) {
    const node = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs || {})) {
      if (v === undefined || v === null || v === false) continue;
      if (k === "class") node.className = v;
      else if (k === "text") node.textContent = v;
      else node.setAttribute(k, v === true ? "" : String(v));
    }
    for (const c of children) if (c) node.append(c);
    return node;
  }

  // Follows $ref into $defs and unwraps Optional[X] (anyOf/oneOf with null) into X, nullable.
  function resolve(schema, root) {
    let s = schema || {};
    let nullable = false;
    for (let guard = 0; guard < 16; guard++) {
      if (s.$ref && s.$ref.startsWith("#/")) {
        const target = s.$ref.slice(2).split("/").reduce((o, k) => (o ? o[k] : undefined), root);
        const { $ref, ...rest } = s;
        s = { ...(target || {}), ...rest };
        continue;
      }
      const alts = s.anyOf || s.oneOf;
      if (alts) {
        const nonNull = alts.filter((a) => a.type !== "null");
        if (nonNull.length < alts.length) nullable = true;
        if (nonNull.length === 1) {
          const { anyOf, oneOf, ...rest } = s;
          s = { ...nonNull[0], ...rest };
          continue;
        }
      }
      if (Array.isArray(s.type)) {
        const types = s.type.filter((t) => t !== "null");
        if (types.length < s.type.length) nullable = true;
        if (types.length === 1) s = { ...s, type: types[0] };
      }
      break;
    }
    return { schema: s, nullable };
  }

  function kindOf(s) {
    if (s.const !== undefined) return "const";
    if (Array.isArray(s.enum)) return "enum";
    if (s.type === "boolean") return "boolean";
    if (s.type === "integer" || s.type === "number") return "number";
    if (s.type === "string") return "string";
    if (s.type === "array" && s.items) return "array";
    if ((s.type === "object" || s.properties) && s.properties && Object.keys(s.properties).length > 0) return "object";
    return "json";
  }

  function bounds(s) {
    const parts = [];
    if (s.minimum !== undefined) parts.push("≥ " + s.minimum);
    if (s.exclusiveMinimum !== undefined) parts.push("> " + s.exclusiveMinimum);
    if (s.maximum !== undefined) parts.push("≤ " + s.maximum);
    if (s.exclusiveMaximum !== undefined) parts.push("< " + s.exclusiveMaximum);
    if (s.minLength !== undefined) parts.push("length ≥ " + s.minLength);
    if (s.maxLength !== undefined) parts.push("length ≤ " + s.maxLength);
    if (s.minItems !== undefined) parts.push("items ≥ " + s.minItems);
    if (s.maxItems !== undefined) parts.push("items ≤ " + s.maxItems);
    return parts.join(", ");
  }

  const MULTILINE = /^(code|program|script|source|text|content|body|prompt)$/i;

  // An editor is { node, get() -> value or undefined (= leave out), fields: [{path, errorNode, node}] }.
  function editor(rawSchema, root, ctx) {
    const { schema: s, nullable } = resolve(rawSchema, root);
    const kind = kindOf(s);
    const id = "f" + ++counter;
    const errorNode = el("div", { class: "field-error", "data-error-for": ctx.path });
    const fields = [];
    let input;
    let get;

    switch (kind) {
      case "const":
        return { node: null, get: () => s.const, fields };
      case "enum": {
        input = el("select", { id, name: ctx.path });
        if (!ctx.required || nullable) input.append(el("option", { value: "", text: "—" }));
        s.enum.forEach((v, i) => input.append(el("option", { value: String(i), text: String(v) })));
        if (s.default !== undefined && s.default !== null) input.value = String(s.enum.indexOf(s.default));
        get = () => (input.value === "" ? undefined : s.enum[Number(input.value)]);
        break;
      }
      case "boolean":
        input = el("input", { id, name: ctx.path, type: "checkbox", checked: s.default === true });
        get = () => input.checked;
        break;
      case "number":
        input = el("input", {
          id, name: ctx.path, type: "number", inputmode: s.type === "integer" ? "numeric" : "decimal",
          step: s.type === "integer" ? 1 : "any",
          min: s.minimum ?? s.exclusiveMinimum, max: s.maximum ?? s.exclusiveMaximum,
          value: typeof s.default === "number" ? s.default : undefined,
        });
        get = () => (input.value.trim() === "" ? undefined : Number(input.value));
        break;
      case "string":
        input = MULTILINE.test(ctx.name) || (s.maxLength ?? 0) > 200
          ? el("textarea", { id, name: ctx.path, rows: 6, spellcheck: "false" })
          : el("input", { id, name: ctx.path, type: "text" });
        if (typeof s.default === "string") input.value = s.default;
        get = () => (input.value === "" && (!ctx.required || nullable) ? undefined : input.value);
        break;
      case "array": {
        input = el("div", { id, class: "array", "data-path": ctx.path });
        const items = el("div", { class: "array-items" });
        const rows = [];
        const add = el("button", { type: "button", class: "add", text: "+ add item" });
        const addRow = () => {
          const index = rows.length;
          const sub = editor(s.items, root, { path: ctx.path + "." + index, name: ctx.name, required: true, label: "#" + index });
          const remove = el("button", { type: "button", class: "remove", title: "remove item", text: "×" });
          const row = el("div", { class: "array-item" }, sub.node, remove);
          const entry = { sub, row };
          remove.addEventListener("click", () => {
            rows.splice(rows.indexOf(entry), 1);
            row.remove();
          });
          rows.push(entry);
          items.append(row);
          fields.push(...sub.fields);
        };
        add.addEventListener("click", addRow);
        input.append(items, add);
        get = () => {
          if (rows.length === 0 && !ctx.required) return undefined;
          return rows.map((r) => r.sub.get()).map((v) => (v === undefined ? null : v));
        };
        break;
      }
      case "object": {
        input = el("fieldset", { id, class: "object", "data-path": ctx.path });
        const required = new Set(s.required || []);
        const subs = [];
        for (const [name, prop] of Object.entries(s.properties)) {
          if (ctx.skip && ctx.skip.includes(name)) continue;
          const sub = editor(prop, root, { path: ctx.path ? ctx.path + "." + name : name, name, required: required.has(name) });
          if (sub.node) input.append(sub.node);
          subs.push([name, sub]);
          fields.push(...sub.fields);
        }
        get = () => {
          const out = {};
          for (const [name, sub] of subs) {
            const v = sub.get();
            if (v !== undefined) out[name] = v;
          }
          return out;
        };
        if (!ctx.path) {
          // The top level has no label of its own: the fieldset is the form.
          return { node: input, get, fields };
        }
        break;
      }
      default: {
        input = el("textarea", { id, name: ctx.path, rows: 3, class: "json", spellcheck: "false", placeholder: "JSON, e.g. {}" });
        if (s.default !== undefined) input.value = JSON.stringify(s.default);
        get = () => {
          const text = input.value.trim();
          if (text === "") return ctx.required && s.type === "object" ? {} : undefined;
          try {
            return JSON.parse(text);
          } catch (e) {
            throw new FieldError(ctx.path, "Not valid JSON: " + e.message);
          }
        };
      }
    }

    const title = ctx.label || s.title || ctx.name;
    const label = el("label", { for: id }, document.createTextNode(title || ""),
      ctx.required && !nullable ? el("span", { class: "required", title: "required", text: " *" }) : null);
    const hint = [s.description, bounds(s)].filter(Boolean).join(" — ");
    const node = el("div", { class: "field field-" + kind, "data-field": ctx.path }, label,
      hint ? el("small", { class: "hint", text: hint }) : null, input, errorNode);
    fields.unshift({ path: ctx.path, errorNode, node });
    return { node, get, fields };
  }

  class FieldError extends Error {
    constructor(path, message) {
      super(message);
      this.path = path;
    }
  }

  // schema: an object schema; container: where to put the fields; skip: top-level names to leave out.
  function build(schema, container, skip) {
    counter = 0;
    const root = editor(schema, schema, { path: "", name: "", required: true, skip });
    container.replaceChildren(...(root.node ? [root.node] : []));
    const fields = root.fields;

    function clearErrors() {
      for (const f of fields) {
        f.errorNode.textContent = "";
        f.node.classList.remove("invalid");
      }
    }

    function mark(path, message) {
      // The deepest field whose path is the error's location or a prefix of it.
      let best = null;
      for (const f of fields) {
        if (f.path && (path === f.path || path.startsWith(f.path + ".")) && (!best || f.path.length > best.path.length)) best = f;
      }
      if (!best) return false;
      best.errorNode.textContent = best.errorNode.textContent ? best.errorNode.textContent + "; " + message : message;
      best.node.classList.add("invalid");
      return true;
    }

    return {
      // The value to send, or throws FieldError (already shown by the field) for input that is not even JSON.
      value() {
        clearErrors();
        try {
          return root.get();
        } catch (e) {
          if (e instanceof FieldError) mark(e.path, e.message);
          throw e;
        }
      },
      clearErrors,
      // Shows pydantic-style errors ({loc, msg}); returns those that matched no field.
      showErrors(errors) {
        clearErrors();
        return (errors || []).filter((err) => !mark((err.loc || []).join("."), err.msg || String(err.type)));
      },
    };
  }

  return { build, resolve, FieldError };
})();
