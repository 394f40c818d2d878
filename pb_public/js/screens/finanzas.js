// Finanzas: balance per sede (GET /api/finanzas/balance), chart of ingresos vs gastos by
// month, manual ingreso/gasto, latest movements. Refreshes live when the ledger changes.
import { pb, mySedes, live, money, day, dateTime, todayLima, parseMoney, apiError, monthLabel } from '../api.js';
import { h, clear, field, select, input, form, showErrors, busy, notice, table, toast, kpi, values, badge } from '../ui.js';
import { barChart } from '../charts.js';

export async function render(root, ctx) {
  const sedes = mySedes();
  const today = todayLima();
  const fSede = select('sede_id', sedes.map((s) => ({ value: s.id, label: s.nombre })), { placeholder: 'Todas mis sedes' });
  const fDesde = input('desde', { type: 'date', value: `${today.slice(0, 4)}-01-01` });
  const fHasta = input('hasta', { type: 'date', value: today });
  const filters = form({ class: 'toolbar', 'aria-label': 'Periodo' }, field('Sede', fSede), field('Desde', fDesde), field('Hasta', fHasta));
  const summary = h('div', { dataset: { part: 'balance' } });
  const movements = h('div');

  const loadBalance = async () => {
    const query = { desde: fDesde.value, hasta: fHasta.value };
    if (fSede.value) query.sede_id = fSede.value;
    try {
      const b = await pb.send('/api/finanzas/balance', { query });
      showErrors(filters, null);
      if (ctx.alive()) clear(summary, renderBalance(b));
    } catch (err) {
      showErrors(filters, err);
    }
  };
  const loadMovements = async () => {
    try {
      const opts = { sort: '-fecha,-created', expand: 'sede,registrado_por' };
      const [ing, gas] = await Promise.all([pb.collection('ingresos').getList(1, 10, opts), pb.collection('gastos').getList(1, 10, opts)]);
      const rows = [...ing.items.map((r) => ({ ...r, tipo: 'Ingreso' })), ...gas.items.map((r) => ({ ...r, tipo: 'Gasto' }))]
        .sort((a, b) => b.fecha.localeCompare(a.fecha) || b.created.localeCompare(a.created)).slice(0, 12);
      if (ctx.alive()) clear(movements, table([
        { label: 'Fecha', cls: 'nowrap', render: (r) => day(r.fecha) },
        { label: 'Tipo', render: (r) => (r.origen === 'Anulación' ? badge(`${r.tipo} (anulación)`, 'Pendiente') : badge(r.tipo, r.tipo === 'Ingreso' ? 'Registrado' : 'Anulado')) },
        { label: 'Concepto', render: (r) => r.concepto },
        { label: 'Origen', render: (r) => r.origen },
        { label: 'Sede', render: (r) => r.expand?.sede?.nombre ?? '' },
        { label: 'Monto', cls: 'num', render: (r) => money(r.tipo === 'Gasto' ? -r.monto : r.monto) },
        { label: 'Registrado', phone: false, render: (r) => dateTime(r.created) },
      ], rows, { empty: 'Sin movimientos.' }));
    } catch (err) {
      clear(movements, notice(apiError(err).message, 'error'));
    }
  };
  for (const el of [fSede, fDesde, fHasta]) el.addEventListener('change', loadBalance);

  clear(root,
    h('div', { class: 'head' }, h('h1', {}, 'Finanzas'), h('span', { class: 'live' }, 'en vivo')),
    filters, summary,
    h('h2', {}, 'Registrar ingreso o gasto manual'), manualForm(sedes),
    h('h2', {}, 'Últimos movimientos'), movements);
  await Promise.all([loadBalance(), loadMovements()]);
  const onLedger = () => { loadBalance(); loadMovements(); };
  live(ctx, 'ingresos', onLedger);
  live(ctx, 'gastos', onLedger);
}

function renderBalance(b) {
  const t = b.totales;
  const k = (label, v, key, cls) => {
    const el = kpi(label, money(v), cls);
    el.dataset.kpi = key;
    el.dataset.value = String(v);
    return el;
  };
  return [
    h('div', { class: 'grid' },
      k('Ingresos', t.ingresos, 'ingresos', 'ingreso'), k('Gastos', t.gastos, 'gastos', 'gasto'),
      k('Balance', t.balance, 'balance', t.balance < 0 ? 'neg' : '')),
    h('p', { class: 'muted small' }, `Del ${day(b.desde)} al ${day(b.hasta)} · montos en soles (PEN).`),
    h('div', { class: 'card' }, h('h3', {}, 'Ingresos vs gastos por mes'), barChart({
      labels: b.mensual.map((m) => monthLabel(m.mes)),
      series: [
        { name: 'Ingresos', color: '#059669', values: b.mensual.map((m) => m.ingresos) },
        { name: 'Gastos', color: '#dc2626', values: b.mensual.map((m) => m.gastos) },
      ],
      format: money,
      title: 'Ingresos y gastos por mes',
    })),
    table([
      { label: 'Sede', render: (s) => s.nombre },
      { label: 'Ingresos', cls: 'num', render: (s) => money(s.ingresos) },
      { label: 'Gastos', cls: 'num', render: (s) => money(s.gastos) },
      { label: 'Balance', cls: 'num', render: (s) => money(s.balance) },
    ], b.sedes, { empty: 'Sin sedes asignadas.' }),
  ];
}

function manualForm(sedes) {
  const tipo = select('tipo', [{ value: 'ingresos', label: 'Ingreso' }, { value: 'gastos', label: 'Gasto' }], { value: 'gastos' });
  const categoria = field('Categoría', input('categoria', { placeholder: 'Servicios, alquiler, útiles…', maxlength: 100 }));
  tipo.addEventListener('change', () => (categoria.hidden = tipo.value !== 'gastos'));
  const submit = h('button', { type: 'submit', class: 'primary' }, 'Registrar');
  const f = form({ 'aria-label': 'Movimiento manual', class: 'form card' },
    field('Tipo', tipo),
    field('Sede', select('sede', sedes.map((s) => ({ value: s.id, label: s.nombre })), { value: sedes[0]?.id ?? '' })),
    field('Concepto', input('concepto', { maxlength: 255 }), { cls: 'full' }),
    field('Monto (S/)', input('monto', { inputmode: 'decimal', autocomplete: 'off' })),
    field('Fecha', input('fecha', { type: 'date', value: todayLima() })),
    categoria,
    h('div', { class: 'actions' }, submit));
  f.addEventListener('submit', (e) => {
    e.preventDefault();
    const v = values(f);
    const m = parseMoney(v.monto);
    const local = {};
    if (!v.concepto) local.concepto = 'Ingrese el concepto.';
    if (m.error) local.monto = m.error;
    if (!v.fecha) local.fecha = 'Indique la fecha.';
    if (Object.keys(local).length) return showErrors(f, null, local);
    const data = { sede: v.sede, concepto: v.concepto, monto: m.value, fecha: `${v.fecha} 00:00:00.000Z` };
    if (v.tipo === 'gastos' && v.categoria) data.categoria = v.categoria;
    busy(submit, async () => {
      try {
        await pb.collection(v.tipo).create(data);
        f.reset();
        f.elements.fecha.value = todayLima();
        categoria.hidden = f.elements.tipo.value !== 'gastos';
        showErrors(f, null);
        toast(`${v.tipo === 'gastos' ? 'Gasto' : 'Ingreso'} de ${money(m.value)} registrado.`);
      } catch (err) {
        showErrors(f, err);
      }
    });
  });
  return f;
}
