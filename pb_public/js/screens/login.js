// Sign-in of staff (collection users). Students are pointed to the mobile app. "¿Olvidó su
// contraseña?" asks for the reset e-mail (its link opens #/restablecer?c=users).
import { pb, refreshAuth, apiError } from '../api.js';
import { forget } from '../catalog.js';
import { h, field, input, form, showErrors, busy, clear, notice } from '../ui.js';

export async function render(root, ctx) {
  const card = h('div', { class: 'login card' });
  clear(root, card);
  signInView(card, ctx);
}

function signInView(card, ctx, prefill = '') {
  const email = input('email', { type: 'email', autocomplete: 'username', required: true, autofocus: true, value: prefill });
  const password = input('password', { type: 'password', autocomplete: 'current-password', required: true });
  const submit = h('button', { type: 'submit', class: 'primary' }, 'Ingresar');
  const info = h('div');
  const f = form({ 'aria-label': 'Iniciar sesión' },
    field('Correo', email, { cls: 'full', name: 'identity' }),
    field('Contraseña', password, { cls: 'full' }),
    h('div', { class: 'actions' }, submit));

  f.addEventListener('submit', (e) => {
    e.preventDefault();
    const missing = {};
    if (!email.value.trim()) missing.identity = 'Ingrese su correo.';
    if (!password.value) missing.password = 'Ingrese su contraseña.';
    if (Object.keys(missing).length) return showErrors(f, null, missing);
    busy(submit, async () => {
      clear(info);
      try {
        await pb.collection('users').authWithPassword(email.value.trim(), password.value);
        await refreshAuth();
        forget(); // catalogues are read again with this user's rights
        ctx.navigate('/');
      } catch (err) {
        if (apiError(err).status === 400 && (await isStudent(email.value.trim(), password.value))) {
          showErrors(f, null);
          info.append(notice('Esta cuenta es de alumno. Los alumnos consultan sus cuotas, notas y asistencias en la aplicación móvil SGUL.', 'warn'));
          return;
        }
        const e2 = apiError(err);
        showErrors(f, e2.status === 400 ? { response: { message: 'Correo o contraseña incorrectos, o la cuenta está inactiva.' }, status: 400 } : err);
      }
    });
  });

  clear(card,
    h('h1', {}, 'Portal del personal'),
    h('p', { class: 'muted', style: 'text-align:center' }, 'Ingrese con su cuenta de SGUL.'),
    info, f,
    h('p', { class: 'small', style: 'text-align:center' },
      h('button', { type: 'button', class: 'link', onclick: () => forgotView(card, ctx, email.value.trim()) }, '¿Olvidó su contraseña?')),
    h('p', { class: 'muted small' }, 'Administradores del sistema: use el ', h('a', { href: '/_/' }, 'panel de administración'), '.'));
  (prefill ? password : email).focus();
}

// The same neutral answer whether or not the e-mail belongs to an account (the API answers
// 204 in both cases too), so that nobody can find out which e-mails are registered.
export const RESET_SENT = 'Si el correo está registrado, le enviamos un enlace para elegir una nueva contraseña. '
  + 'Revise su bandeja de entrada y también la carpeta de spam; el enlace vence en poco tiempo y sirve una sola vez.';

function forgotView(card, ctx, prefill) {
  const email = input('email', { type: 'email', autocomplete: 'username', inputmode: 'email', required: true, value: prefill });
  const submit = h('button', { type: 'submit', class: 'primary' }, 'Enviar enlace');
  const back = () => signInView(card, ctx, email.value.trim());
  const f = form({ 'aria-label': 'Restablecer contraseña' },
    field('Correo de su cuenta', email, { cls: 'full' }),
    h('div', { class: 'actions' }, h('button', { type: 'button', onclick: back }, 'Volver'), submit));
  f.addEventListener('submit', () => {
    const value = email.value.trim();
    if (!/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(value)) return showErrors(f, null, { email: 'Ingrese el correo de su cuenta, por ejemplo nombre@instituto.pe.' });
    busy(submit, async () => {
      try {
        await pb.collection('users').requestPasswordReset(value);
      } catch (err) {
        // only a malformed e-mail, too many requests or no connection end here
        return showErrors(f, err);
      }
      clear(card,
        h('h1', {}, 'Revise su correo'),
        notice(RESET_SENT),
        h('div', { class: 'actions' }, h('button', { type: 'button', class: 'primary', onclick: back }, 'Volver al inicio de sesión')));
      card.querySelector('button')?.focus();
    });
  });
  clear(card,
    h('h1', {}, '¿Olvidó su contraseña?'),
    h('p', { class: 'muted' }, 'Escriba el correo de su cuenta del personal y le enviaremos un enlace para elegir una nueva contraseña.'),
    f);
  email.focus();
}

// A student signing in here gets a polite pointer to the app; the session is not kept.
async function isStudent(identity, password) {
  try {
    await pb.collection('alumnos').authWithPassword(identity, password);
    pb.authStore.clear();
    return true;
  } catch {
    return false;
  }
}
