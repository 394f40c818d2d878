// Notas y asistencias for teachers: grade a class (notas, saved in one batch) and take a
// group attendance (POST /api/asistencias/grupal). A docente sees only the programs he teaches.
// The grade list is live: grades saved elsewhere for the class shown update their rows in place.
import { pb, can, me, mySedes, q, todayLima, apiError, isMissing, UNAVAILABLE, subscribe } from '../api.js';
import { h, clear, field, select, input, form, showErrors, busy, badge, notice, table, toast, dialog } from '../ui.js';

const TIPOS_NOTA = ['Práctica', 'Teórica', 'Final', 'Recuperación'];

export async function render(root, ctx) {
  const programas = await misProgramas();
  if (!programas.length) {
    return clear(root, h('h1', {}, 'Notas y asistencias'), notice('No tiene programas asignados. Consulte con coordinación académica.', 'warn'));
  }
  const progSel = select('programa', programas.map((p) => ({ value: p.id, label: `${p.nombre} · ${p.tipo}` })), { value: ctx.query.get('programa') ?? programas[0].id });
  const mallaSel = select('malla', [], {});
  const tabs = h('div', { class: 'tabs', role: 'tablist' });
  const body = h('div');
  const st = { tab: can('notas') ? 'notas' : 'asistencias', alumnos: [], malla: [] };
  // realtime subscriptions of the view shown (class and tab): stopped when it is replaced
  // and when the screen is left
  const viewStops = [];
  const endView = () => viewStops.splice(0).forEach((stop) => stop());
  const own = (stop) => (ctx.alive() ? viewStops.push(stop) : stop());
  ctx.cleanup(endView);

  const loadPrograma = async () => {
    clear(body, h('p', { class: 'muted' }, 'Cargando…'));
    const [malla, mats] = await Promise.all([
      pb.collection('malla').getFullList({ filter: `programa = ${q(progSel.value)} && activo = true`, sort: 'numero_mes', expand: 'curso' }),
      pb.collection('matriculas').getFullList({ filter: `programa = ${q(progSel.value)} && estado = "Activo"`, expand: 'alumno', fields: 'id,alumno,sede,expand.alumno.nombre_completo,expand.alumno.dni' }),
    ]);
    if (!ctx.alive()) return;
    st.malla = malla;
    st.alumnos = mats.map((m) => ({ id: m.id, nombre: m.expand?.alumno?.nombre_completo ?? m.alumno, dni: m.expand?.alumno?.dni ?? '' }))
      .sort((a, b) => a.nombre.localeCompare(b.nombre, 'es'));
    clear(mallaSel, malla.map((r) => h('option', { value: r.id }, `Mes ${r.numero_mes} · ${r.expand?.curso?.nombre ?? ''}`)));
    if (!malla.length) mallaSel.append(h('option', { value: '' }, 'Sin malla curricular'));
    show();
  };
  const show = () => {
    endView();
    clear(tabs, [['notas', 'Notas'], ['asistencias', 'Asistencia']].filter(([k]) => can(k)).map(([k, label]) =>
      h('button', { type: 'button', role: 'tab', class: st.tab === k ? 'active' : '', 'aria-selected': String(st.tab === k), onclick: () => { st.tab = k; show(); } }, label)));
    if (!st.alumnos.length) return clear(body, notice('El programa no tiene alumnos con matrícula activa.', 'warn'));
    return st.tab === 'notas' ? notasView(body, progSel.value, mallaSel.value, st.alumnos, own) : asistenciaView(body, progSel.value, mallaSel.value, st.alumnos);
  };
  progSel.addEventListener('change', loadPrograma);
  mallaSel.addEventListener('change', show);

  clear(root,
    h('div', { class: 'head' }, h('h1', {}, 'Notas y asistencias')),
    h('div', { class: 'toolbar' }, field('Programa', progSel, { cls: 'grow' }), field('Curso (malla)', mallaSel, { cls: 'grow' })),
    tabs, body);
  await loadPrograma();
}

