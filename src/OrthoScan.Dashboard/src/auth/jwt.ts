/** Roles as the API writes them in the access token's `role` claim. */
export type Role = 'owner' | 'doctor' | 'staff' | 'patient' | 'finance' | 'platform_admin';

export interface SessionClaims {
  sub: string;
  role: Role | null;
  practiceId: string | null;
  /** Expiry, seconds since the epoch. */
  exp: number | null;
}

const roles: Role[] = ['owner', 'doctor', 'staff', 'patient', 'finance', 'platform_admin'];

function base64UrlDecode(segment: string): string {
  const base64 = segment.replace(/-/g, '+').replace(/_/g, '/').padEnd(Math.ceil(segment.length / 4) * 4, '=');
  const binary = atob(base64);
  const bytes = Uint8Array.from(binary, (c) => c.charCodeAt(0));
  return new TextDecoder().decode(bytes);
}

/**
 * Reads the payload of a JWT without verifying it. That is enough to decide what to *show*: the API verifies the
 * signature on every call and still refuses what the role may not do.
 */
export function decodeClaims(token: string): SessionClaims | null {
  const parts = token.split('.');
  if (parts.length !== 3) return null;
  try {
    const payload = JSON.parse(base64UrlDecode(parts[1])) as Record<string, unknown>;
    const role = typeof payload.role === 'string' && (roles as string[]).includes(payload.role) ? (payload.role as Role) : null;
    return {
      sub: typeof payload.sub === 'string' ? payload.sub : '',
      role,
      practiceId: typeof payload.practice_id === 'string' ? payload.practice_id : null,
      exp: typeof payload.exp === 'number' ? payload.exp : null,
    };
  } catch {
    return null;
  }
}
