// Policies over the parsed Terraform. Each takes a tree (lib/hcl.mjs loadTree) and returns violations:
// {file, resource, message, envs}. A flaw seen by several environments (a module shared by all) is reported once.
import { nested } from './hcl.mjs';
import { view } from './resolve.mjs';

// The buckets with a special role, by module directory and resource name.
export const IMAGES_BUCKET = { dir: 'modules/storage', name: 'images' };
export const AUDIT_ARCHIVE_BUCKET = { dir: 'modules/storage', name: 'audit_archive' };
// ELB access log delivery supports SSE-S3 only: the one bucket allowed AES256 instead of SSE-KMS.
export const AES256_ALLOWED_BUCKETS = [{ dir: 'modules/storage', name: 'alb_logs' }];
// The one world-open ingress: HTTPS on the ALB.
export const WORLD_OPEN_ALLOWED = [{ dir: 'modules/service', securityGroup: 'alb', port: 443 }];
export const SIX_YEARS_DAYS = 2192;

export function format(v) {
  return `${v.file}: ${v.resource}: ${v.message}${v.envs?.length ? ` [${v.envs.join(',')}]` : ''}`;
}

function collect(fn) {
  return (tree) => {
    const found = new Map();
    const report = (item, message) => {
      const resource = `${item.kind === 'data' ? 'data.' : ''}${item.type}.${item.name}`;
      const key = `${item.file}|${resource}|${message}`;
      if (!found.has(key)) found.set(key, { file: item.file, resource, message, envs: [] });
      const v = found.get(key);
      if (item.env && !v.envs.includes(item.env)) v.envs.push(item.env);
    };
    fn(view(tree), report, tree);
    return [...found.values()];
  };
}

const resources = (items, type) => items.filter((i) => i.kind === 'resource' && i.type === type);
const first = (body, name) => nested(body, name)[0];
const isTrue = (v) => v === true;
const refName = (value, type) => {
  const m = typeof value === 'string' && new RegExp(`\\$\\{${type}\\.([A-Za-z0-9_-]+)\\.`).exec(value);
  return m ? m[1] : null;
};
/** Resources of `type` in the same module instance whose `attr` references `aws_s3_bucket.<bucket.name>`. */
const attachedTo = (items, bucket, type, attr = 'bucket') =>
  resources(items, type).filter((r) => r.instance === bucket.instance && refName(r.body[attr], 'aws_s3_bucket') === bucket.name);
const is = (item, ref) => item.dir === ref.dir && item.name === ref.name;
const wildcardWorld = (cidrs) => (Array.isArray(cidrs) ? cidrs : [cidrs]).some((c) => c === '0.0.0.0/0' || c === '::/0');

// 1. Every .tf file parses.
export function parseErrors(tree) {
  return tree.errors.map((e) => ({ file: e.rel, resource: '(file)', message: `does not parse: ${e.message}`, envs: [] }));
}

