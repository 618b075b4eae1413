/*
 * The access token lives only in this module's memory. It is never written to localStorage, sessionStorage,
 * cookies or the URL, so a reload forgets it and the app restores the session with a silent refresh
 * (the refresh token is an httpOnly cookie that page scripts cannot read).
 */
type Listener = (token: string | null) => void;

let accessToken: string | null = null;
const listeners = new Set<Listener>();

export const tokenStore = {
  get(): string | null {
    return accessToken;
  },
  set(token: string | null): void {
    if (token === accessToken) return;
    accessToken = token;
    listeners.forEach((listener) => listener(token));
  },
  clear(): void {
    tokenStore.set(null);
  },
  subscribe(listener: Listener): () => void {
    listeners.add(listener);
    return () => listeners.delete(listener);
  },
};
