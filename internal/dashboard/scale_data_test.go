package dashboard

// ScaleSQL (exported to the external tests only) inserts the performance issue's volume straight into the tables (hooks are
// not needed to measure reads): 100k leads, 20k matrículas, 600k cuotas, 500k pagos,
// split between the two sedes, with amounts that have céntimos.
var ScaleSQL = []string{
	`WITH RECURSIVE s(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM s WHERE n < 100000)
	 INSERT INTO leads (id, nombre_completo, genero, estado_lead, asesor, medio_contacto, sede, intereses, fecha_ingreso, created, updated)
	 SELECT printf('sl%013d', n), 'Lead ' || n, 'Otro', CASE WHEN n % 5 = 0 THEN 'Convertido' ELSE 'Pendiente' END,
	        CASE n % 3 WHEN 0 THEN {:v1} WHEN 1 THEN {:v2} ELSE {:v3} END, {:mc}, CASE n % 2 WHEN 0 THEN {:a} ELSE {:b} END, '[]',
	        strftime('%Y-%m-%d %H:%M:%S.000Z', 'now', '-' || (n % 730) || ' days'),
	        strftime('%Y-%m-%d %H:%M:%S.000Z', 'now'), strftime('%Y-%m-%d %H:%M:%S.000Z', 'now') FROM s`,
	`WITH RECURSIVE s(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM s WHERE n < 20000)
	 INSERT INTO matriculas (id, alumno, programa, modalidad, sede, estado, fecha_inscripcion)
	 SELECT printf('sm%013d', n), printf('sa%013d', n / 2), CASE n % 4 WHEN 0 THEN {:p2} ELSE {:p1} END, {:mod},
	        CASE n % 2 WHEN 0 THEN {:a} ELSE {:b} END, CASE WHEN n % 10 = 0 THEN 'Retirado' ELSE 'Activo' END,
	        strftime('%Y-%m-%d %H:%M:%S.000Z', 'now', '-' || (n % 700) || ' days') FROM s`,
	`WITH RECURSIVE s(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM s WHERE n < 600000)
	 INSERT INTO cuotas (id, matricula, concepto, numero, monto, pagado, estado, vencimiento)
	 SELECT printf('sc%013d', n), printf('sm%013d', (n - 1) / 30 + 1), 'Pensión', (n - 1) % 30 + 1, 150.5,
	        CASE WHEN n <= 500000 THEN 150.5 WHEN n % 3 = 0 THEN 20.25 ELSE 0 END,
	        CASE WHEN n <= 500000 THEN 'Pagada' WHEN n % 3 = 0 THEN 'Parcial' ELSE 'Pendiente' END,
	        date('now', '-' || (n % 900) || ' days') || ' 00:00:00.000Z' FROM s`,
	`WITH RECURSIVE s(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM s WHERE n < 500000)
	 INSERT INTO pagos (id, matricula, cuota, concepto, numero_cuota, monto, medio_pago, sede, estado, fecha_pago)
	 SELECT printf('sp%013d', n), printf('sm%013d', (n - 1) / 30 + 1), printf('sc%013d', n), CASE WHEN n % 7 = 0 THEN 'Matrícula' ELSE 'Pensión' END,
	        (n - 1) % 30 + 1, 100 + (n % 100) / 100.0, {:ef}, CASE ((n - 1) / 30 + 1) % 2 WHEN 0 THEN {:a} ELSE {:b} END,
	        CASE WHEN n % 50 = 0 THEN 'Anulado' ELSE 'Registrado' END,
	        strftime('%Y-%m-%d %H:%M:%S.000Z', 'now', '-' || (n % 800) || ' hours') FROM s`,
}
