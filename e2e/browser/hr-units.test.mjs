// The HR screens' pure helpers (payroll totals in céntimos, the pension rate typed as a
// percent), imported straight from pb_public/. No browser needed.
import { test } from 'node:test';
import assert from 'node:assert/strict';

globalThis.location ??= { origin: 'http://127.0.0.1:8090' };
const { totales, costoCents, cents } = await import('../../pb_public/js/screens/planillas.js');
const { parseTasa } = await import('../../pb_public/js/screens/empleados.js');

test('payroll totals are summed in whole céntimos and leave voided planillas out', () => {
  const p = (estado, bruta, pension, neto, empleador) => ({ estado, remuneracion_bruta: bruta, aporte_pension: pension, neto_pagado: neto, aporte_empleador: empleador });
  const rows = [
    p('Borrador', 0.1, 0.01, 0.09, 0.01),
    p('Pagada', 0.2, 0.02, 0.18, 0.02),
    p('Borrador', 1025.35, 133.3, 892.05, 92.28),
    p('Anulada', 999, 99, 900, 90),
  ];
  const t = totales(rows);
  assert.deepEqual(t, { bruta: 102565, pension: 13333, neto: 89232, empleador: 9231, costo: 111796, pendiente: 89214, pagado: 18 });
  assert.equal(costoCents(rows[2]), 111763);
  assert.equal(cents(1305), 130500);
  assert.equal(cents('1405.50'), 140550);
});

test('the pension rate is typed as a percent and sent as a rate with at most 4 decimals', () => {
  assert.deepEqual(parseTasa('13'), { value: 0.13 });
  assert.deepEqual(parseTasa('12.34'), { value: 0.1234 });
  assert.deepEqual(parseTasa('10,5 %'), { value: 0.105 });
  assert.deepEqual(parseTasa('0'), { value: 0 });
  assert.deepEqual(parseTasa(''), { value: null });
  assert.match(parseTasa('12.345').error, /2 decimales/);
  assert.match(parseTasa('101').error, /100 %/);
  assert.match(parseTasa('abc').error, /porcentaje/);
});
