import assert from 'node:assert/strict';
import { test } from 'node:test';
import { assertOnly } from '../lib/assertions.mjs';
import { mutatedTree, realTree } from '../lib/fixture.mjs';
import { parseErrors } from '../lib/policies.mjs';

const MODULES = ['network', 'kms', 'storage', 'database', 'cache', 'service', 'edge', 'observability'];

test('every .tf file under infra/terraform parses', async () => {
  const tree = await realTree();
  assert.deepEqual(parseErrors(tree), []);
  const rels = tree.files.map((f) => f.rel);
  for (const m of MODULES) for (const f of ['main.tf', 'variables.tf', 'outputs.tf']) assert.ok(rels.includes(`modules/${m}/${f}`), `modules/${m}/${f}`);
  for (const f of ['main.tf', 'variables.tf', 'outputs.tf', 'versions.tf']) assert.ok(rels.includes(`stack/${f}`), `stack/${f}`);
  for (const env of ['dev', 'staging', 'prod']) assert.ok(rels.includes(`environments/${env}/main.tf`), env);
});

test('negative: a file with a syntax error is reported', async () => {
  const tree = await mutatedTree({
    file: 'modules/cache/main.tf',
    replace: '  port                 = 6379\n',
    with: '  port                 = \n',
  });
  assertOnly(parseErrors(tree), { file: 'modules/cache/main.tf', resource: '(file)', message: /does not parse: .*main\.tf:\d+/ });
});