async function misProgramas() {
  const user = me();
  if (user.expand?.rol?.solo_programas_asignados) {
    const rows = await pb.collection('docentes_programa').getFullList({ filter: `docente = ${q(user.id)}`, expand: 'programa' });
    return rows.map((r) => r.expand?.programa).filter((p) => p?.activo).sort((a, b) => a.nombre.localeCompare(b.nombre, 'es'));
  }
  const sedes = mySedes().map((s) => `sede = ${q(s.id)}`);
  if (!sedes.length) return [];
  return pb.collection('programas').getFullList({ filter: `activo = true && (${sedes.join(' || ')})`, sort: 'nombre' });
}

/** Shows per-row errors (keyed by row index) in the table and the rest at the top. */
function rowErrors(f, rowsByIndex, err, byIndex, other = {}) {
  const orphan = { ...other };
  const placed = [];
  for (const [i, msg] of Object.entries(byIndex)) {
    const slot = rowsByIndex[i]?.querySelector('.row-error');
    if (slot) placed.push([slot, msg]);
    else orphan[`fila ${Number(i) + 1}`] = msg;
  }
  showErrors(f, err ?? (placed.length ? { status: 400, response: { message: 'Revise las filas marcadas.' } } : null), orphan);
  for (const [slot, msg] of placed) slot.textContent = msg; // after showErrors cleared the old ones
}

const estadoNota = (n) => (n ? badge(n.estado || '—') : h('span', { class: 'muted small' }, 'sin nota'));

