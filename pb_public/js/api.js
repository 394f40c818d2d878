// The PocketBase client, the signed-in user's permissions, money/date formatting and the
// API error shape shared by every screen.
import PocketBase from '../vendor/pocketbase.es.mjs';

export const pb = new PocketBase(location.origin);
// Screens issue parallel requests to the same endpoints on purpose: no auto-cancellation.
pb.autoCancellation(false);

// --- Signed-in staff user ---------------------------------------------------------------

export const me = () => pb.authStore.record;

export function isStaff() {
  const r = me();
  return pb.authStore.isValid && r?.collectionName === 'users';
}

/** Effective permission codes: the role's plus permisos_extra (as the server computes them). */
export function permissions() {
  const r = me();
  if (!r) return new Set();
  return new Set([...(r.expand?.rol?.permisos ?? []), ...(r.permisos_extra ?? [])]);
}

export const can = (...codes) => {
  const p = permissions();
  return codes.some((c) => p.has(c));
};

/** The user's sedes (expanded on sign-in), sorted by name. */
export function mySedes() {
  const list = me()?.expand?.sedes ?? [];
  return [...list].sort((a, b) => a.nombre.localeCompare(b.nombre, 'es'));
}

export async function refreshAuth() {
  return pb.collection('users').authRefresh({ expand: 'rol,sedes' });
}

// --- Money ----------------------------------------------------------------------------------

const pen = new Intl.NumberFormat('es-PE', { style: 'currency', currency: 'PEN' });
export const money = (v) => pen.format(Number(v) || 0);

/**
 * Parses a soles amount typed by a person: "150", "150.5", "1,234.50", "150,50".
 * Returns {value} or {error} (Spanish); at most 2 decimals, never rounds silently.
 */
export function parseMoney(text, { allowZero = false, allowNegative = false } = {}) {
  let s = String(text ?? '').trim().replace(/^S\/\s*/i, '').replace(/\s/g, '');
  if (s === '') return { error: 'Ingrese el monto.' };
  if (/^-?\d{1,3}(,\d{3})+(\.\d+)?$/.test(s)) s = s.replace(/,/g, ''); // thousands separators
  else if (/^-?\d+,\d+$/.test(s)) s = s.replace(',', '.'); // decimal comma
  if (!/^-?\d+(\.\d+)?$/.test(s)) return { error: 'Ingrese un número, por ejemplo 150.50.' };
  const [, dec = ''] = s.split('.');
  if (dec.length > 2) return { error: 'El monto admite como máximo 2 decimales.' };
  const value = Number(s);
  if (!allowNegative && value < 0) return { error: 'El monto no puede ser negativo.' };
  if (!allowZero && value === 0) return { error: 'El monto debe ser mayor que cero.' };
  if (Math.abs(value) > 999999999.99) return { error: 'El monto es demasiado grande.' };
  return { value: Math.round(value * 100) / 100 };
}

// --- Dates (America/Lima) ---------------------------------------------------------------------

const TZ = 'America/Lima';
const fmtDT = new Intl.DateTimeFormat('es-PE', { timeZone: TZ, dateStyle: 'medium', timeStyle: 'short' });
const fmtD = new Intl.DateTimeFormat('es-PE', { timeZone: TZ, dateStyle: 'medium' });
const fmtDay = new Intl.DateTimeFormat('es-PE', { timeZone: 'UTC', dateStyle: 'medium' });
const fmtMonth = new Intl.DateTimeFormat('es-PE', { timeZone: 'UTC', month: 'short', year: '2-digit' });
const isoLima = new Intl.DateTimeFormat('en-CA', { timeZone: TZ, year: 'numeric', month: '2-digit', day: '2-digit' });

const instant = (s) => new Date(String(s).replace(' ', 'T'));

