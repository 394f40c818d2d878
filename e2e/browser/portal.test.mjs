// The staff portal (pb_public) driven in headless Debian chromium through playwright-core,
// against a server loaded with `sgul demo` (e2e/run-browser.sh starts one; SGUL_URL points
// at it). Screenshots of every main screen go to SGUL_TEST_OUTPUT (a CI artifact).
// Any console error or page error fails the test that caused it.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import PocketBase from 'pocketbase';
import {
  BASE, E2E, PASSWORD, DESKTOP, PHONE, PNG, cents, launch, expectingHttpError, assertNoConsoleErrors, shot, go, authSlot,
  signIn, signOut,
} from './helpers.mjs';

let browser;
let page;

// What the scenario creates, shared by the steps (node:test runs them in order).
const run = Date.now().toString(36);
const lead = {
  nombre: `Prueba Navegador ${run}`,
  telefono: `9${String(Date.now()).slice(-8)}`,
  email: `navegador.${run}@correo.pe`,
  dni: String(60000000 + Math.floor(Math.random() * 9999999)),
};
let matriculaUrl = '';

before(async () => {
  browser = await launch();
  page = browser.page;
});

after(async () => {
  await browser?.close();
});

/** The raw number behind a finanzas KPI (data-value). */
async function kpiValue(p, key) {
  return Number(await p.locator(`[data-kpi="${key}"]`).getAttribute('data-value'));
}

/** The demo student sends a voucher from the app (JS SDK), for his oldest open cuota. */
async function studentVoucher() {
  await authSlot();
  const pb = new PocketBase(BASE);
  const { record: alumno } = await pb.collection('alumnos').authWithPassword('alumno@demo.sgul.pe', PASSWORD);
  const [cuota] = await pb.collection('cuotas').getFullList({ filter: 'estado = "Pendiente" || estado = "Parcial"', sort: 'vencimiento' });
  assert.ok(cuota, 'the demo student owes a cuota');
  const yape = await pb.collection('medios_pago').getFirstListItem('nombre = "Yape"');
  const monto = Math.min(25, (cents(cuota.monto) - cents(cuota.pagado)) / 100);
  const body = new FormData();
  body.append('matricula', cuota.matricula);
  body.append('cuota', cuota.id);
  body.append('monto', String(monto));
  body.append('medio_pago', yape.id);
  body.append('fecha', new Date().toISOString());
  body.append('imagen', new Blob([PNG], { type: 'image/png' }), 'yape.png');
  const voucher = await pb.collection('vouchers').create(body);
  return { id: voucher.id, alumno: alumno.nombre_completo, monto };
}

test('the vendored SDK is the pinned npm package', () => {
  const vendored = readFileSync(path.join(E2E, '../pb_public/vendor/pocketbase.es.mjs'));
  const pinned = readFileSync(path.join(E2E, 'node_modules/pocketbase/dist/pocketbase.es.mjs'));
  assert.ok(vendored.equals(pinned), 'copy e2e/node_modules/pocketbase/dist/pocketbase.es.mjs to pb_public/vendor/');
});

test('sign-in screen', async () => {
  await page.goto(`${BASE}/`);
  await page.getByRole('heading', { name: 'Portal del personal' }).waitFor();
  await shot(page, '01-login');
  assertNoConsoleErrors();
});

