import { test } from 'node:test';
import { assertClean, assertOnly } from '../lib/assertions.mjs';
import { mutatedTree, realTree } from '../lib/fixture.mjs';
import { blocksIn } from '../lib/hcl.mjs';
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

/** Violations when nothing writes the sealed audit links into the audit log group (a six-year group left empty). */
function auditGroupFed(tree) {
  const params = blocksIn(tree, 'modules/service', 'resource').filter((r) => r.type === 'aws_ssm_parameter' && r.name === 'collector_config');
  const config = JSON.stringify(params.map((p) => p.body.value));
  const violations = [];
  if (!/awscloudwatchlogs/.test(config) || !/aws_cloudwatch_log_group\.audit\.name/.test(config))
    violations.push({ file: 'modules/service/tasks.tf', resource: 'aws_ssm_parameter.collector_config', message: 'no exporter writes to the audit log group' });
  if (!/logs\s*=\s*\{[^}]*awscloudwatchlogs/.test(config))
    violations.push({ file: 'modules/service/tasks.tf', resource: 'aws_ssm_parameter.collector_config', message: 'no logs pipeline feeds the audit exporter' });
  return violations;
}

test('the collector writes the audit trail (OTLP logs) into the audit log group', async () => {
  assertClean(auditGroupFed(await realTree()));
});

test('negative: the collector has no logs pipeline', async () => {
  const tree = await mutatedTree({
    file: 'modules/service/tasks.tf',
    replace: '        logs    = { receivers = ["otlp"], processors = ["batch"], exporters = ["awscloudwatchlogs"] }\n',
    with: '',
  });
  assertOnly(auditGroupFed(tree), { file: 'modules/service/tasks.tf', resource: 'aws_ssm_parameter.collector_config', message: /no logs pipeline/ });
});
