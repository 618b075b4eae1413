import { createHmac } from 'node:crypto';

// RFC 6238 TOTP (SHA-1, 6 digits, 30 s), as authenticator apps compute it.
function base32ToBytes(base32: string): Buffer {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
  let bits = '';
  for (const char of base32.replace(/=+$/, '').toUpperCase()) {
    const value = alphabet.indexOf(char);
    if (value < 0) throw new Error(`Not base32: ${char}`);
    bits += value.toString(2).padStart(5, '0');
  }
  const bytes: number[] = [];
  for (let i = 0; i + 8 <= bits.length; i += 8) bytes.push(parseInt(bits.slice(i, i + 8), 2));
  return Buffer.from(bytes);
}

export function totpAt(secret: string, step: number): string {
  const counter = Buffer.alloc(8);
  counter.writeBigUInt64BE(BigInt(step));
  const hmac = createHmac('sha1', base32ToBytes(secret)).update(counter).digest();
  const offset = hmac[hmac.length - 1] & 0x0f;
  const code = (hmac.readUInt32BE(offset) & 0x7fffffff) % 1_000_000;
  return code.toString().padStart(6, '0');
}

export const currentStep = () => Math.floor(Date.now() / 1000 / 30);

/** A code for a step not used before by this user: the API refuses replayed steps. */
export class Authenticator {
  private lastStep = 0;
  constructor(readonly secret: string) {}

  async nextCode(): Promise<string> {
    let step = currentStep();
    if (step <= this.lastStep) step = this.lastStep + 1;
    // The API accepts one step of drift; beyond that, wait for real time to catch up.
    while (step > currentStep() + 1) await new Promise((r) => setTimeout(r, 1000));
    this.lastStep = step;
    return totpAt(this.secret, step);
  }
}
