// The names other parts of the project depend on: stack outputs, their re-export, providers and the backend.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { blocksIn } from '../lib/hcl.mjs';
import { realTree } from '../lib/fixture.mjs';

const OUTPUTS = [
  'ecr_repository_url', 'cluster_name', 'api_service_name', 'worker_service_name', 'migrate_task_definition_arn',
  'private_subnet_ids', 'task_security_group_id', 'cloudfront_domain_name', 'images_bucket', 'audit_archive_bucket',
  'db_endpoint', 'alarm_topic_arn',
];
const ENVS = ['dev', 'staging', 'prod'];

test('the stack exports the outputs the deploy workflow uses, and every environment re-exports them', async () => {
  const tree = await realTree();
  const stack = blocksIn(tree, 'stack', 'output').map((o) => o.name);
  for (const o of OUTPUTS) assert.ok(stack.includes(o), `stack output ${o}`);
  for (const env of ENVS) {
    const outs = Object.fromEntries(blocksIn(tree, `environments/${env}`, 'output').map((o) => [o.name, o.body.value]));
    for (const o of OUTPUTS) assert.equal(outs[o], `\${module.orthoscan.${o}}`, `${env} output ${o}`);
  }
});

test('provider constraints, backend and default tags', async () => {
  const tree = await realTree();
  const versions = tree.files.find((f) => f.rel === 'stack/versions.tf').json.terraform[0];
  assert.equal(versions.required_version, '>= 1.9');
  assert.equal(versions.required_providers[0].aws.version, '~> 6.0');
  assert.equal(versions.required_providers[0].random.version, '~> 3.6');
  for (const env of ENVS) {
    const json = tree.files.find((f) => f.rel === `environments/${env}/main.tf`).json;
    const s3 = json.terraform[0].backend.s3[0];
    assert.equal(s3.use_lockfile, true, `${env} use_lockfile`);
    assert.equal(s3.encrypt, true, `${env} encrypt`);
    assert.equal(s3.key, `orthoscan/${env}/terraform.tfstate`);
    const tags = json.provider.aws[0].default_tags[0].tags;
    assert.equal(tags.Environment, env);
    assert.equal(tags.DataClassification, 'phi');
    assert.ok(tags.Project && tags.Owner, `${env} Project/Owner tags`);
    const call = json.module.orthoscan[0];
    assert.equal(call.source, '../../stack');
    assert.equal(call.environment, env);
  }
});
