// Planillas (RRHH): the payroll of a month. Generar creates one Borrador per active employee
// (POST /api/planillas/generar, idempotent); a Borrador can be adjusted (extra hours,
// absences, commissions, bonuses, discounts: the server recomputes the amounts) and paid
// (POST /api/planillas/{id}/pagar books the gasto); a paid one is voided with a reason
// (POST /api/planillas/{id}/anular posts the reversal). Live: the list follows every change.
// Amounts are the API's soles; totals are summed in integer céntimos.
import { pb, mySedes, q, live, money, day, dateTime, todayLima, parseMoney, apiError, isMissing, UNAVAILABLE } from '../api.js';
import { h, clear, field, select, input, form, showErrors, busy, badge, notice, table, dialog, toast, kpi } from '../ui.js';
import { nombreEmpleado } from './empleados.js';

export const MESES = ['Enero', 'Febrero', 'Marzo', 'Abril', 'Mayo', 'Junio', 'Julio', 'Agosto', 'Septiembre', 'Octubre', 'Noviembre', 'Diciembre'];

/** Soles -> whole céntimos (the API's amounts have at most 2 decimals). */
export const cents = (v) => Math.round((Number(v) || 0) * 100);
/** Céntimos -> soles text (es-PE). */
const soles = (c) => money(c / 100);
/** What a planilla costs the institution, in céntimos: remuneración bruta + aporte del empleador. */
export const costoCents = (p) => cents(p.remuneracion_bruta) + cents(p.aporte_empleador);

/** Totals of the planillas that count (not Anulada), each summed in céntimos. */
export function totales(planillas) {
  const t = { bruta: 0, pension: 0, neto: 0, empleador: 0, costo: 0, pendiente: 0, pagado: 0 };
  for (const p of planillas) {
    if (p.estado === 'Anulada') continue;
    t.bruta += cents(p.remuneracion_bruta);
    t.pension += cents(p.aporte_pension);
    t.neto += cents(p.neto_pagado);
    t.empleador += cents(p.aporte_empleador);
    t.costo += costoCents(p);
    if (p.estado === 'Pagada') t.pagado += cents(p.neto_pagado);
    else t.pendiente += cents(p.neto_pagado);
  }
  return t;
}

