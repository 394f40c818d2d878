// Matrícula: student data, estado de cuenta (cuotas with saldo and overdue marks), pagos
// (register with voucher/comprobante, void with reason) and the vouchers to review. Live.
import { pb, can, q, live, money, day, dateOf, dateTime, todayLima, uuid, parseMoney, apiError } from '../api.js';
import { h, clear, field, select, input, form, showErrors, busy, badge, notice, table, dialog, toast, kpi } from '../ui.js';
import * as cat from '../catalog.js';
import { voucherTable } from './vouchers.js';

export async function render(root, ctx) {
  const id = ctx.params.id;
  let mat;
  try {
    mat = await pb.collection('matriculas').getOne(id, { expand: 'alumno,programa,modalidad,sede,asesor' });
  } catch (err) {
    return clear(root, h('h1', {}, 'Matrícula'), notice(apiError(err).status === 404 ? 'La matrícula no existe o no pertenece a sus sedes.' : apiError(err).message, 'error'));
  }
  const medios = await cat.mediosPago();
  const account = h('div', { dataset: { part: 'estado-cuenta' } });
  const pagosBox = h('div', { dataset: { part: 'pagos' } });
  const vouchersBox = h('div');
  let statement = null;

  const loadAccount = async () => {
    try {
      statement = await pb.send(`/api/matriculas/${id}/estado-cuenta`, {});
      if (ctx.alive()) clear(account, renderAccount(statement, mat, (c) => openPago(mat, statement, c, medios)));
    } catch (err) {
      clear(account, notice(apiError(err).message, 'error'));
    }
  };
  const loadPagos = async () => {
    try {
      const pagos = await pb.collection('pagos').getFullList({ filter: `matricula = ${q(id)}`, sort: '-fecha_pago,-created', expand: 'medio_pago,registrado_por' });
      if (ctx.alive()) clear(pagosBox, renderPagos(pagos));
    } catch (err) {
      clear(pagosBox, notice(apiError(err).message, 'error'));
    }
  };
  const loadVouchers = async () => {
    if (!can('pagos')) return;
    const t = await voucherTable(ctx, `matricula = ${q(id)} && estado = "Pendiente"`, { compact: true });
    if (ctx.alive()) clear(vouchersBox, h('h2', {}, 'Vouchers por revisar'), t);
  };

  const a = mat.expand?.alumno ?? {};
  const x = mat.expand ?? {};
  clear(root,
    h('div', { class: 'head' }, h('h1', {}, a.nombre_completo ?? 'Matrícula'), badge(mat.estado), h('span', { class: 'live' }, 'en vivo'),
      can('reportes') && h('button', { type: 'button', onclick: (e) => pedirEstadoCuenta(ctx, id, e.target) }, 'Estado de cuenta (Excel)'),
      h('a', { class: 'btn', href: '#/matriculas' }, '‹ Matrículas')),
    h('div', { class: 'card' }, h('dl', { class: 'facts' },
      h('dt', {}, 'DNI'), h('dd', {}, a.dni ?? ''),
      h('dt', {}, 'Celular'), h('dd', {}, a.telefono || '—'),
      h('dt', {}, 'Programa'), h('dd', {}, `${x.programa?.nombre ?? ''} (${x.programa?.tipo ?? ''})`),
      h('dt', {}, 'Modalidad'), h('dd', {}, x.modalidad?.nombre ?? ''),
      h('dt', {}, 'Sede'), h('dd', {}, x.sede?.nombre ?? ''),
      h('dt', {}, 'Asesor'), h('dd', {}, x.asesor?.nombre ?? '—'),
      h('dt', {}, 'Inscripción'), h('dd', {}, dateOf(mat.fecha_inscripcion || mat.created)))),
    h('h2', {}, 'Estado de cuenta'), account,
    vouchersBox,
    h('h2', {}, 'Pagos'), pagosBox);
  await Promise.all([loadAccount(), loadPagos(), loadVouchers()]);

  const mine = (e) => e.record?.matricula === id;
  live(ctx, 'pagos', (e) => mine(e) && (loadAccount(), loadPagos()));
  live(ctx, 'cuotas', (e) => mine(e) && loadAccount());
  if (can('pagos')) live(ctx, 'vouchers', (e) => mine(e) && loadVouchers());

  function renderPagos(pagos) {
    return table([
      { label: 'Fecha', render: (p) => dateTime(p.fecha_pago || p.created) },
      { label: 'Cuota', render: (p) => cuotaLabel(p.concepto, p.numero_cuota) },
      { label: 'Monto', cls: 'num', render: (p) => money(p.monto) },
      { label: 'Medio', render: (p) => p.expand?.medio_pago?.nombre ?? '' },
      { label: 'Estado', render: (p) => [badge(p.estado || 'Registrado'), p.motivo_anulacion ? h('div', { class: 'small muted' }, p.motivo_anulacion) : null] },
      { label: 'Comprobante', render: (p) => (p.comprobante ? h('button', { type: 'button', class: 'small', onclick: () => openFile(p, p.comprobante) }, 'Ver') : '—') },
      { label: '', render: (p) => (can('pagos') && p.estado !== 'Anulado' ? h('button', { type: 'button', class: 'small danger', onclick: () => openAnular(p) }, 'Anular') : '') },
    ], pagos, { empty: 'Sin pagos registrados.' });
  }
}

