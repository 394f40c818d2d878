// Conversion of a lead into a matrícula: POST /api/matriculas/ (JSON, or multipart with the
// DNI/partida files), one Idempotency-Key per opening of the form, schedule "vista previa".
import { pb, mySedes, money, day, todayLima, uuid, apiError } from '../api.js';
import { h, clear, field, select, input, form, showErrors, busy, notice, table, toast, values } from '../ui.js';
import * as cat from '../catalog.js';

export async function render(root, ctx) {
  const [lead, programas, modalidades] = await Promise.all([
    pb.collection('leads').getOne(ctx.params.id, { expand: 'intereses,sede' }).catch((err) => ({ error: err })),
    cat.programas(), cat.modalidades(),
  ]);
  if (lead.error) return clear(root, h('h1', {}, 'Convertir lead'), notice(apiError(lead.error).message, 'error'));
  if (lead.estado_lead === 'Convertido') {
    return clear(root, h('h1', {}, 'Convertir lead'), notice('Este lead ya fue convertido en matrícula.', 'warn'),
      h('a', { class: 'btn', href: `#/leads/${lead.id}` }, '‹ Volver al lead'));
  }
  const idemKey = uuid(); // one per opening: a double click or a retry creates one matrícula
  const sedesMias = mySedes();
  const progById = cat.byId(programas);
  const modById = cat.byId(modalidades);
  const interes = new Set(lead.intereses ?? []);

  const progSel = h('select', { name: 'programa', required: true },
    h('option', { value: '' }, 'Seleccione'),
    h('optgroup', { label: 'Interés del lead' }, programas.filter((p) => interes.has(p.id)).map(progOption)),
    h('optgroup', { label: 'Otros programas' }, programas.filter((p) => !interes.has(p.id)).map(progOption)));
  progSel.value = programas.find((p) => interes.has(p.id))?.id ?? '';
  const modSel = select('modalidad', cat.options(modalidades), { placeholder: 'Seleccione', required: true });
  const sedeSel = select('sede', [], {});
  const email = input('email', { type: 'email', required: true, value: lead.email ?? '', autocomplete: 'off' });
  const dni = input('dni', { inputmode: 'numeric', maxlength: 8, pattern: '[0-9]{8}', required: true, autocomplete: 'off' });
  const tel = input('telefono', { inputmode: 'tel', value: /^(\+51)?9\d{8}$/.test(lead.telefono ?? '') ? lead.telefono : '', placeholder: '9XXXXXXXX' });
  const preview = h('div');

  const refresh = () => {
    const prog = progById[progSel.value];
    const mod = modById[modSel.value];
    // The matrícula's sede must be the modality's or the program's, and one of the user's.
    const allowed = [mod?.sede, prog?.sede].filter(Boolean);
    const opts = sedesMias.filter((s) => !prog || !mod || allowed.includes(s.id));
    const keep = sedeSel.value;
    clear(sedeSel, opts.map((s) => h('option', { value: s.id }, s.nombre)));
    sedeSel.value = [keep, lead.sede, prog?.sede, mod?.sede].find((id) => id && opts.some((s) => s.id === id)) ?? opts[0]?.id ?? '';
    clear(preview, renderPreview(prog, mod));
  };
  progSel.addEventListener('change', refresh);
  modSel.addEventListener('change', refresh);
  // a sensible default modality: the one whose income goes to the lead's sede
  modSel.value = modalidades.find((m) => m.sede === lead.sede)?.id ?? '';

  const submit = h('button', { type: 'submit', class: 'primary' }, 'Registrar matrícula');
  const f = form({ 'aria-label': 'Conversión a matrícula' },
    field('Programa', progSel, { cls: 'full' }),
    field('Modalidad', modSel),
    field('Sede de la matrícula', sedeSel, { hint: 'La del programa o la de la modalidad.' }),
    field('DNI del alumno', dni, { hint: '8 dígitos.' }),
    field('Correo del alumno', email, { hint: 'Recibirá un correo para crear su contraseña.' }),
    field('Celular', tel),
    field('Copia del DNI (opcional)', input('archivo_dni', { type: 'file', accept: 'application/pdf,image/jpeg,image/png' })),
    field('Partida de nacimiento (opcional)', input('archivo_partida', { type: 'file', accept: 'application/pdf,image/jpeg,image/png' })),
    field('Observación', h('textarea', { name: 'observacion', rows: 2, maxlength: 5000 }), { cls: 'full' }),
    h('div', { class: 'actions' }, h('a', { class: 'btn', href: `#/leads/${lead.id}` }, 'Cancelar'), submit));

  f.addEventListener('submit', (e) => {
    e.preventDefault();
    const v = values(f);
    const local = {};
    if (!v.programa) local.programa = 'Seleccione el programa.';
    if (!v.modalidad) local.modalidad = 'Seleccione la modalidad.';
    if (!/^\d{8}$/.test(v.dni)) local.dni = 'El DNI debe tener 8 dígitos.';
    if (!/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(v.email)) local.email = 'Ingrese un correo válido.';
    if (v.telefono && !/^(\+51)?9\d{8}$/.test(v.telefono)) local.telefono = 'El celular debe tener 9 dígitos y empezar con 9.';
    if (Object.keys(local).length) return showErrors(f, null, local);
    busy(submit, async () => {
      const files = v.archivo_dni || v.archivo_partida;
      let body;
      if (files) {
        body = new FormData();
        for (const [k, val] of Object.entries({ ...v, lead: lead.id })) if (val) body.append(k, val);
      } else {
        body = { lead: lead.id, programa: v.programa, modalidad: v.modalidad, sede: v.sede, dni: v.dni, email: v.email, telefono: v.telefono, observacion: v.observacion };
      }
      try {
        const res = await pb.send('/api/matriculas/', { method: 'POST', body, headers: { 'Idempotency-Key': idemKey } });
        toast(res.reintento ? 'La matrícula ya estaba registrada.' : 'Matrícula registrada.');
        ctx.navigate(`/matriculas/${res.matricula.id}`);
      } catch (err) {
        showErrors(f, err);
      }
    });
  });

  clear(root,
    h('div', { class: 'head' }, h('h1', {}, `Convertir: ${lead.nombre_completo}`), h('a', { class: 'btn', href: `#/leads/${lead.id}` }, '‹ Lead')),
    h('div', { class: 'grid-2' }, h('div', { class: 'card' }, f), h('div', { class: 'card' }, preview)));
  refresh();
}

