// SGUL staff portal: hash router, menu by permissions, session handling. Each screen is a
// module under js/screens/ exporting `render(root, ctx)`.
import { pb, can, isStaff, me, refreshAuth } from './js/api.js';
import { h, clear, notice } from './js/ui.js';
import { forget } from './js/catalog.js';

// [path pattern, screen module, permissions (any of), menu label]
const ROUTES = [
  ['/dashboard', 'dashboard', ['dashboard'], 'Tablero'],
  ['/leads', 'leads', ['leads', 'crear_lead'], 'Leads'],
  ['/leads/:id', 'lead', ['leads', 'crear_lead']],
  ['/leads/:id/convertir', 'convertir', ['matriculas']],
  ['/matriculas', 'matriculas', ['matriculas', 'pagos', 'finanzas'], 'Matrículas'],
  ['/matriculas/:id', 'matricula', ['matriculas', 'pagos', 'finanzas']],
  ['/vouchers', 'vouchers', ['pagos'], 'Vouchers'],
  ['/finanzas', 'finanzas', ['finanzas'], 'Finanzas'],
  ['/academico', 'academico', ['notas', 'asistencias'], 'Notas y asistencias'],
  ['/reportes', 'reportes', ['reportes'], 'Reportes'],
  ['/campanas', 'campanas', ['campanas', 'notificaciones'], 'Campañas'],
  ['/empleados', 'empleados', ['empleados', 'nuevo_empleado'], 'Empleados'],
  ['/planillas', 'planillas', ['planillas'], 'Planillas'],
  ['/documentos', 'documentos', ['documentacion'], 'Documentos'],
];

// Pages opened from the auth e-mails (staff and students alike): public, no session needed.
const PUBLIC = { '/restablecer': 'restablecer', '/verificar': 'verificar', '/confirmar-correo': 'confirmar-correo' };

const main = document.getElementById('main');
const nav = document.getElementById('nav');
const who = document.getElementById('who');
const toggle = document.querySelector('.menu-toggle');

let cleanups = [];
let generation = 0;

function match(path) {
  const parts = path.split('/').filter(Boolean);
  for (const [pattern, mod, perms] of ROUTES) {
    const pp = pattern.split('/').filter(Boolean);
    if (pp.length !== parts.length) continue;
    const params = {};
    if (pp.every((p, i) => (p.startsWith(':') ? ((params[p.slice(1)] = decodeURIComponent(parts[i])), true) : p === parts[i]))) {
      return { mod, perms, params };
    }
  }
  return null;
}

const allowedMenu = () => ROUTES.filter((r) => r[3] && can(...r[2]));

export function navigate(path) {
  location.hash = '#' + path;
}

function renderChrome(path, bare = false) {
  const signedIn = !bare && isStaff();
  nav.hidden = !signedIn;
  toggle.hidden = !signedIn;
  clear(nav);
  clear(who);
  if (!signedIn) return;
  for (const [p, , , label] of allowedMenu()) {
    const active = path === p || path.startsWith(p + '/');
    nav.append(h('a', { href: '#' + p, class: active ? 'active' : null, 'aria-current': active ? 'page' : null }, label));
  }
  nav.append(h('a', { href: '/_/', class: 'muted small', target: '_blank', rel: 'noopener', hidden: !can('roles') }, 'Panel de administración'));
  const user = me();
  who.append(h('span', { class: 'name' }, user.nombre || user.email),
    h('span', { class: 'role' }, user.expand?.rol?.nombre ?? ''),
    h('button', { type: 'button', class: 'small', onclick: logout }, 'Salir'));
}

function logout() {
  pb.realtime.unsubscribe().catch(() => {});
  pb.authStore.clear();
  forget();
  navigate('/login');
}

async function route() {
  const gen = ++generation;
  for (const fn of cleanups.splice(0)) {
    try { fn(); } catch { /* a screen's cleanup must not break navigation */ }
  }
  document.querySelectorAll('dialog').forEach((d) => d.close()); // dialogs belong to the screen left
  nav.classList.remove('open');
  toggle.setAttribute('aria-expanded', 'false');
  const path = (location.hash.replace(/^#/, '') || '/').split('?')[0];
  const query = new URLSearchParams(location.hash.split('?')[1] ?? '');

  if (Object.hasOwn(PUBLIC, path)) {
    renderChrome(path, true);
    return load(PUBLIC[path], {}, query, gen);
  }
  if (path === '/login' || !isStaff()) {
    if (path !== '/login') return navigate('/login');
    renderChrome(path);
    return load('login', {}, query, gen);
  }
  if (path === '/' || path === '') {
    const first = allowedMenu()[0];
    if (first) return navigate(first[0]);
    renderChrome(path);
    return clear(main, h('h1', {}, 'Bienvenido'), notice('Su rol no tiene pantallas asignadas en el portal. Consulte con el administrador.', 'warn'));
  }
  renderChrome(path);
  const m = match(path);
  if (!m) return clear(main, h('h1', {}, 'Página no encontrada'), h('p', {}, h('a', { href: '#/' }, 'Volver al inicio')));
  if (!can(...m.perms)) return clear(main, h('h1', {}, 'Sin acceso'), notice('Su rol no permite ver esta pantalla.', 'warn'));
  return load(m.mod, m.params, query, gen);
}

async function load(mod, params, query, gen) {
  const root = h('div', { class: 'screen', dataset: { screen: mod } });
  clear(main, root);
  const ctx = {
    params,
    query,
    navigate,
    alive: () => gen === generation,
    cleanup: (fn) => (gen === generation ? cleanups.push(fn) : fn()),
  };
  try {
    const screen = await import(`./js/screens/${mod}.js`);
    if (!ctx.alive()) return;
    await screen.render(root, ctx);
  } catch (err) {
    if (!ctx.alive()) return;
    console.warn(err);
    clear(root, notice(`No se pudo mostrar la pantalla: ${err?.response?.message || err?.message || err}`, 'error'));
  }
}

toggle.addEventListener('click', () => {
  const open = nav.classList.toggle('open');
  toggle.setAttribute('aria-expanded', String(open));
});

// A token that expired or was revoked sends the user back to sign in.
pb.afterSend = (response, data) => {
  if (response.status === 401 && isStaff() && !response.url.includes('/auth-with-password')) {
    pb.authStore.clear();
    navigate('/login');
  }
  return data;
};

async function boot() {
  if (pb.authStore.isValid && isStaff()) {
    try {
      await refreshAuth();
    } catch {
      pb.authStore.clear();
    }
  } else if (pb.authStore.token) {
    pb.authStore.clear(); // students and superusers do not use this portal
  }
  window.addEventListener('hashchange', route);
  route();
}

boot();
