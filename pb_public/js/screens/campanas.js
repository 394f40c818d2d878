// Campañas: compose a mass e-mail (collection campanas), estimate the audience, schedule
// it and follow its progress live; announcements to the students' app (notificaciones).
import { pb, can, mySedes, q, live, dateTime, apiError, isMissing, UNAVAILABLE } from '../api.js';
import { h, clear, field, select, input, form, showErrors, busy, badge, notice, table, toast, values, debounce } from '../ui.js';
import * as cat from '../catalog.js';

const ESTADOS = {
  alumnos: ['Activo', 'Retirado', 'Egresado'],
  leads: ['Pendiente', 'Atendido', 'No Atendido', 'Convertido'],
};

export async function render(root, ctx) {
  const sedes = mySedes();
  const programas = await cat.programas();
  const list = h('div');
  const reload = async () => {
    try {
      const res = await pb.collection('campanas').getList(1, 30, { sort: '-created', expand: 'sede,programa,creado_por' });
      if (ctx.alive()) clear(list, renderList(res.items));
    } catch (err) {
      clear(list, notice(isMissing(err) ? `Campañas: ${UNAVAILABLE}` : apiError(err).message, isMissing(err) ? 'warn' : 'error'));
    }
  };
  clear(root,
    h('div', { class: 'head' }, h('h1', {}, 'Campañas'), h('span', { class: 'live' }, 'en vivo')),
    can('campanas') ? [h('h2', {}, 'Nueva campaña de correo'), composeForm(sedes, programas), h('h2', {}, 'Campañas'), list] : null,
    can('notificaciones') ? [h('h2', {}, 'Anuncio en la aplicación de alumnos'), anuncioForm(sedes, programas)] : null);
  if (!can('campanas')) return;
  await reload();
  live(ctx, 'campanas', reload, { wait: 150 });
}

function composeForm(sedes, programas) {
  const audiencia = select('audiencia', [{ value: 'alumnos', label: 'Alumnos' }, { value: 'leads', label: 'Leads' }], { value: 'alumnos' });
  const sede = select('sede', sedes.map((s) => ({ value: s.id, label: s.nombre })), { value: sedes[0]?.id ?? '' });
  const programa = select('programa', [], {});
  const estado = select('estado_destinatario', [], {});
  const size = h('strong', { dataset: { part: 'audiencia' } }, '…');
  const fill = () => {
    clear(programa, h('option', { value: '' }, 'Todos los programas'),
      programas.filter((p) => p.sede === sede.value || !sede.value).map((p) => h('option', { value: p.id }, p.nombre)));
    const keep = estado.value;
    clear(estado, h('option', { value: '' }, 'Todos'), ESTADOS[audiencia.value].map((e) => h('option', { value: e }, e)));
    estado.value = ESTADOS[audiencia.value].includes(keep) ? keep : (audiencia.value === 'alumnos' ? 'Activo' : '');
  };
  const count = debounce(async () => {
    size.textContent = '…';
    size.textContent = await audienceSize(audiencia.value, sede.value, programa.value, estado.value);
  }, 250);
  audiencia.addEventListener('change', () => { fill(); count(); });
  sede.addEventListener('change', () => { fill(); count(); });
  programa.addEventListener('change', count);
  estado.addEventListener('change', count);
  fill();
  count();

  const draft = h('button', { type: 'submit', value: 'Borrador' }, 'Guardar borrador');
  const send = h('button', { type: 'submit', value: 'Programada', class: 'primary' }, 'Programar envío');
  const f = form({ 'aria-label': 'Nueva campaña', class: 'form card' },
    field('Asunto', input('asunto', { maxlength: 255 }), { cls: 'full' }),
    field('Mensaje', h('textarea', { name: 'cuerpo', rows: 6 }), { cls: 'full', hint: 'Puede usar {{.Nombre}}, {{.Sede}} y {{.Email}}. Se agrega al pie el enlace para darse de baja.' }),
    field('Audiencia', audiencia), field('Sede', sede), field('Programa', programa), field('Estado', estado, { name: 'estado_destinatario' }),
    field('Enviar el', input('programada_para', { type: 'datetime-local' }), { hint: 'Hora de Lima. Vacío: lo antes posible.' }),
    h('div', { class: 'full' }, 'Destinatarios estimados: ', size, h('span', { class: 'muted small' }, ' (antes de excluir bajas y correos repetidos)')),
    h('div', { class: 'actions' }, draft, send));
  f.addEventListener('submit', (e) => {
    e.preventDefault();
    const estadoCampana = e.submitter?.value === 'Borrador' ? 'Borrador' : 'Programada';
    const v = values(f);
    const local = {};
    if (!v.asunto) local.asunto = 'Ingrese el asunto.';
    if (!v.cuerpo) local.cuerpo = 'Escriba el mensaje.';
    if (Object.keys(local).length) return showErrors(f, null, local);
    const data = { asunto: v.asunto, cuerpo: v.cuerpo, audiencia: v.audiencia, sede: v.sede, programa: v.programa, estado_destinatario: v.estado_destinatario, estado: estadoCampana };
    data.programada_para = v.programada_para ? limaToISO(v.programada_para) : ''; // empty: as soon as possible
    busy(e.submitter, async () => {
      try {
        await pb.collection('campanas').create(data);
        f.reset();
        fill();
        count();
        showErrors(f, null);
        toast(estadoCampana === 'Borrador' ? 'Borrador guardado.' : 'Campaña programada.');
      } catch (err) {
        showErrors(f, err);
      }
    });
  });
  return f;
}

