import { describe, expect, it } from 'vitest';
import { fakeJwt } from '@/test/http';
import { decodeClaims } from './jwt';
import { canOpen, navFor, safeNext } from './navigation';

describe('role-aware navigation', () => {
  it('shows Settings and Billing to the owner only; doctors and staff keep the clinical sections', () => {
    const labels = (role: Parameters<typeof navFor>[0]) => navFor(role).map((i) => i.label);
    expect(labels('owner')).toEqual(['Review queue', 'Patients', 'Messages', 'Compliance', 'Analytics', 'Billing', 'Settings']);
    expect(labels('staff')).toEqual(['Review queue', 'Patients', 'Messages', 'Compliance', 'Analytics']);
    expect(labels('doctor')).not.toContain('Settings');
    expect(labels('finance')).toEqual(['Discount approvals', 'Billing overview']);
    expect(labels('platform_admin')).not.toContain('Patients');
  });

  it('guards pages by the same rules, sub-pages included', () => {
    expect(canOpen('/settings/', 'staff')).toBe(false);
    expect(canOpen('/settings', 'owner')).toBe(true);
    expect(canOpen('/patients/edit/', 'doctor')).toBe(true);
    expect(canOpen('/patients/view/', 'finance')).toBe(false);
    expect(canOpen('/admin/exports/', 'platform_admin')).toBe(true);
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