export const cuotaLabel = (concepto, numero) => (concepto === 'Pensión' ? `Pensión ${numero}` : concepto || '—');

function renderAccount(st, mat, onPay) {
  const payable = can('pagos') && mat.estado === 'Activo';
  const next = st.cuotas.find((c) => c.saldo > 0 && c.estado !== 'Anulada'); // the one usually paid next
  return [
    h('div', { class: 'grid' },
      kpi('Total', money(st.total_monto)), kpi('Pagado', money(st.total_pagado), 'ingreso'),
      kpi('Saldo', money(st.deuda_total)), kpi('Vencido', money(st.deuda_vencida), st.deuda_vencida > 0 ? 'neg' : '')),
    h('p', { class: 'muted small' }, `Al ${day(st.fecha_corte)}.`),
    table([
      { label: 'Cuota', render: (c) => cuotaLabel(c.concepto, c.numero) },
      { label: 'Vence', render: (c) => [day(c.vencimiento), c.vencida ? [' ', badge('vencida')] : null] },
      { label: 'Monto', cls: 'num', render: (c) => money(c.monto) },
      { label: 'Pagado', cls: 'num', render: (c) => money(c.pagado) },
      { label: 'Saldo', cls: 'num', render: (c) => money(c.saldo) },
      { label: 'Estado', render: (c) => badge(c.estado) },
      { label: '', render: (c) => (payable && c.saldo > 0 ? h('button', { type: 'button', class: c === next ? 'small primary' : 'small', onclick: () => onPay(c) }, 'Registrar pago') : '') },
    ], st.cuotas, { rowClass: (c) => (c.vencida ? 'overdue' : ''), empty: 'La matrícula no tiene cuotas.' }),
  ];
}

