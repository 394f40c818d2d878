// Empleados (RRHH): search, filters, live list, create and edit (fields of the empleados
// collection). Pay and bank data are visible only with empleados/planillas in the sede; the
// server derives the hourly wage and the default pension rate when they are left empty.
import { pb, can, mySedes, q, live, money, day, parseMoney, apiError } from '../api.js';
import { h, clear, field, select, input, form, showErrors, busy, table, pager, badge, dialog, debounce, toast, notice, filters } from '../ui.js';
import * as cat from '../catalog.js';

const PER_PAGE = 20;
export const CONTRATOS = ['Indefinido', 'A plazo fijo', 'Por obra o servicio', 'A tiempo parcial', 'Otro'];
const REGIMENES = ['ONP', 'AFP'];
// The server's default rates (hr.TasaPensionDefecto), applied by the server to a new
// employee sent without a rate; here to follow a change of régimen while editing.
const TASA_DEFECTO = { ONP: '13', AFP: '10' };

/** "Quispe Mamani, Ana" */
export const nombreEmpleado = (e) => (e ? [e.apellidos, e.nombres].filter(Boolean).join(', ') : '');

export async function render(root, ctx) {
  const sedes = mySedes();
  const canList = can('empleados', 'planillas');
  const canCreate = can('empleados', 'nuevo_empleado');
  const canEdit = can('empleados');
  const state = { page: 1 };
  const search = input('q', { type: 'search', placeholder: 'Nombre, DNI o cargo', 'aria-label': 'Buscar' });
  const fEstado = select('activo', [{ value: 'true', label: 'Activos' }, { value: 'false', label: 'Inactivos' }], { placeholder: 'Todos', value: 'true' });
  const fSede = select('sede', cat.options(sedes), { placeholder: 'Todas' });
  const list = h('div', { 'aria-live': 'polite' });
  const openForm = (emp) => openEmpleado(emp, sedes, reload);

  const reload = async () => {
    if (!canList) return;
    const conds = [];
    const text = search.value.trim();
    if (text) conds.push(`(nombres ~ ${q(text)} || apellidos ~ ${q(text)} || dni ~ ${q(text)} || cargo ~ ${q(text)})`);
    if (fEstado.value) conds.push(`activo = ${fEstado.value === 'true'}`);
    if (fSede.value) conds.push(`sede = ${q(fSede.value)}`);
    try {
      const res = await pb.collection('empleados').getList(state.page, PER_PAGE, { filter: conds.join(' && '), sort: 'apellidos,nombres', expand: 'sede,usuario' });
      if (!ctx.alive()) return;
      if (res.totalPages && state.page > res.totalPages) {
        state.page = res.totalPages;
        return reload();
      }
      clear(list, table([
        { label: 'Empleado', render: (r) => (canEdit ? h('a', { href: '#/empleados', onclick: (e) => { e.preventDefault(); openForm(r); } }, nombreEmpleado(r)) : nombreEmpleado(r)) },
        { label: 'DNI', render: (r) => r.dni || '—' },
        { label: 'Cargo', render: (r) => r.cargo },
        { phone: false, label: 'Sede', render: (r) => r.expand?.sede?.nombre ?? '—' },
        { phone: false, label: 'Contrato', render: (r) => r.tipo_contrato || '—' },
        { phone: false, label: 'Ingreso', render: (r) => day(r.fecha_ingreso) || '—' },
        { label: 'Sueldo básico', cls: 'num', render: (r) => ('sueldo_basico' in r ? money(r.sueldo_basico) : '—') },
        { label: 'Estado', render: (r) => badge(r.activo ? 'Activo' : 'Inactivo') },
        canEdit && { label: '', render: (r) => h('button', { type: 'button', class: 'small', onclick: () => openForm(r) }, 'Editar') },
      ].filter(Boolean), res.items, { onRowClick: canEdit ? openForm : null, empty: 'No hay empleados con estos filtros.' }),
      pager(res, (p) => { state.page = p; reload(); }));
    } catch (err) {
      clear(list, notice(apiError(err).message, 'error'));
    }
  };
  const refilter = () => { state.page = 1; reload(); };
  search.addEventListener('input', debounce(refilter, 350));
  for (const s of [fEstado, fSede]) s.addEventListener('change', refilter);

  clear(root,
    h('div', { class: 'head' }, h('h1', {}, 'Empleados'), canList && h('span', { class: 'live' }, 'en vivo'),
      canCreate && h('button', { type: 'button', class: 'primary', onclick: () => openForm(null) }, '+ Nuevo empleado')),
    canList
      ? h('div', { class: 'toolbar' }, field('Buscar', search, { cls: 'grow' }), filters(field('Estado', fEstado), sedes.length > 1 && field('Sede', fSede)))
      : notice('Su rol permite registrar empleados, pero no consultar la lista ni sus sueldos.'),
    list);
  if (!sedes.length) root.append(notice('No tiene sedes asignadas: no puede registrar ni ver empleados. Consulte con el administrador.', 'warn'));
  await reload();
  if (canList) live(ctx, 'empleados', reload);
}

