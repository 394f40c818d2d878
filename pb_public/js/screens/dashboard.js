// Dashboard: KPIs of GET /api/dashboard?sede_id= with charts. Refreshes when leads,
// matrículas or pagos change.
import { pb, mySedes, live, money, day, monthLabel, apiError, isMissing, UNAVAILABLE } from '../api.js';
import { h, clear, field, select, notice, table, kpi } from '../ui.js';
import { barChart, hBarChart } from '../charts.js';

const pct = new Intl.NumberFormat('es-PE', { style: 'percent', maximumFractionDigits: 1 });
const fmtPct = (v) => pct.format((Number(v) || 0) / 100);

export async function render(root, ctx) {
  const sedes = mySedes();
  const fSede = select('sede_id', sedes.map((s) => ({ value: s.id, label: s.nombre })), { placeholder: 'Todas mis sedes' });
  const body = h('div');
  const load = async () => {
    try {
      const d = await pb.send('/api/dashboard', { query: fSede.value ? { sede_id: fSede.value } : {} });
      if (ctx.alive()) clear(body, renderDashboard(d));
    } catch (err) {
      clear(body, notice(isMissing(err) ? `Tablero: ${UNAVAILABLE}` : apiError(err).message, isMissing(err) ? 'warn' : 'error'));
    }
  };
  fSede.addEventListener('change', load);
  clear(root,
    h('div', { class: 'head' }, h('h1', {}, 'Tablero'), h('span', { class: 'live' }, 'en vivo')),
    sedes.length > 1 ? h('div', { class: 'toolbar' }, field('Sede', fSede)) : null,
    body);
  await load();
  for (const c of ['leads', 'matriculas', 'pagos']) live(ctx, c, load, { wait: 1500 });
}

function renderDashboard(d) {
  const t = d.totales ?? {};
  return [
    h('p', { class: 'muted small' }, `Cifras al ${day(d.fecha)}.`),
    h('div', { class: 'grid' },
      kpi('Leads (total)', t.leads ?? 0), kpi('Leads este mes', d.leads_mes ?? 0),
      kpi('Conversión', fmtPct(d.tasa_conversion)), kpi('Matrículas activas', `${t.matriculas_activas ?? 0} de ${t.matriculas ?? 0}`),
      kpi('Retención', fmtPct(d.tasa_retencion)), kpi('Recaudado este mes', money(d.recaudado_mes), 'ingreso'),
      kpi('Recaudado (total)', money(d.recaudado), 'ingreso'), kpi('Deuda vencida', money(d.deuda_vencida), d.deuda_vencida > 0 ? 'neg' : '')),
    h('div', { class: 'grid-2', style: 'margin-top:1rem' },
      h('div', { class: 'card' }, h('h3', {}, 'Leads por mes'), barChart({
        labels: (d.leads_por_mes ?? []).map((m) => monthLabel(m.mes)),
        series: [{ name: 'Leads', color: '#1d4ed8', values: (d.leads_por_mes ?? []).map((m) => m.leads) }],
        title: 'Leads por mes',
        share: 0.5,
      })),
      h('div', { class: 'card' }, h('h3', {}, 'Pagos por concepto'), hBarChart(
        (d.pagos_por_concepto ?? []).map((c) => ({ label: `${c.concepto} (${c.cantidad})`, value: c.total })),
        { color: '#059669', format: money, title: 'Pagos por concepto', share: 0.5 }))),
    h('div', { class: 'grid-2' },
      h('div', {}, h('h2', {}, 'Programas con más matrículas'), table([
        { label: 'Programa', render: (p) => p.nombre },
        { label: 'Tipo', render: (p) => p.tipo },
        { label: 'Matrículas', cls: 'num', render: (p) => p.matriculas },
      ], d.top_programas ?? [], { empty: 'Sin matrículas.' })),
      h('div', {}, h('h2', {}, 'Asesores'), table([
        { label: 'Asesor', render: (a) => a.nombre },
        { label: 'Leads', cls: 'num', render: (a) => a.leads },
        { label: 'Conversiones', cls: 'num', render: (a) => a.conversiones },
        { label: 'Tasa', cls: 'num', render: (a) => fmtPct(a.tasa) },
      ], d.asesores ?? [], { empty: 'Sin asesores.' }))),
  ];
}
