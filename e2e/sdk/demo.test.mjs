// The foundation's "done when", checked through the official PocketBase JS SDK against a
// server loaded with `sgul demo` (started by e2e/run.sh; SGUL_URL points at it).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import PocketBase from 'pocketbase';

const url = process.env.SGUL_URL ?? 'http://127.0.0.1:8090';
const password = 'demo12345';

test('ventas signs in and lists demo leads of its sedes', async () => {
  const pb = new PocketBase(url);
  await pb.collection('users').authWithPassword('ventas@demo.sgul.pe', password);
  const leads = await pb.collection('leads').getList(1, 20, { sort: '-fecha_ingreso' });
  assert.ok(leads.totalItems >= 100, `ventas sees ${leads.totalItems} leads`);
  assert.equal(leads.items.length, 20);
  // the customer's path answers the same
  const res = await fetch(`${url}/api/leads/?perPage=1`, { headers: { Authorization: pb.authStore.token } });
  assert.equal(res.status, 200);
  assert.equal((await res.json()).totalItems, leads.totalItems);
});

test('alumno sees only his own matrícula and pagos', async () => {
  const pb = new PocketBase(url);
  const auth = await pb.collection('alumnos').authWithPassword('alumno@demo.sgul.pe', password);
  const mats = await pb.collection('matriculas').getFullList();
  assert.ok(mats.length >= 1);
  for (const m of mats) assert.equal(m.alumno, auth.record.id);
  const ids = new Set(mats.map((m) => m.id));
  const pagos = await pb.collection('pagos').getFullList();
  assert.ok(pagos.length >= 1, 'the demo student has paid something');
  for (const p of pagos) assert.ok(ids.has(p.matricula), 'a pago of another student leaked');
  const cuotas = await pb.collection('cuotas').getFullList();
  for (const c of cuotas) assert.ok(ids.has(c.matricula), 'a cuota of another student leaked');
  await assert.rejects(pb.collection('leads').getList(1, 1).then((r) => { if (r.totalItems > 0) throw new Error('leak'); else throw new Error('empty'); }), /empty/);
});

test('an anonymous client gets no record from any collection', async () => {
  const pb = new PocketBase(url);
  const admin = new PocketBase(url);
  await admin.collection('_superusers').authWithPassword('admin@demo.sgul.pe', password);
  const collections = await admin.collections.getFullList();
  assert.ok(collections.length > 20);
  for (const c of collections) {
    if (c.type === 'view') continue;
    let items = [];
    try {
      items = (await pb.collection(c.name).getList(1, 5)).items;
    } catch (err) {
      assert.ok([401, 403, 404].includes(err.status), `${c.name}: unexpected ${err.status}`);
    }
    assert.equal(items.length, 0, `anonymous read ${c.name}`);
  }
});
