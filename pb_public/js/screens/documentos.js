// Documentos (RRHH): the reports and files employees upload, filtered by employee and month
// (GET /api/documentos/filtros lists only those with documents), opened with a file token,
// and reviewed with a written reseña (the API stamps the date and the reviewer; nobody
// reviews his own documents). Live: new uploads and reviews appear by themselves.
import { pb, q, live, dateTime, apiError, isMissing, UNAVAILABLE } from '../api.js';
import { h, clear, field, select, form, showErrors, busy, badge, notice, table, pager, dialog, toast, filters } from '../ui.js';
import { openFile } from './matricula.js';
import { nombreEmpleado } from './empleados.js';
import { MESES } from './planillas.js';

const PER_PAGE = 20;
const mesLabel = (ym) => `${MESES[Number(ym.slice(5, 7)) - 1]} ${ym.slice(0, 4)}`;

export async function render(root, ctx) {
  const state = { page: 1, meses: [] };
  const fEmpleado = select('empleado', [], { placeholder: 'Todos' });
  const fMes = select('mes', [], { placeholder: 'Todos' });
  const fResena = select('resena', [{ value: 'sin', label: 'Sin reseña' }, { value: 'con', label: 'Reseñados' }], { placeholder: 'Todos' });
  const info = h('div');
  const list = h('div', { 'aria-live': 'polite' });

  const loadFiltros = async () => {
    let res;
    try {
      res = await pb.send('/api/documentos/filtros', { query: fEmpleado.value ? { empleado: fEmpleado.value } : {} });
    } catch (err) {
      clear(info, notice(isMissing(err) ? `Filtros: ${UNAVAILABLE}` : apiError(err).message, 'warn'));
      return;
    }
    if (!ctx.alive()) return;
    clear(info);
    const keepEmp = fEmpleado.value;
    const keepMes = fMes.value;
    // the employees are always all of them (?empleado= limits only the months)
    clear(fEmpleado, h('option', { value: '' }, 'Todos'), res.empleados.map((e) =>
      h('option', { value: e.id }, `${nombreEmpleado(e)} (${e.total}${e.sin_resena ? ` · ${e.sin_resena} sin reseña` : ''})`)));
    fEmpleado.value = res.empleados.some((e) => e.id === keepEmp) ? keepEmp : '';
    state.meses = res.meses;
    clear(fMes, h('option', { value: '' }, 'Todos'), res.meses.map((m) => h('option', { value: m.mes }, `${mesLabel(m.mes)} (${m.total})`)));
    fMes.value = res.meses.some((m) => m.mes === keepMes) ? keepMes : '';
  };

  const reload = async () => {
    const conds = [];
    if (fEmpleado.value) conds.push(`empleado = ${q(fEmpleado.value)}`);
    const mes = state.meses.find((m) => m.mes === fMes.value);
    if (mes) conds.push(`created >= ${q(mes.desde)} && created < ${q(mes.hasta)}`);
    if (fResena.value === 'sin') conds.push('resena = ""');
    if (fResena.value === 'con') conds.push('resena != ""');
    try {
      const res = await pb.collection('documentos').getList(state.page, PER_PAGE, { filter: conds.join(' && '), sort: '-created', expand: 'empleado,revisado_por' });
      if (!ctx.alive()) return;
      if (res.totalPages && state.page > res.totalPages) {
        state.page = res.totalPages;
        return reload();
      }
      clear(list, table([
        { label: 'Empleado', render: (d) => nombreEmpleado(d.expand?.empleado) || d.empleado },
        { label: 'Documento', render: (d) => h('div', {}, h('strong', {}, d.titulo), d.descripcion ? h('div', { class: 'small muted' }, resumen(d.descripcion)) : null) },
        { phone: false, label: 'Subido', render: (d) => dateTime(d.created) },
        { label: 'Archivo', render: (d) => (d.archivo ? h('button', { type: 'button', class: 'small', onclick: () => openFile(d, d.archivo) }, 'Ver') : '—') },
        { label: 'Reseña', render: (d) => (d.resena
          ? h('div', {}, badge('Reseñado'), h('div', { class: 'small' }, resumen(d.resena)),
            h('div', { class: 'small muted' }, [d.expand?.revisado_por?.nombre, dateTime(d.fecha_resena)].filter(Boolean).join(' · ')))
          : badge('Sin reseña')) },
        { label: '', render: (d) => h('button', { type: 'button', class: d.resena ? 'small' : 'small primary', onclick: () => resenar(d, reload) }, d.resena ? 'Editar reseña' : 'Reseñar') },
      ], res.items, { empty: fEmpleado.value || fMes.value || fResena.value ? 'No hay documentos con estos filtros.' : 'Los empleados todavía no subieron documentos.' }),
      pager(res, (p) => { state.page = p; reload(); }));
    } catch (err) {
      clear(list, notice(apiError(err).message, 'error'));
    }
  };
  const refilter = () => { state.page = 1; reload(); };
  fEmpleado.addEventListener('change', async () => { await loadFiltros(); refilter(); });
  fMes.addEventListener('change', refilter);
  fResena.addEventListener('change', refilter);

  clear(root,
    h('div', { class: 'head' }, h('h1', {}, 'Documentos de empleados'), h('span', { class: 'live' }, 'en vivo')),
    h('p', { class: 'muted small' }, 'Informes y archivos que los empleados suben con su cuenta. Ábralos y deje su reseña; el empleado la verá.'),
    info,
    h('div', { class: 'toolbar' }, field('Empleado', fEmpleado, { cls: 'grow' }), filters(field('Mes de subida', fMes), field('Reseña', fResena))),
    list);
  await loadFiltros();
  await reload();
  live(ctx, 'documentos', async () => { await loadFiltros(); await reload(); });
}

