// Lead detail: data, state change, interactions (live), "Convertir".
import { pb, can, q, live, dateTime, dateOf, apiError } from '../api.js';
import { h, clear, field, select, form, showErrors, busy, badge, notice, toast, values } from '../ui.js';
import * as cat from '../catalog.js';

const TIPOS = ['Llamada', 'WhatsApp', 'Email', 'Reunión', 'Visita', 'Observación', 'Otro'];
const MOVABLE = ['Pendiente', 'Atendido', 'No Atendido'];

export async function render(root, ctx) {
  const id = ctx.params.id;
  const asesores = await cat.staff();
  const header = h('div');
  const timeline = h('ul', { class: 'timeline' });
  const matriculaBox = h('div');

  const loadLead = async () => {
    let lead;
    try {
      lead = await pb.collection('leads').getOne(id, { expand: 'asesor,medio_contacto,sede,intereses,distrito' });
    } catch (err) {
      clear(root, h('h1', {}, 'Lead'), notice(apiError(err).status === 404 ? 'El lead no existe o no pertenece a sus sedes.' : apiError(err).message, 'error'));
      return null;
    }
    if (!ctx.alive()) return null;
    clear(header, renderHeader(ctx, lead, asesores, loadLead));
    if (lead.estado_lead === 'Convertido') findMatricula(lead, matriculaBox);
    return lead;
  };
  const loadTimeline = async () => {
    try {
      const items = await pb.collection('interacciones').getFullList({ filter: `lead = ${q(id)}`, sort: '-fecha,-created', expand: 'usuario' });
      if (!ctx.alive()) return;
      clear(timeline, items.length ? items.map((i) => h('li', {},
        h('div', {}, badge(i.tipo, 'x'), ' ', h('span', { class: 'muted small' }, `${dateTime(i.fecha || i.created)} · ${i.expand?.usuario?.nombre ?? 'Sistema'}`)),
        h('div', {}, i.resultado))) : h('li', { class: 'muted' }, 'Sin interacciones todavía.'));
    } catch (err) {
      clear(timeline, h('li', { class: 'muted' }, apiError(err).message));
    }
  };

  const lead = await loadLead();
  if (!lead) return;
  clear(root, header, matriculaBox,
    h('h2', {}, 'Interacciones ', h('span', { class: 'live' }, 'en vivo')),
    can('leads') ? interactionForm(id) : null,
    h('div', { class: 'card' }, timeline));
  await loadTimeline();
  live(ctx, 'interacciones', (e) => e.record?.lead === id && loadTimeline());
  live(ctx, 'leads', (e) => e.record?.id === id && loadLead(), { topic: id });
}

function renderHeader(ctx, lead, asesores, reload) {
  const x = lead.expand ?? {};
  const converted = lead.estado_lead === 'Convertido';
  const estadoSel = select('estado_lead', MOVABLE, { value: lead.estado_lead });
  const asesorSel = select('asesor', cat.options(asesores), { value: lead.asesor });
  const save = h('button', { type: 'submit', class: 'small' }, 'Guardar cambios');
  const f = form({ 'aria-label': 'Estado del lead', class: 'form' },
    field('Estado', estadoSel), field('Asesor', asesorSel), h('div', { class: 'actions' }, save));
  f.addEventListener('submit', (e) => {
    e.preventDefault();
    busy(save, async () => {
      try {
        await pb.collection('leads').update(lead.id, values(f));
        toast('Lead actualizado.');
        reload();
      } catch (err) {
        showErrors(f, err);
      }
    });
  });
  return h('div', {},
    h('div', { class: 'head' },
      h('h1', {}, lead.nombre_completo), badge(lead.estado_lead),
      !converted && can('matriculas') && h('a', { class: 'btn primary', href: `#/leads/${lead.id}/convertir` }, 'Convertir'),
      h('a', { class: 'btn', href: '#/leads' }, '‹ Leads')),
    h('div', { class: 'grid-2' },
      h('div', { class: 'card' }, h('dl', { class: 'facts' },
        h('dt', {}, 'Teléfono'), h('dd', {}, lead.telefono || '—'),
        h('dt', {}, 'Correo'), h('dd', {}, lead.email || '—'),
        h('dt', {}, 'Género'), h('dd', {}, lead.genero),
        h('dt', {}, 'Estudios'), h('dd', {}, lead.nivel_estudios || '—'),
        h('dt', {}, 'Canal'), h('dd', {}, x.medio_contacto?.nombre ?? ''),
        h('dt', {}, 'Sede'), h('dd', {}, x.sede?.nombre ?? ''),
        h('dt', {}, 'Distrito'), h('dd', {}, x.distrito?.nombre ?? '—'),
        h('dt', {}, 'Interés'), h('dd', {}, (x.intereses ?? []).map((p) => `${p.nombre} (${p.tipo})`).join(', ')),
        h('dt', {}, 'Ingreso'), h('dd', {}, dateOf(lead.fecha_ingreso || lead.created)),
        h('dt', {}, 'Observaciones'), h('dd', {}, lead.observaciones ? stripTags(lead.observaciones) : '—'))),
      h('div', { class: 'card' }, converted || !can('leads')
        ? h('dl', { class: 'facts' }, h('dt', {}, 'Asesor'), h('dd', {}, x.asesor?.nombre ?? ''))
        : f)));
}

function interactionForm(leadId) {
  const tipo = select('tipo', TIPOS, { value: 'Llamada' });
  const resultado = h('textarea', { name: 'resultado', rows: 2, maxlength: 5000, placeholder: '¿Qué pasó? Próximo paso…' });
  const submit = h('button', { type: 'submit', class: 'primary' }, 'Registrar');
  const f = form({ 'aria-label': 'Nueva interacción', class: 'form card' },
    field('Tipo', tipo), field('Resultado', resultado, { cls: 'full' }), h('div', { class: 'actions' }, submit));
  f.addEventListener('submit', (e) => {
    e.preventDefault();
    if (!resultado.value.trim()) return showErrors(f, null, { resultado: 'Describa la interacción.' });
    busy(submit, async () => {
      try {
        await pb.collection('interacciones').create({ lead: leadId, tipo: tipo.value, resultado: resultado.value.trim(), fecha: new Date().toISOString() });
        resultado.value = '';
        showErrors(f, null);
        toast('Interacción registrada.');
      } catch (err) {
        showErrors(f, err);
      }
    });
  });
  return f;
}

async function findMatricula(lead, box) {
  try {
    // the alumno by its unique lead index, then his matrículas (filtering matrículas by
    // alumno.lead would read every matrícula: hooks/queryplan_test.go)
    const { items: [a] } = await pb.collection('alumnos').getList(1, 1, { filter: `lead = ${q(lead.id)}`, expand: 'matriculas_via_alumno.programa', skipTotal: true });
    const m = (a?.expand?.matriculas_via_alumno ?? []).sort((x, y) => (x.created < y.created ? 1 : -1))[0];
    if (!m) return clear(box);
    clear(box, notice(h('span', {}, 'Lead convertido: ', h('a', { href: `#/matriculas/${m.id}` }, `matrícula en ${m.expand?.programa?.nombre ?? 'el programa'}`), '.')));
  } catch {
    clear(box); // not visible to this role, or not found
  }
}

// observaciones is an editor field (HTML): show it as plain text.
function stripTags(html) {
  return new DOMParser().parseFromString(html, 'text/html').body.textContent ?? '';
}
