// Notas y asistencias: the grade list is live. A grade saved elsewhere (here: through the JS
// SDK, as another teacher's tab would) updates its row in place; the subscription ends when
// the grades tab or the screen is left. Same conventions as portal.test.mjs (helpers.mjs).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { launch, assertNoConsoleErrors, shot, go, signIn, signOut, sdkAs, subscribed, unsubscribed, topics } from './helpers.mjs';

let browser;
let page;

before(async () => {
  browser = await launch();
  page = browser.page;
});

after(async () => {
  await browser?.close();
});

test('a grade saved elsewhere updates its row in place; leaving unsubscribes', async () => {
  await signIn(page, 'docente');
  await go(page, '/academico');
  const rows = page.locator('[data-screen="academico"] tbody tr');
  await rows.first().waitFor();
  const programa = await page.locator('select[name=programa]').inputValue();
  const malla = await page.locator('select[name=malla]').inputValue();
  const tipo = await page.locator('select[name=tipo]').inputValue();
  await subscribed(page, 'notas');

  // the same teacher in another place grades two students of the class shown
  const pb = await sdkAs('docente');
  const mats = await pb.collection('matriculas').getFullList({ filter: `programa = "${programa}" && estado = "Activo"`, expand: 'alumno' });
  assert.ok(mats.length >= 2, 'the class has at least two students');
  const [a, b] = mats;
  const existing = async (m) => pb.collection('notas').getFirstListItem(`matricula = "${m.id}" && malla = "${malla}" && tipo = "${tipo}"`).catch(() => null);
  const save = async (m, nota) => {
    const n = await existing(m);
    return n ? pb.collection('notas').update(n.id, { nota }) : pb.collection('notas').create({ matricula: m.id, malla, tipo, nota });
  };
  const rowOf = (m) => rows.filter({ hasText: `DNI ${m.expand.alumno.dni}` });

  // row a: not being edited here, so the number and the estado both follow
  const prev = await existing(a);
  const notaA = prev && prev.nota >= 14 ? 9.5 : 17;
  const estadoA = notaA >= 14 ? 'Aprobado' : 'Muy Bajo';
  await save(a, notaA);
  await rowOf(a).locator('[data-part="estado-nota"] .badge', { hasText: estadoA }).waitFor({ timeout: 10000 });
  assert.equal(await rowOf(a).getByRole('spinbutton').inputValue(), String(notaA));

  // row b: the teacher is typing here; his number stays, the estado shows what was saved
  await rowOf(b).getByRole('spinbutton').fill('12');
  await save(b, 18);
  await rowOf(b).locator('[data-part="estado-nota"] .badge', { hasText: 'Aprobado' }).waitFor({ timeout: 10000 });
  assert.equal(await rowOf(b).getByRole('spinbutton').inputValue(), '12');
  await rowOf(b).locator('[data-part="nota-remota"]', { hasText: 'Se guardó 18 en otro lugar' }).waitFor();
  await shot(page, '18-notas-en-vivo');

  // another tab of the screen stops its subscription; coming back starts it again
  await page.getByRole('tab', { name: 'Asistencia' }).click();
  await page.getByRole('button', { name: 'Guardar asistencia' }).waitFor();
  await unsubscribed(page, 'notas');
  await page.getByRole('tab', { name: 'Notas' }).click();
  await rowOf(a).waitFor();
  assert.equal(await rowOf(b).getByRole('spinbutton').inputValue(), '18', 'a fresh list shows the saved grade');
  assert.equal((await topics(page, 'notas')).length, 1);

  // leaving the screen unsubscribes
  await page.goto(page.url().replace(/#.*/, '#/leads'));
  await page.getByRole('heading', { name: 'Sin acceso' }).waitFor();
  await unsubscribed(page, 'notas');
  await signOut(page);
  assertNoConsoleErrors();
});
