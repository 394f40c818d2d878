// Confirming a new e-mail address from the e-mail change mail:
// #/confirmar-correo?token=...&c=users|alumnos. Public (no session); asks the current password.
import { pb } from '../api.js';
import { h, field, input, form, showErrors, busy, notice } from '../ui.js';
import { linkParams, accountPage, invalidLink, isTokenError, passwordFieldMessages, showPasswords, signInHint } from '../cuenta.js';

export async function render(root, ctx) {
  const link = linkParams(ctx);
  if (!link) return invalidLink(root);
  const { c, token, account, claims } = link;
  const password = input('password', { type: 'password', autocomplete: 'current-password', required: true });
  const submit = h('button', { type: 'submit', class: 'primary' }, 'Confirmar cambio');
  const f = form({ 'aria-label': 'Confirmar nuevo correo' },
    field('Contraseña actual', password, { cls: 'full', hint: 'La misma con la que ingresa hoy.' }),
    showPasswords(password),
    h('div', { class: 'actions' }, submit));

  f.addEventListener('submit', () => {
    if (!password.value) return showErrors(f, null, { password: 'Ingrese su contraseña actual.' });
    busy(submit, async () => {
      try {
        await pb.collection(c).confirmEmailChange(token, password.value);
      } catch (err) {
        if (isTokenError(err)) {
          return accountPage(root, 'Enlace vencido', account,
            notice('El enlace para confirmar su nuevo correo ya no es válido: por seguridad vence en poco tiempo. Vuelva a pedir el cambio de correo desde su cuenta.', 'warn'));
        }
        return showErrors(f, err, passwordFieldMessages(err, account));
      }
      accountPage(root, 'Correo cambiado', account,
        notice(claims.newEmail ? `Listo: desde ahora su correo es ${claims.newEmail}. Úselo para ingresar.` : 'Listo: su correo se cambió. Use el nuevo para ingresar.'),
        signInHint(c));
    });
  });

  accountPage(root, 'Confirme su nuevo correo', account,
    claims.newEmail ? h('p', {}, 'Nuevo correo: ', h('strong', {}, claims.newEmail)) : null,
    h('p', { class: 'small muted' }, 'Por seguridad, escriba su contraseña para confirmar el cambio.'),
    f);
  password.focus();
}
