import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { fakeJwt } from '@/test/http';
import { decodeClaims } from './jwt';
import { canOpen, dashboardRoles, homeFor, navFor, navItems, safeNext } from './navigation';

describe('role-aware navigation', () => {
  it('shows Billing and Settings to the owner only; doctors and staff keep the clinical sections', () => {
    const labels = (role: Parameters<typeof navFor>[0]) => navFor(role).map((i) => i.label);
    expect(labels('owner')).toEqual(['Review queue', 'Patients', 'Messages', 'Compliance', 'Analytics', 'Billing', 'Settings', 'AI model']);
    expect(navFor('owner').find((i) => i.label === 'Billing')?.href).toBe('/billing/');
    expect(labels('staff')).toEqual(['Review queue', 'Patients', 'Messages', 'Compliance', 'Analytics', 'AI model']);
    expect(labels('doctor')).toEqual(['Review queue', 'Patients', 'Messages', 'Compliance', 'Analytics', 'AI model']);
  });

  it('gives finance the Finance page and platform admins Practices, Billing, Exports and Audit, each with its own start page', () => {
    expect(navFor('finance').map((i) => [i.label, i.href])).toEqual([['Finance', '/finance/']]);
    expect(navFor('platform_admin').map((i) => [i.label, i.href])).toEqual([
      ['Practices', '/admin/practices/'], ['Billing', '/admin/billing/'], ['Exports', '/admin/exports/'], ['Audit', '/admin/audit/'], ['AI model', '/ai/model/'],
    ]);
    expect(canOpen('/ai/model/', 'finance')).toBe(false);
    expect(homeFor('finance')).toBe('/finance/');
    expect(homeFor('platform_admin')).toBe('/admin/practices/');
    expect(homeFor('owner')).toBe('/patients/');
    expect(homeFor('doctor')).toBe('/patients/');
    expect(dashboardRoles).toEqual(['owner', 'doctor', 'staff', 'finance', 'platform_admin']);
  });

  it('never opens a patient or practice page to a platform role, nor a platform page to the practice team', () => {
    for (const role of ['finance', 'platform_admin'] as const) {
      for (const path of ['/patients/', '/patients/view/', '/review/', '/compliance/', '/analytics/', '/settings/', '/welcome/', '/billing/']) {
        expect(canOpen(path, role), `${role} ${path}`).toBe(false);
      }
    }
    expect(canOpen('/finance/', 'platform_admin')).toBe(false);
    expect(canOpen('/admin/practices/', 'finance')).toBe(false);
    for (const role of ['owner', 'doctor', 'staff'] as const) {
      for (const path of ['/finance/', '/admin/practices/', '/admin/billing/', '/admin/audit/']) {
        expect(canOpen(path, role), `${role} ${path}`).toBe(false);
      }
    }
    expect(canOpen('/billing/', 'doctor')).toBe(false);
    expect(canOpen('/billing/', 'owner')).toBe(true);
    expect(canOpen('/admin/audit/', 'platform_admin')).toBe(true);
    expect(canOpen('/finance', 'finance')).toBe(true);
  });

  it('lists only pages that exist: no placeholder sections', () => {
    const hrefs = navItems.map((i) => i.href);
    for (const gone of ['/platform-billing/', '/admin/']) {
      expect(hrefs).not.toContain(gone);
    }
  });

  it('points every entry at a page of the signed-in app', () => {
    for (const { href } of navItems) {
      expect(existsSync(join(__dirname, '../app/(app)', href, 'page.tsx')), href).toBe(true);
    }
  });

  it('guards pages by the same rules, sub-pages included', () => {
    expect(canOpen('/settings/', 'staff')).toBe(false);
    expect(canOpen('/settings', 'owner')).toBe(true);
    expect(canOpen('/patients/edit/', 'doctor')).toBe(true);
    expect(canOpen('/patients/view/', 'finance')).toBe(false);
    expect(canOpen('/welcome/', 'staff')).toBe(false);
  });

  it('reads the role claim from the access token', () => {
    expect(decodeClaims(fakeJwt({ sub: 'u1', role: 'platform_admin', exp: 1700000000 }))).toEqual({
      sub: 'u1', role: 'platform_admin', practiceId: null, exp: 1700000000,
    });
    expect(decodeClaims(fakeJwt({ sub: 'u1', role: 'superuser' }))?.role).toBeNull();
    expect(decodeClaims('not-a-jwt')).toBeNull();
  });

  it('only follows ?next= to a path on this site', () => {
    expect(safeNext('/patients/view/?id=1')).toBe('/patients/view/?id=1');
    expect(safeNext('//evil.example/x')).toBeNull();
    expect(safeNext('https://evil.example/')).toBeNull();
    expect(safeNext('/signin/')).toBeNull();
  });
});