const resumen = (text, max = 140) => {
  const s = String(text).replace(/\s+/g, ' ').trim();
  return s.length > max ? s.slice(0, max - 1) + '…' : s;
};

function resenar(doc, reload) {
  const resena = h('textarea', { name: 'resena', rows: 5, maxlength: 20000, placeholder: 'Por ejemplo: informe completo, aprobado. / Falta adjuntar la lista de asistencia firmada.' });
  resena.value = doc.resena ?? '';
  const submit = h('button', { type: 'submit', class: 'primary' }, 'Guardar reseña');
  const f = form({ 'aria-label': 'Reseña del documento' },
    h('dl', { class: 'facts full' },
      h('dt', {}, 'Empleado'), h('dd', {}, nombreEmpleado(doc.expand?.empleado) || '—'),
      h('dt', {}, 'Documento'), h('dd', {}, doc.titulo),
      h('dt', {}, 'Subido'), h('dd', {}, dateTime(doc.created))),
    doc.descripcion ? h('p', { class: 'full small', style: 'white-space:pre-wrap' }, doc.descripcion) : null,
    doc.archivo ? h('div', { class: 'full' }, h('button', { type: 'button', class: 'small', onclick: () => openFile(doc, doc.archivo) }, 'Ver archivo')) : null,
    field('Reseña', resena, { cls: 'full', hint: 'Se guardan su nombre y la fecha de la reseña.' }),
    h('div', { class: 'actions' }, h('button', { type: 'button', onclick: () => d.close() }, 'Cancelar'), submit));
  const d = dialog('Reseñar documento', f);
  resena.focus();
  f.addEventListener('submit', () => {
    const text = resena.value.trim();
    if (!text) return showErrors(f, null, { resena: 'Escriba la reseña.' });
    if (text === (doc.resena ?? '').trim()) return d.close();
    busy(submit, async () => {
      try {
        await pb.collection('documentos').update(doc.id, { resena: text });
        d.close();
        toast('Reseña guardada.');
        reload();
      } catch (err) {
        showErrors(f, err);
      }
    });
  });
}
