// The HR screens of the staff portal (Empleados, Planillas, Documentos) as the demo RRHH user,
// the menu of a role without HR permissions, and "¿Olvidó su contraseña?" on the sign-in page.
// Same conventions as portal.test.mjs (see helpers.mjs); screenshots 20-29.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import {
  BASE, PHONE, DESKTOP, launch, expectingHttpError, assertNoConsoleErrors, shot, go, signIn, signOut, sdkAs, menu, subscribed, PNG,
} from './helpers.mjs';

let browser;
let page;

const run = Date.now().toString(36);
const emp = {
  nombres: 'Rosa Elena',
  apellidos: `Prueba Planilla ${run}`,
  dni: String(70000000 + Math.floor(Math.random() * 9999999)),
  cargo: 'Secretaria académica',
  sueldo: '1500.00',
};
const empName = `${emp.apellidos}, ${emp.nombres}`;

before(async () => {
  browser = await launch();
  page = browser.page;
});

after(async () => {
  await browser?.close();
});

test('ventas (no HR permission) sees no HR menu items and cannot open the HR screens', async () => {
  await signIn(page, 'ventas');
  const items = await menu(page);
  for (const hr of ['Empleados', 'Planillas', 'Documentos']) assert.ok(!items.includes(hr), `ventas menu: ${items}`);
  for (const route of ['/empleados', '/planillas', '/documentos']) {
    await page.goto(`${BASE}/#${route}`);
    await page.getByRole('heading', { name: 'Sin acceso' }).waitFor();
  }
  await signOut(page);
  assertNoConsoleErrors();
});

test('¿Olvidó su contraseña?: the same neutral answer for a registered and an unknown e-mail', async () => {
  await page.setViewportSize(PHONE);
  await page.goto(`${BASE}/#/login`);
  await page.getByLabel('Correo').fill('rrhh@demo.sgul.pe');
  await page.getByRole('button', { name: '¿Olvidó su contraseña?' }).click();
  const dlgForm = page.getByRole('form', { name: 'Restablecer contraseña' });
  await dlgForm.waitFor();
  // the e-mail typed to sign in is carried over
  assert.equal(await dlgForm.getByLabel('Correo de su cuenta').inputValue(), 'rrhh@demo.sgul.pe');
  await dlgForm.getByLabel('Correo de su cuenta').fill('no-es-correo');
  await dlgForm.getByRole('button', { name: 'Enviar enlace' }).click();
  await dlgForm.locator('[data-field="email"] .field-error', { hasText: 'correo' }).waitFor();
  await shot(page, '20-olvido-formulario', { fullPage: false });

  await dlgForm.getByLabel('Correo de su cuenta').fill('rrhh@demo.sgul.pe');
  await dlgForm.getByRole('button', { name: 'Enviar enlace' }).click();
  const sent = page.locator('.login .notice', { hasText: 'Si el correo está registrado, le enviamos un enlace' });
  await sent.waitFor();
  const registered = await sent.textContent();
  await shot(page, '21-olvido-enviado', { fullPage: false });
  const width = await page.evaluate(() => document.documentElement.scrollWidth);
  assert.ok(width <= PHONE.width, `no horizontal scroll (page is ${width}px wide)`);

  await page.getByRole('button', { name: 'Volver al inicio de sesión' }).click();
  await page.getByRole('button', { name: '¿Olvidó su contraseña?' }).click();
  await page.getByLabel('Correo de su cuenta').fill(`nadie.${run}@ejemplo.pe`);
  await page.getByRole('button', { name: 'Enviar enlace' }).click();
  await sent.waitFor();
  assert.equal(await sent.textContent(), registered, 'an unknown e-mail gets exactly the same answer');
  await page.getByRole('button', { name: 'Volver al inicio de sesión' }).click();
  await page.getByRole('button', { name: 'Ingresar' }).waitFor();
  await page.setViewportSize(DESKTOP);
  assertNoConsoleErrors();
});