async function notasView(body, programa, malla, alumnos, own) {
  if (!malla) return clear(body, notice('El programa no tiene cursos en su malla curricular.', 'warn'));
  const tipo = select('tipo', TIPOS_NOTA, { value: 'Práctica' });
  const holder = h('div');
  const submit = h('button', { type: 'submit', class: 'primary' }, 'Guardar notas');
  const f = form({ 'aria-label': 'Notas de la clase', class: 'card', style: 'display:block' },
    h('div', { class: 'toolbar' }, field('Tipo de nota', tipo), h('span', { class: 'live', style: 'margin-bottom:.6rem' }, 'en vivo')),
    holder, h('div', { class: 'actions', style: 'margin-top:.8rem' }, submit));
  const row = new Map(alumnos.map((a, i) => [a.id, i])); // matrícula -> row index
  let existing = {};
  let inputs = [];
  let estados = [];
  let notes = [];
  let loading = 0;
  let stale = false;
  const load = async () => {
    loading++;
    try {
      const notas = await pb.collection('notas').getFullList({ filter: `malla = ${q(malla)} && tipo = ${q(tipo.value)}` });
      existing = Object.fromEntries(notas.map((n) => [n.matricula, n]));
      inputs = alumnos.map((a) => input('nota', { type: 'number', min: 0, max: 20, step: '0.01', inputmode: 'decimal', value: existing[a.id]?.nota ?? '', 'aria-label': `Nota de ${a.nombre}`, style: 'max-width:7rem' }));
      estados = alumnos.map((a) => h('span', { dataset: { part: 'estado-nota' } }, estadoNota(existing[a.id])));
      notes = alumnos.map(() => h('div', { class: 'small muted', dataset: { part: 'nota-remota' } }));
      clear(holder, table([
        { label: 'Alumno', render: (a) => [a.nombre, h('div', { class: 'small muted' }, `DNI ${a.dni}`)] },
        { label: 'Nota (0-20)', render: (a) => h('div', {}, inputs[row.get(a.id)], h('div', { class: 'row-error field-error' }), notes[row.get(a.id)]) },
        { label: 'Estado', render: (a) => estados[row.get(a.id)] },
        { label: '', render: (a) => h('button', { type: 'button', class: 'small', onclick: () => resumen(a) }, 'Resumen') },
      ], alumnos));
    } finally {
      loading--;
    }
    if (stale && !loading) {
      stale = false;
      await load(); // a grade changed while the list was being read
    }
  };
  // A grade of this class saved elsewhere (another teacher, another tab, the app) updates
  // its row in place: the estado always, the number only when it was not being edited here.
  const onNota = (e) => {
    const r = e.record;
    if (!r || r.malla !== malla) return;
    if (loading) return void (stale = true);
    const i = row.get(r.matricula);
    if (r.tipo !== tipo.value || i == null || !inputs[i]) return;
    const before = existing[r.matricula];
    const untouched = inputs[i].value.trim() === (before ? String(before.nota) : '');
    if (e.action === 'delete') {
      if (before?.id !== r.id) return;
      delete existing[r.matricula];
    } else existing[r.matricula] = r;
    if (untouched) inputs[i].value = e.action === 'delete' ? '' : String(r.nota);
    notes[i].textContent = untouched ? ''
      : `${e.action === 'delete' ? 'La nota se eliminó' : `Se guardó ${r.nota}`} en otro lugar; al guardar queda la que usted escribió.`;
    clear(estados[i], estadoNota(existing[r.matricula]));
    const tr = inputs[i].closest('tr');
    if (tr) {
      tr.classList.remove('flash');
      void tr.offsetWidth; // restart the highlight
      tr.classList.add('flash');
    }
  };
  own(subscribe('notas', onNota, { options: { filter: `malla = ${q(malla)}` } }));
  tipo.addEventListener('change', load);
  f.addEventListener('submit', (e) => {
    e.preventDefault();
    const sent = [];
    const local = {};
    alumnos.forEach((a, i) => {
      const raw = inputs[i].value.trim();
      const before = existing[a.id];
      if (raw === '' || (before && Number(raw) === before.nota)) return;
      const n = Number(raw);
      if (!(n >= 0 && n <= 20) || !/^\d+(\.\d{1,2})?$/.test(raw)) local[i] = 'La nota debe estar entre 0 y 20, con hasta 2 decimales.';
      else sent.push(i);
    });
    const rows = [...holder.querySelectorAll('tbody tr')];
    if (Object.keys(local).length) return rowErrors(f, rows, null, local);
    if (!sent.length) return toast('No hay notas nuevas o cambiadas.');
    busy(submit, async () => {
      try {
        // the batch API takes at most 50 requests: larger classes go in several
        for (let k = 0; k < sent.length; k += 50) {
          const part = pb.createBatch();
          for (const i of sent.slice(k, k + 50)) {
            const a = alumnos[i];
            const n = Number(inputs[i].value);
            if (existing[a.id]) part.collection('notas').update(existing[a.id].id, { nota: n });
            else part.collection('notas').create({ matricula: a.id, malla, tipo: tipo.value, nota: n });
          }
          try {
            await part.send();
          } catch (err) {
            const failed = err.response?.data?.requests ?? {};
            const byIndex = {};
            for (const [j, r] of Object.entries(failed)) {
              const inner = apiError({ status: r.response?.status ?? 400, response: r.response });
              byIndex[sent[k + Number(j)]] = [inner.message, ...Object.values(inner.fields)].join(' ');
            }
            rowErrors(f, rows, Object.keys(byIndex).length ? { status: 400, response: { message: 'No se guardaron las notas: revise la fila marcada.' } } : err, byIndex);
            if (k > 0) await load();
            return;
          }
        }
        toast(`${sent.length} nota${sent.length === 1 ? '' : 's'} guardada${sent.length === 1 ? '' : 's'}.`);
        showErrors(f, null);
        await load();
      } catch (err) {
        showErrors(f, err);
      }
    });
  });
  clear(body, f);
  await load();
}

async function resumen(alumno) {
  const box = h('div', {}, h('p', { class: 'muted' }, 'Cargando…'));
  const d = dialog(`Notas de ${alumno.nombre}`, box, h('div', { class: 'actions' }, h('button', { type: 'button', onclick: () => d.close() }, 'Cerrar')));
  try {
    const r = await pb.send(`/api/matriculas/${alumno.id}/notas-resumen`, {});
    clear(box,
      h('p', {}, `Promedio: ${r.promedio ?? '—'} · aprobadas ${r.aprobadas} · desaprobadas ${r.desaprobadas} · muy bajo ${r.muy_bajo}`),
      table([
        { label: 'Mes', render: (m) => `Mes ${m.numero_mes}` },
        { label: 'Curso', render: (m) => m.curso },
        { label: 'Notas', render: (m) => (m.notas.length ? m.notas.map((n) => `${n.tipo}: ${n.nota}`).join(' · ') : '—') },
        { label: 'Promedio', cls: 'num', render: (m) => m.promedio ?? '—' },
      ], r.meses ?? [], { cards: false }));
  } catch (err) {
    clear(box, notice(isMissing(err) ? UNAVAILABLE : apiError(err).message, 'warn'));
  }
}

