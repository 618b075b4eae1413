import { test } from 'node:test';
import { assertClean, assertOnly } from '../lib/assertions.mjs';
import { mutatedTree, realTree } from '../lib/fixture.mjs';
import { auditArchive, rawLifecycle } from '../lib/policies.mjs';

const RAW_RULE = /\n  # Raw uploads are unprocessed PHI[^\n]*\n  rule \{\n    id     = "expire-raw-uploads"[\s\S]*?\n  \}\n/;

test('images bucket: raw/ uploads expire (current and noncurrent versions) after 1 day', async () => {
  assertClean(rawLifecycle(await realTree()));
});

test('negative: raw/ lifecycle rule removed', async () => {
  const tree = await mutatedTree({ file: 'modules/storage/main.tf', replace: RAW_RULE, with: '\n' });
  assertOnly(rawLifecycle(tree), { file: 'modules/storage/main.tf', resource: 'aws_s3_bucket.images', message: /no enabled lifecycle rule with filter prefix raw\// });
});

test('negative: raw/ uploads kept 30 days', async () => {
  const tree = await mutatedTree({ file: 'modules/storage/main.tf', replace: 'expiration {\n      days = 1\n    }', with: 'expiration {\n      days = 30\n    }' });
  assertOnly(rawLifecycle(tree), { file: 'modules/storage/main.tf', resource: 'aws_s3_bucket.images', message: /within 1 day/ });
});

test('audit archive: Object Lock enabled, COMPLIANCE mode, >= 2192 days', async () => {
  assertClean(auditArchive(await realTree()));
});

test('negative: audit archive without object_lock_enabled', async () => {
  const tree = await mutatedTree({ file: 'modules/storage/main.tf', replace: '  object_lock_enabled = true\n', with: '' });
  assertOnly(auditArchive(tree), { file: 'modules/storage/main.tf', resource: 'aws_s3_bucket.audit_archive', message: /object_lock_enabled is not true/ });
});

test('negative: audit archive object lock configuration removed', async () => {
  const tree = await mutatedTree({
    file: 'modules/storage/main.tf',
    replace: /resource "aws_s3_bucket_object_lock_configuration" "audit_archive" \{[\s\S]*?\n\}\n/,
    with: '',
  });
  assertOnly(auditArchive(tree), { file: 'modules/storage/main.tf', resource: 'aws_s3_bucket.audit_archive', message: /no aws_s3_bucket_object_lock_configuration/ });
});

test('negative: GOVERNANCE mode', async () => {
  const tree = await mutatedTree({ file: 'modules/storage/main.tf', replace: 'mode = "COMPLIANCE"', with: 'mode = "GOVERNANCE"' });
  assertOnly(auditArchive(tree), { file: 'modules/storage/main.tf', resource: 'aws_s3_bucket.audit_archive', message: /not COMPLIANCE/ });
});

test('negative: one year of retention', async () => {
  const tree = await mutatedTree({ file: 'modules/storage/variables.tf', replace: 'default     = 2192', with: 'default     = 365' });
  assertOnly(auditArchive(tree), { file: 'modules/storage/main.tf', resource: 'aws_s3_bucket.audit_archive', message: /retention is 365, below six years/ });
});