test('rrhh registers an employee with errors shown next to the fields', async () => {
  await signIn(page, 'rrhh');
  assert.deepEqual(await menu(page), ['Empleados', 'Planillas', 'Documentos']);
  await go(page, '/empleados');
  await page.getByRole('heading', { name: 'Empleados' }).waitFor();
  await page.locator('[data-screen="empleados"] table').waitFor();
  await shot(page, '22-empleados');

  await page.getByRole('button', { name: '+ Nuevo empleado' }).click();
  let dlg = page.getByRole('dialog');
  // required fields are checked before sending
  await dlg.getByRole('button', { name: 'Registrar empleado' }).click();
  await dlg.locator('[data-field="nombres"] .field-error', { hasText: 'nombres' }).waitFor();
  await dlg.locator('[data-field="cargo"] .field-error', { hasText: 'cargo' }).waitFor();
  await dlg.getByLabel('Nombres').fill(emp.nombres);
  await dlg.getByLabel('Apellidos').fill(emp.apellidos);
  await dlg.getByLabel('DNI o carné de extranjería').fill(emp.dni);
  await dlg.getByLabel('Cargo').fill(emp.cargo);
  await dlg.getByLabel('Tipo de contrato').selectOption('Indefinido');
  await dlg.getByLabel('Sueldo básico (S/)').fill('1500.505');
  await dlg.getByRole('button', { name: 'Registrar empleado' }).click();
  await dlg.locator('[data-field="sueldo_basico"] .field-error', { hasText: '2 decimales' }).waitFor();
  await dlg.getByLabel('Sueldo básico (S/)').fill(emp.sueldo);
  await dlg.getByLabel('Régimen de pensión').selectOption('ONP');
  await shot(page, '23-empleado-nuevo');
  await dlg.getByRole('button', { name: 'Registrar empleado' }).click();
  await dlg.waitFor({ state: 'detached' });

  await page.getByLabel('Buscar').fill(emp.dni);
  const row = page.locator('[data-screen="empleados"] tbody tr', { hasText: empName });
  await row.waitFor();
  assert.match(await row.textContent(), /S\/\s1,500\.00/);
  await row.locator('.badge', { hasText: 'Activo' }).waitFor();

  // the server's answer goes under its field: the DNI belongs to the employee just created
  await page.getByRole('button', { name: '+ Nuevo empleado' }).click();
  dlg = page.getByRole('dialog');
  await dlg.getByLabel('Nombres').fill('Otro');
  await dlg.getByLabel('Apellidos').fill(`Duplicado ${run}`);
  await dlg.getByLabel('DNI o carné de extranjería').fill(emp.dni);
  await dlg.getByLabel('Cargo').fill('Asistente');
  await expectingHttpError(400, async () => {
    await dlg.getByRole('button', { name: 'Registrar empleado' }).click();
    await dlg.locator('[data-field="dni"] .field-error', { hasText: 'DNI' }).waitFor();
  });
  await shot(page, '24-empleado-dni-duplicado');
  await dlg.getByRole('button', { name: 'Cancelar' }).click();

  // editing: the tasa de pensión shows the server's default for ONP (13 %)
  await row.getByRole('button', { name: 'Editar' }).click();
  dlg = page.getByRole('dialog');
  assert.equal(await dlg.getByLabel('Tasa de pensión (%)').inputValue(), '13');
  await dlg.getByRole('button', { name: 'Cancelar' }).click();
  assertNoConsoleErrors();
});

test('rrhh generates the month\'s planillas, adjusts, pays and voids one, live in a second tab', async () => {
  await go(page, '/planillas');
  await page.getByRole('heading', { name: 'Planillas' }).waitFor();
  await page.locator('[data-part="planillas"] table').waitFor();
  // the current month (Lima) is the one shown
  const today = await page.evaluate(() => new Intl.DateTimeFormat('en-CA', { timeZone: 'America/Lima', year: 'numeric', month: '2-digit' }).format(new Date()));
  assert.equal(await page.getByLabel('Año').inputValue(), today.slice(0, 4));
  assert.equal(await page.getByLabel('Mes').inputValue(), String(Number(today.slice(5, 7))));

  await page.getByRole('button', { name: 'Generar planillas' }).click();
  await page.locator('.toast', { hasText: /\d+ nuevas?/ }).waitFor();
  const row = page.locator('[data-part="planillas"] tbody tr', { hasText: empName });
  await row.waitFor();
  await row.locator('.badge', { hasText: 'Borrador' }).waitFor();
  // 1,500.00 basic, ONP 13 %: neto 1,305.00
  assert.match(await row.textContent(), /S\/\s1,305\.00/);
  // generating again is idempotent
  await page.getByRole('button', { name: 'Generar planillas' }).click();
  await page.locator('.toast', { hasText: /0 nuevas/ }).waitFor();

  // the footer total is the sum of the rows in céntimos
  const totalOk = async () => {
    const netos = await page.locator('[data-part="planillas"] tbody tr:not(.muted) [data-neto]').evaluateAll((els) => els.map((e) => Number(e.dataset.neto)));
    const foot = await page.locator('[data-part="planillas"] tfoot td[data-label="Neto"]').textContent();
    const sum = netos.reduce((a, b) => a + b, 0);
    const want = new Intl.NumberFormat('es-PE', { style: 'currency', currency: 'PEN' }).format(sum / 100);
    assert.equal(foot.replace(/\s/g, ' '), want.replace(/\s/g, ' '));
  };
  await totalOk();

  // a bonus: the server recomputes the amounts (bruta 1,600.50, pensión on the basic only)
  await row.getByRole('button', { name: 'Editar' }).click();
  let dlg = page.getByRole('dialog');
  await dlg.getByLabel('Bonos (S/)').fill('100.50');
  await dlg.getByRole('button', { name: 'Guardar' }).click();
  await dlg.waitFor({ state: 'detached' });
  await page.waitForFunction((name) => [...document.querySelectorAll('[data-part="planillas"] tbody tr')]
    .some((tr) => tr.textContent.includes(name) && /1,405\.50/.test(tr.textContent)), empName);
  await totalOk();
  await shot(page, '25-planillas');

  // a second tab keeps the period open: it must follow the payment by itself
  const other = await browser.context.newPage();
  await go(other, '/planillas');
  const otherRow = other.locator('[data-part="planillas"] tbody tr', { hasText: empName });
  await otherRow.locator('.badge', { hasText: 'Borrador' }).waitFor();
  await subscribed(other, 'planillas');

  await row.getByRole('button', { name: 'Pagar' }).click();
  dlg = page.getByRole('dialog');
  await dlg.getByText('Neto a pagar').waitFor();
  await dlg.getByRole('button', { name: 'Confirmar pago' }).click();
  await dlg.waitFor({ state: 'detached' });
  await page.locator('.toast', { hasText: 'pagada' }).waitFor();
  await row.locator('.badge', { hasText: 'Pagada' }).waitFor();
  assert.equal(await row.getByRole('button', { name: 'Pagar' }).count(), 0, 'a paid planilla cannot be paid again');
  await otherRow.locator('.badge', { hasText: 'Pagada' }).waitFor({ timeout: 10000 });
  await shot(page, '26-planilla-pagada');
  await other.close();

  // voiding needs a reason, shown next to the field when missing
  await row.getByRole('button', { name: 'Anular' }).click();
  dlg = page.getByRole('dialog');
  await dlg.getByRole('button', { name: 'Anular planilla' }).click();
  await dlg.locator('[data-field="motivo"] .field-error', { hasText: 'motivo' }).waitFor();
  await dlg.getByLabel('Motivo de la anulación').fill('Prueba automática: bono registrado por error.');
  await dlg.getByRole('button', { name: 'Anular planilla' }).click();
  await dlg.waitFor({ state: 'detached' });
  await row.locator('.badge', { hasText: 'Anulada' }).waitFor();
  await totalOk();

  // at phone size the period is one card per planilla, without horizontal scroll
  await page.setViewportSize(PHONE);
  await page.evaluate(() => document.querySelectorAll('.toast').forEach((t) => t.remove()));
  await page.waitForTimeout(300); // the menu slides away
  await row.waitFor();
  const width = await page.evaluate(() => document.documentElement.scrollWidth);
  assert.ok(width <= PHONE.width, `no horizontal scroll (page is ${width}px wide)`);
  await shot(page, '28-planillas-telefono', { fullPage: false });
  await page.setViewportSize(DESKTOP);
  assertNoConsoleErrors();
});