export async function render(root, ctx) {
  const sedes = mySedes();
  const today = todayLima();
  const year = Number(ctx.query.get('anio')) || Number(today.slice(0, 4));
  const month = Number(ctx.query.get('mes')) || Number(today.slice(5, 7));
  const years = [];
  for (let y = Number(today.slice(0, 4)) + 1; y >= Number(today.slice(0, 4)) - 4; y--) years.push(y);
  if (!years.includes(year)) years.push(year);
  const fAnio = select('anio', years.map(String), { value: String(year) });
  const fMes = select('mes', MESES.map((m, i) => ({ value: String(i + 1), label: m })), { value: String(month) });
  const fSede = select('sede', sedes.map((s) => ({ value: s.id, label: s.nombre })), { placeholder: 'Todas mis sedes' });
  const generar = h('button', { type: 'submit', class: 'primary' }, 'Generar planillas');
  const periodo = form({ class: 'toolbar', 'aria-label': 'Periodo' },
    field('Año', fAnio), field('Mes', fMes), sedes.length > 1 ? field('Sede', fSede) : null,
    h('div', { class: 'field' }, generar));
  const summary = h('div', { dataset: { part: 'resumen' } });
  const list = h('div', { dataset: { part: 'planillas' } });
  const label = () => `${MESES[Number(fMes.value) - 1].toLowerCase()} ${fAnio.value}`;

  const reload = async () => {
    const conds = [`anio = ${Number(fAnio.value)}`, `mes = ${Number(fMes.value)}`];
    if (fSede.value) conds.push(`empleado.sede = ${q(fSede.value)}`);
    try {
      const items = await pb.collection('planillas').getFullList({ filter: conds.join(' && '), expand: 'empleado,empleado.sede' });
      if (!ctx.alive()) return;
      items.sort((a, b) => nombreEmpleado(a.expand?.empleado).localeCompare(nombreEmpleado(b.expand?.empleado), 'es'));
      const t = totales(items);
      const k = (text, c, key, cls) => {
        const el = kpi(text, soles(c), cls);
        el.dataset.kpi = key;
        el.dataset.cents = String(c);
        return el;
      };
      const count = (estado) => items.filter((p) => p.estado === estado).length;
      clear(summary,
        h('div', { class: 'grid' },
          k('Neto por pagar', t.pendiente, 'pendiente'), k('Neto pagado', t.pagado, 'pagado', 'ingreso'),
          k('Costo para la institución', t.costo, 'costo', 'gasto')),
        h('p', { class: 'muted small' }, `${items.length} planilla${items.length === 1 ? '' : 's'} de ${label()}: `,
          `${count('Borrador')} en borrador, ${count('Pagada')} pagada${count('Pagada') === 1 ? '' : 's'}, ${count('Anulada')} anulada${count('Anulada') === 1 ? '' : 's'}. `,
          'Costo = remuneración bruta + aporte del empleador (EsSalud); se registra como gasto de la sede al pagar. Montos en soles.'));
      const cols = [
        { label: 'Empleado', render: (p) => h('div', {}, nombreEmpleado(p.expand?.empleado) || p.empleado,
          h('div', { class: 'small muted' }, [p.expand?.empleado?.cargo, p.expand?.empleado?.expand?.sede?.nombre].filter(Boolean).join(' · '))) },
        { phone: false, label: 'Básico', cls: 'num', render: (p) => money(p.sueldo_basico) },
        { label: 'Bruta', cls: 'num', render: (p) => money(p.remuneracion_bruta) },
        { phone: false, label: 'Pensión', cls: 'num', render: (p) => money(p.aporte_pension) },
        { label: 'Neto', cls: 'num', render: (p) => h('span', { dataset: { neto: String(cents(p.neto_pagado)) } }, money(p.neto_pagado)) },
        { phone: false, label: 'EsSalud', cls: 'num', render: (p) => money(p.aporte_empleador) },
        { label: 'Costo', cls: 'num', render: (p) => soles(costoCents(p)) },
        { label: 'Estado', render: (p) => h('div', {}, badge(p.estado),
          p.estado === 'Pagada' && p.fecha_pago ? h('div', { class: 'small muted' }, `Pagada el ${day(p.fecha_pago)}`) : null,
          p.estado === 'Anulada' ? h('div', { class: 'small muted' }, `${dateTime(p.anulado_en)} · ${p.motivo_anulacion}`) : null) },
        { label: '', render: (p) => actions(p) },
      ];
      const foot = h('tr', {}, cols.map((c, i) => {
        const value = { Bruta: t.bruta, Pensión: t.pension, Neto: t.neto, EsSalud: t.empleador, Costo: t.costo }[c.label];
        const hide = c.phone === false || (i > 0 && value == null); // no empty cards on phones
        return h('td', { class: [c.cls, hide ? 'hide-phone' : ''].filter(Boolean).join(' ') || null, 'data-label': i === 0 ? null : c.label || null },
          i === 0 ? 'Total (sin anuladas)' : value != null ? soles(value) : '');
      }));
      clear(list, table(cols, items, {
        empty: `No hay planillas de ${label()}. Use «Generar planillas» para crear una por cada empleado activo.`,
        foot: items.length ? foot : null,
        rowClass: (p) => (p.estado === 'Anulada' ? 'muted' : ''),
      }));
    } catch (err) {
      clear(list, notice(apiError(err).message, 'error'));
    }
  };

  const actions = (p) => {
    if (p.estado === 'Borrador') {
      return h('span', { class: 'nowrap' },
        h('button', { type: 'button', class: 'small', onclick: () => editar(p, reload) }, 'Editar'), ' ',
        h('button', { type: 'button', class: 'small primary', onclick: () => pagar(p, reload) }, 'Pagar'));
    }
    if (p.estado === 'Pagada') return h('button', { type: 'button', class: 'small danger', onclick: () => anular(p, reload) }, 'Anular');
    return '';
  };

  for (const el of [fAnio, fMes, fSede]) el.addEventListener('change', () => { showErrors(periodo, null); reload(); });
  periodo.addEventListener('submit', () => {
    const body = { anio: Number(fAnio.value), mes: Number(fMes.value) };
    if (fSede.value) body.sede = fSede.value;
    busy(generar, async () => {
      try {
        const res = await pb.send('/api/planillas/generar', { method: 'POST', body });
        showErrors(periodo, null);
        if (!res.creadas && !res.existentes) toast('No hay empleados activos en sus sedes para generar planillas.');
        else toast(`Planillas de ${label()}: ${res.creadas} nueva${res.creadas === 1 ? '' : 's'}, ${res.existentes} ya existía${res.existentes === 1 ? '' : 'n'}.`);
        await reload();
      } catch (err) {
        showErrors(periodo, isMissing(err) ? { status: 404, response: { message: UNAVAILABLE } } : err);
      }
    });
  });

  clear(root,
    h('div', { class: 'head' }, h('h1', {}, 'Planillas'), h('span', { class: 'live' }, 'en vivo')),
    periodo, summary, list);
  await reload();
  live(ctx, 'planillas', reload);
}

const nombreDe = (p) => nombreEmpleado(p.expand?.empleado) || 'el empleado';

