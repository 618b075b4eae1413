/**
 * A fresh Idempotency-Key: one per thing the user means to create, kept across retries of it, so a double
 * submit or a retry after a lost answer creates it once. Letters, digits and '-' only, as the API asks.
 */
export function newIdempotencyKey(): string {
  return globalThis.crypto?.randomUUID?.() ?? `${Date.now()}-${Math.random().toString(16).slice(2)}`;
}