// 2. Encryption at rest everywhere.
export const encryption = collect((items, report) => {
  for (const r of resources(items, 'aws_db_instance')) {
    if (!isTrue(r.body.storage_encrypted)) report(r, 'storage_encrypted is not true');
    if (!r.body.kms_key_id) report(r, 'no kms_key_id (customer-managed key)');
  }
  for (const b of resources(items, 'aws_s3_bucket')) {
    const sse = attachedTo(items, b, 'aws_s3_bucket_server_side_encryption_configuration');
    if (sse.length === 0) {
      report(b, 'no aws_s3_bucket_server_side_encryption_configuration');
      continue;
    }
    for (const rule of sse.flatMap((s) => nested(s.body, 'rule'))) {
      const def = first(rule, 'apply_server_side_encryption_by_default') ?? {};
      if (AES256_ALLOWED_BUCKETS.some((a) => is(b, a)) && def.sse_algorithm === 'AES256') continue;
      if (def.sse_algorithm !== 'aws:kms') report(b, `default encryption is ${def.sse_algorithm ?? 'missing'}, not aws:kms`);
      else if (!def.kms_master_key_id) report(b, 'SSE-KMS without kms_master_key_id (AWS-managed key)');
      if (def.sse_algorithm === 'aws:kms' && !isTrue(rule.bucket_key_enabled)) report(b, 'bucket_key_enabled is not true');
    }
  }
  for (const r of resources(items, 'aws_elasticache_replication_group')) {
    if (!isTrue(r.body.at_rest_encryption_enabled)) report(r, 'at_rest_encryption_enabled is not true');
    if (!isTrue(r.body.transit_encryption_enabled)) report(r, 'transit_encryption_enabled is not true');
    if (!r.body.kms_key_id) report(r, 'no kms_key_id');
  }
  for (const r of resources(items, 'aws_cloudwatch_log_group')) if (!r.body.kms_key_id) report(r, 'log group without kms_key_id');
  for (const r of resources(items, 'aws_secretsmanager_secret')) if (!r.body.kms_key_id) report(r, 'secret without kms_key_id');
  for (const r of resources(items, 'aws_sns_topic')) if (!r.body.kms_master_key_id) report(r, 'topic without kms_master_key_id');
  for (const r of resources(items, 'aws_ecr_repository')) {
    const enc = first(r.body, 'encryption_configuration');
    if (enc?.encryption_type !== 'KMS' || !enc.kms_key) report(r, 'ECR repository not encrypted with a KMS key');
  }
});

// 3. Public access blocked on every bucket; RDS not publicly accessible.
export const publicAccess = collect((items, report) => {
  const flags = ['block_public_acls', 'block_public_policy', 'ignore_public_acls', 'restrict_public_buckets'];
  for (const b of resources(items, 'aws_s3_bucket')) {
    const pab = attachedTo(items, b, 'aws_s3_bucket_public_access_block');
    if (pab.length === 0) report(b, 'no aws_s3_bucket_public_access_block');
    for (const p of pab) for (const f of flags) if (!isTrue(p.body[f])) report(b, `public access block: ${f} is not true`);
  }
  for (const r of resources(items, 'aws_db_instance')) {
    if (r.body.publicly_accessible !== false) report(r, 'publicly_accessible is not false');
  }
});

function policyDocumentOf(items, holder) {
  const name = refName(holder.body.policy, 'data.aws_iam_policy_document');
  return items.find((i) => i.kind === 'data' && i.type === 'aws_iam_policy_document' && i.name === name && i.instance === holder.instance);
}

function statements(doc) {
  return nested(doc?.body, 'statement');
}

const denies = (st, action) => st.effect === 'Deny' && (st.actions ?? []).some((a) => a === action || a === 's3:*');
const hasCondition = (st, test, variable, value) =>
  nested(st, 'condition').some((c) => c.test === test && c.variable === variable && (c.values ?? []).includes(value));

// 4. TLS-only on every bucket policy target; encrypted-put-only on the images bucket.
export const bucketPolicies = collect((items, report) => {
  for (const b of resources(items, 'aws_s3_bucket')) {
    const policies = attachedTo(items, b, 'aws_s3_bucket_policy');
    const docs = policies.map((p) => policyDocumentOf(items, p)).filter(Boolean);
    const sts = docs.flatMap(statements);
    const isImages = is(b, IMAGES_BUCKET);
    if (policies.length === 0) {
      report(b, 'no bucket policy');
      continue;
    }
    const tlsOnly = sts.some(
      (s) => denies(s, 's3:*') && (s.actions ?? []).includes('s3:*') && hasCondition(s, 'Bool', 'aws:SecureTransport', 'false'),
    );
    if (!tlsOnly) report(b, 'bucket policy does not deny aws:SecureTransport = false for s3:*');
    if (isImages) {
      const sseOnly = sts.some(
        (s) => denies(s, 's3:PutObject') && hasCondition(s, 'StringNotEquals', 's3:x-amz-server-side-encryption', 'aws:kms'),
      );
      if (!sseOnly) report(b, 'bucket policy does not deny PutObject without s3:x-amz-server-side-encryption = aws:kms');
      const keyOnly = sts.some(
        (s) =>
          denies(s, 's3:PutObject') &&
          nested(s, 'condition').some(
            (c) => /^StringNotEquals(IfExists)?$/.test(c.test) && c.variable === 's3:x-amz-server-side-encryption-aws-kms-key-id',
          ),
      );
      if (!keyOnly) report(b, 'bucket policy does not deny PutObject with another KMS key');
    }
  }
  const found = (ref) => resources(items, 'aws_s3_bucket').some((b) => is(b, ref));
  for (const ref of [IMAGES_BUCKET, AUDIT_ARCHIVE_BUCKET]) {
    if (!found(ref)) report({ kind: 'resource', type: 'aws_s3_bucket', name: ref.name, file: `${ref.dir}/*.tf` }, 'bucket not found');
  }
});