function pagar(p, reload) {
  const submit = h('button', { type: 'submit', class: 'primary' }, 'Confirmar pago');
  const sede = p.expand?.empleado?.expand?.sede?.nombre;
  const f = form({ 'aria-label': 'Pagar planilla' },
    h('dl', { class: 'facts full' },
      h('dt', {}, 'Empleado'), h('dd', {}, nombreDe(p)),
      h('dt', {}, 'Periodo'), h('dd', {}, `${MESES[p.mes - 1]} ${p.anio}`),
      h('dt', {}, 'Neto a pagar'), h('dd', {}, h('strong', {}, money(p.neto_pagado))),
      h('dt', {}, 'Costo (gasto)'), h('dd', {}, soles(costoCents(p)))),
    h('p', { class: 'full small muted' }, `Se registrará un gasto de ${soles(costoCents(p))} en ${sede ? `la sede ${sede}` : 'la sede del empleado'} con la fecha de hoy. Una planilla pagada no se modifica; si hubo un error, se anula.`),
    h('div', { class: 'actions' }, h('button', { type: 'button', onclick: () => d.close() }, 'Cancelar'), submit));
  const d = dialog('Pagar planilla', f);
  submit.focus();
  f.addEventListener('submit', () => {
    busy(submit, async () => {
      try {
        const res = await pb.send(`/api/planillas/${p.id}/pagar`, { method: 'POST' });
        d.close();
        toast(`Planilla de ${nombreDe(p)} pagada: gasto de ${money(res?.gasto?.monto ?? costoCents(p) / 100)} registrado.`);
        reload(); // other open screens follow through realtime
      } catch (err) {
        showErrors(f, isMissing(err) ? { status: 404, response: { message: UNAVAILABLE } } : err);
      }
    });
  });
}

function anular(p, reload) {
  const motivo = h('textarea', { name: 'motivo', rows: 3, maxlength: 500, placeholder: 'Por ejemplo: horas extras mal registradas; se pagó al empleado equivocado…' });
  const submit = h('button', { type: 'submit', class: 'danger' }, 'Anular planilla');
  const f = form({ 'aria-label': 'Anular planilla' },
    h('p', { class: 'full' }, `Se anulará la planilla de ${nombreDe(p)} (${MESES[p.mes - 1]} ${p.anio}, neto ${money(p.neto_pagado)}). Se registrará un gasto negativo por ${soles(costoCents(p))} en la misma sede.`),
    field('Motivo de la anulación', motivo, { cls: 'full' }),
    h('div', { class: 'actions' }, h('button', { type: 'button', onclick: () => d.close() }, 'Cancelar'), submit));
  const d = dialog('Anular planilla', f);
  motivo.focus();
  f.addEventListener('submit', () => {
    const text = motivo.value.trim();
    if ([...text].length < 3) return showErrors(f, null, { motivo: 'Indique el motivo de la anulación (al menos 3 caracteres).' });
    busy(submit, async () => {
      try {
        await pb.send(`/api/planillas/${p.id}/anular`, { method: 'POST', body: { motivo: text } });
        d.close();
        toast('Planilla anulada.');
        reload();
      } catch (err) {
        showErrors(f, isMissing(err) ? { status: 404, response: { message: UNAVAILABLE } } : err);
      }
    });
  });
}

/** Adjusts a Borrador: the server recomputes bruta, pensión, neto and aporte. */
function editar(p, reload) {
  const hours = (name, value) => input(name, { inputmode: 'decimal', value: value ? String(value) : '', placeholder: '0', autocomplete: 'off' });
  const amount = (name, value) => input(name, { inputmode: 'decimal', value: value ? Number(value).toFixed(2) : '', placeholder: '0.00', autocomplete: 'off' });
  const submit = h('button', { type: 'submit', class: 'primary' }, 'Guardar');
  const f = form({ 'aria-label': 'Editar planilla' },
    h('p', { class: 'full muted small' }, `${nombreDe(p)} · ${MESES[p.mes - 1]} ${p.anio} · básico ${money(p.sueldo_basico)} · ${money(p.sueldo_por_hora)} por hora.`),
    field('Horas extras', hours('horas_extras', p.horas_extras)),
    field('Horas de inasistencia', hours('inasistencias', p.inasistencias)),
    field('Comisiones (S/)', amount('comisiones', p.comisiones)),
    field('Bonos (S/)', amount('bonos', p.bonos)),
    field('Descuentos (S/)', amount('descuentos', p.descuentos), { cls: 'full' }),
    h('div', { class: 'actions' }, h('button', { type: 'button', onclick: () => d.close() }, 'Cancelar'), submit));
  const d = dialog('Editar planilla', f);
  f.elements.horas_extras.focus();
  f.addEventListener('submit', () => {
    const data = {};
    const local = {};
    for (const k of ['horas_extras', 'inasistencias']) {
      const s = f.elements[k].value.trim().replace(',', '.');
      if (s === '') data[k] = 0;
      else if (!/^\d{1,3}(\.\d{1,2})?$/.test(s) || Number(s) > 744) local[k] = 'Ingrese entre 0 y 744 horas, con hasta 2 decimales.';
      else data[k] = Number(s);
    }
    for (const k of ['comisiones', 'bonos', 'descuentos']) {
      const s = f.elements[k].value.trim();
      const m = s === '' ? { value: 0 } : parseMoney(s, { allowZero: true });
      if (m.error) local[k] = m.error;
      else data[k] = m.value;
    }
    if (Object.keys(local).length) return showErrors(f, null, local);
    busy(submit, async () => {
      try {
        await pb.collection('planillas').update(p.id, data);
        d.close();
        toast('Planilla actualizada.');
        reload();
      } catch (err) {
        showErrors(f, err);
      }
    });
  });
}
