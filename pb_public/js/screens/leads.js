// Leads: search, filters (state, channel, advisor, sede), live list, create.
import { pb, can, me, mySedes, q, live, dateOf, apiError } from '../api.js';
import { h, clear, field, select, input, form, showErrors, busy, table, badge, dialog, values, debounce, toast, notice, filters } from '../ui.js';
import * as cat from '../catalog.js';

export const ESTADOS = ['Pendiente', 'Atendido', 'No Atendido', 'Convertido'];
const PER_PAGE = 20;

export async function render(root, ctx) {
  const [medios, asesores, programas] = await Promise.all([cat.mediosContacto(), cat.staff(), cat.programas()]);
  const sedes = mySedes();
  const state = { page: 1 };
  const byId = (rows) => new Map(rows.map((r) => [r.id, r]));
  const names = { medios: byId(medios), asesores: byId(asesores), programas: byId(programas), sedes: byId(sedes) };

  const search = input('q', { type: 'search', placeholder: 'Nombre, correo o teléfono', 'aria-label': 'Buscar' });
  const fEstado = select('estado', ESTADOS, { placeholder: 'Todos' });
  const fMedio = select('medio', cat.options(medios), { placeholder: 'Todos' });
  const fAsesor = select('asesor', cat.options(asesores), { placeholder: 'Todos' });
  const fSede = select('sede', cat.options(sedes), { placeholder: 'Todas' });
  const list = h('div', { 'aria-live': 'polite' });

  const reload = async () => {
    const conds = [];
    const text = search.value.trim();
    if (text) conds.push(`(nombre_completo ~ ${q(text)} || email ~ ${q(text)} || telefono ~ ${q(text)})`);
    if (fEstado.value) conds.push(`estado_lead = ${q(fEstado.value)}`);
    if (fMedio.value) conds.push(`medio_contacto = ${q(fMedio.value)}`);
    if (fAsesor.value) conds.push(`asesor = ${q(fAsesor.value)}`);
    if (fSede.value) conds.push(`sede = ${q(fSede.value)}`);
    try {
      // No total count and no expands: counting every match of a search is what made this
      // list slow at scale (docs/benchmarks.md); the names come from the catalogues loaded above.
      const res = await pb.collection('leads').getList(state.page, PER_PAGE, {
        filter: conds.join(' && '), sort: '-fecha_ingreso,-created', skipTotal: true,
      });
      if (!ctx.alive()) return;
      if (!res.items.length && state.page > 1) {
        state.page -= 1;
        return reload();
      }
      clear(list, table([
        { label: 'Nombre', render: (r) => h('a', { href: `#/leads/${r.id}` }, r.nombre_completo) },
        { label: 'Estado', render: (r) => badge(r.estado_lead) },
        { label: 'Teléfono', render: (r) => r.telefono || '—' },
        { phone: false, label: 'Canal', render: (r) => names.medios.get(r.medio_contacto)?.nombre ?? '' },
        { phone: false, label: 'Asesor', render: (r) => names.asesores.get(r.asesor)?.nombre ?? '' },
        { label: 'Interés', render: (r) => (r.intereses ?? []).map((id) => names.programas.get(id)?.nombre ?? '').filter(Boolean).join(', ') },
        { phone: false, label: 'Sede', render: (r) => names.sedes.get(r.sede)?.nombre ?? '' },
        { phone: false, label: 'Ingreso', render: (r) => dateOf(r.fecha_ingreso || r.created) },
      ], res.items, { onRowClick: (r) => ctx.navigate(`/leads/${r.id}`), empty: 'No hay leads con estos filtros.' }),
      pagerNoTotal(state.page, res.items.length === PER_PAGE, (p) => { state.page = p; reload(); }));
    } catch (err) {
      clear(list, notice(apiError(err).message, 'error'));
    }
  };
  const refilter = () => { state.page = 1; reload(); };
  search.addEventListener('input', debounce(refilter, 350));
  for (const s of [fEstado, fMedio, fAsesor, fSede]) s.addEventListener('change', refilter);

  const canCreate = can('crear_lead', 'leads');
  clear(root,
    h('div', { class: 'head' }, h('h1', {}, 'Leads'), h('span', { class: 'live' }, 'en vivo'),
      canCreate && h('button', { type: 'button', class: 'primary', onclick: () => openCreate(ctx, { medios, asesores, programas, sedes }) }, '+ Nuevo lead')),
    h('div', { class: 'toolbar' },
      field('Buscar', search, { cls: 'grow' }),
      filters(field('Estado', fEstado), field('Canal', fMedio), field('Asesor', fAsesor), sedes.length > 1 && field('Sede', fSede))),
    list);
  await reload();
  live(ctx, 'leads', reload);
}

