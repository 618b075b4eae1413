import type { Role } from './jwt';

export type NavIcon = 'review' | 'messages' | 'patients' | 'compliance' | 'analytics' | 'settings' | 'billing' | 'finance' | 'practices' | 'audit' | 'exports';

export interface NavItem {
  href: string;
  label: string;
  icon: NavIcon;
  roles: Role[];
}

const clinical: Role[] = ['owner', 'doctor', 'staff'];

/**
 * What each role is shown: only pages that work (no placeholders). Finance and
 * platform admins belong to no practice and never see a patient page. Hiding is a courtesy: the API refuses every call
 * a role may not make (e.g. staff inviting staff answers 403), whatever the screen shows.
 */
export const navItems: NavItem[] = [
  { href: '/review/', label: 'Review queue', icon: 'review', roles: clinical },
  { href: '/patients/', label: 'Patients', icon: 'patients', roles: clinical },
  { href: '/messages/', label: 'Messages', icon: 'messages', roles: clinical },
  { href: '/compliance/', label: 'Compliance', icon: 'compliance', roles: clinical },
  { href: '/analytics/', label: 'Analytics', icon: 'analytics', roles: clinical },
  { href: '/billing/', label: 'Billing', icon: 'billing', roles: ['owner'] },
  { href: '/settings/', label: 'Settings', icon: 'settings', roles: ['owner'] },
  { href: '/finance/', label: 'Finance', icon: 'finance', roles: ['finance'] },
  { href: '/admin/practices/', label: 'Practices', icon: 'practices', roles: ['platform_admin'] },
  { href: '/admin/billing/', label: 'Billing', icon: 'billing', roles: ['platform_admin'] },
  { href: '/admin/exports/', label: 'Exports', icon: 'exports', roles: ['platform_admin'] },
  { href: '/admin/audit/', label: 'Audit', icon: 'audit', roles: ['platform_admin'] },
  { href: '/ai/model/', label: 'AI model', icon: 'analytics', roles: [...clinical, 'platform_admin'] },
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

/** The roles the dashboard has screens for; the signed-in layout tells every other role (patients) where it works instead. */
export const dashboardRoles: Role[] = [...clinical, 'finance', 'platform_admin'];

const homes: Partial<Record<Role, string>> = { finance: '/finance/', platform_admin: '/admin/practices/' };

/** Where a role starts after sign-in: the practice team on Patients, finance on Finance, platform admins on Practices. */
export function homeFor(role: Role | null): string {
  return (role && homes[role]) ?? '/patients/';
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
