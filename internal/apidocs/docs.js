// Renders openapi.json (next to this page) with Spanish labels. No external resources;
// the DOM is built with textContent only.
"use strict";
const METHODS = ["get", "post", "put", "patch", "delete"];
let spec;

function el(tag, attrs, ...children) {
  const n = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (k === "class") n.className = v; else n.setAttribute(k, v);
  }
  for (const c of children) if (c != null) n.append(c instanceof Node ? c : String(c));
  return n;
}

// text renders `code` spans and drops **bold** marks; never HTML.
function text(s) {
  const span = el("span");
  String(s || "").replace(/\*\*/g, "").split("`").forEach((part, i) => span.append(i % 2 ? el("code", {}, part) : part));
  return span;
}

function refName(ref) { return ref.split("/").pop(); }
function resolve(obj) {
  if (obj && obj.$ref) {
    const parts = obj.$ref.replace("#/", "").split("/");
    return parts.reduce((o, p) => (o ? o[p] : undefined), spec);
  }
  return obj;
}

function typeOf(s) {
  if (!s) return el("span", { class: "type" }, "cualquiera");
  if (s.$ref) { const n = refName(s.$ref); return el("a", { href: "#schema-" + n, class: "type" }, n); }
  const wrap = el("span", { class: "type" });
  if (s.anyOf || s.allOf) {
    (s.anyOf || s.allOf).forEach((x, i) => { if (i) wrap.append(s.anyOf ? " o " : " + "); wrap.append(typeOf(x)); });
    return wrap;
  }
  let t = Array.isArray(s.type) ? s.type.join(" o ") : (s.type || "cualquiera");
  if (s.type === "array") { wrap.append("lista de "); wrap.append(typeOf(s.items)); return wrap; }
  if (s.format) t += " (" + s.format + ")";
  if (s["x-pb-format"] === "datetime") t += " (fecha y hora)";
  wrap.append(t);
  return wrap;
}

function notes(s) {
  const out = el("span");
  if (!s) return out;
  if (s.description) out.append(text(s.description), " ");
  const item = s.type === "array" ? s.items || {} : s;
  if (item.enum) out.append(el("span", {}, "Valores: " + item.enum.map(v => v === "" ? "(vacío)" : v).join(", ") + ". "));
  const rel = s["x-relation"];
  if (rel) { out.append("Relación con "); out.append(el("a", { href: "#tag-" + rel }, rel)); out.append(". "); }
  if (s.maxLength != null) out.append("Máx. " + s.maxLength + " caracteres. ");
  if (s.minimum != null || s.maximum != null) out.append("Rango: " + (s.minimum ?? "−∞") + " a " + (s.maximum ?? "∞") + ". ");
  if (s.pattern) { out.append("Patrón: "); out.append(el("code", {}, s.pattern)); out.append(" "); }
  if (s.readOnly) out.append("Solo lectura. ");
  if (s.writeOnly) out.append("Solo escritura. ");
  if (s.examples) { out.append("Ej.: "); out.append(el("code", {}, JSON.stringify(s.examples[0]))); }
  return out;
}

// schemaView shows an object's properties as a table; other schemas as a type line.
function schemaView(s, depth) {
  depth = depth || 0;
  const r = s && s.$ref && depth > 0 ? null : resolve(s);
  if (s && s.allOf) {
    const box = el("div");
    s.allOf.forEach(part => box.append(schemaView(part, depth + 1)));
    return box;
  }
  if (!r || !r.properties) {
    const p = el("p"); p.append(typeOf(s)); p.append(" "); p.append(notes(r || s)); return p;
  }
  const box = el("div");
  if (s.$ref) box.append(el("p", {}, "Esquema ", typeOf(s)));
  const req = new Set(r.required || []);
  const table = el("table", {}, el("tr", {}, el("th", {}, "Campo"), el("th", {}, "Tipo"), el("th", {}, "Obligatorio"), el("th", {}, "Descripción")));
  for (const [name, p] of Object.entries(r.properties)) {
    table.append(el("tr", {},
      el("td", {}, el("code", {}, name)), el("td", {}, typeOf(p)),
      el("td", {}, req.has(name) ? el("span", { class: "req" }, "sí") : "no"), el("td", {}, notes(p))));
  }
  box.append(table);
  return box;
}

