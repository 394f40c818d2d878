// The portal's pure helpers (money parsing, the schedule "vista previa", API error shape),
// imported straight from pb_public/ (plain ES modules, no build step). No browser needed.
import { test } from 'node:test';
import assert from 'node:assert/strict';

globalThis.location ??= { origin: 'http://127.0.0.1:8090' };
const { parseMoney, apiError, isMissing, money, day, uuid } = await import('../../pb_public/js/api.js');
const { previewSchedule } = await import('../../pb_public/js/screens/convertir.js');

test('parseMoney accepts soles with at most 2 decimals and never rounds silently', () => {
  assert.deepEqual(parseMoney('150.5'), { value: 150.5 });
  assert.deepEqual(parseMoney('150'), { value: 150 });
  assert.deepEqual(parseMoney(' S/ 20.10 '), { value: 20.1 });
  assert.deepEqual(parseMoney('1,234.50'), { value: 1234.5 });
  assert.deepEqual(parseMoney('150,50'), { value: 150.5 });
  assert.match(parseMoney('150.555').error, /2 decimales/);
  assert.match(parseMoney('').error, /Ingrese/);
  assert.match(parseMoney('0').error, /mayor que cero/);
  assert.match(parseMoney('-5').error, /negativo/);
  assert.match(parseMoney('1e3').error, /número/);
  assert.match(parseMoney('abc').error, /número/);
  assert.deepEqual(parseMoney('-5', { allowNegative: true }), { value: -5 });
});

test('money and dates are shown the Peruvian way', () => {
  assert.match(money(1234.5), /^S\/\s1,234\.50$/);
  assert.match(day('2026-12-05 00:00:00.000Z'), /5 dic/); // a plain date never shifts a day
  assert.match(uuid(), /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
});

test('the schedule preview follows the server rules', () => {
  const carrera = { tipo: 'Carrera Técnica', numero_pensiones: 3, precio_matricula: 100, precio_pension_virtual: 150, precio_pension_presencial: 250, precio_curso_unico: 0 };
  assert.deepEqual(previewSchedule(carrera, 'Virtual', '2026-01-31'), [
    { concepto: 'Matrícula', numero: 1, monto: 100, vencimiento: '2026-01-31' },
    { concepto: 'Pensión', numero: 1, monto: 150, vencimiento: '2026-02-05' },
    { concepto: 'Pensión', numero: 2, monto: 150, vencimiento: '2026-03-05' },
    { concepto: 'Pensión', numero: 3, monto: 150, vencimiento: '2026-04-05' },
  ]);
  assert.equal(previewSchedule(carrera, 'Semipresencial', '2026-11-20')[1].monto, 250);
  assert.equal(previewSchedule(carrera, 'Presencial', '2026-12-20')[1].vencimiento, '2027-01-05');
  const curso = { tipo: 'Curso', numero_pensiones: 1, precio_curso_unico: 150 };
  assert.deepEqual(previewSchedule(curso, 'Presencial', '2026-05-10'), [{ concepto: 'Pago Único', numero: 1, monto: 150, vencimiento: '2026-05-10' }]);
});

test('API errors keep the per-field Spanish messages, nested ones included', () => {
  const err = { status: 400, response: { status: 400, message: 'Revise la asistencia enviada.', data: {
    fecha: { code: 'fecha_futura', message: 'La fecha de la clase no puede ser futura.' },
    items: { 2: { matricula: { code: 'matricula_inactiva', message: 'La matrícula no está en estado Activo.' } } },
  } } };
  assert.deepEqual(apiError(err), { status: 400, message: 'Revise la asistencia enviada.', fields: {
    fecha: 'La fecha de la clase no puede ser futura.', 'items.2.matricula': 'La matrícula no está en estado Activo.' } });
  assert.match(apiError({ status: 0, response: {} }).message, /conectar/);
  assert.equal(isMissing({ status: 404, response: { message: 'No se encontró el recurso solicitado.' } }), true);
  assert.equal(isMissing({ status: 404, response: { message: 'La matrícula no existe.' } }), false);
});
