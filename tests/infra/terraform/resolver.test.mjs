// The resolver sees each environment's literal sizes at the resources, through stack and module variables.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { realTree } from '../lib/fixture.mjs';
import { environmentResources, instances } from '../lib/resolve.mjs';

test('module calls are followed from an environment to every module', async () => {
  const tree = await realTree();
  const addresses = instances(tree, 'environments/prod').map((i) => i.address);
  for (const m of ['network', 'kms', 'storage', 'database', 'cache', 'service', 'edge', 'observability']) {
    assert.ok(addresses.includes(`module.orthoscan.module.${m}`), m);
  }
});

test('prod and dev resolve to their own database and cache sizes (dev may differ)', async () => {
  const tree = await realTree();
  const db = (env) => environmentResources(tree, env, 'aws_db_instance')[0].body;
  const cache = (env) => environmentResources(tree, env, 'aws_elasticache_replication_group')[0].body;
  assert.equal(db('prod').multi_az, true);
  assert.equal(db('prod').instance_class, 'db.t3.medium');
  assert.equal(db('prod').skip_final_snapshot, false, '!var.deletion_protection resolves');
  assert.equal(db('staging').instance_class, 'db.t3.small');
  assert.equal(db('staging').backup_retention_period, 14);
  assert.equal(db('dev').multi_az, false);
  assert.equal(db('dev').deletion_protection, false);
  assert.equal(db('dev').skip_final_snapshot, true);
  assert.equal(cache('prod').num_cache_clusters, 2);
  assert.equal(cache('dev').num_cache_clusters, 1);
  assert.equal(cache('dev').multi_az_enabled, false);
});
