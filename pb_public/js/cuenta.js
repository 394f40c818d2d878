// Shared by the public pages opened from the auth e-mails (screens restablecer, verificar and
// confirmar-correo): which account the link is for, its password rules, token errors, and
// the "send me a new link" form. No session is needed on these pages.
import { pb, apiError } from './api.js';
import { getTokenPayload } from '../vendor/pocketbase.es.mjs';
import { h, field, input, form, showErrors, busy, clear, notice } from './ui.js';

/**
 * The auth collections the e-mails link to (?c=), with the password limits the server
 * enforces (password field min/max; hooks/auth_mail_test.go checks they match the schema).
 */
export const ACCOUNTS = {
  users: { label: 'Cuenta del personal', passwordMin: 8, passwordMax: 71 },
  alumnos: { label: 'Cuenta de alumno', passwordMin: 8, passwordMax: 71 },
};

/** {c, token, account} from the link's query, or null when the link is not one of ours. */
export function linkParams(ctx) {
  // A mail client that leaves "&amp;" undecoded in the link yields the key "amp;c".
  const c = ctx.query.get('c') ?? ctx.query.get('amp;c') ?? '';
  const token = (ctx.query.get('token') ?? '').trim();
  const account = Object.hasOwn(ACCOUNTS, c) ? ACCOUNTS[c] : null;
  if (!account || !/^[\w-]+\.[\w-]+\.[\w-]+$/.test(token)) return null;
  return { c, token, account, claims: getTokenPayload(token) };
}

/** Replaces root with the page's card: title, kind of account, content. */
export function accountPage(root, title, account, ...kids) {
  clear(root, h('div', { class: 'login card', dataset: { part: 'cuenta' } },
    h('h1', {}, title),
    account ? h('p', { class: 'muted', style: 'text-align:center' }, account.label) : null,
    ...kids));
}

export function invalidLink(root) {
  accountPage(root, 'Enlace no válido', null,
    notice('Este enlace está incompleto o no es de SGUL. Ábralo otra vez desde el correo que recibió, sin modificarlo; si el problema sigue, pida un nuevo enlace.', 'error'));
}

/** True when the API rejected the link's token (invalid, expired, already used, other account type). */
export const isTokenError = (err) => Boolean(err?.response?.data?.token);

const codeOf = (err, name) => err?.response?.data?.[name]?.code ?? '';

/** The client-side check of a new password ('' when fine). */
export function passwordProblem(value, account) {
  if (!value) return 'Ingrese su nueva contraseña.';
  if ([...value].length < account.passwordMin) return `Use al menos ${account.passwordMin} caracteres.`;
  if ([...value].length > account.passwordMax) return `Use como máximo ${account.passwordMax} caracteres.`;
  return '';
}

/** Clearer Spanish messages for the password fields' API error codes (others as the API says). */
export function passwordFieldMessages(err, account) {
  const out = {};
  for (const name of ['password', 'passwordConfirm']) {
    const code = codeOf(err, name);
    if (!code) continue;
    if (code === 'validation_invalid_password') out[name] = 'La contraseña no es correcta.';
    else if (code === 'validation_values_mismatch') out[name] = 'Las contraseñas no coinciden.';
    else if (/length|min_text/.test(code)) out[name] = `Use al menos ${account.passwordMin} caracteres.`;
    else if (/max_text/.test(code)) out[name] = `Use como máximo ${account.passwordMax} caracteres.`;
  }
  return out;
}

/** A "Mostrar contraseña" switch for the given password inputs (easier on a phone). */
export function showPasswords(...inputs) {
  const box = h('input', { type: 'checkbox', onchange: () => inputs.forEach((i) => (i.type = box.checked ? 'text' : 'password')) });
  return h('label', { class: 'check full' }, box, inputs.length > 1 ? 'Mostrar contraseñas' : 'Mostrar contraseña');
}

/** Where to sign in next, for staff (the portal) or students (the mobile app). */
export function signInHint(c) {
  if (c === 'users') return h('div', { class: 'actions' }, h('a', { class: 'btn primary', href: '#/login' }, 'Ingresar al portal'));
  return h('p', {}, 'Ya puede ingresar en la aplicación móvil SGUL con su correo y su contraseña.');
}

/** A form that asks for a new reset or verification e-mail (kind 'reset' | 'verification'). */
export function newLinkForm(c, kind, email = '') {
  const mail = input('email', { type: 'email', autocomplete: 'email', inputmode: 'email', required: true, value: email });
  const submit = h('button', { type: 'submit', class: 'primary' }, 'Enviarme un nuevo enlace');
  const out = h('div', { role: 'status' });
  const f = form({ 'aria-label': 'Pedir un nuevo enlace' },
    field('Correo de su cuenta', mail, { cls: 'full' }),
    h('div', { class: 'actions' }, submit));
  f.addEventListener('submit', () => {
    const value = mail.value.trim();
    if (!/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(value)) return showErrors(f, null, { email: 'Ingrese el correo de su cuenta.' });
    busy(submit, async () => {
      clear(out);
      try {
        const svc = pb.collection(c);
        await (kind === 'verification' ? svc.requestVerification(value) : svc.requestPasswordReset(value));
        showErrors(f, null);
        out.append(notice(`Si ${value} corresponde a una cuenta, le enviamos un nuevo enlace. Revise su bandeja de entrada y también la carpeta de spam.`));
      } catch (err) {
        showErrors(f, err);
      }
    });
  });
  return h('div', {}, f, out);
}

/** The API's message for an error that is not about a field. */
export const errorText = (err) => apiError(err).message;
