import { test } from 'node:test';
import { assertClean, assertOnly } from '../lib/assertions.mjs';
import { mutatedTree, realTree } from '../lib/fixture.mjs';
import { logRetention } from '../lib/policies.mjs';

test('the audit log group keeps >= 2192 days; every other log group has a retention', async () => {
  assertClean(logRetention(await realTree()));
});

test('negative: audit log retention of 365 days', async () => {
  const tree = await mutatedTree({ file: 'modules/service/variables.tf', replace: 'default     = 2192', with: 'default     = 365' });
  assertOnly(logRetention(tree), { file: 'modules/service/main.tf', resource: 'aws_cloudwatch_log_group.audit', message: /audit log retention is 365 days/ });
});

test('negative: flow log group kept forever', async () => {
  const tree = await mutatedTree({ file: 'modules/network/main.tf', replace: '  retention_in_days = var.flow_log_retention_days\n', with: '' });
  assertOnly(logRetention(tree), { file: 'modules/network/main.tf', resource: 'aws_cloudwatch_log_group.flow_logs', message: /retention_in_days is undefined/ });
});
