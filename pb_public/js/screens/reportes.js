// Reportes: request a report (collection reportes), follow its status live, download it
// when ready (protected file: short-lived file token).
import { pb, can, me, mySedes, live, dateTime, day, todayLima, apiError, isMissing, UNAVAILABLE } from '../api.js';
import { h, clear, field, select, input, form, showErrors, busy, badge, notice, table, toast } from '../ui.js';
import { openFile } from './matricula.js';
import * as cat from '../catalog.js';

// tipo -> [label, permissions that may read it besides `reportes` (none = reportes alone)]
export const TIPOS = {
  balance: ['Balance por sede', []],
  morosidad: ['Morosidad (deuda vencida)', []],
  ingresos: ['Ingresos', ['finanzas']],
  gastos: ['Gastos', ['finanzas']],
  estado_cuenta: ['Estado de cuenta', ['matriculas', 'pagos', 'finanzas']], // requested from the matrícula
  leads: ['Leads', ['leads', 'crear_lead']],
  matriculas: ['Matrículas', ['matriculas', 'pagos', 'finanzas']],
  notas: ['Notas', ['notas']],
  asistencias: ['Asistencias', ['asistencias']],
  planillas: ['Planillas', ['planillas']],
};

export async function render(root, ctx) {
  const sedes = mySedes();
  const programas = await cat.programas();
  const list = h('div');
  const reload = async () => {
    try {
      const res = await pb.collection('reportes').getList(1, 30, { sort: '-created', expand: 'solicitado_por,sede' });
      if (ctx.alive()) clear(list, renderList(res.items));
    } catch (err) {
      clear(list, notice(isMissing(err) ? `Reportes: ${UNAVAILABLE}` : apiError(err).message, isMissing(err) ? 'warn' : 'error'));
    }
  };
  clear(root,
    h('div', { class: 'head' }, h('h1', {}, 'Reportes'), h('span', { class: 'live' }, 'en vivo')),
    h('p', { class: 'muted small' }, 'Los reportes se generan en segundo plano; el estado se actualiza solo y el archivo queda disponible para descargar.'),
    requestForm(sedes, programas),
    h('h2', {}, 'Reportes solicitados'), list);
  await reload();
  live(ctx, 'reportes', reload);
}

function requestForm(sedes, programas) {
  const tipos = Object.entries(TIPOS).filter(([k, [, perms]]) => k !== 'estado_cuenta' && (!perms.length || can(...perms)));
  const today = todayLima();
  const submit = h('button', { type: 'submit', class: 'primary' }, 'Solicitar reporte');
  const f = form({ 'aria-label': 'Solicitar reporte', class: 'form card' },
    field('Tipo de reporte', select('tipo', tipos.map(([value, [label]]) => ({ value, label })), { value: 'balance' })),
    field('Formato', select('formato', [{ value: 'xlsx', label: 'Excel (xlsx)' }, { value: 'csv', label: 'CSV' }], { value: 'xlsx' })),
    field('Sede', select('sede', sedes.map((s) => ({ value: s.id, label: s.nombre })), { placeholder: 'Todas mis sedes' })),
    field('Programa', select('programa', cat.options(programas), { placeholder: 'Todos los programas' }), { hint: 'Para notas, asistencias, leads y matrículas.' }),
    field('Desde', input('desde', { type: 'date', value: `${today.slice(0, 4)}-01-01` })),
    field('Hasta', input('hasta', { type: 'date', value: today })),
    h('div', { class: 'actions' }, submit));
  f.addEventListener('submit', (e) => {
    e.preventDefault();
    const el = f.elements;
    if (el.desde.value && el.hasta.value && el.hasta.value < el.desde.value) {
      return showErrors(f, null, { hasta: 'La fecha final debe ser posterior a la inicial.' });
    }
    const parametros = { desde: el.desde.value, hasta: el.hasta.value };
    if (el.sede.value) parametros.sede = el.sede.value;
    if (el.programa.value) parametros.programa = el.programa.value;
    busy(submit, async () => {
      try {
        await pb.collection('reportes').create({ tipo: el.tipo.value, formato: el.formato.value, parametros });
        showErrors(f, null);
        toast('Reporte solicitado. Le avisaremos aquí cuando esté listo.');
      } catch (err) {
        showErrors(f, isMissing(err) ? { response: { message: UNAVAILABLE }, status: 404 } : err);
      }
    });
  });
  return f;
}

function renderList(items) {
  const uid = me()?.id;
  return table([
    { label: 'Reporte', render: (r) => TIPOS[r.tipo]?.[0] ?? r.tipo },
    { label: 'Formato', render: (r) => (r.formato ?? '').toUpperCase() },
    { label: 'Periodo', render: (r) => periodo(r.parametros) },
    { label: 'Estado', render: (r) => [badge(r.estado), r.error ? h('div', { class: 'small', style: 'color:var(--danger)' }, r.error) : null] },
    { label: 'Filas', cls: 'num', render: (r) => (r.estado === 'Listo' ? r.filas ?? '' : '') },
    { label: 'Solicitado', render: (r) => [dateTime(r.created), r.solicitado_por !== uid ? h('div', { class: 'small muted' }, r.expand?.solicitado_por?.nombre ?? '') : null] },
    { label: '', render: (r) => (r.estado === 'Listo' && r.archivo ? h('button', { type: 'button', class: 'small primary', onclick: () => openFile(r, r.archivo, { download: true }) }, 'Descargar') : '') },
  ], items, { empty: 'Todavía no hay reportes.' });
}

function periodo(p) {
  if (!p || typeof p !== 'object') return '';
  const parts = [];
  if (p.desde || p.hasta) parts.push(`${p.desde ? day(p.desde) : '…'} – ${p.hasta ? day(p.hasta) : '…'}`);
  const sedes = mySedes().filter((s) => (p.sedes ?? [p.sede]).includes(s.id));
  if (sedes.length === 1) parts.push(sedes[0].nombre);
  return parts.join(' · ');
}
