// Checks of .github/workflows/ci.yml and deploy.yml. No npm dependency: a small YAML reader for the subset GitHub
// workflows use here (block maps and lists, flow lists, quoted and plain scalars, | and > block scalars, comments).
// Each check is a function over the workflow text returning its problems, and each is also run on a flawed copy.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
const read = (rel) => fs.readFileSync(path.join(REPO, rel), 'utf8');

// ------------------------------------------------------------------------------------------------- YAML subset

const KEY = /^([\w.\-/$]+|"[^"]*"|'[^']*')\s*:(?:\s+|$)(.*)$/;

function stripComment(s) {
  let quote = null;
  for (let i = 0; i < s.length; i++) {
    const c = s[i];
    if (quote) {
      if (c === quote) quote = null;
    } else if (c === '"' || c === "'") {
      if (i === 0 || /[\s[,:]/.test(s[i - 1])) quote = c;
    } else if (c === '#' && (i === 0 || /\s/.test(s[i - 1]))) {
      return s.slice(0, i).trimEnd();
    }
  }
  return s;
}

function splitFlow(inner) {
  const parts = [];
  let depth = 0;
  let quote = null;
  let cur = '';
  for (const c of inner) {
    if (quote) {
      if (c === quote) quote = null;
    } else if (c === '"' || c === "'") quote = c;
    else if (c === '[' || c === '{') depth++;
    else if (c === ']' || c === '}') depth--;
    else if (c === ',' && depth === 0) {
      parts.push(cur.trim());
      cur = '';
      continue;
    }
    cur += c;
  }
  if (cur.trim()) parts.push(cur.trim());
  return parts;
}

export function scalar(raw) {
  const s = raw.trim();
  if (s.startsWith('"') && s.endsWith('"') && s.length > 1) return JSON.parse(s);
  if (s.startsWith("'") && s.endsWith("'") && s.length > 1) return s.slice(1, -1).replace(/''/g, "'");
  if (s.startsWith('[') && s.endsWith(']')) return splitFlow(s.slice(1, -1)).map(scalar);
  if (s.startsWith('{') && s.endsWith('}')) {
    return Object.fromEntries(splitFlow(s.slice(1, -1)).map((p) => {
      const m = p.match(KEY);
      if (!m) throw new Error(`unsupported flow map entry: ${p}`);
      return [scalar(m[1]), scalar(m[2])];
    }));
  }
  if (s === '' || s === '~' || s === 'null') return null;
  if (s === 'true') return true;
  if (s === 'false') return false;
  if (/^-?\d+(\.\d+)?$/.test(s)) return Number(s);
  return s;
}

/** Parses the YAML subset into plain objects; throws on anything it does not understand. */
export function parseYaml(text) {
  const lines = text.split(/\r?\n/).map((l) => l.replace(/\t/g, '  '));
  let i = 0;
  const indentOf = (l) => l.match(/^ */)[0].length;
  const blank = (l) => /^\s*(#.*)?$/.test(l);
  const skip = () => {
    while (i < lines.length && blank(lines[i])) i++;
  };
  const isItem = (t) => t === '-' || t.startsWith('- ');

  function node(minIndent) {
    skip();
    if (i >= lines.length) return null;
    const ind = indentOf(lines[i]);
    if (ind < minIndent) return null;
    return isItem(lines[i].slice(ind)) ? seq(ind) : map(ind);
  }

  function blockScalar(header, parentIndent) {
    const out = [];
    let contentIndent = null;
    while (i < lines.length) {
      const l = lines[i];
      if (l.trim() === '') {
        out.push('');
        i++;
        continue;
      }
      const ind = indentOf(l);
      if (ind <= parentIndent) break;
      if (contentIndent === null) contentIndent = ind;
      out.push(l.slice(Math.min(ind, contentIndent)));
      i++;
    }
    while (out.length && out.at(-1) === '') out.pop();
    const body = header.startsWith('>') ? out.join(' ').replace(/ {2,}/g, ' ') : out.join('\n');
    return header.includes('-') ? body : `${body}\n`;
  }

  function value(rest, ind) {
    const r = stripComment(rest).trim();
    if (r === '') {
      skip();
      if (i < lines.length) {
        const li = indentOf(lines[i]);
        if (li > ind || (li === ind && isItem(lines[i].slice(li)))) return node(li);
      }
      return null;
    }
    if (/^[|>][-+]?\d*$/.test(r)) return blockScalar(r, ind);
    return scalar(r);
  }

  function map(ind) {
    const obj = {};
    for (;;) {
      skip();
      if (i >= lines.length) break;
      const li = indentOf(lines[i]);
      const t = lines[i].slice(li);
      if (li < ind || isItem(t)) break;
      if (li > ind) throw new Error(`line ${i + 1}: unexpected indentation`);
      const m = t.match(KEY);
      if (!m) throw new Error(`line ${i + 1}: expected "key: value", got: ${t}`);
      i++;
      obj[scalar(m[1])] = value(m[2], li);
    }
    return obj;
  }

  function seq(ind) {
    const arr = [];
    for (;;) {
      skip();
      if (i >= lines.length) break;
      const li = indentOf(lines[i]);
      const t = lines[i].slice(li);
      if (li !== ind || !isItem(t)) break;
      const after = t.slice(1).replace(/^ +/, '');
      const itemIndent = li + (t.length - after.length);
      if (after === '' || after.startsWith('#')) {
        i++;
        arr.push(node(ind + 1));
      } else if (KEY.test(after)) {
        lines[i] = ' '.repeat(itemIndent) + after; // the item is a map starting on this line
        arr.push(map(itemIndent));
      } else {
        i++;
        arr.push(scalar(stripComment(after)));
      }
    }
    return arr;
  }

  const doc = node(0);
  skip();
  if (i < lines.length) throw new Error(`line ${i + 1}: not parsed: ${lines[i]}`);
  return doc;
}

// ------------------------------------------------------------------------------------------------- helpers

const jobsOf = (wf) => Object.entries(wf.jobs ?? {});
const stepsOf = (job) => job.steps ?? [];
const runs = (step) => (typeof step.run === 'string' ? step.run : '');
const uses = (step) => (typeof step.uses === 'string' ? step.uses : '');
const asList = (v) => (v == null ? [] : Array.isArray(v) ? v : [v]);
/** Shell text without comment lines, so that a comment naming a command does not count as running it. */
const code = (step) => runs(step).split('\n').filter((l) => !/^\s*#/.test(l)).join('\n');
const firstStep = (steps, re) => steps.findIndex((s) => re.test(code(s)));

function parseOrProblem(text) {
  try {
    return { wf: parseYaml(text) };
  } catch (e) {
    return { problems: [`not parseable: ${e.message}`] };
  }
}

// ------------------------------------------------------------------------------------------------- ci.yml checks

export function checkCi(text) {
  const { wf, problems = [] } = parseOrProblem(text);
  if (!wf) return problems;
  const on = wf.on ?? {};
  if (!('push' in on)) problems.push('ci.yml does not run on push');
  if (!('pull_request' in on)) problems.push('ci.yml does not run on pull_request');
  if (wf.permissions?.contents !== 'read' || Object.keys(wf.permissions ?? {}).length !== 1) {
    problems.push('ci.yml permissions are not exactly contents: read');
  }
  if (!wf.concurrency?.group || wf.concurrency['cancel-in-progress'] == null || wf.concurrency['cancel-in-progress'] === false) {
    problems.push('ci.yml has no concurrency group cancelling superseded runs');
  }
  const runners = jobsOf(wf).filter(([, job]) => stepsOf(job).some((s) => /\bbash \.ci\/run\b/.test(code(s))));
  if (runners.length === 0) problems.push('no ci.yml step runs `bash .ci/run`');
  for (const [id, job] of runners) {
    const t = job['timeout-minutes'];
    if (typeof t !== 'number' || t <= 0 || t > 90) problems.push(`job ${id}: timeout-minutes must be set, at most 90 (is ${t})`);
    const steps = stepsOf(job);
    const upload = steps.find((s) => uses(s).startsWith('actions/upload-artifact@') && asList(s.with?.path).join('\n').includes('.local/test-results'));
    if (!upload) problems.push(`job ${id}: .local/test-results is not uploaded`);
    else {
      if (!/always\(\)/.test(String(upload.if ?? ''))) problems.push(`job ${id}: the test results upload does not run always()`);
      if (upload.with['include-hidden-files'] !== true) problems.push(`job ${id}: upload skips .local (include-hidden-files is not true)`);
    }
    const cached = steps.filter((s) => uses(s).startsWith('actions/cache@')).map((s) => `${s.with?.path} ${s.with?.key}`);
    if (!cached.some((c) => c.includes('.nuget/packages') && /hashFiles\(/.test(c))) problems.push(`job ${id}: ~/.nuget/packages is not cached by a key over the package files`);
    if (!cached.some((c) => c.includes('.npm') && c.includes('package-lock.json'))) problems.push(`job ${id}: the npm cache is not keyed on the lock files`);
  }
  return problems;
}

// ------------------------------------------------------------------------------------------------- deploy.yml checks

/** Only v* tags (and manual runs) trigger a deploy: no branch, pull request or schedule. */
export function checkDeployTriggers(text) {
  const { wf, problems = [] } = parseOrProblem(text);
  if (!wf) return problems;
  const on = wf.on ?? {};
  const triggers = typeof on === 'string' ? [on] : Array.isArray(on) ? on : Object.keys(on);
  for (const t of triggers) if (!['push', 'workflow_dispatch'].includes(t)) problems.push(`deploy.yml triggers on ${t}`);
  const push = on.push;
  if (!push || typeof push !== 'object') problems.push('deploy.yml has no push: tags: trigger');
  else {
    for (const k of ['branches', 'branches-ignore', 'paths', 'paths-ignore', 'tags-ignore']) {
      if (k in push) problems.push(`deploy.yml push trigger has ${k}: a branch push could deploy`);
    }
    const tags = asList(push.tags);
    if (tags.length === 0 || !tags.every((t) => /^v/.test(t))) problems.push(`deploy.yml push tags must be v* only (are ${JSON.stringify(tags)})`);
  }
  const dispatch = on.workflow_dispatch;
  if (!('workflow_dispatch' in on)) problems.push('deploy.yml has no workflow_dispatch');
  else {
    const envInput = dispatch?.inputs?.environment;
    const options = asList(envInput?.options);
    if (!envInput || !options.includes('staging') || !options.includes('prod')) problems.push('workflow_dispatch has no environment input with staging and prod');
  }
  return problems;
}

const deployJobs = (wf) => jobsOf(wf).filter(([, job]) => stepsOf(job).some((s) => /aws ecs update-service/.test(code(s))));

/** GitHub OIDC: id-token: write on every deploying job, credentials from a role, no stored keys. */
export function checkDeployOidc(text) {
  const { wf, problems = [] } = parseOrProblem(text);
  if (!wf) return problems;
  if ((wf.permissions ?? {})['id-token'] === 'write') problems.push('id-token: write is granted to every job, not only the deploy jobs');
  const jobs = deployJobs(wf);
  if (jobs.length === 0) problems.push('no job updates an ECS service');
  for (const [id, job] of jobs) {
    if (job.permissions?.['id-token'] !== 'write') problems.push(`job ${id}: no id-token: write`);
    if (job.permissions?.contents !== 'read') problems.push(`job ${id}: contents is not read`);
    const creds = stepsOf(job).find((s) => uses(s).startsWith('aws-actions/configure-aws-credentials@'));
    if (!creds) problems.push(`job ${id}: no aws-actions/configure-aws-credentials`);
    else {
      if (!creds.with?.['role-to-assume']) problems.push(`job ${id}: no role-to-assume`);
      if (creds.with?.['aws-access-key-id'] || creds.with?.['aws-secret-access-key']) problems.push(`job ${id}: stored AWS keys instead of OIDC`);
    }
    if (!stepsOf(job).some((s) => uses(s).startsWith('aws-actions/amazon-ecr-login@'))) problems.push(`job ${id}: no ECR login`);
  }
  return problems;
}

/** Per deploying job: migrate task (run, wait, exit code) before any service update; services-stable after it. */
export function checkDeployOrder(text) {
  const { wf, problems = [] } = parseOrProblem(text);
  if (!wf) return problems;
  for (const [id, job] of deployJobs(wf)) {
    const steps = stepsOf(job);
    const register = firstStep(steps, /aws ecs register-task-definition/);
    const migrate = firstStep(steps, /aws ecs run-task/);
    const update = firstStep(steps, /aws ecs update-service/);
    const stable = steps.findIndex((s) => /aws ecs wait services-stable/.test(code(s)));
    if (register < 0) problems.push(`job ${id}: no task definition is registered`);
    else if (register > migrate && migrate >= 0) problems.push(`job ${id}: migrations run before the new task definitions exist`);
    if (migrate < 0) problems.push(`job ${id}: migrations are never run`);
    else {
      if (migrate > update) problems.push(`job ${id}: services are updated before the migrate task runs`);
      const m = code(steps[migrate]);
      if (!/assignPublicIp=DISABLED/.test(m)) problems.push(`job ${id}: the migrate task may get a public IP`);
      if (!/aws ecs wait tasks-stopped/.test(m)) problems.push(`job ${id}: the deploy does not wait for the migrate task`);
      if (!/exitCode/.test(m) || !/exit 1/.test(m)) problems.push(`job ${id}: the migrate task's exit code is not checked`);
    }
    if (stable < 0) problems.push(`job ${id}: never waits for services-stable`);
    else if (stable < update) problems.push(`job ${id}: waits for services-stable before updating`);
    const u = steps.filter((s) => /aws ecs update-service/.test(code(s))).map(code).join('\n');
    const worker = u.indexOf('WORKER_SERVICE_NAME" "$WORKER_TASK_DEFINITION');
    const api = u.indexOf('API_SERVICE_NAME" "$API_TASK_DEFINITION');
    if (worker < 0 || api < 0 || worker > api) problems.push(`job ${id}: the worker is not updated before the api`);
    if (!steps.some((s) => /failure\(\)/.test(String(s.if ?? '')) && /roll back/i.test(runs(s)))) problems.push(`job ${id}: no roll-back advice on failure`);
  }
  return problems;
}

/** Staging first, prod after it behind its GitHub environment; both deploy the same way; the CI gate names ci.yml's job. */
export function checkDeployFlow(text, ciText) {
  const { wf, problems = [] } = parseOrProblem(text);
  if (!wf) return problems;
  const jobs = Object.fromEntries(deployJobs(wf));
  const envName = (job) => (typeof job?.environment === 'string' ? job.environment : job?.environment?.name);
  const staging = Object.entries(jobs).find(([, j]) => envName(j) === 'staging');
  const prod = Object.entries(jobs).find(([, j]) => envName(j) === 'prod');
  if (!staging) problems.push('no deploy job in GitHub environment staging');
  if (!prod) problems.push('no deploy job in GitHub environment prod');
  if (staging && prod) {
    if (!asList(prod[1].needs).includes(staging[0])) problems.push(`prod job does not need ${staging[0]}`);
    const strip = (j) => JSON.stringify(stepsOf(j));
    if (strip(staging[1]) !== strip(prod[1])) problems.push('staging and prod deploy with different steps');
  }
  // the gate: every deploying job needs a job that checks CI's check run
  const gates = jobsOf(wf).filter(([, j]) => stepsOf(j).some((s) => /check-runs/.test(code(s))));
  if (gates.length === 0) problems.push('no job verifies that CI passed for the commit');
  for (const [id, j] of Object.entries(jobs)) {
    if (!gates.some(([g]) => asList(j.needs).includes(g))) problems.push(`job ${id} does not wait for the CI gate`);
  }
  if (ciText && gates.length) {
    const ci = parseYaml(ciText);
    const ciNames = jobsOf(ci).map(([jid, j]) => j.name ?? jid);
    const checked = gates.flatMap(([, j]) => stepsOf(j).map((s) => s.env?.CI_CHECK_NAME).filter(Boolean));
    if (!checked.length || !checked.every((n) => ciNames.includes(n))) {
      problems.push(`the gate checks ${JSON.stringify(checked)}, but ci.yml's jobs are ${JSON.stringify(ciNames)}`);
    }
  }
  const build = jobsOf(wf).flatMap(([, j]) => stepsOf(j)).map(code).find((r) => /docker build/.test(r)) ?? '';
  if (!/-f infra\/docker\/Dockerfile/.test(build) || !/REVISION="?\$GITHUB_SHA/.test(build)) problems.push('the image is not built from infra/docker/Dockerfile with REVISION=$GITHUB_SHA');
  return problems;
}

/** Every action is pinned to a version (a major tag here; a hardened fork pins SHAs). */
export function checkActionsPinned(text) {
  const { wf, problems = [] } = parseOrProblem(text);
  if (!wf) return problems;
  for (const [id, job] of jobsOf(wf)) {
    for (const s of stepsOf(job)) {
      const u = uses(s);
      if (u && !/@(v\d+(\.\d+)*|[0-9a-f]{40})$/.test(u)) problems.push(`job ${id}: ${u} is not pinned to a version`);
    }
  }
  return problems;
}

// ------------------------------------------------------------------------------------------------- tests

const ciText = read('.github/workflows/ci.yml');
const deployText = read('.github/workflows/deploy.yml');

function mutate(text, from, to) {
  assert.equal(text.split(from).length - 1, 1, `expected exactly one "${from}" to mutate`);
  return text.replace(from, to);
}

/** Moves the step block that starts with `a` to just before the step block that starts with `b` (first job only). */
function moveStep(text, a, b) {
  const lines = text.split('\n');
  const start = lines.findIndex((l) => l.trim() === a);
  const stepIndent = lines[start].indexOf('-');
  let end = start + 1;
  while (end < lines.length && !(lines[end].trim() !== '' && lines[end].search(/\S/) <= stepIndent)) end++;
  const block = lines.splice(start, end - start);
  const target = lines.findIndex((l) => l.trim() === b);
  lines.splice(target, 0, ...block);
  return lines.join('\n');
}

describe('the YAML reader', () => {
  test('reads maps, lists, flow lists, quotes, block scalars and comments', () => {
    const doc = parseYaml(`# c
on:
  push:
    tags: ['v*', "x"] # trailing
jobs:
  a:
    n: 90
    steps:
      - name: one
        run: |
          echo "a: b" # kept
          second
      - uses: x@v4
        with: { k: v }
      - plain item
`);
    assert.deepEqual(doc.on.push.tags, ['v*', 'x']);
    assert.equal(doc.jobs.a.n, 90);
    assert.equal(doc.jobs.a.steps[0].run, 'echo "a: b" # kept\nsecond\n');
    assert.deepEqual(doc.jobs.a.steps[1].with, { k: 'v' });
    assert.equal(doc.jobs.a.steps[2], 'plain item');
  });
  test('reads both workflows', () => {
    assert.equal(parseYaml(ciText).jobs.test['timeout-minutes'], 90);
    assert.ok(parseYaml(deployText).jobs.prod);
  });
});

describe('.github/workflows/ci.yml', () => {
  test('runs bash .ci/run on push and pull_request, caches, uploads results, least privilege', () => {
    assert.deepEqual(checkCi(ciText), []);
  });
  test('actions are pinned', () => assert.deepEqual(checkActionsPinned(ciText), []));
});

describe('.github/workflows/deploy.yml', () => {
  test('triggers only on v* tags and workflow_dispatch', () => assert.deepEqual(checkDeployTriggers(deployText), []));
  test('uses GitHub OIDC for AWS', () => assert.deepEqual(checkDeployOidc(deployText), []));
  test('runs the migrate task before updating services, and waits for services-stable', () => {
    assert.deepEqual(checkDeployOrder(deployText), []);
  });
  test('staging, then prod; same steps; gated on CI of the commit', () => assert.deepEqual(checkDeployFlow(deployText, ciText), []));
  test('actions are pinned', () => assert.deepEqual(checkActionsPinned(deployText), []));
});

describe('the checks catch flawed copies', () => {
  test('ci.yml that does not run .ci/run', () => {
    assert.match(checkCi(mutate(ciText, 'CI=true bash .ci/run 2>&1', 'make build 2>&1')).join(), /runs `bash \.ci\/run`/);
  });
  test('ci.yml that only mentions .ci/run in a comment', () => {
    const flawed = mutate(ciText, 'CI=true bash .ci/run 2>&1', '# bash .ci/run\n          make build 2>&1');
    assert.match(checkCi(flawed).join(), /runs `bash \.ci\/run`/);
  });
  test('ci.yml uploading results only on success, or skipping hidden files', () => {
    assert.match(checkCi(mutate(ciText, "      - name: Upload test results\n        if: always()\n", '      - name: Upload test results\n')).join(), /does not run always/);
    assert.match(checkCi(mutate(ciText, 'include-hidden-files: true', 'include-hidden-files: false')).join(), /include-hidden-files/);
  });
  test('ci.yml with write permissions or without a timeout', () => {
    assert.match(checkCi(mutate(ciText, 'permissions:\n  contents: read', 'permissions:\n  contents: write')).join(), /contents: read/);
    assert.match(checkCi(mutate(ciText, '    timeout-minutes: 90\n', '')).join(), /timeout-minutes/);
  });
  test('deploy.yml with branches: [main]', () => {
    const flawed = mutate(deployText, "  push:\n    tags: ['v*']", "  push:\n    branches: [main]\n    tags: ['v*']");
    assert.match(checkDeployTriggers(flawed).join(), /branches/);
  });
  test('deploy.yml on push without tags, on pull_request, or with a non-v tag', () => {
    assert.match(checkDeployTriggers(mutate(deployText, "  push:\n    tags: ['v*']", '  push:')).join(), /no push: tags/);
    assert.match(checkDeployTriggers(mutate(deployText, '  workflow_dispatch:\n', '  pull_request:\n  workflow_dispatch:\n')).join(), /triggers on pull_request/);
    assert.match(checkDeployTriggers(mutate(deployText, "tags: ['v*']", "tags: ['*']")).join(), /v\* only/);
  });
  test('deploy.yml without id-token: write, or with stored keys', () => {
    const noOidc = deployText.replace(/      id-token: write\n/g, '');
    assert.match(checkDeployOidc(noOidc).join(), /job staging: no id-token: write/);
    const keys = deployText.replace(/role-to-assume: .*\n/g, 'aws-access-key-id: ${{ secrets.AWS_KEY }}\n');
    assert.match(checkDeployOidc(keys).join(), /stored AWS keys/);
  });
  test('deploy.yml updating services before the migrate task', () => {
    const flawed = moveStep(deployText, '- name: Run migrations (one-off Fargate task, private subnets, no public IP)', '- name: How to roll back');
    assert.match(checkDeployOrder(flawed).join(), /updated before the migrate task runs/);
  });
  test('deploy.yml not checking the migrate exit code, or not waiting for services-stable', () => {
    const noExit = deployText.replace(/exit_code="\$\(jq[^\n]*\n/g, 'exit_code=0\n').replace(/\.exitCode/g, '');
    assert.match(checkDeployOrder(noExit).join(), /exit code is not checked/);
    const noWait = deployText.replace(/aws ecs wait services-stable/g, 'true');
    assert.match(checkDeployOrder(noWait).join(), /never waits for services-stable/);
  });
  test('deploy.yml updating the api before the worker', () => {
    const flawed = deployText.replace(
      /deploy "\$WORKER_SERVICE_NAME" "\$WORKER_TASK_DEFINITION"\n(\s+)deploy "\$API_SERVICE_NAME" "\$API_TASK_DEFINITION"/g,
      'deploy "$API_SERVICE_NAME" "$API_TASK_DEFINITION"\n$1deploy "$WORKER_SERVICE_NAME" "$WORKER_TASK_DEFINITION"',
    );
    assert.notEqual(flawed, deployText);
    assert.match(checkDeployOrder(flawed).join(), /worker is not updated before the api/);
  });
  test('deploy.yml whose prod does not wait for staging, or whose gate names another CI job', () => {
    assert.match(checkDeployFlow(mutate(deployText, 'needs: [gate, build, staging]', 'needs: [gate, build]'), ciText).join(), /prod job does not need staging/);
    assert.match(checkDeployFlow(deployText, mutate(ciText, '    name: make test\n', '    name: tests\n')).join(), /the gate checks \["make test"\]/);
  });
  test('deploy.yml whose staging and prod steps drift apart', () => {
    const i = deployText.lastIndexOf('--started-by "deploy-$TAG"');
    const flawed = `${deployText.slice(0, i)}--started-by "prod"${deployText.slice(i + '--started-by "deploy-$TAG"'.length)}`;
    assert.match(checkDeployFlow(flawed, ciText).join(), /different steps/);
  });
  test('unpinned actions', () => {
    assert.match(checkActionsPinned(mutate(ciText, 'actions/checkout@v4', 'actions/checkout@main')).join(), /checkout@main is not pinned/);
  });
});
