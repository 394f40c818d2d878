// Catalogues read once per session (they change rarely): programs, modalities, payment
// methods, contact channels, sedes and staff names.
import { pb } from './api.js';

const cache = new Map();

function cached(key, load) {
  if (!cache.has(key)) cache.set(key, load().catch((err) => { cache.delete(key); throw err; }));
  return cache.get(key);
}

export const programas = () => cached('programas', () => pb.collection('programas').getFullList({ sort: 'nombre', filter: 'activo = true' }));
export const modalidades = () => cached('modalidades', () => pb.collection('modalidades').getFullList({ sort: 'nombre' }));
export const mediosPago = () => cached('medios_pago', () => pb.collection('medios_pago').getFullList({ sort: 'nombre' }));
export const mediosContacto = () => cached('medios_contacto', () => pb.collection('medios_contacto').getFullList({ sort: 'nombre' }));
export const sedes = () => cached('sedes', () => pb.collection('sedes').getFullList({ sort: 'nombre' }));
export const staff = () => cached('staff', () => pb.collection('users').getFullList({ sort: 'nombre', filter: 'activo = true', fields: 'id,nombre,email,rol' }));

export const byId = (list) => Object.fromEntries(list.map((r) => [r.id, r]));
export const options = (list, label = 'nombre') => list.map((r) => ({ value: r.id, label: typeof label === 'function' ? label(r) : r[label] }));

export function forget() {
  cache.clear();
}
