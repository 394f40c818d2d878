// Confirming an account's e-mail from the verification mail: #/verificar?token=...&c=users|alumnos.
// Public (no session): the link is confirmed as soon as the page opens.
import { pb } from '../api.js';
import { h, notice } from '../ui.js';
import { linkParams, accountPage, invalidLink, isTokenError, signInHint, newLinkForm, errorText } from '../cuenta.js';

export async function render(root, ctx) {
  const link = linkParams(ctx);
  if (!link) return invalidLink(root);
  const { c, token, account, claims } = link;
  accountPage(root, 'Confirmación de correo', account, h('p', { class: 'muted', role: 'status' }, 'Confirmando su correo…'));
  try {
    await pb.collection(c).confirmVerification(token);
  } catch (err) {
    if (!ctx.alive()) return;
    if (isTokenError(err)) {
      return accountPage(root, 'Enlace vencido', account,
        notice('El enlace para confirmar su correo ya no es válido. Pida uno nuevo y use el último correo que reciba.', 'warn'),
        newLinkForm(c, 'verification', claims.email ?? ''));
    }
    return accountPage(root, 'No se pudo confirmar su correo', account, notice(errorText(err), 'error'),
      h('div', { class: 'actions' }, h('button', { type: 'button', class: 'primary', onclick: () => render(root, ctx) }, 'Intentar de nuevo')));
  }
  if (!ctx.alive()) return;
  accountPage(root, 'Correo confirmado', account,
    notice(claims.email ? `Gracias: ${claims.email} quedó confirmado como el correo de su cuenta.` : 'Gracias: su correo quedó confirmado.'),
    signInHint(c));
}
