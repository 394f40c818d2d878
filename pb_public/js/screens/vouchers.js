// Vouchers sent by students from the app: approve (books the pago) or reject with a reason.
import { pb, live, money, day, dateTime, apiError, isMissing, UNAVAILABLE } from '../api.js';
import { h, clear, field, form, showErrors, busy, badge, notice, table, dialog, toast, select } from '../ui.js';
import { cuotaLabel, openFile } from './matricula.js';

export async function render(root, ctx) {
  const estado = select('estado', ['Pendiente', 'Aprobado', 'Rechazado'], { value: 'Pendiente' });
  const list = h('div');
  const reload = async () => {
    const t = await voucherTable(ctx, `estado = "${estado.value}"`, {});
    if (ctx.alive()) clear(list, t);
  };
  estado.addEventListener('change', reload);
  clear(root,
    h('div', { class: 'head' }, h('h1', {}, 'Vouchers de alumnos'), h('span', { class: 'live' }, 'en vivo')),
    h('p', { class: 'muted small' }, 'Fotos de Yape, Plin o transferencias enviadas desde la aplicación. Al aprobar se registra el pago.'),
    h('div', { class: 'toolbar' }, field('Estado', estado)),
    list);
  await reload();
  live(ctx, 'vouchers', reload);
}

/** A table of vouchers matching filter, with review buttons on the pending ones. */
export async function voucherTable(ctx, filter, { compact }) {
  let items;
  try {
    items = await pb.collection('vouchers').getFullList({ filter, sort: '-created', expand: 'matricula.alumno,matricula.programa,cuota,medio_pago' });
  } catch (err) {
    return notice(isMissing(err) ? `Vouchers: ${UNAVAILABLE}` : apiError(err).message, isMissing(err) ? 'warn' : 'error');
  }
  if (compact && !items.length) return h('p', { class: 'muted small' }, 'No hay vouchers pendientes de esta matrícula.');
  const cols = [
    !compact && { label: 'Alumno', render: (v) => h('a', { href: `#/matriculas/${v.matricula}` }, v.expand?.matricula?.expand?.alumno?.nombre_completo ?? v.matricula) },
    !compact && { label: 'Programa', render: (v) => v.expand?.matricula?.expand?.programa?.nombre ?? '' },
    { label: 'Cuota', render: (v) => (v.expand?.cuota ? `${cuotaLabel(v.expand.cuota.concepto, v.expand.cuota.numero)} · vence ${day(v.expand.cuota.vencimiento)}` : '') },
    { label: 'Monto', cls: 'num', render: (v) => money(v.monto) },
    { label: 'Medio', render: (v) => v.expand?.medio_pago?.nombre ?? '' },
    { label: 'Enviado', render: (v) => dateTime(v.created) },
    { label: 'Imagen', render: (v) => (v.imagen ? h('button', { type: 'button', class: 'small', onclick: () => openFile(v, v.imagen) }, 'Ver') : '—') },
    { label: 'Estado', render: (v) => [badge(v.estado), v.motivo ? h('div', { class: 'small muted' }, v.motivo) : null] },
    { label: '', render: (v) => (v.estado === 'Pendiente' ? h('span', { class: 'nowrap' },
      h('button', { type: 'button', class: 'small primary', onclick: (e) => aprobar(v, e.target) }, 'Aprobar'), ' ',
      h('button', { type: 'button', class: 'small danger', onclick: () => rechazar(v) }, 'Rechazar')) : '') },
  ].filter(Boolean);
  return table(cols, items, { empty: compact ? 'No hay vouchers pendientes.' : 'No hay vouchers en este estado.' });
}

async function aprobar(v, button) {
  await busy(button, async () => {
    try {
      const res = await pb.send(`/api/vouchers/${v.id}/aprobar`, { method: 'POST' });
      toast(res?.sin_cambios ? 'El voucher ya estaba aprobado.' : `Voucher aprobado: pago de ${money(v.monto)} registrado.`);
    } catch (err) {
      toast(isMissing(err) ? UNAVAILABLE : apiError(err).message + ' ' + Object.values(apiError(err).fields).join(' '), 'error');
    }
  });
}

function rechazar(v) {
  const motivo = h('textarea', { name: 'motivo', rows: 3, maxlength: 500, placeholder: 'Por ejemplo: la imagen no es legible; el monto no coincide…' });
  const submit = h('button', { type: 'submit', class: 'danger' }, 'Rechazar voucher');
  const f = form({ 'aria-label': 'Rechazar voucher' },
    h('p', { class: 'full' }, `Voucher de ${money(v.monto)}. El alumno verá el motivo en la aplicación.`),
    field('Motivo', motivo, { cls: 'full' }),
    h('div', { class: 'actions' }, h('button', { type: 'button', onclick: () => d.close() }, 'Cancelar'), submit));
  const d = dialog('Rechazar voucher', f);
  f.addEventListener('submit', (e) => {
    e.preventDefault();
    if (!motivo.value.trim()) return showErrors(f, null, { motivo: 'Indique el motivo del rechazo.' });
    busy(submit, async () => {
      try {
        await pb.send(`/api/vouchers/${v.id}/rechazar`, { method: 'POST', body: { motivo: motivo.value.trim() } });
        d.close();
        toast('Voucher rechazado.');
      } catch (err) {
        showErrors(f, isMissing(err) ? { response: { message: UNAVAILABLE }, status: 404 } : err);
      }
    });
  });
}
