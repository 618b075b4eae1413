import type { Role } from './jwt';

export type NavIcon = 'review' | 'patients' | 'compliance' | 'analytics' | 'settings';

export interface NavItem {
  href: string;
  label: string;
  icon: NavIcon;
  roles: Role[];
}

const clinical: Role[] = ['owner', 'doctor', 'staff'];

/**
 * What each role is shown: only pages that work (no placeholders; billing, finance, platform admin and messaging
 * add their entries with their pages). Hiding is a courtesy: the API refuses every call a role may not make
 * (e.g. staff inviting staff answers 403), whatever the screen shows.
 */
export const navItems: NavItem[] = [
  { href: '/review/', label: 'Review queue', icon: 'review', roles: clinical },
  { href: '/patients/', label: 'Patients', icon: 'patients', roles: clinical },
  { href: '/compliance/', label: 'Compliance', icon: 'compliance', roles: clinical },
  { href: '/analytics/', label: 'Analytics', icon: 'analytics', roles: clinical },
  { href: '/settings/', label: 'Settings', icon: 'settings', roles: ['owner'] },
];

/** Pages outside the nav that still need a role check, by path prefix. */
const extraAccess: { prefix: string; roles: Role[] }[] = [{ prefix: '/welcome/', roles: ['owner'] }];

export function navFor(role: Role | null): NavItem[] {
  return role ? navItems.filter((item) => item.roles.includes(role)) : [];
}

function withSlash(path: string): string {
  return path.endsWith('/') ? path : `${path}/`;
}

/** The most specific rule whose prefix matches decides; paths no rule names are open to every dashboard role. */
export function canOpen(pathname: string, role: Role | null): boolean {
  if (!role) return false;
  const path = withSlash(pathname);
  const rules = [...navItems.map((i) => ({ prefix: i.href, roles: i.roles })), ...extraAccess]
    .filter((rule) => path.startsWith(rule.prefix))
    .sort((a, b) => b.prefix.length - a.prefix.length);
  return rules.length === 0 || rules[0].roles.includes(role);
}

/** The roles the dashboard has screens for; the signed-in layout tells every other role where it works instead. */
export const dashboardRoles: Role[] = clinical;

/**
 * Where a role starts after sign-in. Today every dashboard role starts on Patients, and a role without screens
 * lands there too and meets the layout's notice; the role stays a parameter for the roles whose pages come later.
 */
export function homeFor(_role: Role | null): string {
  return '/patients/';
}

export const roleLabels: Record<Role, string> = {
  owner: 'Practice owner',
  doctor: 'Doctor',
  staff: 'Staff',
  patient: 'Patient',
  finance: 'Finance',
  platform_admin: 'Platform admin',
};

/** `next` must be a path on this site: anything else (`//evil`, `https://…`) falls back to the role's home. */
export function safeNext(next: string | null | undefined): string | null {
  if (!next || !next.startsWith('/') || next.startsWith('//') || next.startsWith('/\\')) return null;
  if (next.startsWith('/signin') || next.startsWith('/signup')) return null;
  return next;
}
