import { test } from 'node:test';
import { assertClean, assertOnly } from '../lib/assertions.mjs';
import { mutatedTree, realTree } from '../lib/fixture.mjs';
import { openIngress } from '../lib/policies.mjs';

test('no ingress open to 0.0.0.0/0 or ::/0 except HTTPS on the ALB', async () => {
  assertClean(openIngress(await realTree()));
});

test('negative: PostgreSQL open to the world (aws_vpc_security_group_ingress_rule)', async () => {
  const tree = await mutatedTree({
    file: 'modules/database/main.tf',
    append: `resource "aws_vpc_security_group_ingress_rule" "db_world" {
  security_group_id = aws_security_group.db.id
  ip_protocol       = "tcp"
  from_port         = 5432
  to_port           = 5432
  cidr_ipv4         = "0.0.0.0/0"
}`,
  });
  assertOnly(openIngress(tree), { file: 'modules/database/main.tf', resource: 'aws_vpc_security_group_ingress_rule.db_world', message: /5432-5432 open to the world/ });
});

test('negative: ALB port 80 open to the world is not covered by the 443 exception', async () => {
  const tree = await mutatedTree({
    file: 'modules/service/main.tf',
    append: `resource "aws_security_group_rule" "alb_http" {
  type              = "ingress"
  security_group_id = aws_security_group.alb.id
  protocol          = "tcp"
  from_port         = 80
  to_port           = 80
  cidr_blocks       = ["0.0.0.0/0"]
}`,
  });
  assertOnly(openIngress(tree), { file: 'modules/service/main.tf', resource: 'aws_security_group_rule.alb_http', message: /80-80 open to the world/ });
});

test('negative: inline IPv6 ingress on the Redis security group', async () => {
  const tree = await mutatedTree({
    file: 'modules/cache/main.tf',
    replace: '  description = "Redis: 6379 from ECS tasks only"\n  vpc_id      = var.vpc_id\n',
    with: '  description = "Redis: 6379 from ECS tasks only"\n  vpc_id      = var.vpc_id\n\n  ingress {\n    from_port        = 6379\n    to_port          = 6379\n    protocol         = "tcp"\n    ipv6_cidr_blocks = ["::/0"]\n  }\n',
  });
  assertOnly(openIngress(tree), { file: 'modules/cache/main.tf', resource: 'aws_security_group.cache', message: /inline ingress 6379-6379/ });
});
