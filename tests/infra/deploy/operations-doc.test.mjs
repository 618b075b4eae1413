// docs/operations.md follows the code: the commands it runs exist in the API binary, the settings it names exist,
// and every GitHub environment variable deploy.yml reads is documented. Each check also runs on a flawed copy.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
const read = (rel) => fs.readFileSync(path.join(REPO, rel), 'utf8');

function sourcesOf(dir) {
  const out = [];
  for (const e of fs.readdirSync(path.join(REPO, dir), { withFileTypes: true })) {
    const rel = `${dir}/${e.name}`;
    if (e.isDirectory() && !['bin', 'obj', 'wwwroot', '.local'].includes(e.name)) out.push(...sourcesOf(rel));
    else if (e.isFile() && e.name.endsWith('.cs')) out.push(read(rel));
  }
  return out;
}

/** Commands the doc runs on the binary (`"command":["x",...` overrides, `-- x`, `dotnet OrthoScan.Api.dll x`) exist in Program.cs. */
export function checkCommands(doc, program) {
  const named = new Set();
  for (const m of doc.matchAll(/"command":\["([\w-]+)"/g)) named.add(m[1]);
  for (const m of doc.matchAll(/`([a-z]+(?:-[a-z]+)+)` command/g)) named.add(m[1]);
  return [...named].filter((c) => !c.startsWith('-') && !program.includes(`"${c}"`)).map((c) => `the doc runs \`${c}\`, which Program.cs does not know`);
}

/** README's table names a setting in full, or as `Section__A`, `B`, ... on one row. */
function readmeKnows(readme, name) {
  if (readme.includes(name)) return true;
  const prefix = name.slice(0, name.lastIndexOf('__') + 2);
  const last = name.slice(prefix.length);
  return readme.split('\n').some((row) => row.startsWith('|') && row.includes(prefix) && row.includes(`\`${last}\``));
}

/** Settings named as environment variables exist: in README's configuration table or as a key in the API's code. */
export function checkSettings(doc, readme, code) {
  const names = new Set([...doc.matchAll(/\b((?:OrthoScan|ConnectionStrings)__[A-Za-z_]+[A-Za-z])\b/g)].map((m) => m[1]));
  return [...names]
    .filter((n) => !readmeKnows(readme, n) && !code.some((c) => c.includes(n.replace(/__/g, ':'))))
    .map((n) => `the doc names ${n}, which neither README nor the code knows`);
}

/** Every `vars.X` of deploy.yml is documented (as X, or as the Terraform output x it is set from). */
export function checkDeployVariables(doc, deployYml) {
  const vars = new Set([...deployYml.matchAll(/\bvars\.([A-Z0-9_]+)/g)].map((m) => m[1]));
  return [...vars].filter((v) => !doc.includes(v) && !doc.includes(v.toLowerCase())).map((v) => `deploy.yml reads vars.${v}, which the doc does not explain`);
}

export function checkSections(doc) {
  const want = ['Overview', 'First-time setup', 'Deploying', 'Rolling back', 'Rotating keys', 'Restoring a database', 'Scaling', 'Incident first steps'];
  const headings = [...doc.matchAll(/^##\s+(.+)$/gm)].map((m) => m[1]);
  const problems = want.filter((w) => !headings.some((h) => h.startsWith(w))).map((w) => `no section "${w}"`);
  for (const g of ['api', 'worker', 'migrate', 'audit']) if (!doc.includes(`/orthoscan/<env>/${g}`)) problems.push(`log group /orthoscan/<env>/${g} not named`);
  return problems;
}

const doc = read('docs/operations.md');
const program = read('src/OrthoScan.Api/Program.cs');
const readme = read('README.md');
const code = sourcesOf('src/OrthoScan.Api');
const deployYml = read('.github/workflows/deploy.yml');

describe('docs/operations.md', () => {
  test('commands it runs exist in the API binary', () => assert.deepEqual(checkCommands(doc, program), []));
  test('settings it names exist', () => assert.deepEqual(checkSettings(doc, readme, code), []));
  test('documents every GitHub environment variable of deploy.yml', () => assert.deepEqual(checkDeployVariables(doc, deployYml), []));
  test('has the sections and log groups an operator needs', () => assert.deepEqual(checkSections(doc), []));
});

describe('the doc checks catch flawed copies', () => {
  test('a command the binary does not have', () => {
    const flawed = doc.replace('"command":["create-platform-user"', '"command":["create-admin"');
    assert.match(checkCommands(flawed, program).join(), /create-admin/);
  });
  test('a setting that does not exist', () => {
    assert.match(checkSettings(`${doc}\nOrthoScan__Auth__NoSuchKey\n`, readme, code).join(), /NoSuchKey/);
  });
  test('a deploy variable left undocumented', () => {
    assert.match(checkDeployVariables(doc, `${deployYml}\n# ${'$'}{{ vars.NEW_THING }}\n`).join(), /NEW_THING/);
  });
  test('a missing section', () => {
    assert.match(checkSections(doc.replace('## Rolling back', '## Going back')).join(), /Rolling back/);
  });
});