/** Recipients estimate with the same filters the server uses. */
async function audienceSize(audiencia, sede, programa, estado) {
  try {
    if (audiencia === 'leads') {
      const f = [`email != ""`, `sede = ${q(sede)}`];
      if (programa) f.push(`intereses ?= ${q(programa)}`);
      if (estado) f.push(`estado_lead = ${q(estado)}`);
      const r = await pb.collection('leads').getList(1, 1, { filter: f.join(' && '), fields: 'id', skipTotal: false });
      return `${r.totalItems} leads`;
    }
    const f = [`sede = ${q(sede)}`];
    if (programa) f.push(`programa = ${q(programa)}`);
    if (estado) f.push(`estado = ${q(estado)}`);
    const r = await pb.collection('matriculas').getList(1, 1, { filter: f.join(' && '), fields: 'id' });
    if (r.totalItems > 3000) return `≈ ${r.totalItems} alumnos`;
    const all = await pb.collection('matriculas').getFullList({ filter: f.join(' && '), fields: 'alumno', batch: 1000 });
    return `${new Set(all.map((m) => m.alumno)).size} alumnos`;
  } catch {
    return 'no disponible';
  }
}

// "2026-12-01T09:30" typed in Lima (UTC-5 all year) -> ISO instant
const limaToISO = (local) => new Date(`${local}:00-05:00`).toISOString();

function renderList(items) {
  return table([
    { label: 'Asunto', render: (c) => c.asunto },
    { label: 'Audiencia', render: (c) => [c.audiencia === 'leads' ? 'Leads' : 'Alumnos', h('div', { class: 'small muted' }, [c.expand?.sede?.nombre, c.expand?.programa?.nombre, c.estado_destinatario].filter(Boolean).join(' · '))] },
    { label: 'Estado', render: (c) => [badge(c.estado), c.error ? h('div', { class: 'small', style: 'color:var(--danger)' }, c.error) : null] },
    { label: 'Progreso', render: progress },
    { label: 'Programada', render: (c) => dateTime(c.programada_para) || '—' },
    { label: '', render: actions },
  ], items, { empty: 'Todavía no hay campañas.' });
}

function progress(c) {
  const done = (c.enviados ?? 0) + (c.fallidos ?? 0) + (c.omitidos ?? 0);
  if (!c.total && c.estado !== 'Enviando' && c.estado !== 'Enviada') return h('span', { class: 'muted small' }, c.destinatarios_listos ? '0 destinatarios' : '—');
  const p = c.total ? Math.min(100, Math.round((done * 100) / c.total)) : 0;
  return h('div', { style: 'min-width:140px' },
    h('div', { class: 'progress', role: 'progressbar', 'aria-valuenow': p, 'aria-valuemin': 0, 'aria-valuemax': 100 }, h('span', { style: `width:${p}%` })),
    h('div', { class: 'small muted' }, `${c.enviados ?? 0} enviados · ${c.fallidos ?? 0} fallidos · ${c.omitidos ?? 0} omitidos de ${c.total ?? 0}`));
}

function actions(c) {
  const set = (estado, okText) => async (e) => {
    await busy(e.target, async () => {
      try {
        const data = { estado };
        await pb.collection('campanas').update(c.id, data);
        toast(okText);
      } catch (err) {
        toast(`${apiError(err).message} ${Object.values(apiError(err).fields).join(' ')}`, 'error');
      }
    });
  };
  return h('span', { class: 'nowrap' },
    c.estado === 'Borrador' ? h('button', { type: 'button', class: 'small primary', onclick: set('Programada', 'Campaña programada.') }, 'Enviar') : null, ' ',
    ['Borrador', 'Programada', 'Enviando'].includes(c.estado) ? h('button', { type: 'button', class: 'small danger', onclick: set('Cancelada', 'Campaña cancelada.') }, 'Cancelar') : null);
}

function anuncioForm(sedes, programas) {
  const submit = h('button', { type: 'submit', class: 'primary' }, 'Publicar anuncio');
  const f = form({ 'aria-label': 'Anuncio', class: 'form card' },
    field('Título', input('titulo', { maxlength: 200 }), { cls: 'full' }),
    field('Mensaje', h('textarea', { name: 'mensaje', rows: 3, maxlength: 2000 }), { cls: 'full' }),
    field('Sede', select('sede', sedes.map((s) => ({ value: s.id, label: s.nombre })), { placeholder: 'Todas mis sedes' }), { name: 'audiencia.sede' }),
    field('Programa', select('programa', cat.options(programas), { placeholder: 'Todos los programas' }), { name: 'audiencia.programa' }),
    field('Matrícula', select('estado', ESTADOS.alumnos, { value: 'Activo' }), { name: 'audiencia.estado' }),
    h('div', { class: 'actions' }, submit));
  f.addEventListener('submit', (e) => {
    e.preventDefault();
    const v = values(f);
    const local = {};
    if (!v.titulo) local.titulo = 'Ingrese el título.';
    if (!v.mensaje) local.mensaje = 'Escriba el mensaje.';
    if (Object.keys(local).length) return showErrors(f, null, local);
    const body = { titulo: v.titulo, mensaje: v.mensaje, audiencia: { sede: v.sede, programa: v.programa, estado: v.estado } };
    busy(submit, async () => {
      try {
        const res = await pb.send('/api/notificaciones/anuncio', { method: 'POST', body });
        f.reset();
        showErrors(f, null);
        toast(typeof res?.destinatarios === 'number' ? `Anuncio enviado a ${res.destinatarios} alumnos.` : 'Anuncio publicado.');
      } catch (err) {
        showErrors(f, isMissing(err) ? { response: { message: UNAVAILABLE }, status: 404 } : err);
      }
    });
  });
  return f;
}
