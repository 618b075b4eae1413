import { test } from 'node:test';
import { assertClean, assertOnly } from '../lib/assertions.mjs';
import { mutatedTree, realTree } from '../lib/fixture.mjs';
import { encryption } from '../lib/policies.mjs';

test('encryption at rest: RDS, S3 (KMS + bucket key; AES256 only for ALB logs), Redis, logs, secrets, SNS, ECR', async () => {
  assertClean(encryption(await realTree()));
});

test('negative: RDS without storage_encrypted', async () => {
  const tree = await mutatedTree({ file: 'modules/database/main.tf', replace: '  storage_encrypted     = true\n', with: '' });
  assertOnly(encryption(tree), { file: 'modules/database/main.tf', resource: 'aws_db_instance.this', message: /storage_encrypted is not true/ });
});

test('negative: images bucket with SSE-S3 instead of SSE-KMS', async () => {
  const tree = await mutatedTree({
    file: 'modules/storage/main.tf',
    replace: 'sse_algorithm     = "aws:kms"\n      kms_master_key_id = var.data_kms_key_arn',
    with: 'sse_algorithm     = "AES256"',
  });
  assertOnly(encryption(tree), { file: 'modules/storage/main.tf', resource: 'aws_s3_bucket.images', message: /AES256, not aws:kms/ });
});

test('negative: audit archive SSE-KMS without bucket key', async () => {
  const tree = await mutatedTree({
    file: 'modules/storage/main.tf',
    replace: /kms_master_key_id = var\.audit_kms_key_arn\n\s*}\n\s*bucket_key_enabled = true\n/,
    with: 'kms_master_key_id = var.audit_kms_key_arn\n    }\n',
  });
  assertOnly(encryption(tree), { file: 'modules/storage/main.tf', resource: 'aws_s3_bucket.audit_archive', message: /bucket_key_enabled/ });
});

test('negative: audit log group without KMS key', async () => {
  const tree = await mutatedTree({
    file: 'modules/service/main.tf',
    replace: '  retention_in_days = var.audit_log_retention_days\n  kms_key_id        = var.logs_kms_key_arn\n',
    with: '  retention_in_days = var.audit_log_retention_days\n',
  });
  assertOnly(encryption(tree), { file: 'modules/service/main.tf', resource: 'aws_cloudwatch_log_group.audit', message: /without kms_key_id/ });
});

test('negative: Redis without in-transit encryption', async () => {
  const tree = await mutatedTree({ file: 'modules/cache/main.tf', replace: 'transit_encryption_enabled = true', with: 'transit_encryption_enabled = false' });
  assertOnly(encryption(tree), { file: 'modules/cache/main.tf', resource: 'aws_elasticache_replication_group.this', message: /transit_encryption_enabled/ });
});

test('negative: alarm topic without KMS', async () => {
  const tree = await mutatedTree({ file: 'modules/observability/main.tf', replace: '  kms_master_key_id = var.logs_kms_key_arn\n', with: '' });
  assertOnly(encryption(tree), { file: 'modules/observability/main.tf', resource: 'aws_sns_topic.alarms', message: /kms_master_key_id/ });
});
