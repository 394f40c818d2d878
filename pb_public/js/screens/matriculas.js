// Matrículas: search by student name or DNI, filters, live list.
import { pb, mySedes, q, live, dateOf, apiError } from '../api.js';
import { h, clear, field, select, input, table, pager, badge, debounce, notice, filters } from '../ui.js';
import * as cat from '../catalog.js';

export async function render(root, ctx) {
  const programas = await cat.programas();
  const sedes = mySedes();
  const state = { page: 1 };
  const search = input('q', { type: 'search', placeholder: 'Nombre o DNI del alumno', 'aria-label': 'Buscar' });
  const fEstado = select('estado', ['Activo', 'Retirado', 'Egresado'], { placeholder: 'Todos' });
  const fProg = select('programa', cat.options(programas), { placeholder: 'Todos' });
  const fSede = select('sede', cat.options(sedes), { placeholder: 'Todas' });
  const list = h('div');

  const reload = async () => {
    const f = [];
    const text = search.value.trim();
    if (text) f.push(`(alumno.nombre_completo ~ ${q(text)} || alumno.dni ~ ${q(text)})`);
    if (fEstado.value) f.push(`estado = ${q(fEstado.value)}`);
    if (fProg.value) f.push(`programa = ${q(fProg.value)}`);
    if (fSede.value) f.push(`sede = ${q(fSede.value)}`);
    try {
      const res = await pb.collection('matriculas').getList(state.page, 20, {
        filter: f.join(' && '), sort: '-fecha_inscripcion,-created', expand: 'alumno,programa,modalidad,sede',
      });
      if (!ctx.alive()) return;
      clear(list, table([
        { label: 'Alumno', render: (r) => h('a', { href: `#/matriculas/${r.id}` }, r.expand?.alumno?.nombre_completo ?? r.alumno) },
        { label: 'DNI', render: (r) => r.expand?.alumno?.dni ?? '' },
        { label: 'Programa', render: (r) => r.expand?.programa?.nombre ?? '' },
        { phone: false, label: 'Modalidad', render: (r) => r.expand?.modalidad?.nombre ?? '' },
        { phone: false, label: 'Sede', render: (r) => r.expand?.sede?.nombre ?? '' },
        { label: 'Estado', render: (r) => badge(r.estado) },
        { phone: false, label: 'Inscripción', render: (r) => dateOf(r.fecha_inscripcion || r.created) },
      ], res.items, { onRowClick: (r) => ctx.navigate(`/matriculas/${r.id}`), empty: 'No hay matrículas con estos filtros.' }),
      pager(res, (p) => { state.page = p; reload(); }));
    } catch (err) {
      clear(list, notice(apiError(err).message, 'error'));
    }
  };
  const refilter = () => { state.page = 1; reload(); };
  search.addEventListener('input', debounce(refilter, 350));
  for (const s of [fEstado, fProg, fSede]) s.addEventListener('change', refilter);

  clear(root,
    h('div', { class: 'head' }, h('h1', {}, 'Matrículas'), h('span', { class: 'live' }, 'en vivo')),
    h('p', { class: 'muted small' }, 'Las matrículas nuevas se registran desde un lead con el botón «Convertir».'),
    h('div', { class: 'toolbar' }, field('Buscar', search, { cls: 'grow' }),
      filters(field('Estado', fEstado), field('Programa', fProg), sedes.length > 1 && field('Sede', fSede))),
    list);
  await reload();
  live(ctx, 'matriculas', reload);
}