test('ventas creates a lead, opens it and converts it into a matrícula', async () => {
  await signIn(page, 'ventas');
  // the menu shows only what the Ventas role may use
  const menu = await page.locator('#nav a').allTextContents();
  assert.ok(menu.includes('Leads') && menu.includes('Matrículas'), `menu: ${menu}`);
  assert.ok(!menu.includes('Finanzas') && !menu.includes('Campañas'), `menu: ${menu}`);

  await go(page, '/leads');
  await page.locator('table tbody tr').first().waitFor();
  await shot(page, '02-leads');

  await page.getByRole('button', { name: '+ Nuevo lead' }).click();
  const dlg = page.getByRole('dialog');
  await dlg.getByLabel('Nombre completo').fill(lead.nombre);
  await dlg.getByLabel('Celular o teléfono').fill(lead.telefono);
  await dlg.getByLabel('Correo').fill(lead.email);
  await dlg.getByLabel('Género').selectOption('Femenino');
  await dlg.getByLabel('Canal de contacto').selectOption({ label: 'Facebook' });
  const firstProgram = await dlg.locator('select[name=intereses] option').first().getAttribute('value');
  await dlg.locator('select[name=intereses]').selectOption(firstProgram);
  await dlg.getByRole('button', { name: 'Guardar lead' }).click();

  // the detail page of the new lead, with its first state
  await page.getByRole('heading', { name: lead.nombre }).waitFor();
  await page.locator('.head .badge', { hasText: 'Pendiente' }).waitFor();
  await page.getByRole('combobox', { name: 'Estado' }).selectOption('Atendido');
  await page.getByRole('button', { name: 'Guardar cambios' }).click();
  await page.locator('.head .badge', { hasText: 'Atendido' }).waitFor();
  // the state change is logged as an interaction, live
  await page.locator('ul.timeline li', { hasText: 'Pendiente → Atendido' }).waitFor();
  await page.getByRole('combobox', { name: 'Tipo' }).selectOption('Llamada');
  await page.getByLabel('Resultado').fill('Interesada en el programa; pide el cronograma.');
  await page.getByRole('button', { name: 'Registrar', exact: true }).click();
  await page.locator('ul.timeline li', { hasText: 'pide el cronograma' }).waitFor();
  await shot(page, '03-lead-detalle');

  await page.getByRole('link', { name: 'Convertir' }).click();
  await page.getByText('vista previa').waitFor();
  assert.ok(await page.locator('.preview-label').isVisible());
  assert.ok((await page.locator('.screen table tbody tr').count()) >= 1, 'the schedule preview lists cuotas');
  // client-side checks answer next to the field before anything is sent
  await page.getByLabel('DNI del alumno').fill('123');
  await page.getByRole('button', { name: 'Registrar matrícula' }).click();
  await page.locator('[data-field="dni"] .field-error', { hasText: '8 dígitos' }).waitFor();
  await page.getByLabel('DNI del alumno').fill(lead.dni);
  // the server's answer is shown under its field: this e-mail belongs to another student
  await expectingHttpError(400, async () => {
    await page.getByLabel('Correo del alumno').fill('alumno@demo.sgul.pe');
    await page.getByRole('button', { name: 'Registrar matrícula' }).click();
    await page.locator('[data-field="email"] .field-error', { hasText: 'registrado' }).waitFor();
  });
  await page.locator('.form-error', { hasText: 'Datos inválidos' }).waitFor();
  await shot(page, '04-conversion-error');
  await page.getByLabel('Correo del alumno').fill(lead.email);
  await shot(page, '04-conversion');
  await page.getByRole('button', { name: 'Registrar matrícula' }).click();

  await page.waitForURL(/#\/matriculas\/[a-z0-9]+$/);
  matriculaUrl = page.url();
  await page.getByRole('heading', { name: lead.nombre }).waitFor();
  await page.locator('[data-part="estado-cuenta"] tbody tr').first().waitFor();
  await shot(page, '05-matricula');
  assertNoConsoleErrors();
});

test('leads at phone size: one column and a hamburger menu', async () => {
  await page.setViewportSize(PHONE);
  await go(page, '/leads');
  await page.locator('table tbody tr').first().waitFor();
  const toggle = page.getByRole('button', { name: 'Abrir menú' });
  assert.ok(await toggle.isVisible(), 'hamburger visible at 390px');
  assert.ok(!(await page.locator('#nav').isVisible()) || !(await page.locator('#nav').boundingBox()) || (await page.locator('#nav').boundingBox()).x < 0, 'menu hidden until opened');
  const width = await page.evaluate(() => document.documentElement.scrollWidth);
  assert.ok(width <= PHONE.width, `no horizontal scroll (page is ${width}px wide)`);
  await shot(page, '06-leads-telefono', { fullPage: false });
  await toggle.click();
  await page.locator('#nav.open').waitFor();
  await page.waitForTimeout(300); // slide-in transition
  await shot(page, '07-menu-telefono', { fullPage: false });
  await page.locator('#nav a', { hasText: 'Matrículas' }).click();
  await page.locator('[data-screen="matriculas"]').waitFor();
  await page.setViewportSize(DESKTOP);
  await signOut(page);
  assertNoConsoleErrors();
});

test('finanzas registers and voids a payment and sees the balance follow, live', async () => {
  await signIn(page, 'finanzas');
  const menu = await page.locator('#nav a:visible').allTextContents();
  assert.deepEqual(menu, ['Tablero', 'Matrículas', 'Vouchers', 'Finanzas', 'Reportes']);
  await go(page, '/finanzas');
  await page.locator('[data-kpi="ingresos"]').waitFor();
  await shot(page, '08-finanzas');
  const before = { ingresos: await kpiValue(page, 'ingresos'), gastos: await kpiValue(page, 'gastos'), balance: await kpiValue(page, 'balance') };

  // a second tab keeps the balance open: it must update by itself (realtime)
  const balanceTab = await browser.context.newPage();
  await go(balanceTab, '/finanzas');
  await balanceTab.locator('[data-kpi="ingresos"]').waitFor();

  assert.ok(matriculaUrl, 'the conversion step produced a matrícula');
  await page.goto(matriculaUrl);
  await page.getByRole('heading', { name: lead.nombre }).waitFor();
  await page.getByRole('button', { name: 'Registrar pago' }).first().click();
  const dlg = page.getByRole('dialog');
  // three decimals are refused before sending
  await dlg.getByLabel('Monto (S/)').fill('10.505');
  await dlg.getByRole('button', { name: 'Registrar pago' }).click();
  await dlg.locator('[data-field="monto"] .field-error', { hasText: '2 decimales' }).waitFor();
  const amount = 40.5;
  await dlg.getByLabel('Monto (S/)').fill('40.50');
  await dlg.getByLabel('Medio de pago').selectOption({ label: 'Efectivo' });
  await dlg.getByRole('button', { name: 'Registrar pago' }).click();
  await dlg.waitFor({ state: 'detached' });
  const pagoRow = page.locator('[data-part="pagos"] tbody tr', { hasText: /S\/\s40\.50/ });
  await pagoRow.waitFor();
  await pagoRow.locator('.badge', { hasText: 'Registrado' }).waitFor();
  await page.locator('[data-part="estado-cuenta"] .kpi', { hasText: 'Pagado' }).filter({ hasText: /S\/\s40\.50/ }).waitFor();
  await shot(page, '09-matricula-pago');

  // the open balance tab moved by exactly the amount, without a reload
  await balanceTab.waitForFunction((want) => Number(document.querySelector('[data-kpi="ingresos"]')?.dataset.value) === want,
    (cents(before.ingresos) + cents(amount)) / 100, { timeout: 10000 });
  assert.equal(cents(await kpiValue(balanceTab, 'balance')), cents(before.balance) + cents(amount));
  assert.equal(cents(await kpiValue(balanceTab, 'gastos')), cents(before.gastos));
  await shot(balanceTab, '10-finanzas-tras-pago');

  await pagoRow.getByRole('button', { name: 'Anular' }).click();
  const voidDlg = page.getByRole('dialog');
  await voidDlg.getByRole('button', { name: 'Anular pago' }).click();
  await voidDlg.locator('[data-field="motivo"] .field-error').filter({ hasText: 'motivo' }).waitFor();
  await voidDlg.getByLabel('Motivo de la anulación').fill('Prueba automática: pago registrado por error.');
  await voidDlg.getByRole('button', { name: 'Anular pago' }).click();
  await voidDlg.waitFor({ state: 'detached' });
  await pagoRow.locator('.badge', { hasText: 'Anulado' }).waitFor();

  await balanceTab.waitForFunction((want) => Number(document.querySelector('[data-kpi="ingresos"]')?.dataset.value) === want,
    before.ingresos, { timeout: 10000 });
  assert.equal(cents(await kpiValue(balanceTab, 'balance')), cents(before.balance));
  await balanceTab.close();

  // Yape needs the photo of the voucher: sent as multipart, then opened with a file token
  await page.getByRole('button', { name: 'Registrar pago' }).first().click();
  const yapeDlg = page.getByRole('dialog');
  await yapeDlg.getByLabel('Monto (S/)').fill('10');
  await yapeDlg.getByLabel('Medio de pago').selectOption({ label: 'Yape' });
  await yapeDlg.getByRole('button', { name: 'Registrar pago' }).click();
  await yapeDlg.locator('[data-field="comprobante"] .field-error', { hasText: 'comprobante' }).waitFor();
  await yapeDlg.getByLabel('Comprobante (voucher)').setInputFiles({ name: 'yape.png', mimeType: 'image/png', buffer: PNG });
  await yapeDlg.getByRole('button', { name: 'Registrar pago' }).click();
  await yapeDlg.waitFor({ state: 'detached' });
  const yapeRow = page.locator('[data-part="pagos"] tbody tr', { hasText: 'Yape' });
  const [photo] = await Promise.all([browser.context.waitForEvent('page'), yapeRow.getByRole('button', { name: 'Ver' }).click()]);
  await photo.waitForURL(/\/api\/files\/.+\?token=/);
  await photo.close();

  // a fresh load of the balance page agrees
  await go(page, '/finanzas');
  await page.locator('[data-kpi="ingresos"]').waitFor();
  assert.equal(cents(await kpiValue(page, 'ingresos')), cents(before.ingresos) + 1000);

  await go(page, '/dashboard');
  await page.locator('.kpi').first().waitFor();
  await page.locator('.chart svg').first().waitFor();
  await shot(page, '11-dashboard');

  // a report is requested, generated in the background and offered for download, live
  await go(page, '/reportes');
  await page.getByRole('button', { name: 'Solicitar reporte' }).click();
  const report = page.locator('[data-screen="reportes"] tbody tr', { hasText: 'Balance por sede' }).first();
  await report.waitFor();
  await report.getByRole('button', { name: 'Descargar' }).waitFor({ timeout: 60000 });
  await shot(page, '12-reportes');
  const download = page.waitForEvent('download');
  await report.getByRole('button', { name: 'Descargar' }).click();
  assert.match((await download).suggestedFilename(), /\.xlsx$/);

  // a voucher sent from the student's app appears live and is approved here
  await go(page, '/vouchers');
  await page.locator('[data-screen="vouchers"] table').waitFor();
  const voucher = await studentVoucher();
  const vrow = page.locator('[data-screen="vouchers"] tbody tr', { hasText: voucher.alumno });
  await vrow.waitFor();
  await shot(page, '13-vouchers');
  await vrow.getByRole('button', { name: 'Aprobar' }).click();
  await vrow.waitFor({ state: 'detached' });
  await page.getByLabel('Estado').selectOption('Aprobado');
  await page.locator('[data-screen="vouchers"] tbody tr', { hasText: voucher.alumno }).locator('.badge', { hasText: 'Aprobado' }).first().waitFor();
  await signOut(page);
  assertNoConsoleErrors();
});

test('docente grades a class and takes attendance', async () => {
  await signIn(page, 'docente');
  const menu = await page.locator('#nav a:visible').allTextContents();
  assert.deepEqual(menu, ['Notas y asistencias']);
  await go(page, '/academico');
  const rows = page.locator('[data-screen="academico"] tbody tr');
  await rows.first().waitFor();
  // a grade with 3 decimals is refused in its row; a valid one is saved and graded
  const nota = rows.first().getByRole('spinbutton');
  await nota.fill('15.555');
  await page.getByRole('button', { name: 'Guardar notas' }).click();
  await rows.first().locator('.row-error', { hasText: '2 decimales' }).waitFor();
  await nota.fill('15.5');
  await page.getByRole('button', { name: 'Guardar notas' }).click();
  await rows.first().locator('.badge', { hasText: 'Aprobado' }).waitFor();
  await shot(page, '14-notas');

  await page.getByRole('tab', { name: 'Asistencia' }).click();
  await page.getByRole('button', { name: 'Guardar asistencia' }).waitFor();
  await rows.first().waitFor();
  await rows.first().getByRole('checkbox').uncheck();
  await rows.first().getByPlaceholder('Justificación').fill('Cita médica');
  await page.getByRole('button', { name: 'Guardar asistencia' }).click();
  await page.locator('.toast', { hasText: 'Asistencia guardada' }).waitFor();
  await page.getByText('Ya hay asistencia registrada para esta fecha').waitFor();
  assert.equal(await rows.first().getByRole('checkbox').isChecked(), false);
  await shot(page, '15-asistencias');
  await signOut(page);
  assertNoConsoleErrors();
});

test('admin composes a campaign and sees its audience', async () => {
  await signIn(page, 'admin');
  await go(page, '/campanas');
  await page.locator('[data-part="audiencia"]', { hasText: /\d+ alumnos/ }).waitFor();
  const compose = page.getByRole('form', { name: 'Nueva campaña' });
  await compose.getByLabel('Asunto').fill(`Inicio de clases ${run}`);
  await compose.getByLabel('Mensaje').fill('Hola {{.Nombre}}: las clases empiezan el lunes.');
  await compose.getByRole('button', { name: 'Guardar borrador' }).click();
  await page.locator('[data-screen="campanas"] tbody tr', { hasText: `Inicio de clases ${run}` }).waitFor();
  await shot(page, '16-campanas');
  // an announcement to the students' app reaches the active students of the sedes
  const anuncio = page.getByRole('form', { name: 'Anuncio' });
  await anuncio.getByRole('button', { name: 'Publicar anuncio' }).click();
  await anuncio.locator('[data-field="titulo"] .field-error', { hasText: 'título' }).waitFor();
  await anuncio.getByLabel('Título').fill('Feriado');
  await anuncio.getByLabel('Mensaje').fill('El lunes no hay clases por feriado.');
  await anuncio.getByRole('button', { name: 'Publicar anuncio' }).click();
  await page.locator('.toast', { hasText: /Anuncio enviado a \d+ alumnos/ }).waitFor();
  await signOut(page);
  assertNoConsoleErrors();
});

test('restablecer: the reset e-mail\'s public page, at phone size', async () => {
  await page.setViewportSize(PHONE);
  await page.goto(`${BASE}/#/restablecer?token=a.b.c&c=_superusers`); // only users and alumnos
  await page.getByRole('heading', { name: 'Enlace no válido' }).waitFor();
  await go(page, '/restablecer?token=eyJhbGciOiJIUzI1NiJ9.e30.firma-invalida&c=users');
  await page.getByRole('heading', { name: 'Elija su nueva contraseña' }).waitFor();
  assert.ok(!(await page.locator('#nav').isVisible()), 'no staff menu on a public page');
  const save = page.getByRole('button', { name: 'Guardar contraseña' });
  await page.getByLabel('Nueva contraseña', { exact: true }).fill('corta');
  await save.click();
  await page.locator('[data-field="password"] .field-error', { hasText: 'al menos 8' }).waitFor();
  await page.getByLabel('Nueva contraseña', { exact: true }).fill('ClaveNueva2026');
  await page.getByLabel('Repita la contraseña').fill('ClaveNueva2027');
  await save.click();
  await page.locator('[data-field="passwordConfirm"] .field-error', { hasText: 'no coinciden' }).waitFor();
  await shot(page, '17-restablecer-telefono', { fullPage: false });
  await page.getByLabel('Repita la contraseña').fill('ClaveNueva2026');
  await expectingHttpError(400, async () => { // the token is refused: the page offers a new link
    await save.click();
    await page.getByRole('heading', { name: 'Enlace vencido' }).waitFor();
  });
  assert.ok(await page.getByRole('button', { name: 'Enviarme un nuevo enlace' }).isVisible());
  const width = await page.evaluate(() => document.documentElement.scrollWidth);
  assert.ok(width <= PHONE.width, `no horizontal scroll (page is ${width}px wide)`);
  await page.setViewportSize(DESKTOP);
  assertNoConsoleErrors();
});