/** Percent text ("13", "12.5") -> rate (0.125), computed from whole basis points. */
export function parseTasa(text) {
  const s = String(text ?? '').trim().replace(',', '.').replace(/\s*%$/, '');
  if (s === '') return { value: null };
  if (!/^\d{1,3}(\.\d{1,2})?$/.test(s)) return { error: 'Ingrese un porcentaje con hasta 2 decimales, por ejemplo 13 o 12.5.' };
  const [ent, dec = ''] = s.split('.');
  const bp = Number(ent) * 100 + Number(dec.padEnd(2, '0'));
  if (bp > 10000) return { error: 'La tasa no puede superar 100 %.' };
  return { value: bp / 10000 };
}

const tasaText = (rate) => (rate == null ? '' : String(Math.round(rate * 10000) / 100));
const moneyText = (v) => (v == null ? '' : Number(v).toFixed(2));
const dateText = (s) => (s ? String(s).slice(0, 10) : '');

function openEmpleado(emp, sedes, reload) {
  const isNew = !emp;
  const v = emp ?? { activo: true, regimen_pension: 'ONP', sede: sedes[0]?.id ?? '' };
  const showPay = isNew || 'sueldo_basico' in v;
  // the linked user stays selected even when the staff list (active users) lacks it
  const usuarioSel = select('usuario', v.usuario ? [{ value: v.usuario, label: v.expand?.usuario?.nombre ?? 'Usuario vinculado' }] : [], { placeholder: 'Sin usuario', value: v.usuario ?? '' });
  cat.staff().then((users) => {
    const current = usuarioSel.value;
    for (const u of users) if (u.id !== v.usuario) usuarioSel.append(h('option', { value: u.id }, `${u.nombre || u.email} (${u.email})`));
    const linked = users.find((u) => u.id === v.usuario);
    if (linked) usuarioSel.querySelector(`option[value="${CSS.escape(linked.id)}"]`).textContent = `${linked.nombre || linked.email} (${linked.email})`;
    usuarioSel.value = current;
  }).catch(() => {});
  const regimen = select('regimen_pension', REGIMENES, { value: v.regimen_pension, required: true });
  const tasa = input('tasa_pension', { inputmode: 'decimal', value: isNew ? '' : tasaText(v.tasa_pension), autocomplete: 'off' });
  const activo = h('input', { type: 'checkbox', name: 'activo', checked: v.activo !== false });
  let prevRegimen = regimen.value;
  regimen.addEventListener('change', () => {
    if (tasa.value.trim() === TASA_DEFECTO[prevRegimen]) tasa.value = TASA_DEFECTO[regimen.value] ?? '';
    prevRegimen = regimen.value;
  });
  const section = (title) => h('h3', { class: 'full', style: 'margin:.4rem 0 0' }, title);
  const submit = h('button', { type: 'submit', class: 'primary' }, isNew ? 'Registrar empleado' : 'Guardar cambios');
  const f = form({ 'aria-label': isNew ? 'Nuevo empleado' : 'Editar empleado' },
    section('Datos personales'),
    field('Nombres', input('nombres', { maxlength: 100, value: v.nombres ?? '', autocomplete: 'off' })),
    field('Apellidos', input('apellidos', { maxlength: 100, value: v.apellidos ?? '', autocomplete: 'off' })),
    field('DNI o carné de extranjería', input('dni', { maxlength: 12, inputmode: 'numeric', value: v.dni ?? '', autocomplete: 'off' }), { hint: 'DNI: 8 dígitos.' }),
    field('Fecha de nacimiento', input('fecha_nacimiento', { type: 'date', value: dateText(v.fecha_nacimiento) })),
    field('Celular o teléfono', input('telefono', { inputmode: 'tel', maxlength: 20, value: v.telefono ?? '', placeholder: '9XXXXXXXX' })),
    field('Correo', input('email', { type: 'email', value: v.email ?? '' })),
    field('Dirección', input('direccion', { maxlength: 255, value: v.direccion ?? '' }), { cls: 'full' }),
    section('Puesto'),
    field('Cargo', input('cargo', { maxlength: 100, value: v.cargo ?? '', placeholder: 'Docente, asesor, secretaria…' })),
    field('Sede', select('sede', cat.options(sedes), { value: v.sede ?? '', placeholder: sedes.length ? null : 'Sin sedes' })),
    field('Fecha de ingreso', input('fecha_ingreso', { type: 'date', value: dateText(v.fecha_ingreso) })),
    field('Tipo de contrato', select('tipo_contrato', CONTRATOS, { value: v.tipo_contrato ?? '', placeholder: 'Seleccione' })),
    field('Usuario del portal', usuarioSel, { hint: 'Opcional: su cuenta de SGUL, para que vea sus planillas y suba documentos.' }),
    h('label', { class: 'check', style: 'align-self:end' }, activo, 'Empleado activo (entra en las planillas)'),
    section(showPay ? 'Remuneración y pensión' : 'Pensión'),
    field('Régimen de pensión', regimen),
    field('Tasa de pensión (%)', tasa, { hint: `Vacío: ${TASA_DEFECTO.ONP} % ONP, ${TASA_DEFECTO.AFP} % AFP (aporte al fondo; agregue a mano la prima y la comisión de la AFP).` }),
    showPay && field('Sueldo básico (S/)', input('sueldo_basico', { inputmode: 'decimal', value: moneyText(v.sueldo_basico), autocomplete: 'off' })),
    showPay && field('Horas de contrato al mes', input('horas_contrato', { inputmode: 'decimal', value: v.horas_contrato ? String(v.horas_contrato) : '', autocomplete: 'off' }), { hint: 'Vacío o 0: 240 horas.' }),
    showPay && field('Sueldo por hora (S/)', input('sueldo_por_hora', { inputmode: 'decimal', value: isNew ? '' : moneyText(v.sueldo_por_hora), autocomplete: 'off' }), { hint: 'Vacío: se calcula del básico y las horas.' }),
    showPay && section('Datos bancarios'),
    showPay && field('Banco', input('banco', { maxlength: 100, value: v.banco ?? '' })),
    showPay && field('Número de cuenta', input('cuenta_bancaria', { maxlength: 30, inputmode: 'numeric', value: v.cuenta_bancaria ?? '' })),
    showPay && field('CCI', input('cci', { maxlength: 20, inputmode: 'numeric', value: v.cci ?? '' }), { hint: '20 dígitos.', cls: 'full' }),
    h('div', { class: 'actions' }, h('button', { type: 'button', onclick: () => d.close() }, 'Cancelar'), submit));
  const d = dialog(isNew ? 'Nuevo empleado' : `Editar: ${nombreEmpleado(emp)}`, f);
  f.elements.nombres.focus();

  f.addEventListener('submit', () => {
    const el = f.elements;
    const val = (name) => (el[name] ? el[name].value.trim() : undefined);
    const local = {};
    const data = {};
    for (const k of ['nombres', 'apellidos', 'dni', 'telefono', 'email', 'direccion', 'cargo', 'sede', 'tipo_contrato', 'usuario', 'regimen_pension', 'banco', 'cuenta_bancaria', 'cci']) {
      if (el[k]) data[k] = val(k);
    }
    data.activo = activo.checked;
    if (!data.nombres) local.nombres = 'Ingrese los nombres.';
    if (!data.apellidos) local.apellidos = 'Ingrese los apellidos.';
    if (!data.cargo) local.cargo = 'Ingrese el cargo.';
    if (!data.sede) local.sede = 'Seleccione la sede.';
    if (!data.regimen_pension) local.regimen_pension = 'Seleccione el régimen de pensión.';
    if (data.dni && !/^[0-9]{8}$|^[A-Za-z0-9]{9,12}$/.test(data.dni)) local.dni = 'El DNI tiene 8 dígitos; el carné de extranjería, de 9 a 12 letras o números.';
    if (data.telefono && !/^(\+51)?9[0-9]{8}$|^0?[1-9][0-9]{5,7}$/.test(data.telefono.replace(/[\s-]/g, ''))) local.telefono = 'Ingrese un celular de 9 dígitos (9XXXXXXXX) o un teléfono fijo.';
    else if (data.telefono) data.telefono = data.telefono.replace(/[\s-]/g, '');
    if (data.email && !/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(data.email)) local.email = 'Ingrese un correo válido.';
    if (data.cuenta_bancaria && !/^[0-9-]{6,30}$/.test(data.cuenta_bancaria)) local.cuenta_bancaria = 'Use solo números y guiones (6 a 30).';
    if (data.cci && !/^[0-9]{20}$/.test(data.cci)) local.cci = 'El CCI tiene 20 dígitos.';
    for (const k of ['fecha_nacimiento', 'fecha_ingreso']) data[k] = val(k) ? `${val(k)} 00:00:00.000Z` : '';
    if (el.sueldo_basico) {
      const m = val('sueldo_basico') === '' ? { value: 0 } : parseMoney(val('sueldo_basico'), { allowZero: true });
      if (m.error) local.sueldo_basico = m.error;
      else data.sueldo_basico = m.value;
      const ph = val('sueldo_por_hora') === '' ? { value: 0 } : parseMoney(val('sueldo_por_hora'), { allowZero: true });
      if (ph.error) local.sueldo_por_hora = ph.error;
      else if (ph.value || !isNew) data.sueldo_por_hora = ph.value; // 0: derived by the server
      const horas = val('horas_contrato').replace(',', '.');
      if (horas === '') data.horas_contrato = 0;
      else if (!/^\d{1,3}(\.\d{1,2})?$/.test(horas) || Number(horas) > 744 || (Number(horas) > 0 && Number(horas) < 1)) local.horas_contrato = 'Ingrese 0 (se usan 240 h) o entre 1 y 744 horas, con hasta 2 decimales.';
      else data.horas_contrato = Number(horas);
    }
    const t = parseTasa(tasa.value || (isNew ? '' : TASA_DEFECTO[data.regimen_pension]));
    if (t.error) local.tasa_pension = t.error;
    else if (t.value != null) data.tasa_pension = t.value; // a new employee without rate: the server's default
    if (Object.keys(local).length) return showErrors(f, null, local);
    busy(submit, async () => {
      try {
        if (isNew) await pb.collection('empleados').create(data);
        else await pb.collection('empleados').update(emp.id, data);
        d.close();
        toast(isNew ? `Empleado ${data.nombres} ${data.apellidos} registrado.` : 'Empleado actualizado.');
        reload();
      } catch (err) {
        showErrors(f, err);
      }
    });
  });
}
