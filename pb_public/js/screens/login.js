// Sign-in of staff (collection users). Students are pointed to the mobile app.
import { pb, refreshAuth, apiError } from '../api.js';
import { forget } from '../catalog.js';
import { h, field, input, form, showErrors, busy, clear, notice } from '../ui.js';

export async function render(root, ctx) {
  const email = input('email', { type: 'email', autocomplete: 'username', required: true, autofocus: true });
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

  clear(root, h('div', { class: 'login card' },
    h('h1', {}, 'Portal del personal'),
    h('p', { class: 'muted', style: 'text-align:center' }, 'Ingrese con su cuenta de SGUL.'),
    info, f,
    h('p', { class: 'muted small' }, 'Administradores del sistema: use el ', h('a', { href: '/_/' }, 'panel de administración'), '.')));
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
