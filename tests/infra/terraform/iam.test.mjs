import { test } from 'node:test';
import { assertClean, assertOnly } from '../lib/assertions.mjs';
import { mutatedTree, realTree } from '../lib/fixture.mjs';
import { wildcardIam } from '../lib/policies.mjs';

test('no wildcard actions in Allow statements (policy documents and jsonencode policies); Deny may use s3:*', async () => {
  assertClean(wildcardIam(await realTree()));
});

test('negative: task role gets s3:* instead of s3:GetObject', async () => {
  const tree = await mutatedTree({ file: 'modules/service/iam.tf', replace: '"s3:GetObject"', with: '"s3:*"' });
  assertOnly(wildcardIam(tree), { file: 'modules/service/iam.tf', resource: 'data.aws_iam_policy_document.task', message: /ScanObjects allows wildcard action s3:\*/ });
});

test('negative: a jsonencode policy allowing kms:* (its Deny s3:* statement is fine)', async () => {
  const tree = await mutatedTree({
    file: 'modules/kms/main.tf',
    append: `resource "aws_iam_policy" "too_broad" {
  name = "too-broad"
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [
      { Effect = "Deny", Action = "s3:*", Resource = "*", Condition = { Bool = { "aws:SecureTransport" = "false" } } },
      { Effect = "Allow", Action = ["kms:Decrypt", "kms:*"], Resource = "*" },
    ]
  })
}`,
  });
  assertOnly(wildcardIam(tree), { file: 'modules/kms/main.tf', resource: 'aws_iam_policy.too_broad', message: /wildcard action kms:\*/ });
});

test('negative: flow log role allowed every action', async () => {
  const tree = await mutatedTree({ file: 'modules/network/main.tf', replace: '"logs:DescribeLogStreams",', with: '"logs:DescribeLogStreams",\n      "*",' });
  assertOnly(wildcardIam(tree), { file: 'modules/network/main.tf', resource: 'data.aws_iam_policy_document.flow_logs', message: /wildcard action \*$/ });
});
