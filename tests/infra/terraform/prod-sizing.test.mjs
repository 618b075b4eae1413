import assert from 'node:assert/strict';
import { test } from 'node:test';
import { assertClean, assertOnly } from '../lib/assertions.mjs';
import { mutatedTree, realTree } from '../lib/fixture.mjs';
import { prodSizing } from '../lib/policies.mjs';

test('prod (resolved through stack and modules): Multi-AZ RDS db.t3.medium 100 GB PG16, deletion protection, Redis failover, 2 x 512/1024 API', async () => {
  assertClean(prodSizing(await realTree()));
});

test('negative: prod db_multi_az = false is seen at aws_db_instance through two module levels', async () => {
  const tree = await mutatedTree({ file: 'environments/prod/main.tf', replace: 'db_multi_az                     = true', with: 'db_multi_az                     = false' });
  const violations = prodSizing(tree);
  assertOnly(violations, { file: 'modules/database/main.tf', resource: 'aws_db_instance.this', message: /multi_az is false/ });
  assert.deepEqual(violations[0].envs, ['prod']);
});

test('negative: prod deletion protection off', async () => {
  const tree = await mutatedTree({ file: 'environments/prod/main.tf', replace: 'db_deletion_protection          = true', with: 'db_deletion_protection          = false' });
  assertOnly(prodSizing(tree), { file: 'modules/database/main.tf', resource: 'aws_db_instance.this', message: /deletion_protection is false/ });
});

test('negative: prod API starts with one task', async () => {
  const tree = await mutatedTree({ file: 'environments/prod/main.tf', replace: 'api_desired_count       = 2', with: 'api_desired_count       = 1' });
  assertOnly(prodSizing(tree), { file: 'modules/service/main.tf', resource: 'aws_ecs_service.api', message: /desired_count is 1/ });
});

test('negative: prod API task of 256 CPU units', async () => {
  const tree = await mutatedTree({ file: 'environments/prod/main.tf', replace: 'api_cpu                 = 512', with: 'api_cpu                 = 256' });
  assertOnly(prodSizing(tree), { file: 'modules/service/tasks.tf', resource: 'aws_ecs_task_definition.api', message: /cpu 256/ });
});

test('negative: prod on PostgreSQL 15', async () => {
  const tree = await mutatedTree({ file: 'environments/prod/main.tf', replace: 'db_engine_version               = "16.6"', with: 'db_engine_version               = "15.8"' });
  assertOnly(prodSizing(tree), { file: 'modules/database/main.tf', resource: 'aws_db_instance.this', message: /postgres 15\.8 is not postgres 16/ });
});

test('negative: prod Redis with a single node', async () => {
  const tree = await mutatedTree({ file: 'environments/prod/main.tf', replace: 'cache_num_nodes               = 2', with: 'cache_num_nodes               = 1' });
  assertOnly(prodSizing(tree), { file: 'modules/cache/main.tf', resource: 'aws_elasticache_replication_group.this', message: /num_cache_clusters is 1/ });
});

test('other environments may differ: staging on a single-AZ database is not a prod violation', async () => {
  const tree = await mutatedTree({ file: 'environments/staging/main.tf', replace: 'db_multi_az                     = true', with: 'db_multi_az                     = false' });
  assertClean(prodSizing(tree));
});