const progOption = (p) => h('option', { value: p.id }, `${p.nombre} · ${p.tipo}`);

/** The payment schedule the server will write, computed here only to show it. */
export function previewSchedule(prog, modalidadNombre, fecha = todayLima(), dueDay = 5) {
  if (prog.tipo === 'Curso') return [{ concepto: 'Pago Único', numero: 1, monto: prog.precio_curso_unico, vencimiento: fecha }];
  const virtual = modalidadNombre.normalize('NFD').replace(/[\u0300-\u036f]/g, '').toLowerCase().trim() === 'virtual';
  const pension = virtual ? prog.precio_pension_virtual : prog.precio_pension_presencial;
  const [y, m] = fecha.split('-').map(Number);
  const out = [{ concepto: 'Matrícula', numero: 1, monto: prog.precio_matricula, vencimiento: fecha }];
  for (let k = 1; k <= (prog.numero_pensiones || 0); k++) {
    out.push({ concepto: 'Pensión', numero: k, monto: pension, vencimiento: new Date(Date.UTC(y, m - 1 + k, dueDay)).toISOString().slice(0, 10) });
  }
  return out;
}

function renderPreview(prog, mod) {
  if (!prog || !mod) return [h('h2', {}, 'Cronograma'), h('p', { class: 'muted' }, 'Elija el programa y la modalidad para ver las cuotas.')];
  const cuotas = previewSchedule(prog, mod.nombre);
  const total = cuotas.reduce((s, c) => s + Math.round(c.monto * 100), 0) / 100;
  return [
    h('h2', {}, 'Cronograma ', h('span', { class: 'preview-label' }, 'vista previa')),
    h('p', { class: 'muted small' }, `${prog.nombre} · ${prog.tipo} · ${mod.nombre}. El servidor genera las cuotas definitivas al registrar.`),
    table([
      { label: 'Concepto', render: (c) => (c.concepto === 'Pensión' ? `Pensión ${c.numero}` : c.concepto) },
      { label: 'Vence', render: (c) => day(c.vencimiento) },
      { label: 'Monto', cls: 'num', render: (c) => money(c.monto) },
    ], cuotas, { foot: h('tr', {}, h('td', { colspan: 2 }, `Total (${cuotas.length} cuotas)`), h('td', { class: 'num' }, money(total))) }),
  ];
}
