import { test } from 'node:test';
import { assertClean, assertOnly } from '../lib/assertions.mjs';
import { mutatedTree, realTree } from '../lib/fixture.mjs';
import { tls } from '../lib/policies.mjs';

test('KMS keys rotate; ALB HTTPS uses a TLS 1.3 policy, HTTP only redirects; CloudFront TLSv1.2_2021 and HTTPS everywhere', async () => {
  assertClean(tls(await realTree()));
});

test('negative: audit key without rotation', async () => {
  const tree = await mutatedTree({
    file: 'modules/kms/main.tf',
    replace: 'audit archive (S3 Object Lock)"\n  enable_key_rotation     = true',
    with: 'audit archive (S3 Object Lock)"\n  enable_key_rotation     = false',
  });
  assertOnly(tls(tree), { file: 'modules/kms/main.tf', resource: 'aws_kms_key.audit', message: /enable_key_rotation/ });
});

test('negative: ALB listener on a TLS 1.0 policy', async () => {
  const tree = await mutatedTree({ file: 'modules/service/main.tf', replace: '"ELBSecurityPolicy-TLS13-1-2-2021-06"', with: '"ELBSecurityPolicy-2016-08"' });
  assertOnly(tls(tree), { file: 'modules/service/main.tf', resource: 'aws_lb_listener.https', message: /not a TLS 1\.3 policy/ });
});

test('negative: HTTP listener forwarding instead of redirecting', async () => {
  const tree = await mutatedTree({
    file: 'modules/service/main.tf',
    replace: /default_action \{\n    type = "redirect"\n    redirect \{[^}]*\}\n  \}/,
    with: 'default_action {\n    type             = "forward"\n    target_group_arn = aws_lb_target_group.api.arn\n  }',
  });
  assertOnly(tls(tree), { file: 'modules/service/main.tf', resource: 'aws_lb_listener.http', message: /does not only redirect to HTTPS/ });
});

test('negative: CloudFront minimum protocol TLSv1', async () => {
  const tree = await mutatedTree({ file: 'modules/edge/main.tf', replace: '"TLSv1.2_2021"', with: '"TLSv1_2016"' });
  assertOnly(tls(tree), { file: 'modules/edge/main.tf', resource: 'aws_cloudfront_distribution.this', message: /minimum_protocol_version is "TLSv1_2016"/ });
});

test('negative: static cache behavior (a dynamic block) allowing plain HTTP', async () => {
  const tree = await mutatedTree({
    file: 'modules/edge/main.tf',
    replace: /viewer_protocol_policy     = "redirect-to-https"(\n\s*allowed_methods\s*= \["GET", "HEAD"\]\n)/,
    with: 'viewer_protocol_policy     = "allow-all"\n      allowed_methods            = ["GET", "HEAD"]\n',
  });
  assertOnly(tls(tree), { file: 'modules/edge/main.tf', resource: 'aws_cloudfront_distribution.this', message: /viewer_protocol_policy "allow-all"/ });
});