test('rrhh reviews a document an employee uploaded (it appears live)', async () => {
  await go(page, '/documentos');
  await page.getByRole('heading', { name: 'Documentos de empleados' }).waitFor();
  await page.locator('[data-screen="documentos"] table').waitFor();
  await subscribed(page, 'documentos');

  // the analyst is also an employee: linked once (admin), he uploads a report with his account
  const admin = await sdkAs('admin');
  const analista = await admin.collection('users').getFirstListItem('email = "analista@demo.sgul.pe"');
  let empleado = await admin.collection('empleados').getFirstListItem(`usuario = "${analista.id}"`).catch(() => null);
  if (!empleado) {
    empleado = await admin.collection('empleados').create({
      usuario: analista.id, nombres: 'Alberto', apellidos: `Ccama ${run}`, cargo: 'Analista', regimen_pension: 'AFP',
      sede: analista.sedes[0], activo: true, sueldo_basico: 2000,
    });
  }
  const own = await sdkAs('analista');
  const titulo = `Informe mensual ${run}`;
  const body = new FormData();
  body.append('empleado', empleado.id);
  body.append('titulo', titulo);
  body.append('descripcion', 'Indicadores de matrícula del mes.');
  body.append('archivo', new Blob([PNG], { type: 'image/png' }), 'informe.png');
  await own.collection('documentos').create(body);

  const row = page.locator('[data-screen="documentos"] tbody tr', { hasText: titulo });
  await row.waitFor({ timeout: 10000 });
  await row.locator('.badge', { hasText: 'Sin reseña' }).waitFor();
  await page.getByLabel('Empleado').selectOption(empleado.id);
  await row.waitFor();
  await row.getByRole('button', { name: 'Reseñar' }).click();
  const dlg = page.getByRole('dialog');
  await dlg.getByRole('button', { name: 'Guardar reseña' }).click();
  await dlg.locator('[data-field="resena"] .field-error', { hasText: 'reseña' }).waitFor();
  await dlg.getByRole('textbox', { name: 'Reseña' }).fill('Completo y a tiempo. Aprobado.');
  await dlg.getByRole('button', { name: 'Guardar reseña' }).click();
  await dlg.waitFor({ state: 'detached' });
  await row.locator('.badge', { hasText: 'Reseñado' }).waitFor();
  await row.getByText('Rocío Huamán').waitFor(); // the reviewer, stamped by the server
  await shot(page, '27-documentos');
  await signOut(page);
  assertNoConsoleErrors();
});