// 5. Production sizing, resolved through the environment's module calls.
export const PROD = {
  api: { cpu: 512, memory: 1024, minTasks: 2 },
  db: { instanceClass: 'db.t3.medium', minStorageGb: 100, minBackupDays: 35, engine: /^16\.\d+$/ },
  cache: { nodeType: 'cache.t3.micro', minNodes: 2 },
};
export function prodSizing(tree) {
  return collect((items, report) => {
    const prod = items.filter((i) => i.env === 'prod');
    const need = (type, name) => {
      const r = resources(prod, type).filter((x) => name === undefined || x.name === name);
      if (r.length === 0) report({ kind: 'resource', type, name: name ?? '*', file: 'environments/prod/main.tf', env: 'prod' }, 'not found in prod');
      return r;
    };
    for (const r of need('aws_db_instance')) {
      const b = r.body;
      if (b.multi_az !== true) report(r, `multi_az is ${JSON.stringify(b.multi_az)}, not true`);
      if (b.deletion_protection !== true) report(r, `deletion_protection is ${JSON.stringify(b.deletion_protection)}, not true`);
      if (b.instance_class !== PROD.db.instanceClass) report(r, `instance_class is ${JSON.stringify(b.instance_class)}, not ${PROD.db.instanceClass}`);
      if (!(b.allocated_storage >= PROD.db.minStorageGb)) report(r, `allocated_storage is ${JSON.stringify(b.allocated_storage)}, below ${PROD.db.minStorageGb} GB`);
      if (!(b.backup_retention_period >= PROD.db.minBackupDays)) report(r, `backup_retention_period is ${JSON.stringify(b.backup_retention_period)}, below ${PROD.db.minBackupDays}`);
      if (b.engine !== 'postgres' || !PROD.db.engine.test(String(b.engine_version))) report(r, `engine ${b.engine} ${b.engine_version} is not postgres 16.x`);
    }
    for (const r of need('aws_elasticache_replication_group')) {
      const b = r.body;
      if (b.multi_az_enabled !== true) report(r, `multi_az_enabled is ${JSON.stringify(b.multi_az_enabled)}, not true`);
      if (b.automatic_failover_enabled !== true) report(r, `automatic_failover_enabled is ${JSON.stringify(b.automatic_failover_enabled)}, not true`);
      if (b.node_type !== PROD.cache.nodeType) report(r, `node_type is ${JSON.stringify(b.node_type)}, not ${PROD.cache.nodeType}`);
      if (!(b.num_cache_clusters >= PROD.cache.minNodes)) report(r, `num_cache_clusters is ${JSON.stringify(b.num_cache_clusters)}, below ${PROD.cache.minNodes}`);
    }
    for (const r of need('aws_ecs_task_definition', 'api')) {
      if (Number(r.body.cpu) !== PROD.api.cpu || Number(r.body.memory) !== PROD.api.memory) {
        report(r, `API task is cpu ${JSON.stringify(r.body.cpu)} / memory ${JSON.stringify(r.body.memory)}, not ${PROD.api.cpu}/${PROD.api.memory}`);
      }
    }
    for (const r of need('aws_ecs_service', 'api')) {
      if (!(r.body.desired_count >= PROD.api.minTasks)) report(r, `desired_count is ${JSON.stringify(r.body.desired_count)}, below ${PROD.api.minTasks}`);
    }
    for (const r of need('aws_appautoscaling_target', 'api')) {
      if (!(r.body.min_capacity >= PROD.api.minTasks)) report(r, `min_capacity is ${JSON.stringify(r.body.min_capacity)}, below ${PROD.api.minTasks}`);
    }
  })(tree);
}

