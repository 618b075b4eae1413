import { test } from 'node:test';
import assert from 'node:assert/strict';
import { assertClean, assertOnly } from '../lib/assertions.mjs';
import { mutatedTree, realTree } from '../lib/fixture.mjs';
import { blocksIn } from '../lib/hcl.mjs';
import { githubTrust } from '../lib/policies.mjs';

const TRUST = { file: 'modules/service/deploy.tf', resource: 'data.aws_iam_policy_document.deploy_assume' };

test('the deploy role trusts only this repository\'s deploy jobs in the matching GitHub environment', async () => {
  const tree = await realTree();
  assertClean(githubTrust(tree));
  // The role exists, and every environment exports it for the workflow's AWS_DEPLOY_ROLE_ARN.
  assert.ok(blocksIn(tree, 'modules/service', 'resource').some((r) => r.type === 'aws_iam_role' && r.name === 'deploy'));
  for (const env of ['dev', 'staging', 'prod'])
    assert.ok(blocksIn(tree, `environments/${env}`, 'output').some((o) => o.name === 'deploy_role_arn'), `${env} outputs deploy_role_arn`);
});

test('negative: a subject matching every ref of the repository', async () => {
  const tree = await mutatedTree({
    file: 'modules/service/deploy.tf',
    replace: 'values   = ["repo:${var.github_repository}:environment:${var.environment}"]',
    with: 'values   = ["repo:${var.github_repository}:*"]',
  });
  const found = githubTrust(tree);
  assert.ok(found.some((v) => v.resource === TRUST.resource && /has a wildcard/.test(v.message)), JSON.stringify(found));
  assert.ok(found.every((v) => v.resource === TRUST.resource));
});

test('negative: StringLike instead of StringEquals on the subject', async () => {
  const tree = await mutatedTree({
    file: 'modules/service/deploy.tf',
    replace: `test     = "StringEquals"
      variable = "token.actions.githubusercontent.com:sub"`,
    with: `test     = "StringLike"
      variable = "token.actions.githubusercontent.com:sub"`,
  });
  assertOnly(githubTrust(tree), { ...TRUST, message: /matched with StringLike/ });
});

test('negative: no audience condition', async () => {
  const tree = await mutatedTree({
    file: 'modules/service/deploy.tf',
    replace: `    condition {
      test     = "StringEquals"
      variable = "token.actions.githubusercontent.com:aud"
      values   = ["sts.amazonaws.com"]
    }
`,
    with: '',
  });
  assertOnly(githubTrust(tree), { ...TRUST, message: /audience/ });
});
