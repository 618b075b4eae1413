// Static checks of infra/docker/Dockerfile and /.dockerignore (no Docker engine runs where the tests run).
// Each check is a function over the file texts that returns a list of problems (empty when sound), so that every check
// is also run against a flawed copy and must name the flaw. Run: node --test tests/infra/deploy/
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
const DOCKERFILE = 'infra/docker/Dockerfile';
const read = (rel) => fs.readFileSync(path.join(REPO, rel), 'utf8');

// ------------------------------------------------------------------------------------------------- Dockerfile parsing

/** Instructions of a Dockerfile: comments dropped, `\` continuations joined. Heredocs are not supported (none used). */
export function instructionsOf(text) {
  const out = [];
  let buf = '';
  let startLine = 0;
  const lines = text.split(/\r?\n/);
  lines.forEach((raw, i) => {
    const line = raw.replace(/\s+$/, '');
    if (/^\s*#/.test(line)) return; // a comment, also between continued lines
    if (!buf && !line.trim()) return;
    if (!buf) startLine = i + 1;
    if (line.endsWith('\\')) {
      buf += line.slice(0, -1) + ' ';
      return;
    }
    buf += line;
    const m = buf.trim().match(/^(\S+)\s*([\s\S]*)$/);
    if (m) out.push({ keyword: m[1].toUpperCase(), rest: m[2].trim(), line: startLine });
    buf = '';
  });
  if (buf.trim()) {
    const m = buf.trim().match(/^(\S+)\s*([\s\S]*)$/);
    out.push({ keyword: m[1].toUpperCase(), rest: m[2].trim(), line: startLine });
  }
  return out;
}

/** `--name=value` / `--name` flags at the start of an instruction's arguments, and what follows them. */
export function splitFlags(rest) {
  const flags = {};
  let s = rest;
  for (;;) {
    const m = s.match(/^--([\w-]+)(?:=(\S*))?\s*/);
    if (!m) break;
    flags[m[1]] = m[2] ?? true;
    s = s.slice(m[0].length);
  }
  return { flags, rest: s };
}

/** Exec form (JSON array) or shell-ish words; quotes around a word are removed. */
export function wordsOf(rest) {
  if (rest.startsWith('[')) {
    try {
      const arr = JSON.parse(rest);
      if (Array.isArray(arr)) return { exec: true, words: arr.map(String) };
    } catch {
      // not JSON: Docker then treats it as shell form too
    }
  }
  const words = (rest.match(/"[^"]*"|'[^']*'|\S+/g) ?? []).map((w) => w.replace(/^(["'])(.*)\1$/, '$2'));
  return { exec: false, words };
}

/** ENV / LABEL pairs: `A=1 B="x y"`, or the legacy `ENV A 1`. */
export function pairsOf(rest) {
  if (!/^[\w.-]+=/.test(rest)) {
    const m = rest.match(/^(\S+)\s+([\s\S]*)$/);
    return m ? [[m[1], m[2]]] : [[rest, '']];
  }
  return (rest.match(/[\w.-]+=(?:"[^"]*"|'[^']*'|\S*)/g) ?? []).map((p) => {
    const i = p.indexOf('=');
    return [p.slice(0, i), p.slice(i + 1).replace(/^(["'])(.*)\1$/, '$2')];
  });
}

const substitute = (s, vars) =>
  s.replace(/\$\{(\w+)(?::?-([^}]*))?\}|\$(\w+)/g, (all, a, dflt, b) => vars.get(a ?? b) ?? dflt ?? all);

/** Stages: global ARGs (before the first FROM), then each FROM with its base, name and instructions. */
export function parseDockerfile(text) {
  const globalArgs = new Map();
  const stages = [];
  for (const ins of instructionsOf(text)) {
    if (ins.keyword === 'FROM') {
      const { flags, rest } = splitFlags(ins.rest);
      const [rawBase, as, name] = rest.split(/\s+/);
      stages.push({
        index: stages.length,
        rawBase,
        base: substitute(rawBase ?? '', globalArgs),
        name: as?.toUpperCase() === 'AS' ? name : undefined,
        platform: flags.platform,
        line: ins.line,
        instructions: [],
      });
    } else if (stages.length === 0) {
      if (ins.keyword === 'ARG') {
        const m = ins.rest.match(/^(\w+)(?:=(.*))?$/);
        if (m) globalArgs.set(m[1], (m[2] ?? '').replace(/^(["'])(.*)\1$/, '$2'));
      }
    } else {
      stages.at(-1).instructions.push(ins);
    }
  }
  return { globalArgs, stages };
}

const stageByRef = (stages, ref, before) =>
  stages.slice(0, before).find((s) => s.name === ref || String(s.index) === ref);

/** The image a stage finally runs on, following `FROM <earlier stage>`. */
export function baseImageOf(parsed, stage) {
  let s = stage;
  for (let hops = 0; hops < parsed.stages.length; hops++) {
    const earlier = stageByRef(parsed.stages, s.base, s.index);
    if (!earlier) return s.base;
    s = earlier;
  }
  return s.base;
}

const finalStage = (parsed) => parsed.stages.at(-1);
const inFinal = (parsed, keyword) => (finalStage(parsed)?.instructions ?? []).filter((i) => i.keyword === keyword);

// ------------------------------------------------------------------------------------------------- .dockerignore

/** A .dockerignore pattern as a RegExp over slash-separated paths relative to the context (Go filepath.Match + `**`). */
export function globToRegExp(pattern) {
  let re = '';
  for (let i = 0; i < pattern.length; ) {
    const c = pattern[i];
    if (pattern.startsWith('**', i)) {
      if (pattern[i + 2] === '/') {
        re += '(?:.*/)?';
        i += 3;
      } else {
        re += '.*';
        i += 2;
      }
    } else if (c === '*') {
      re += '[^/]*';
      i++;
    } else if (c === '?') {
      re += '[^/]';
      i++;
    } else if (c === '[') {
      const end = pattern.indexOf(']', i + 1);
      if (end < 0) {
        re += '\\[';
        i++;
      } else {
        let cls = pattern.slice(i + 1, end);
        if (cls.startsWith('!') || cls.startsWith('^')) cls = '^' + cls.slice(1);
        re += `[${cls.replace(/\\/g, '\\\\')}]`;
        i = end + 1;
      }
    } else if (c === '\\' && i + 1 < pattern.length) {
      re += pattern[i + 1].replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
      i += 2;
    } else {
      re += c.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
      i++;
    }
  }
  return new RegExp(`^${re}$`);
}

/** Rules of a .dockerignore: comments and blanks dropped, leading `/` and `./` and trailing `/` removed, `!` kept. */
export function parseDockerignore(text) {
  const rules = [];
  for (const raw of text.split(/\r?\n/)) {
    let line = raw.trim();
    if (!line || line.startsWith('#')) continue;
    const negate = line.startsWith('!');
    if (negate) line = line.slice(1).trim();
    line = line.replace(/^(\.\/|\/)+/, '').replace(/\/+$/, '');
    if (!line || line === '.') continue;
    rules.push({ pattern: line, negate, regex: globToRegExp(line) });
  }
  return rules;
}

/** Docker's rule: a path is excluded when the last pattern matching it, or one of its parent folders, is not `!`. */
export function isExcluded(rules, relPath) {
  const clean = relPath.replace(/^(\.\/|\/)+/, '').replace(/\/+$/, '');
  const parts = clean.split('/');
  const prefixes = parts.map((_, i) => parts.slice(0, i + 1).join('/'));
  let excluded = false;
  for (const rule of rules) {
    if (prefixes.some((p) => rule.regex.test(p))) excluded = !rule.negate;
  }
  return excluded;
}

/** The first file under dir (relative) that the context keeps, or null. Excluded folders are skipped unless a `!`
 *  rule could bring something under them back. */
function firstKeptFile(repo, rules, dir) {
  const negations = rules.filter((r) => r.negate);
  const stack = [dir];
  while (stack.length) {
    const rel = stack.pop();
    let entries;
    try {
      entries = fs.readdirSync(path.join(repo, rel), { withFileTypes: true });
    } catch {
      continue;
    }
    for (const e of entries) {
      const child = rel ? `${rel}/${e.name}` : e.name;
      const excluded = isExcluded(rules, child);
      if (e.isDirectory()) {
        const mayComeBack = negations.some((n) => n.pattern.startsWith('**') || n.pattern.startsWith(`${child}/`));
        if (!excluded || mayComeBack) stack.push(child);
      } else if (!excluded) {
        return child;
      }
    }
  }
  return null;
}

/** Files of the repository a COPY glob source names (a glob only in the last segment is enough here). */
function expandGlob(repo, source) {
  const dir = path.posix.dirname(source);
  const re = globToRegExp(path.posix.basename(source));
  try {
    return fs
      .readdirSync(path.join(repo, dir === '.' ? '' : dir))
      .filter((n) => re.test(n))
      .map((n) => (dir === '.' ? n : `${dir}/${n}`));
  } catch {
    return [];
  }
}

// ------------------------------------------------------------------------------------------------- checks

/** Multi-stage, and the final stage runs on the ASP.NET Core runtime image, never the SDK. */
export function checkFinalStageIsRuntime(dockerfileText) {
  const parsed = parseDockerfile(dockerfileText);
  const problems = [];
  if (parsed.stages.length < 2) problems.push(`not multi-stage: ${parsed.stages.length} FROM`);
  const last = finalStage(parsed);
  if (!last) return [...problems, 'no FROM at all'];
  const image = baseImageOf(parsed, last);
  if (!/(^|\/)dotnet\/aspnet:/.test(image)) problems.push(`final stage is not FROM an aspnet runtime image: ${image}`);
  if (/(^|\/)dotnet\/sdk[:@]/.test(image)) problems.push(`final stage runs on the SDK image: ${image}`);
  return problems;
}

/** The final stage's (last) USER exists and is not root. */
export function checkNonRootUser(dockerfileText) {
  const users = inFinal(parseDockerfile(dockerfileText), 'USER');
  if (users.length === 0) return ['final stage has no USER: the container would run as root'];
  const user = users.at(-1).rest.trim();
  const name = user.split(':')[0];
  if (name === 'root' || /^0+$/.test(name)) return [`final stage runs as root (USER ${user})`];
  return [];
}

/** The final stage declares a HEALTHCHECK that runs something. */
export function checkHealthcheck(dockerfileText) {
  const hc = inFinal(parseDockerfile(dockerfileText), 'HEALTHCHECK');
  if (hc.length === 0) return ['final stage has no HEALTHCHECK'];
  const { rest } = splitFlags(hc.at(-1).rest);
  if (/^NONE\b/i.test(rest)) return ['HEALTHCHECK NONE disables the health check'];
  if (!/^CMD\s+\S/i.test(rest)) return [`HEALTHCHECK without CMD: ${rest}`];
  return [];
}

/** ENTRYPOINT (exec form, so signals reach the process) starts the API binary. */
export function checkEntrypoint(dockerfileText) {
  const ep = inFinal(parseDockerfile(dockerfileText), 'ENTRYPOINT');
  if (ep.length === 0) return ['final stage has no ENTRYPOINT'];
  const { exec, words } = wordsOf(ep.at(-1).rest);
  const problems = [];
  if (!exec) problems.push('ENTRYPOINT is in shell form: SIGTERM would not reach dotnet');
  if (!words.some((w) => /(^|\/)OrthoScan\.Api\.dll$/.test(w))) problems.push(`ENTRYPOINT does not run OrthoScan.Api.dll: ${words.join(' ')}`);
  return problems;
}

/** Every COPY/ADD source from the build context exists and survives .dockerignore. */
export function checkCopySources(dockerfileText, dockerignoreText, repo = REPO) {
  const rules = parseDockerignore(dockerignoreText);
  const problems = [];
  for (const stage of parseDockerfile(dockerfileText).stages) {
    for (const ins of stage.instructions) {
      if (ins.keyword !== 'COPY' && ins.keyword !== 'ADD') continue;
      const { flags, rest } = splitFlags(ins.rest);
      if (flags.from) continue; // from a stage or an image, not the context
      const { words } = wordsOf(rest);
      if (words.length < 2) {
        problems.push(`line ${ins.line}: ${ins.keyword} needs a source and a destination`);
        continue;
      }
      for (const raw of words.slice(0, -1)) {
        if (/^https?:\/\//.test(raw)) continue;
        const source = raw.replace(/^(\.\/|\/)+/, '').replace(/\/+$/, '') || '.';
        const matches = /[*?[]/.test(source) ? expandGlob(repo, source) : [source];
        const existing = matches.filter((m) => fs.existsSync(path.join(repo, m)));
        if (existing.length === 0) {
          problems.push(`line ${ins.line}: COPY source ${raw} does not exist in the repository`);
          continue;
        }
        const kept = existing.filter((m) => m === '.' || !isExcluded(rules, m));
        if (kept.length === 0) {
          problems.push(`line ${ins.line}: COPY source ${raw} is excluded by .dockerignore`);
          continue;
        }
        for (const m of kept) {
          if (fs.statSync(path.join(repo, m)).isDirectory() && !firstKeptFile(repo, rules, m === '.' ? '' : m)) {
            problems.push(`line ${ins.line}: everything in COPY source ${raw} is excluded by .dockerignore`);
          }
        }
      }
    }
  }
  return problems;
}

/** What must never reach the build context. */
export const MUST_EXCLUDE = [
  '.git',
  '.git/config',
  '.local/env',
  '.local/secrets/master-key',
  'src/OrthoScan.Api/.local/ml/model.zip',
  'src/OrthoScan.Dashboard/node_modules/next/package.json',
  'src/OrthoScan.PatientApp/node_modules/expo/package.json',
  'src/OrthoScan.Api/bin/Debug/net10.0/OrthoScan.Api.dll',
  'src/OrthoScan.Api/obj/project.assets.json',
  'ml/OrthoScan.Ml/bin/Release/x.dll',
  'ml/OrthoScan.Ml/obj/x.json',
  'jwt-signing.pem',
  'src/OrthoScan.Api/jwt-signing.pem',
  '.env',
  'src/OrthoScan.PatientApp/.env.local',
];

export function checkDockerignoreExcludes(dockerignoreText, paths = MUST_EXCLUDE) {
  const rules = parseDockerignore(dockerignoreText);
  return paths.filter((p) => !isExcluded(rules, p)).map((p) => `.dockerignore lets ${p} into the build context`);
}

// Matched per word of the name: OrthoScan__Auth__SigningKeyPem and DB_PASSWORD alike (MONKEY is no KEY).
const SECRET_WORD = /^(PASS|PASSWORD|PASSWD|PWD|SECRET|SECRETS|TOKEN|TOKENS|CREDENTIAL|CREDENTIALS|PRIVATE|KEY|KEYS|APIKEY|PEM|CONNECTIONSTRING|CONNECTIONSTRINGS)$/i;
const SECRET_VALUE = /(-----BEGIN [A-Z ]*PRIVATE KEY-----|\bAKIA[0-9A-Z]{16}\b|\b(sk|rk)_(live|test)_\w+|\bwhsec_\w+|\bSG\.[\w-]{10,}|Password=)/i;
const wordsOfName = (name) => name.replace(/([a-z0-9])([A-Z])/g, '$1_$2').split(/[_\W]+/).filter(Boolean);

/** No ENV or ARG whose name or value looks like a secret: build args and ENV end up in the image's history. */
export function checkNoSecretsInEnvArg(dockerfileText) {
  const problems = [];
  for (const ins of instructionsOf(dockerfileText)) {
    let pairs;
    if (ins.keyword === 'ENV') pairs = pairsOf(ins.rest);
    else if (ins.keyword === 'ARG') {
      const m = ins.rest.match(/^(\w+)(?:=(.*))?$/);
      pairs = m ? [[m[1], m[2] ?? '']] : [];
    } else continue;
    for (const [name, value] of pairs) {
      if (wordsOfName(name).some((w) => SECRET_WORD.test(w))) problems.push(`line ${ins.line}: ${ins.keyword} ${name} looks like a secret`);
      else if (SECRET_VALUE.test(value)) problems.push(`line ${ins.line}: ${ins.keyword} ${name} has a secret-looking value`);
    }
  }
  return problems;
}

/** Every COPY --from names an earlier stage (or a full image reference). */
export function checkCopyFromStages(dockerfileText) {
  const parsed = parseDockerfile(dockerfileText);
  const problems = [];
  for (const stage of parsed.stages) {
    for (const ins of stage.instructions) {
      if (ins.keyword !== 'COPY') continue;
      const from = splitFlags(ins.rest).flags.from;
      if (!from || /[/:]/.test(from)) continue;
      if (!stageByRef(parsed.stages, from, stage.index)) problems.push(`line ${ins.line}: COPY --from=${from} names no earlier stage`);
    }
  }
  return problems;
}

/** Base images carry a tag or digest, and not `latest`. */
export function checkBaseImagesPinned(dockerfileText) {
  const parsed = parseDockerfile(dockerfileText);
  const problems = [];
  for (const stage of parsed.stages) {
    if (stageByRef(parsed.stages, stage.base, stage.index) || stage.base === 'scratch') continue;
    const image = stage.base;
    if (image.includes('$')) problems.push(`line ${stage.line}: FROM ${stage.rawBase} resolves to no default image`);
    else if (!image.includes('@sha256:') && !/:[\w][\w.-]*$/.test(image.split('/').at(-1))) problems.push(`line ${stage.line}: FROM ${image} has no tag`);
    else if (/:latest$/.test(image)) problems.push(`line ${stage.line}: FROM ${image} uses latest`);
  }
  return problems;
}

/** The runtime stage installs and builds nothing: no package managers, compilers or SDK commands. */
export function checkRuntimeHasNoBuildTools(dockerfileText) {
  return inFinal(parseDockerfile(dockerfileText), 'RUN')
    .filter((i) => /\b(apt-get|apt|apk|dnf|yum|npm|npx|yarn|pnpm|dotnet\s+(build|publish|restore)|gcc|make|curl|wget)\b/.test(i.rest))
    .map((i) => `line ${i.line}: the runtime stage runs build or install tooling: ${i.rest}`);
}

/** The port Kestrel listens on is the one EXPOSEd (and the one ECS and the ALB target). */
export function checkPort(dockerfileText, port = '8080') {
  const parsed = parseDockerfile(dockerfileText);
  const env = new Map(inFinal(parsed, 'ENV').flatMap((i) => pairsOf(i.rest)));
  const exposed = inFinal(parsed, 'EXPOSE').flatMap((i) => i.rest.split(/\s+/).map((p) => p.split('/')[0]));
  const problems = [];
  if (env.get('ASPNETCORE_HTTP_PORTS') !== port) problems.push(`ASPNETCORE_HTTP_PORTS is ${env.get('ASPNETCORE_HTTP_PORTS')}, not ${port}`);
  if (!exposed.includes(port)) problems.push(`port ${port} is not EXPOSEd`);
  return problems;
}

// ------------------------------------------------------------------------------------------------- tests

const dockerfile = read(DOCKERFILE);
const dockerignore = read('.dockerignore');

/** Replace exactly one match (so a flawed copy is flawed where the test says). */
function mutate(text, from, to) {
  const count = text.split(from).length - 1;
  assert.equal(count, 1, `expected exactly one "${from}" in the text to mutate`);
  return text.replace(from, to);
}
const dropLines = (text, re) => text.split('\n').filter((l) => !re.test(l)).join('\n');

describe('Dockerfile parsing helpers', () => {
  test('continuations are joined and comments dropped', () => {
    const ins = instructionsOf('# c\nFROM a AS b\nRUN x \\\n  # inner comment\n  && y\n');
    assert.deepEqual(ins.map((i) => i.keyword), ['FROM', 'RUN']);
    assert.match(ins[1].rest, /x\s+&& y/);
  });
  test('.dockerignore matching: **, *, leading /, ! negation, parent folders', () => {
    const rules = parseDockerignore('**/bin\n/docs\n*.md\n!README.md\nsecrets/*.pem\n');
    assert.equal(isExcluded(rules, 'src/A/bin/x.dll'), true);
    assert.equal(isExcluded(rules, 'bin'), true);
    assert.equal(isExcluded(rules, 'src/binary.cs'), false);
    assert.equal(isExcluded(rules, 'docs/operations.md'), true);
    assert.equal(isExcluded(rules, 'src/docs/x.cs'), false);
    assert.equal(isExcluded(rules, 'CHANGES.md'), true);
    assert.equal(isExcluded(rules, 'src/CHANGES.md'), false, '* does not cross a folder');
    assert.equal(isExcluded(rules, 'README.md'), false, '! brings a file back');
    assert.equal(isExcluded(rules, 'secrets/a.pem'), true);
    assert.equal(isExcluded(rules, 'secrets/a/b.pem'), false);
  });
  test('global ARG defaults resolve the base image', () => {
    const p = parseDockerfile('ARG IMG=mcr.microsoft.com/dotnet/aspnet:10.0\nFROM x AS b\nFROM ${IMG} AS r\n');
    assert.equal(baseImageOf(p, p.stages[1]), 'mcr.microsoft.com/dotnet/aspnet:10.0');
  });
});

describe('infra/docker/Dockerfile', () => {
  test('is multi-stage and its final stage runs on the aspnet runtime, not the SDK', () => {
    assert.deepEqual(checkFinalStageIsRuntime(dockerfile), []);
  });
  test('runs as a non-root user', () => assert.deepEqual(checkNonRootUser(dockerfile), []));
  test('has a HEALTHCHECK', () => assert.deepEqual(checkHealthcheck(dockerfile), []));
  test('ENTRYPOINT runs OrthoScan.Api.dll in exec form', () => assert.deepEqual(checkEntrypoint(dockerfile), []));
  test('every COPY source exists and is not excluded by .dockerignore', () => {
    assert.deepEqual(checkCopySources(dockerfile, dockerignore), []);
  });
  test('COPY --from names earlier stages', () => assert.deepEqual(checkCopyFromStages(dockerfile), []));
  test('base images are pinned by tag', () => assert.deepEqual(checkBaseImagesPinned(dockerfile), []));
  test('no secret-looking ENV or ARG', () => assert.deepEqual(checkNoSecretsInEnvArg(dockerfile), []));
  test('the runtime stage installs and builds nothing', () => assert.deepEqual(checkRuntimeHasNoBuildTools(dockerfile), []));
  test('listens on and exposes 8080', () => assert.deepEqual(checkPort(dockerfile), []));
  test('builds both front ends and places them at wwwroot and wwwroot/app', () => {
    assert.match(dockerfile, /npm run build/);
    assert.match(dockerfile, /npx expo export --platform web --output-dir dist/);
    assert.match(dockerfile, /COPY --from=dashboard \S+\/out\/ \.\/wwwroot\//);
    assert.match(dockerfile, /COPY --from=patient-app \S+\/dist\/ \.\/wwwroot\/app\//);
    assert.match(dockerfile, /dotnet restore[^\n]*\n(?:[^\n]*\n)*?RUN dotnet publish src\/OrthoScan\.Api -c Release -o \/out --no-restore/);
  });
  test('default command is --role all, and the health check uses the binary\'s health-probe', () => {
    const parsed = parseDockerfile(dockerfile);
    assert.deepEqual(wordsOf(inFinal(parsed, 'CMD').at(-1).rest).words, ['--role', 'all']);
    assert.match(inFinal(parsed, 'HEALTHCHECK').at(-1).rest, /"OrthoScan\.Api\.dll", "health-probe"/);
  });
});

describe('.dockerignore', () => {
  test('excludes .git, .local, node_modules, bin, obj, *.pem and env files', () => {
    assert.deepEqual(checkDockerignoreExcludes(dockerignore), []);
  });
  test('keeps the sources the image builds from', () => {
    const rules = parseDockerignore(dockerignore);
    for (const p of ['src/OrthoScan.Api/Program.cs', 'src/OrthoScan.Api/appsettings.json', 'ml/OrthoScan.Ml/OrthoScan.Ml.csproj',
      'src/OrthoScan.Dashboard/src/app/layout.tsx', 'src/OrthoScan.PatientApp/App.tsx', 'src/OrthoScan.PatientApp/assets/icon.png',
      'src/OrthoScan.PatientApp/plugins/withCertificatePinning.js', 'Directory.Packages.props', '.editorconfig']) {
      assert.equal(isExcluded(rules, p), false, `${p} must reach the build`);
    }
  });
});

describe('the checks catch flawed copies', () => {
  test('a single-stage Dockerfile on the SDK image', () => {
    const flawed = 'FROM mcr.microsoft.com/dotnet/sdk:10.0\nCOPY . .\nENTRYPOINT ["dotnet", "OrthoScan.Api.dll"]\n';
    const problems = checkFinalStageIsRuntime(flawed);
    assert.ok(problems.some((p) => /not multi-stage/.test(p)), problems.join('; '));
    assert.ok(problems.some((p) => /SDK image/.test(p)), problems.join('; '));
  });
  test('a final stage built FROM the sdk stage', () => {
    const flawed = mutate(dockerfile, 'FROM --platform=linux/amd64 ${RUNTIME_IMAGE} AS runtime', 'FROM api AS runtime');
    assert.match(checkFinalStageIsRuntime(flawed).join(), /SDK image: mcr\.microsoft\.com\/dotnet\/sdk/);
  });
  test('USER removed', () => {
    assert.match(checkNonRootUser(dropLines(dockerfile, /^USER /)).join(), /no USER/);
  });
  test('USER root, USER 0 and USER 0:0', () => {
    for (const u of ['root', '0', '0:0', 'root:app']) {
      assert.match(checkNonRootUser(mutate(dockerfile, 'USER app', `USER ${u}`)).join(), /runs as root/, u);
    }
  });
  test('HEALTHCHECK removed or NONE', () => {
    assert.match(checkHealthcheck(dropLines(dockerfile, /^HEALTHCHECK /)).join(), /no HEALTHCHECK/);
    assert.match(checkHealthcheck(`${dockerfile}\nHEALTHCHECK NONE\n`).join(), /NONE/);
  });
  test('an ENTRYPOINT running something else, or in shell form', () => {
    const other = mutate(dockerfile, 'ENTRYPOINT ["dotnet", "OrthoScan.Api.dll"]', 'ENTRYPOINT ["dotnet", "Other.dll"]');
    assert.match(checkEntrypoint(other).join(), /does not run OrthoScan\.Api\.dll/);
    const shell = mutate(dockerfile, 'ENTRYPOINT ["dotnet", "OrthoScan.Api.dll"]', 'ENTRYPOINT dotnet OrthoScan.Api.dll');
    assert.match(checkEntrypoint(shell).join(), /shell form/);
  });
  test('a COPY of a path that does not exist', () => {
    const flawed = mutate(dockerfile, 'COPY .editorconfig ./', 'COPY .editorconfig no/such/file.json ./');
    assert.match(checkCopySources(flawed, dockerignore).join(), /no\/such\/file\.json does not exist/);
  });
  test('a COPY glob that matches nothing', () => {
    const flawed = mutate(dockerfile, 'COPY .editorconfig ./', 'COPY src/OrthoScan.Api/*.nothing ./');
    assert.match(checkCopySources(flawed, dockerignore).join(), /\*\.nothing does not exist/);
  });
  test('a .dockerignore that excludes a copied file', () => {
    const problems = checkCopySources(dockerfile, `${dockerignore}\n**/package-lock.json\n`);
    assert.match(problems.join(), /package-lock\.json is excluded by \.dockerignore/);
  });
  test('a .dockerignore that excludes a copied folder, or everything in it', () => {
    assert.match(checkCopySources(dockerfile, `${dockerignore}\nml\n`).join(), /ml\/OrthoScan\.Ml\/ is excluded/);
    assert.match(checkCopySources(dockerfile, `${dockerignore}\nsrc/OrthoScan.Api/**\n`).join(),
      /everything in COPY source src\/OrthoScan\.Api\/ is excluded/);
  });
  test('a negation that brings a copied file back satisfies the check', () => {
    assert.deepEqual(checkCopySources(dockerfile, `${dockerignore}\n**/package-lock.json\n!src/**/package-lock.json\n`), []);
  });
  test('a .dockerignore without .git, .local, node_modules, bin, obj or *.pem', () => {
    for (const [lines, leaked] of [[/^\.git$/, '.git/config'], [/^(\*\*\/)?\.local$/, '.local/env'], [/^\*\*\/node_modules$/, 'node_modules'],
      [/^\*\*\/bin$/, '/bin/'], [/^\*\*\/obj$/, '/obj/'], [/^\*\*\/\*\.pem$/, '.pem']]) {
      const flawed = dropLines(dockerignore, lines);
      assert.notEqual(flawed, dockerignore, `the test must remove ${lines}`);
      const problems = checkDockerignoreExcludes(flawed);
      assert.ok(problems.some((p) => p.includes(leaked)), `${lines}: ${problems.join('; ')}`);
    }
  });
  test('a negation that re-includes a secret', () => {
    assert.match(checkDockerignoreExcludes(`${dockerignore}\n!**/jwt-signing.pem\n`).join(), /jwt-signing\.pem/);
  });
  test('secret-looking ENV and ARG names or values', () => {
    const cases = [
      'ARG DB_PASSWORD',
      'ARG STRIPE_SECRET_KEY=x',
      'ENV OrthoScan__Auth__SigningKeyPem=x',
      'ENV OrthoScan__Secrets__MasterKey=abc',
      'ENV API_KEY value',
      'ENV GITHUB_TOKEN=x',
      'ENV ConnectionStrings__App="Host=db;Password=x"',
      'ENV HARMLESS=sk_live_abcdef123456',
    ];
    for (const c of cases) {
      const flawed = mutate(dockerfile, 'USER app', `${c}\nUSER app`);
      assert.ok(checkNoSecretsInEnvArg(flawed).length > 0, c);
    }
    assert.deepEqual(checkNoSecretsInEnvArg('ARG REVISION\nENV ASPNETCORE_HTTP_PORTS=8080 DOTNET_NOLOGO=1\nENV MONKEY=1\n'), []);
  });
  test('COPY --from a stage that does not exist', () => {
    const flawed = mutate(dockerfile, 'COPY --from=api /out/ ./', 'COPY --from=backend /out/ ./');
    assert.match(checkCopyFromStages(flawed).join(), /--from=backend names no earlier stage/);
  });
  test('unpinned and latest base images', () => {
    assert.match(checkBaseImagesPinned(mutate(dockerfile, 'ARG NODE_IMAGE=node:20-bookworm-slim', 'ARG NODE_IMAGE=node')).join(), /has no tag/);
    assert.match(checkBaseImagesPinned(mutate(dockerfile, 'aspnet:10.0-noble', 'aspnet:latest')).join(), /uses latest/);
  });
  test('package installs in the runtime stage', () => {
    const flawed = mutate(dockerfile, 'USER app', 'RUN apt-get update && apt-get install -y curl\nUSER app');
    assert.match(checkRuntimeHasNoBuildTools(flawed).join(), /apt-get/);
  });
  test('a port mismatch', () => {
    assert.match(checkPort(mutate(dockerfile, 'EXPOSE 8080', 'EXPOSE 80')).join(), /not EXPOSEd/);
    assert.match(checkPort(mutate(dockerfile, 'ASPNETCORE_HTTP_PORTS=8080', 'ASPNETCORE_HTTP_PORTS=5000')).join(), /is 5000/);
  });
});