function openPago(mat, st, cuota, medios) {
  const idemKey = uuid();
  const open = st.cuotas.filter((c) => c.saldo > 0 && c.estado !== 'Anulada');
  const cuotaSel = select('cuota', open.map((c) => ({ value: c.id, label: `${cuotaLabel(c.concepto, c.numero)} · saldo ${money(c.saldo)}` })), { value: cuota.id });
  const monto = input('monto', { inputmode: 'decimal', value: cuota.saldo.toFixed(2), autocomplete: 'off' });
  const medioSel = select('medio_pago', cat.options(medios), { placeholder: 'Seleccione', value: medios.find((m) => m.nombre === 'Efectivo')?.id ?? '' });
  const comprobante = input('comprobante', { type: 'file', accept: 'image/jpeg,image/png,application/pdf' });
  const compField = field('Comprobante (voucher)', comprobante, { hint: 'Obligatorio para este medio de pago.' });
  const fecha = input('fecha_pago', { type: 'date', value: todayLima(), max: todayLima() });
  const syncMedio = () => {
    const m = medios.find((x) => x.id === medioSel.value);
    compField.hidden = !m?.requiere_comprobante;
  };
  medioSel.addEventListener('change', syncMedio);
  cuotaSel.addEventListener('change', () => {
    const c = open.find((x) => x.id === cuotaSel.value);
    if (c) monto.value = c.saldo.toFixed(2);
  });
  syncMedio();
  const submit = h('button', { type: 'submit', class: 'primary' }, 'Registrar pago');
  const f = form({ 'aria-label': 'Registrar pago' },
    field('Cuota', cuotaSel, { cls: 'full' }), field('Monto (S/)', monto), field('Fecha de pago', fecha),
    field('Medio de pago', medioSel), compField,
    h('div', { class: 'actions' }, h('button', { type: 'button', onclick: () => d.close() }, 'Cancelar'), submit));
  const d = dialog('Registrar pago', f);
  monto.select();
  f.addEventListener('submit', (e) => {
    e.preventDefault();
    const m = parseMoney(monto.value);
    const c = open.find((x) => x.id === cuotaSel.value);
    const medio = medios.find((x) => x.id === medioSel.value);
    const local = {};
    if (m.error) local.monto = m.error;
    else if (c && m.value > c.saldo) local.monto = `El monto supera el saldo de la cuota (${money(c.saldo)}).`;
    if (!medio) local.medio_pago = 'Seleccione el medio de pago.';
    else if (medio.requiere_comprobante && !comprobante.files[0]) local.comprobante = 'Este medio de pago requiere adjuntar el comprobante.';
    if (!fecha.value) local.fecha_pago = 'Indique la fecha del pago.';
    else if (fecha.value > todayLima()) local.fecha_pago = 'La fecha de pago no puede ser futura.';
    if (Object.keys(local).length) return showErrors(f, null, local);
    const data = { matricula: mat.id, cuota: cuotaSel.value, monto: m.value, medio_pago: medio.id };
    // a past date is sent as noon in Lima so that its Lima date is the one chosen
    if (fecha.value !== todayLima()) data.fecha_pago = `${fecha.value} 17:00:00.000Z`;
    let body = data;
    if (comprobante.files[0] && medio.requiere_comprobante) {
      body = new FormData();
      for (const [k, v] of Object.entries(data)) body.append(k, String(v));
      body.append('comprobante', comprobante.files[0]);
    }
    busy(submit, async () => {
      try {
        await pb.collection('pagos').create(body, { headers: { 'Idempotency-Key': idemKey } });
        d.close();
        toast(`Pago de ${money(m.value)} registrado.`);
      } catch (err) {
        showErrors(f, err);
      }
    });
  });
}

function openAnular(pago) {
  const motivo = h('textarea', { name: 'motivo', rows: 3, maxlength: 500, required: true, placeholder: 'Por ejemplo: pago duplicado, monto errado…' });
  const submit = h('button', { type: 'submit', class: 'danger' }, 'Anular pago');
  const f = form({ 'aria-label': 'Anular pago' },
    h('p', { class: 'full' }, `Se anulará el pago de ${money(pago.monto)} (${cuotaLabel(pago.concepto, pago.numero_cuota)}). Se registrará un ingreso negativo y la cuota volverá a quedar pendiente.`),
    field('Motivo de la anulación', motivo, { cls: 'full' }),
    h('div', { class: 'actions' }, h('button', { type: 'button', onclick: () => d.close() }, 'Cancelar'), submit));
  const d = dialog('Anular pago', f);
  motivo.focus();
  f.addEventListener('submit', (e) => {
    e.preventDefault();
    if (!motivo.value.trim()) return showErrors(f, null, { motivo: 'Indique el motivo de la anulación.' });
    busy(submit, async () => {
      try {
        await pb.send(`/api/pagos/${pago.id}/anular`, { method: 'POST', body: { motivo: motivo.value.trim() } });
        d.close();
        toast('Pago anulado.');
      } catch (err) {
        showErrors(f, err);
      }
    });
  });
}

// The printable estado de cuenta is a report generated in the background.
async function pedirEstadoCuenta(ctx, matricula, button) {
  await busy(button, async () => {
    try {
      await pb.collection('reportes').create({ tipo: 'estado_cuenta', formato: 'xlsx', parametros: { matricula } });
      toast('Estado de cuenta solicitado; descárguelo en Reportes cuando esté listo.');
      ctx.navigate('/reportes');
    } catch (err) {
      toast(apiError(err).message, 'error');
    }
  });
}

/** Opens (or downloads) a protected file with a short-lived file token. */
export async function openFile(record, filename, { download = false } = {}) {
  // the tab is opened before the await so that popup blockers accept it
  const w = download ? null : window.open('', '_blank');
  try {
    const token = await pb.files.getToken();
    const url = pb.files.getURL(record, filename, download ? { token, download: 1 } : { token });
    if (w) w.location = url;
    else h('a', { href: url, download: filename, rel: 'noopener' }).click();
  } catch (err) {
    w?.close();
    toast(apiError(err).message, 'error');
  }
}
