// Assertions shared by the policy tests.
import assert from 'node:assert/strict';
import { format } from './policies.mjs';

export function assertClean(violations) {
  assert.deepEqual(violations.map(format), [], 'the real tree must have no violations');
}

/** Exactly one violation, in `file` on `resource`, with a message matching `message`. */
export function assertOnly(violations, { file, resource, message }) {
  const shown = violations.map(format);
  assert.equal(violations.length, 1, `expected exactly one violation, got:\n${shown.join('\n')}`);
  const [v] = violations;
  assert.equal(v.file, file, shown[0]);
  assert.equal(v.resource, resource, shown[0]);
  assert.match(v.message, message, shown[0]);
}