/** An instant (created, fecha_ingreso, fecha_pago...) shown in Lima time. */
export const dateTime = (s) => (s ? fmtDT.format(instant(s)) : '');
/** The Lima calendar date of an instant. */
export const dateOf = (s) => (s ? fmtD.format(instant(s)) : '');
/** A business date stored as a plain date (vencimiento, fecha of the ledger, fecha_clase). */
export const day = (s) => (s ? fmtDay.format(new Date(String(s).slice(0, 10) + 'T00:00:00Z')) : '');
/** "2026-06" -> "jun. 26" */
export const monthLabel = (ym) => fmtMonth.format(new Date(ym + '-01T00:00:00Z')).replace(' de ', ' ');
/** Today's date in Lima, YYYY-MM-DD. */
export const todayLima = () => isoLima.format(new Date());
/** The Lima date (YYYY-MM-DD) of an instant. */
export const limaDateOf = (s) => isoLima.format(instant(s));

// --- Errors ---------------------------------------------------------------------------------

/**
 * Normalises an error into {status, message, fields} where fields maps a dotted field path
 * (e.g. "monto", "items.2.matricula") to its Spanish message.
 */
export function apiError(err) {
  if (!err) return { status: 0, message: '', fields: {} };
  if (err.isAbort) return { status: 0, message: '', fields: {}, aborted: true };
  const status = err.status ?? 0;
  const body = err.response ?? {};
  const fields = {};
  const walk = (obj, prefix) => {
    for (const [k, v] of Object.entries(obj ?? {})) {
      if (v && typeof v === 'object' && typeof v.message === 'string' && ('code' in v)) fields[prefix + k] = v.message;
      else if (v && typeof v === 'object') walk(v, prefix + k + '.');
    }
  };
  walk(body.data, '');
  let message = body.message || err.message || '';
  if (status === 0) message = 'No se pudo conectar con el servidor. Revise su conexión e intente de nuevo.';
  else if (status === 429) message = 'Demasiadas solicitudes seguidas; espere unos segundos e intente de nuevo.';
  else if (status === 403 && !body.message) message = 'No tiene permiso para esta acción.';
  else if (!message || /^ClientResponseError/.test(message)) message = 'Ocurrió un error inesperado. Intente de nuevo.';
  return { status, message, fields };
}

/** True when the server does not offer an endpoint or collection (an older server). */
export function isMissing(err) {
  const { status, message } = apiError(err);
  return status === 404 && /resource|collection|recurso|colecci/i.test(message);
}

export const UNAVAILABLE = 'Esta función todavía no está disponible en el servidor. Consulte con el administrador.';

// --- Misc -----------------------------------------------------------------------------------

/** A random UUID v4 for Idempotency-Key (also outside secure contexts). */
export function uuid() {
  if (globalThis.crypto?.randomUUID) return crypto.randomUUID();
  const b = crypto.getRandomValues(new Uint8Array(16));
  b[6] = (b[6] & 0x0f) | 0x40;
  b[8] = (b[8] & 0x3f) | 0x80;
  const hex = [...b].map((x) => x.toString(16).padStart(2, '0')).join('');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/** Escapes a value for a PocketBase filter string literal. */
export const q = (v) => JSON.stringify(String(v ?? ''));

/**
 * Subscribes to a collection's events (every one, not debounced) until the returned stop()
 * is called. options go to the SDK (e.g. {filter} so the server sends only matching records).
 */
export function subscribe(collection, cb, { topic = '*', options } = {}) {
  let unsub = null;
  let dead = false;
  pb.collection(collection).subscribe(topic, (e) => !dead && cb(e), options)
    .then((u) => (dead ? u().catch(() => {}) : (unsub = u)))
    .catch(() => {}); // realtime is a convenience: lists still work without it
  return () => {
    dead = true;
    if (unsub) unsub().catch(() => {});
  };
}

/** Subscribes to a collection while the screen lives; cb is debounced. */
export function live(ctx, collection, cb, { wait = 250, topic = '*', options } = {}) {
  let dead = false;
  let timer = null;
  const stop = subscribe(collection, (e) => {
    clearTimeout(timer);
    timer = setTimeout(() => !dead && cb(e), wait);
  }, { topic, options });
  ctx.cleanup(() => {
    dead = true;
    clearTimeout(timer);
    stop();
  });
}
