import { test } from 'node:test';
import { assertClean, assertOnly } from '../lib/assertions.mjs';
import { mutatedTree, realTree } from '../lib/fixture.mjs';
import { bucketPolicies } from '../lib/policies.mjs';

test('bucket policies: TLS-only on every bucket, SSE-KMS-only (and the data key only) PUTs on the images bucket', async () => {
  assertClean(bucketPolicies(await realTree()));
});

test('negative: audit archive policy no longer denies plain HTTP for every action', async () => {
  const tree = await mutatedTree({
    file: 'modules/storage/main.tf',
    replace: 'actions   = ["s3:*"]\n    resources = [aws_s3_bucket.audit_archive.arn',
    with: 'actions   = ["s3:GetObject"]\n    resources = [aws_s3_bucket.audit_archive.arn',
  });
  assertOnly(bucketPolicies(tree), { file: 'modules/storage/main.tf', resource: 'aws_s3_bucket.audit_archive', message: /aws:SecureTransport/ });
});

test('negative: images bucket accepts PUTs with SSE-S3', async () => {
  const tree = await mutatedTree({ file: 'modules/storage/main.tf', replace: 'values   = ["aws:kms"]', with: 'values   = ["AES256"]' });
  assertOnly(bucketPolicies(tree), { file: 'modules/storage/main.tf', resource: 'aws_s3_bucket.images', message: /without s3:x-amz-server-side-encryption = aws:kms/ });
});

test('negative: images bucket accepts PUTs under another KMS key', async () => {
  const tree = await mutatedTree({ file: 'modules/storage/main.tf', replace: 'variable = "s3:x-amz-server-side-encryption-aws-kms-key-id"', with: 'variable = "s3:x-amz-acl"' });
  assertOnly(bucketPolicies(tree), { file: 'modules/storage/main.tf', resource: 'aws_s3_bucket.images', message: /another KMS key/ });
});