// pagerNoTotal pages a list fetched with skipTotal: a full page may have a next one.
function pagerNoTotal(page, full, go) {
  return h('div', { class: 'pager' },
    h('span', { class: 'muted small' }, `página ${page}`),
    h('span', {},
      h('button', { type: 'button', class: 'small', disabled: page <= 1, onclick: () => go(page - 1) }, '‹ Anterior'), ' ',
      h('button', { type: 'button', class: 'small', disabled: !full, onclick: () => go(page + 1) }, 'Siguiente ›')));
}

function openCreate(ctx, { medios, asesores, programas, sedes }) {
  const mine = me();
  const sedeSel = select('sede', cat.options(sedes), { value: sedes[0]?.id ?? '', required: true });
  const interesesSel = select('intereses', [], { multiple: true, required: true });
  const fillProgramas = () => {
    const chosen = new Set([...interesesSel.selectedOptions].map((o) => o.value));
    clear(interesesSel, programas.filter((p) => !sedeSel.value || p.sede === sedeSel.value)
      .map((p) => h('option', { value: p.id, selected: chosen.has(p.id) }, `${p.nombre} (${p.tipo})`)));
  };
  sedeSel.addEventListener('change', fillProgramas);
  fillProgramas();
  const submit = h('button', { type: 'submit', class: 'primary' }, 'Guardar lead');
  const f = form({ 'aria-label': 'Nuevo lead' },
    field('Nombre completo', input('nombre_completo', { required: true, maxlength: 255, autocomplete: 'off' }), { cls: 'full' }),
    field('Celular o teléfono', input('telefono', { inputmode: 'tel', placeholder: '9XXXXXXXX' })),
    field('Correo', input('email', { type: 'email' })),
    field('Género', select('genero', ['Masculino', 'Femenino', 'Otro'], { placeholder: 'Seleccione', required: true })),
    field('Nivel de estudios', input('nivel_estudios', { placeholder: 'Secundaria, Técnico, Universitario…' })),
    field('Canal de contacto', select('medio_contacto', cat.options(medios), { placeholder: 'Seleccione', required: true })),
    field('Asesor', select('asesor', cat.options(asesores), { value: mine.id, required: true })),
    field('Sede', sedeSel),
    field('Programas de interés', interesesSel, { hint: 'Ctrl/⌘ + clic para elegir varios.', cls: 'full' }),
    field('Observaciones', h('textarea', { name: 'observaciones', rows: 3 }), { cls: 'full' }),
    h('div', { class: 'actions' }, h('button', { type: 'button', onclick: () => d.close() }, 'Cancelar'), submit));
  const d = dialog('Nuevo lead', f);
  f.addEventListener('submit', (e) => {
    e.preventDefault();
    const v = values(f);
    const local = {};
    if (!v.nombre_completo) local.nombre_completo = 'Ingrese el nombre.';
    if (!v.genero) local.genero = 'Seleccione el género.';
    if (!v.medio_contacto) local.medio_contacto = 'Seleccione el canal.';
    if (!v.intereses.length) local.intereses = 'Elija al menos un programa.';
    if (Object.keys(local).length) return showErrors(f, null, local);
    busy(submit, async () => {
      try {
        const lead = await pb.collection('leads').create(v);
        d.close();
        toast('Lead registrado.');
        ctx.navigate(`/leads/${lead.id}`);
      } catch (err) {
        showErrors(f, err);
      }
    });
  });
}
