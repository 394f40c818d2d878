// Choosing a new password from the reset e-mail: #/restablecer?token=...&c=users|alumnos.
// Public (no session). New students also arrive here to choose their first password.
import { pb } from '../api.js';
import { h, field, input, form, showErrors, busy, notice } from '../ui.js';
import { linkParams, accountPage, invalidLink, isTokenError, passwordProblem, passwordFieldMessages, showPasswords, signInHint, newLinkForm } from '../cuenta.js';

export async function render(root, ctx) {
  const link = linkParams(ctx);
  if (!link) return invalidLink(root);
  const { c, token, account } = link;
  const password = input('password', { type: 'password', autocomplete: 'new-password', required: true, minlength: account.passwordMin });
  const confirm = input('passwordConfirm', { type: 'password', autocomplete: 'new-password', required: true });
  const submit = h('button', { type: 'submit', class: 'primary' }, 'Guardar contraseña');
  const f = form({ 'aria-label': 'Elegir nueva contraseña' },
    field('Nueva contraseña', password, { cls: 'full', hint: `Al menos ${account.passwordMin} caracteres. Evite su DNI o su fecha de nacimiento.` }),
    field('Repita la contraseña', confirm, { cls: 'full' }),
    showPasswords(password, confirm),
    h('div', { class: 'actions' }, submit));

  f.addEventListener('submit', () => {
    const problems = {};
    const bad = passwordProblem(password.value, account);
    if (bad) problems.password = bad;
    if (!confirm.value) problems.passwordConfirm = 'Repita la contraseña.';
    else if (!bad && confirm.value !== password.value) problems.passwordConfirm = 'Las contraseñas no coinciden.';
    if (Object.keys(problems).length) return showErrors(f, null, problems);
    busy(submit, async () => {
      try {
        await pb.collection(c).confirmPasswordReset(token, password.value, confirm.value);
      } catch (err) {
        if (isTokenError(err)) return expired(root, link);
        return showErrors(f, err, passwordFieldMessages(err, account));
      }
      accountPage(root, 'Contraseña guardada', account,
        notice('Listo: su nueva contraseña ya está activa. Las sesiones abiertas con la contraseña anterior se cerraron.'),
        signInHint(c));
    });
  });

  accountPage(root, 'Elija su nueva contraseña', account,
    link.claims.email ? h('p', { class: 'small' }, 'Cuenta: ', h('strong', {}, link.claims.email)) : null, f);
  password.focus();
}

function expired(root, { c, account, claims }) {
  accountPage(root, 'Enlace vencido', account,
    notice('El enlace para elegir su contraseña ya no es válido: por seguridad vence en poco tiempo y sirve una sola vez. Pida uno nuevo y use el último correo que reciba.', 'warn'),
    newLinkForm(c, 'reset', claims.email ?? ''));
}
