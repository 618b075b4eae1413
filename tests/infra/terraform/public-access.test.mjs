import { test } from 'node:test';
import { assertClean, assertOnly } from '../lib/assertions.mjs';
import { mutatedTree, realTree } from '../lib/fixture.mjs';
import { publicAccess } from '../lib/policies.mjs';

test('every bucket blocks public access (all four flags) and RDS is not publicly accessible', async () => {
  assertClean(publicAccess(await realTree()));
});

test('negative: audit archive public access block with block_public_acls = false', async () => {
  const tree = await mutatedTree({
    file: 'modules/storage/main.tf',
    replace: 'bucket                  = aws_s3_bucket.audit_archive.id\n  block_public_acls       = true',
    with: 'bucket                  = aws_s3_bucket.audit_archive.id\n  block_public_acls       = false',
  });
  assertOnly(publicAccess(tree), { file: 'modules/storage/main.tf', resource: 'aws_s3_bucket.audit_archive', message: /block_public_acls is not true/ });
});

test('negative: ALB log bucket without a public access block', async () => {
  const tree = await mutatedTree({
    file: 'modules/storage/main.tf',
    replace: /resource "aws_s3_bucket_public_access_block" "alb_logs" \{[^}]*\}\n/,
    with: '',
  });
  assertOnly(publicAccess(tree), { file: 'modules/storage/main.tf', resource: 'aws_s3_bucket.alb_logs', message: /no aws_s3_bucket_public_access_block/ });
});

test('negative: publicly accessible RDS', async () => {
  const tree = await mutatedTree({ file: 'modules/database/main.tf', replace: 'publicly_accessible    = false', with: 'publicly_accessible    = true' });
  assertOnly(publicAccess(tree), { file: 'modules/database/main.tf', resource: 'aws_db_instance.this', message: /publicly_accessible/ });
});