// 6. Log retention: the audit log group keeps six years; every other group has a retention.
export const logRetention = collect((items, report) => {
  for (const r of resources(items, 'aws_cloudwatch_log_group')) {
    const days = r.body.retention_in_days;
    const isAudit = typeof r.body.name === 'string' && /\/audit$/.test(r.body.name);
    if (typeof days !== 'number' || days <= 0) report(r, `retention_in_days is ${JSON.stringify(days)}, not a number of days`);
    else if (isAudit && days < SIX_YEARS_DAYS) report(r, `audit log retention is ${days} days, below ${SIX_YEARS_DAYS}`);
  }
  if (!resources(items, 'aws_cloudwatch_log_group').some((r) => /\/audit$/.test(String(r.body.name)))) {
    report({ kind: 'resource', type: 'aws_cloudwatch_log_group', name: 'audit', file: 'modules/service/*.tf' }, 'no audit log group (name ending in /audit)');
  }
});

// 7. No ingress open to the world except HTTPS on the ALB.
export const openIngress = collect((items, report) => {
  const allowed = (r, sgRef, from, to) =>
    WORLD_OPEN_ALLOWED.some((a) => r.dir === a.dir && refName(sgRef, 'aws_security_group') === a.securityGroup && from === a.port && to === a.port);
  for (const sg of resources(items, 'aws_security_group')) {
    for (const rule of nested(sg.body, 'ingress')) {
      if (wildcardWorld(rule.cidr_blocks ?? []) || wildcardWorld(rule.ipv6_cidr_blocks ?? [])) {
        report(sg, `inline ingress ${rule.from_port}-${rule.to_port} open to the world`);
      }
    }
  }
  for (const r of resources(items, 'aws_security_group_rule')) {
    if (r.body.type !== 'ingress') continue;
    if ((wildcardWorld(r.body.cidr_blocks ?? []) || wildcardWorld(r.body.ipv6_cidr_blocks ?? [])) && !allowed(r, r.body.security_group_id, r.body.from_port, r.body.to_port)) {
      report(r, `ingress ${r.body.from_port}-${r.body.to_port} open to the world`);
    }
  }
  for (const r of resources(items, 'aws_vpc_security_group_ingress_rule')) {
    const open = wildcardWorld(r.body.cidr_ipv4 ?? []) || wildcardWorld(r.body.cidr_ipv6 ?? []);
    const allProtocols = r.body.ip_protocol === '-1' || r.body.ip_protocol === -1;
    if (open && (allProtocols || !allowed(r, r.body.security_group_id, r.body.from_port, r.body.to_port))) {
      report(r, `ingress ${allProtocols ? 'all ports' : `${r.body.from_port}-${r.body.to_port}`} open to the world`);
    }
  }
});