function operationView(path, method, op) {
  const det = el("details", { class: "op", "data-search": (method + " " + path + " " + (op.summary || "") + " " + (op.tags || []).join(" ")).toLowerCase() });
  det.append(el("summary", {}, el("span", { class: "m " + method }, method.toUpperCase()), el("span", { class: "path" }, path), el("span", { class: "sum" }, op.summary || "")));
  const body = el("div", { class: "body" });
  if (op.description) body.append(el("p", {}, text(op.description)));
  const sec = op.security || spec.security || [];
  const optional = sec.some(x => Object.keys(x).length === 0);
  body.append(el("p", {}, el("strong", {}, "Sesión: "), optional ? "opcional" : "requerida (cabecera Authorization)"));
  const params = (op.parameters || []).map(resolve);
  if (params.length) {
    body.append(el("h4", {}, "Parámetros"));
    const t = el("table", {}, el("tr", {}, el("th", {}, "Nombre"), el("th", {}, "En"), el("th", {}, "Tipo"), el("th", {}, "Obligatorio"), el("th", {}, "Descripción")));
    const where = { path: "ruta", query: "consulta", header: "cabecera" };
    params.forEach(p => t.append(el("tr", {}, el("td", {}, el("code", {}, p.name)), el("td", {}, where[p.in] || p.in), el("td", {}, typeOf(p.schema)),
      el("td", {}, p.required ? el("span", { class: "req" }, "sí") : "no"), el("td", {}, notes(Object.assign({}, p.schema, { description: p.description }))))));
    body.append(t);
  }
  if (op.requestBody) {
    body.append(el("h4", {}, "Cuerpo de la solicitud"));
    for (const [media, m] of Object.entries(op.requestBody.content || {})) {
      body.append(el("p", {}, el("code", {}, media)));
      body.append(schemaView(m.schema));
      if (m.example !== undefined) body.append(el("pre", {}, JSON.stringify(m.example, null, 2)));
    }
  }
  body.append(el("h4", {}, "Respuestas"));
  for (const [status, raw] of Object.entries(op.responses || {})) {
    const resp = resolve(raw);
    const line = el("p", {}, el("strong", {}, status + " "), text(resp.description || ""));
    if (raw.$ref) line.append(" · ", typeOf({ $ref: "#/components/schemas/Error" }));
    body.append(line);
    if (!raw.$ref) for (const [media, m] of Object.entries(resp.content || {})) {
      if (media !== "application/json") { body.append(el("p", {}, el("code", {}, media))); continue; }
      body.append(schemaView(m.schema));
      if (m.example !== undefined) body.append(el("pre", {}, JSON.stringify(m.example, null, 2)));
    }
  }
  det.append(body);
  return det;
}

function render() {
  document.getElementById("title").textContent = spec.info.title + " " + spec.info.version;
  document.getElementById("info").replaceChildren(text(spec.info.description));
  const byTag = new Map((spec.tags || []).map(t => [t.name, []]));
  for (const [path, item] of Object.entries(spec.paths)) {
    for (const method of METHODS) {
      const op = item[method];
      if (!op) continue;
      const tag = (op.tags || ["Otros"])[0];
      if (!byTag.has(tag)) byTag.set(tag, []);
      byTag.get(tag).push([path, method, op]);
    }
  }
  const tagInfo = new Map((spec.tags || []).map(t => [t.name, t]));
  const main = document.getElementById("main"), nav = document.getElementById("nav");
  main.replaceChildren(); nav.replaceChildren();
  const groups = [["Endpoints de negocio", false], ["Colecciones", true]];
  for (const [title, collections] of groups) {
    nav.append(el("h3", {}, title));
    main.append(el("h2", {}, title));
    for (const [tag, ops] of byTag) {
      const info = tagInfo.get(tag) || {};
      if (!!info["x-sgul-collection"] !== collections) continue;
      nav.append(el("a", { href: "#tag-" + tag }, tag));
      const sec = el("section", { class: "tag", id: "tag-" + tag }, el("h2", {}, tag));
      if (info.description) sec.append(el("p", { class: "desc" }, text(info.description)));
      if (collections) sec.append(el("p", { class: "desc" }, "Registro: ", typeOf({ $ref: "#/components/schemas/" + info["x-sgul-collection"] })));
      ops.forEach(([p, m, op]) => sec.append(operationView(p, m, op)));
      main.append(sec);
    }
  }
  nav.append(el("h3", {}, "Esquemas"));
  nav.append(el("a", { href: "#esquemas" }, "Todos los esquemas"));
  const schemas = el("section", { class: "tag", id: "esquemas" }, el("h2", {}, "Esquemas"));
  for (const name of Object.keys(spec.components.schemas).sort()) {
    const s = spec.components.schemas[name];
    const box = el("div", { id: "schema-" + name, "data-search": name.toLowerCase() }, el("h4", {}, name));
    if (s.description) box.append(el("p", { class: "desc" }, text(s.description)));
    box.append(schemaView(s, 1));
    schemas.append(box);
  }
  main.append(schemas);
}

document.getElementById("search").addEventListener("input", e => {
  const q = e.target.value.trim().toLowerCase();
  document.querySelectorAll("[data-search]").forEach(n => n.classList.toggle("hidden", q !== "" && !n.dataset.search.includes(q)));
  document.querySelectorAll("section.tag").forEach(s => {
    const shown = [...s.querySelectorAll("[data-search]")].some(n => !n.classList.contains("hidden"));
    s.classList.toggle("hidden", q !== "" && !shown && !s.id.toLowerCase().includes(q));
  });
});

fetch("openapi.json").then(r => { if (!r.ok) throw new Error("HTTP " + r.status); return r.json(); })
  .then(s => { spec = s; render(); })
  .catch(err => { document.getElementById("main").replaceChildren(el("p", { id: "error" }, "No se pudo cargar openapi.json: " + err.message)); });