async function asistenciaView(body, programa, malla, alumnos) {
  const fecha = input('fecha', { type: 'date', value: todayLima(), max: todayLima() });
  const holder = h('div');
  const submit = h('button', { type: 'submit', class: 'primary' }, 'Guardar asistencia');
  const f = form({ 'aria-label': 'Asistencia de la clase', class: 'card', style: 'display:block' },
    h('div', { class: 'toolbar' }, field('Fecha de la clase', fecha), h('button', { type: 'button', onclick: () => marcar(true) }, 'Todos presentes')), holder,
    h('div', { class: 'actions', style: 'margin-top:.8rem' }, submit));
  let checks = [];
  let justs = [];
  const marcar = (v) => checks.forEach((c) => (c.checked = v));
  const load = async () => {
    if (!fecha.value) return;
    let prev = [];
    try {
      const filter = [`matricula.programa = ${q(programa)}`, `fecha_clase >= ${q(fecha.value + ' 00:00:00')}`, `fecha_clase <= ${q(fecha.value + ' 23:59:59')}`];
      filter.push(malla ? `malla = ${q(malla)}` : `malla = ""`);
      prev = await pb.collection('asistencias').getFullList({ filter: filter.join(' && ') });
    } catch { /* prefill is a convenience */ }
    const byMat = Object.fromEntries(prev.map((a) => [a.matricula, a]));
    checks = alumnos.map((a) => h('input', { type: 'checkbox', name: 'asistio', checked: byMat[a.id] ? byMat[a.id].asistio : true, 'aria-label': `Asistió ${a.nombre}` }));
    justs = alumnos.map((a) => input('justificacion', { maxlength: 1000, value: byMat[a.id]?.justificacion ?? '', placeholder: 'Justificación (si faltó)' }));
    clear(holder,
      prev.length ? notice(`Ya hay asistencia registrada para esta fecha (${prev.length} alumnos); al guardar se actualiza.`) : null,
      table([
        { label: 'Alumno', render: (a) => [a.nombre, h('div', { class: 'row-error field-error' })] },
        { label: 'Asistió', render: (a) => h('label', { class: 'check' }, checks[alumnos.indexOf(a)], 'Presente') },
        { label: 'Justificación', render: (a) => justs[alumnos.indexOf(a)] },
      ], alumnos));
  };
  fecha.addEventListener('change', load);
  f.addEventListener('submit', (e) => {
    e.preventDefault();
    if (!fecha.value) return showErrors(f, null, { fecha: 'Indique la fecha de la clase.' });
    const items = alumnos.map((a, i) => ({ matricula: a.id, asistio: checks[i].checked, justificacion: justs[i].value.trim() }));
    busy(submit, async () => {
      try {
        const res = await pb.send('/api/asistencias/grupal', { method: 'POST', body: { programa, fecha: fecha.value, malla, items } });
        showErrors(f, null);
        toast(`Asistencia guardada: ${res.creadas ?? 0} nuevas, ${res.actualizadas ?? 0} actualizadas.`);
        await load();
      } catch (err) {
        if (isMissing(err)) return showErrors(f, { status: 404, response: { message: UNAVAILABLE } });
        const { status, message, fields } = apiError(err);
        const byIndex = {};
        const other = {};
        for (const [k, msg] of Object.entries(fields)) {
          const m = /^items\.(\d+)\./.exec(k);
          if (m) byIndex[m[1]] = msg;
          else other[k] = msg;
        }
        rowErrors(f, [...holder.querySelectorAll('tbody tr')], { status, response: { message } }, byIndex, other);
      }
    });
  });
  clear(body, f);
  await load();
}