// 8. No wildcard IAM actions ("*" or "<service>:*") in Allow statements. Deny statements may (and should) use s3:*.
const WILDCARD = /^(\*|[A-Za-z0-9-]+:\*)$/;
function actionsInJsonText(text) {
  // Statements written as jsonencode({...}) or JSON heredocs: each Action with the Effect of its enclosing object.
  const out = [];
  const re = /"?(Action|NotAction)"?\s*[=:]\s*(\[[^\]]*\]|"[^"]*")/g;
  let m;
  while ((m = re.exec(text))) {
    let depth = 0;
    let start = m.index;
    for (; start > 0; start--) {
      if (text[start] === '}') depth++;
      if (text[start] === '{') {
        if (depth === 0) break;
        depth--;
      }
    }
    let end = m.index;
    for (depth = 0; end < text.length; end++) {
      if (text[end] === '{') depth++;
      if (text[end] === '}') {
        if (depth === 0) break;
        depth--;
      }
    }
    const effect = /"?Effect"?\s*[=:]\s*"(\w+)"/.exec(text.slice(start, end + 1))?.[1] ?? 'Allow';
    const actions = [...m[2].matchAll(/"([^"]*)"/g)].map((x) => x[1]);
    out.push({ key: m[1], effect, actions });
  }
  return out;
}
function strings(value, out = []) {
  if (typeof value === 'string') out.push(value);
  else if (Array.isArray(value)) value.forEach((v) => strings(v, out));
  else if (value && typeof value === 'object') Object.values(value).forEach((v) => strings(v, out));
  return out;
}
export const wildcardIam = collect((items, report) => {
  for (const d of items.filter((i) => i.kind === 'data' && i.type === 'aws_iam_policy_document')) {
    for (const st of statements(d)) {
      const effect = st.effect ?? 'Allow';
      if (effect === 'Deny') continue;
      if (st.actions !== undefined && !Array.isArray(st.actions)) {
        report(d, `statement ${st.sid ?? '(no sid)'} actions are an expression (${st.actions}): use a literal list or a local`);
        continue;
      }
      for (const a of st.actions ?? []) if (WILDCARD.test(a)) report(d, `statement ${st.sid ?? '(no sid)'} allows wildcard action ${a}`);
      if (st.not_actions) report(d, `statement ${st.sid ?? '(no sid)'} allows by not_actions`);
    }
  }
  for (const r of items.filter((i) => i.kind === 'resource')) {
    for (const s of strings(r.body)) {
      if (!/Action/.test(s)) continue;
      for (const st of actionsInJsonText(s)) {
        if (st.effect === 'Deny') continue;
        if (st.key === 'NotAction') report(r, 'policy allows by NotAction');
        for (const a of st.actions) if (WILDCARD.test(a)) report(r, `policy allows wildcard action ${a}`);
      }
    }
  }
});

// 9. Raw uploads expire after a day on the images bucket (current and noncurrent versions).
export const rawLifecycle = collect((items, report) => {
  for (const b of resources(items, 'aws_s3_bucket').filter((x) => is(x, IMAGES_BUCKET))) {
    const rules = attachedTo(items, b, 'aws_s3_bucket_lifecycle_configuration').flatMap((l) => nested(l.body, 'rule'));
    const raw = rules.filter((r) => r.status === 'Enabled' && nested(r, 'filter').some((f) => f.prefix === 'raw/'));
    if (raw.length === 0) {
      report(b, 'no enabled lifecycle rule with filter prefix raw/');
      continue;
    }
    const ok = raw.some(
      (r) =>
        nested(r, 'expiration').some((e) => typeof e.days === 'number' && e.days <= 1) &&
        nested(r, 'noncurrent_version_expiration').some((e) => typeof e.noncurrent_days === 'number' && e.noncurrent_days <= 1),
    );
    if (!ok) report(b, 'raw/ lifecycle rule does not expire current and noncurrent versions within 1 day');
  }
});

// 10. The audit archive is write-once: Object Lock in COMPLIANCE mode for at least six years.
export const auditArchive = collect((items, report) => {
  const buckets = resources(items, 'aws_s3_bucket').filter((x) => is(x, AUDIT_ARCHIVE_BUCKET));
  if (buckets.length === 0) {
    report({ kind: 'resource', type: 'aws_s3_bucket', name: AUDIT_ARCHIVE_BUCKET.name, file: `${AUDIT_ARCHIVE_BUCKET.dir}/*.tf` }, 'audit archive bucket not found');
  }
  for (const b of buckets) {
    if (b.body.object_lock_enabled !== true) report(b, 'object_lock_enabled is not true');
    const locks = attachedTo(items, b, 'aws_s3_bucket_object_lock_configuration');
    if (locks.length === 0) {
      report(b, 'no aws_s3_bucket_object_lock_configuration');
      continue;
    }
    for (const l of locks) {
      const retention = nested(first(l.body, 'rule'), 'default_retention')[0] ?? {};
      if (retention.mode !== 'COMPLIANCE') report(b, `object lock mode is ${JSON.stringify(retention.mode)}, not COMPLIANCE`);
      const days = typeof retention.days === 'number' ? retention.days : typeof retention.years === 'number' ? retention.years * 365.25 : NaN;
      if (!(days >= SIX_YEARS_DAYS - 0.5)) report(b, `object lock retention is ${JSON.stringify(retention.days ?? retention.years)}, below six years`);
    }
  }
});

