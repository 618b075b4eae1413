import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { fakeJwt } from '@/test/http';
import { decodeClaims } from './jwt';
import { canOpen, dashboardRoles, homeFor, navFor, navItems, safeNext } from './navigation';

describe('role-aware navigation', () => {
  it('shows Settings to the owner only; doctors and staff keep the clinical sections', () => {
    const labels = (role: Parameters<typeof navFor>[0]) => navFor(role).map((i) => i.label);
    expect(labels('owner')).toEqual(['Review queue', 'Patients', 'Compliance', 'Analytics', 'Settings']);
    expect(labels('staff')).toEqual(['Review queue', 'Patients', 'Compliance', 'Analytics']);
    expect(labels('doctor')).toEqual(['Review queue', 'Patients', 'Compliance', 'Analytics']);
  });

  it('lists only pages that exist: no placeholder sections, and no entries for roles without screens', () => {
    const hrefs = navItems.map((i) => i.href);
    for (const gone of ['/messages/', '/billing/', '/finance/', '/platform-billing/', '/admin/', '/admin/exports/']) {
      expect(hrefs).not.toContain(gone);
    }
    expect(navFor('finance')).toEqual([]);
    expect(navFor('platform_admin')).toEqual([]);
    expect(dashboardRoles).toEqual(['owner', 'doctor', 'staff']);
    expect(homeFor('finance')).toBe('/patients/');
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
