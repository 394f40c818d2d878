// Small DOM helpers: elements without innerHTML (user data is always text), form fields with
// an error slot, API errors placed next to their field, dialogs and toasts.
import { apiError } from './api.js';

const LATE_PROPS = new Set(['value', 'checked', 'selected']);

/** h('div', {class: 'x', onclick: fn}, 'text', child, [more]) */
export function h(tag, props, ...kids) {
  const el = document.createElement(tag);
  const late = [];
  for (const [k, v] of Object.entries(props ?? {})) {
    if (v == null || v === false) continue;
    if (LATE_PROPS.has(k)) late.push([k, v]);
    else if (k.startsWith('on') && typeof v === 'function') el.addEventListener(k.slice(2), v);
    else if (k === 'class') el.className = v;
    else if (k === 'dataset') Object.assign(el.dataset, v);
    else el.setAttribute(k, v === true ? '' : String(v));
  }
  append(el, kids);
  for (const [k, v] of late) el[k] = v;
  return el;
}

export function append(el, kids) {
  for (const k of kids.flat(Infinity)) {
    if (k == null || k === false) continue;
    el.append(k instanceof Node ? k : document.createTextNode(String(k)));
  }
  return el;
}

export function clear(el, ...kids) {
  el.replaceChildren();
  return append(el, kids);
}

const slugOf = (s) => String(s).normalize('NFD').replace(/[\u0300-\u036f]/g, '').toLowerCase().replace(/[^a-z0-9]+/g, '-');

export const badge = (text, kind = text) => h('span', { class: `badge b-${slugOf(kind)}` }, text);

let uid = 0;

/**
 * A labelled form field with a hint and an error slot (both tied to the input with
 * aria-describedby); the input's name keys the API's field errors.
 */
export function field(label, input, { hint, cls, name } = {}) {
  const key = name ?? input.name ?? '';
  const id = input.id || `f${++uid}`;
  input.id = id;
  input.setAttribute('aria-describedby', `${id}-hint ${id}-err`);
  return h('div', { class: `field ${cls ?? ''}`, dataset: { field: key } },
    h('label', { class: 'label', for: id }, label), input,
    h('small', { class: 'hint', id: `${id}-hint` }, hint ?? ''), h('div', { class: 'field-error', id: `${id}-err`, role: 'alert' }));
}

/** <select> from [{value, label}] (or [value]), with an optional first empty option. */
export function select(name, options, { value = '', placeholder, required, multiple, id } = {}) {
  const el = h('select', { name, required, multiple, id });
  if (placeholder != null) el.append(h('option', { value: '' }, placeholder));
  for (const o of options) {
    const opt = typeof o === 'object' ? o : { value: o, label: o };
    el.append(h('option', { value: opt.value }, opt.label));
  }
  if (multiple) {
    const vals = new Set([].concat(value ?? []));
    for (const o of el.options) o.selected = vals.has(o.value);
  } else el.value = value ?? '';
  return el;
}

export const input = (name, props = {}) => h('input', { name, type: 'text', ...props });

/** A form with a top error area; fields are added by the caller. */
export function form(props, ...kids) {
  const f = h('form', { class: 'form', novalidate: true, ...props }, h('div', { class: 'form-error', role: 'alert' }), ...kids);
  f.addEventListener('submit', (e) => e.preventDefault()); // never a page load
  const fix = (e) => {
    const fld = e.target.closest?.('.field.invalid');
    if (!fld) return;
    fld.classList.remove('invalid');
    fld.querySelector('.field-error').textContent = '';
  };
  f.addEventListener('input', fix);
  f.addEventListener('change', fix);
  return f;
}

export function clearErrors(formEl) {
  formEl.querySelectorAll('.field-error').forEach((e) => (e.textContent = ''));
  formEl.querySelectorAll('.field.invalid').forEach((e) => e.classList.remove('invalid'));
  const top = formEl.querySelector('.form-error');
  if (top) top.textContent = '';
}

/** Shows field errors under their fields and the message at the top of the form. */
export function showErrors(formEl, err, fieldsOverride) {
  clearErrors(formEl);
  const { message, fields, aborted } = err ? apiError(err) : { message: '', fields: {} };
  if (aborted) return;
  const all = { ...fields, ...(fieldsOverride ?? {}) };
  const orphans = [];
  let first = null;
  for (const [key, msg] of Object.entries(all)) {
    const slot = formEl.querySelector(`[data-field="${CSS.escape(key)}"]`);
    if (slot) {
      slot.classList.add('invalid');
      slot.querySelector('.field-error').textContent = msg;
      first ??= slot.querySelector('input,select,textarea');
    } else orphans.push(msg);
  }
  const top = formEl.querySelector('.form-error');
  const text = [err ? message : (Object.keys(all).length ? 'Revise los datos marcados.' : ''), ...orphans].filter(Boolean).join(' ');
  if (top) top.textContent = text;
  first?.focus();
  return text;
}