// 11. Keys rotate; TLS 1.3 policy on the HTTPS listener; CloudFront TLSv1.2_2021+ and HTTPS to viewers and origin.
const TLS13_ALB = /^ELBSecurityPolicy-TLS13-1-[23]-/;
const CF_MIN_TLS = new Set(['TLSv1.2_2021', 'TLSv1.2_2025', 'TLSv1.3_2025']);
export const tls = collect((items, report) => {
  for (const r of resources(items, 'aws_kms_key')) if (r.body.enable_key_rotation !== true) report(r, 'enable_key_rotation is not true');
  for (const r of resources(items, 'aws_lb_listener')) {
    if (r.body.protocol === 'HTTPS') {
      if (!TLS13_ALB.test(String(r.body.ssl_policy))) report(r, `ssl_policy ${JSON.stringify(r.body.ssl_policy)} is not a TLS 1.3 policy`);
    } else {
      const redirect = nested(r.body, 'default_action').every((a) => a.type === 'redirect' && nested(a, 'redirect').every((x) => x.protocol === 'HTTPS'));
      if (!redirect) report(r, `${r.body.protocol} listener does not only redirect to HTTPS`);
    }
  }
  for (const r of resources(items, 'aws_cloudfront_distribution')) {
    const cert = first(r.body, 'viewer_certificate') ?? {};
    if (!CF_MIN_TLS.has(cert.minimum_protocol_version)) report(r, `minimum_protocol_version is ${JSON.stringify(cert.minimum_protocol_version)}, not TLSv1.2_2021 or newer`);
    const behaviors = [...nested(r.body, 'default_cache_behavior'), ...nested(r.body, 'ordered_cache_behavior')];
    for (const b of behaviors) {
      if (!['redirect-to-https', 'https-only'].includes(b.viewer_protocol_policy)) {
        report(r, `cache behavior ${b.path_pattern ?? '(default)'} has viewer_protocol_policy ${JSON.stringify(b.viewer_protocol_policy)}`);
      }
    }
    for (const o of nested(r.body, 'origin')) {
      const c = first(o, 'custom_origin_config');
      if (!c) continue;
      if (c.origin_protocol_policy !== 'https-only') report(r, `origin ${o.origin_id} protocol policy is ${JSON.stringify(c.origin_protocol_policy)}`);
      if (!(c.origin_ssl_protocols ?? []).every((p) => p === 'TLSv1.2')) report(r, `origin ${o.origin_id} allows ${JSON.stringify(c.origin_ssl_protocols)}`);
    }
  }
});

// 12. A role GitHub Actions may assume names one repository and one GitHub environment exactly: no wildcard subject,
// no StringLike, and the STS audience.
export const githubTrust = collect((items, report) => {
  for (const d of items.filter((i) => i.kind === 'data' && i.type === 'aws_iam_policy_document')) {
    for (const st of statements(d).filter((s) => (s.actions ?? []).includes('sts:AssumeRoleWithWebIdentity'))) {
      const conditions = nested(st, 'condition');
      const on = (claim) => conditions.filter((c) => c.variable === `token.actions.githubusercontent.com:${claim}`);
      if (!on('aud').some((c) => c.test === 'StringEquals' && (c.values ?? []).length === 1 && c.values[0] === 'sts.amazonaws.com'))
        report(d, 'web identity trust does not require the audience sts.amazonaws.com');
      const subjects = on('sub');
      if (subjects.length === 0) report(d, 'web identity trust names no subject (any repository could assume it)');
      for (const c of subjects) {
        if (c.test !== 'StringEquals') report(d, `web identity subject is matched with ${c.test}, not StringEquals`);
        for (const v of c.values ?? []) {
          if (/\*|\?/.test(v)) report(d, `web identity subject ${v} has a wildcard`);
          if (!/^repo:[^:]+:environment:[^:]+$/.test(v)) report(d, `web identity subject ${v} is not one repository's GitHub environment`);
        }
      }
    }
  }
});

export const ALL = { encryption, publicAccess, bucketPolicies, prodSizing, logRetention, openIngress, wildcardIam, rawLifecycle, auditArchive, tls, githubTrust };
