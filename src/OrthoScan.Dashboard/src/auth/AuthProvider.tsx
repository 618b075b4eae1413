'use client';

import { createContext, useCallback, useContext, useEffect, useMemo, useState, type ReactNode } from 'react';
import { api, refreshSession, setSessionExpiredHandler } from '@/api/client';
import { watchIdle } from './idleLogoff';
import { decodeClaims, type SessionClaims } from './jwt';
import { tokenStore } from './tokenStore';

export type SessionStatus = 'restoring' | 'signed-in' | 'signed-out';
export type SignedOutReason = 'expired' | 'idle' | 'signed-out' | null;

interface AuthContextValue {
  status: SessionStatus;
  claims: SessionClaims | null;
  /** Why the session ended, so the sign-in page can say so. */
  signedOutReason: SignedOutReason;
  signOut: () => Promise<void>;
}

const AuthContext = createContext<AuthContextValue | null>(null);

/** Refresh this long before the access token expires, so a doctor mid-review never meets a 401. */
const REFRESH_LEAD_SECONDS = 60;

export function AuthProvider({ children }: { children: ReactNode }) {
  const [token, setToken] = useState<string | null>(() => tokenStore.get());
  const [status, setStatus] = useState<SessionStatus>(() => (tokenStore.get() ? 'signed-in' : 'restoring'));
  const [signedOutReason, setSignedOutReason] = useState<SignedOutReason>(null);

  useEffect(() => tokenStore.subscribe((next) => {
    setToken(next);
    if (next) {
      setStatus('signed-in');
      setSignedOutReason(null);
    }
  }), []);

  // On page load the memory token is gone: ask the API for a new one with the httpOnly refresh cookie.
  useEffect(() => {
    if (tokenStore.get()) return;
    let cancelled = false;
    void refreshSession().then((ok) => {
      if (!cancelled && !ok) setStatus('signed-out');
    });
    return () => {
      cancelled = true;
    };
  }, []);

  useEffect(() => {
    setSessionExpiredHandler(() => {
      setSignedOutReason('expired');
      setStatus('signed-out');
    });
    return () => setSessionExpiredHandler(null);
  }, []);

  const claims = useMemo(() => (token ? decodeClaims(token) : null), [token]);

  // Silent refresh shortly before expiry.
  useEffect(() => {
    if (!claims?.exp) return;
    const seconds = claims.exp - Date.now() / 1000 - REFRESH_LEAD_SECONDS;
    const timer = setTimeout(() => {
      void refreshSession().then((ok) => {
        if (!ok) {
          setSignedOutReason('expired');
          setStatus('signed-out');
        }
      });
    }, Math.max(seconds, 5) * 1000);
    return () => clearTimeout(timer);
  }, [claims]);

  // Automatic logoff: the session itself is revoked, not only this page's token.
  useEffect(() => {
    if (status !== 'signed-in') return;
    return watchIdle({
      onIdle: () => {
        void api.logout().finally(() => {
          setSignedOutReason('idle');
          setStatus('signed-out');
        });
      },
    });
  }, [status]);

  const signOut = useCallback(async () => {
    await api.logout();
    setSignedOutReason('signed-out');
    setStatus('signed-out');
  }, []);

  const value = useMemo(() => ({ status, claims, signedOutReason, signOut }), [status, claims, signedOutReason, signOut]);
  return <AuthContext.Provider value={value}>{children}</AuthContext.Provider>;
}

export function useAuth(): AuthContextValue {
  const value = useContext(AuthContext);
  if (!value) throw new Error('useAuth must be used inside <AuthProvider>');
  return value;
}