/** Runs an async submit with the button disabled (double clicks send once). */
export async function busy(button, fn) {
  if (button?.disabled) return;
  if (button) button.disabled = true;
  try {
    return await fn();
  } finally {
    if (button) button.disabled = false;
  }
}

export function toast(text, kind = '') {
  const host = document.getElementById('toasts');
  const t = h('div', { class: `toast ${kind}` }, text);
  host.append(t);
  setTimeout(() => t.remove(), kind === 'error' ? 7000 : 3500);
}

/** Opens a <dialog> with the given content; returns {el, close}. */
export function dialog(title, ...kids) {
  const el = h('dialog', {}, h('h2', {}, title), ...kids);
  document.body.append(el);
  const close = () => {
    el.close();
    el.remove();
  };
  el.addEventListener('close', () => el.remove());
  el.showModal();
  return { el, close };
}

/** A notice box (kind: '', 'warn', 'error'). */
export const notice = (text, kind = '') => h('div', { class: `notice ${kind}` }, text);

/** A table; columns are [{label, cls, render(row) -> node|text, phone: false to hide it on phones}]. */
export function table(columns, rows, { onRowClick, empty = 'Sin resultados.', cards = true, foot, rowClass } = {}) {
  const cls = (c) => [c.cls, c.phone === false ? 'hide-phone' : ''].filter(Boolean).join(' ') || null;
  const head = h('thead', {}, h('tr', {}, columns.map((c) => h('th', { class: cls(c) }, c.label))));
  const body = h('tbody');
  if (!rows.length) body.append(h('tr', {}, h('td', { colspan: columns.length, class: 'muted' }, empty)));
  for (const row of rows) {
    const tr = h('tr', { class: [onRowClick ? 'clickable' : '', rowClass?.(row) ?? ''].join(' ').trim() || null });
    if (onRowClick) tr.addEventListener('click', (e) => !e.target.closest('button,a,input,select') && onRowClick(row));
    for (const c of columns) tr.append(h('td', { class: cls(c), 'data-label': c.label }, c.render(row)));
    body.append(tr);
  }
  const t = h('table', { class: cards ? 'cards' : '' }, head, body);
  if (foot) t.append(h('tfoot', {}, foot));
  return h('div', { class: 'table-wrap' }, t);
}

/** Previous/next pager for a PocketBase list result. */
export function pager(result, go) {
  const { page, totalPages, totalItems } = result;
  return h('div', { class: 'pager' },
    h('span', { class: 'muted small' }, `${totalItems} registro${totalItems === 1 ? '' : 's'} · página ${page} de ${Math.max(totalPages, 1)}`),
    h('span', {},
      h('button', { type: 'button', class: 'small', disabled: page <= 1, onclick: () => go(page - 1) }, '‹ Anterior'), ' ',
      h('button', { type: 'button', class: 'small', disabled: page >= totalPages, onclick: () => go(page + 1) }, 'Siguiente ›')));
}

export const kpi = (label, value, cls = '') => h('div', { class: `kpi ${cls}` }, h('div', { class: 'label' }, label), h('div', { class: 'value' }, value));

/** Form values as a plain object (multi-selects as arrays, checkboxes as booleans). */
export function values(formEl) {
  const out = {};
  for (const el of formEl.elements) {
    if (!el.name || el.disabled) continue;
    if (el.type === 'checkbox') out[el.name] = el.checked;
    else if (el.multiple) out[el.name] = [...el.selectedOptions].map((o) => o.value);
    else if (el.type === 'file') out[el.name] = el.files?.[0] ?? null;
    else if (el.type !== 'submit' && el.type !== 'button') out[el.name] = el.value.trim();
  }
  return out;
}

/** Secondary filters: always shown on wide screens, folded behind "Filtros" on phones. */
export function filters(...fields) {
  const phone = window.matchMedia('(max-width: 640px)').matches;
  return h('details', { class: 'filters', open: !phone }, h('summary', {}, 'Filtros'), h('div', { class: 'toolbar' }, fields));
}

export function debounce(fn, ms = 300) {
  let t;
  return (...a) => {
    clearTimeout(t);
    t = setTimeout(() => fn(...a), ms);
  };
}
