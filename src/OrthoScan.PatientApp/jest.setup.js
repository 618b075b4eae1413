// jsdom lacks what the browser and the phone have (Web Crypto, TextEncoder): tests get Node's own.
const { webcrypto } = require('node:crypto');
const { TextEncoder, TextDecoder } = require('node:util');
Object.defineProperty(globalThis, 'crypto', { value: webcrypto, configurable: true });
Object.assign(globalThis, { TextEncoder, TextDecoder });
