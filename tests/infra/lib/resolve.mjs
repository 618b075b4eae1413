// A small resolver: for one environment directory, follows module calls (source = "../x") and substitutes whole-value
// references `${var.x}` (and `${!var.x}`, `${local.x}`) with the caller's argument, resolved in the caller's scope, or
// the variable's default. Anything else (interpolations, resource attributes, functions) stays an unresolved string.
import path from 'node:path';
import { blocksIn, dirs } from './hcl.mjs';

const VAR = /^\$\{(!?)var\.([A-Za-z0-9_-]+)\}$/;
const LOCAL = /^\$\{local\.([A-Za-z0-9_-]+)\}$/;
const META = new Set(['source', 'version', 'providers', 'depends_on', 'count', 'for_each']);

/** Module instances reachable from dir: [{dir, address, args, parent}], the root first. */
export function instances(tree, rootDir) {
  const out = [];
  const visit = (inst, depth) => {
    out.push(inst);
    if (depth > 10) throw new Error(`module nesting too deep at ${inst.address}`);
    for (const call of blocksIn(tree, inst.dir, 'module')) {
      const source = call.body.source;
      if (typeof source !== 'string' || !source.startsWith('.')) continue; // registry modules are not followed
      const args = Object.fromEntries(Object.entries(call.body).filter(([k]) => !META.has(k)));
      const dir = path.posix.normalize(path.posix.join(inst.dir, source));
      const address = `${inst.address ? inst.address + '.' : ''}module.${call.name}`;
      visit({ dir, address, args, parent: inst, callFile: call.file }, depth + 1);
    }
  };
  visit({ dir: rootDir, address: '', args: null, parent: null }, 0);
  return out;
}

export const UNRESOLVED = Symbol('unresolved');

function variableDefault(tree, inst, name) {
  const v = blocksIn(tree, inst.dir, 'variable').find((b) => b.name === name);
  return v && 'default' in v.body ? v.body.default : UNRESOLVED;
}

function lookupVar(tree, inst, name, seen) {
  if (inst.args && name in inst.args) return resolve(tree, inst.parent, inst.args[name], seen);
  const d = variableDefault(tree, inst, name);
  return d === UNRESOLVED ? d : resolve(tree, inst, d, seen);
}

/** Deeply resolves a value in an instance's scope; unresolvable references are left as their original string. */
export function resolve(tree, inst, value, seen = 0) {
  if (seen > 50) return value;
  if (Array.isArray(value)) return value.map((v) => resolve(tree, inst, v, seen + 1));
  if (value && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, resolve(tree, inst, v, seen + 1)]));
  }
  if (typeof value !== 'string') return value;
  let m = VAR.exec(value);
  if (m) {
    const r = lookupVar(tree, inst, m[2], seen + 1);
    if (r === UNRESOLVED) return value;
    if (m[1] === '!') return typeof r === 'boolean' ? !r : value;
    return r;
  }
  m = LOCAL.exec(value);
  if (m) {
    const local = blocksIn(tree, inst.dir, 'locals').find((b) => b.name === m[1]);
    return local ? resolve(tree, inst, local.body, seen + 1) : value;
  }
  return value;
}

/** Environment directories: environments/<name> (any directory directly under environments/ holding .tf files). */
export function environmentDirs(tree) {
  return dirs(tree).filter((d) => /^environments\/[^/]+$/.test(d));
}

/**
 * The resources and data blocks as each environment sees them (values resolved through the module calls), plus the
 * blocks of directories no environment reaches (unresolved), so that nothing escapes the policies.
 * Each item: {kind, type, name, file, dir, env, instance, address, body}.
 */
export function view(tree) {
  const items = [];
  const reached = new Set();
  for (const envDir of environmentDirs(tree)) {
    const env = envDir.split('/')[1];
    for (const inst of instances(tree, envDir)) {
      reached.add(inst.dir);
      for (const kind of ['resource', 'data']) {
        for (const b of blocksIn(tree, inst.dir, kind)) {
          items.push({
            ...b,
            dir: inst.dir,
            env,
            instance: `${env}:${inst.address}`,
            address: `${inst.address ? inst.address + '.' : ''}${kind === 'data' ? 'data.' : ''}${b.type}.${b.name}`,
            body: resolve(tree, inst, b.body),
          });
        }
      }
    }
  }
  for (const d of dirs(tree).filter((x) => !reached.has(x))) {
    for (const kind of ['resource', 'data']) {
      for (const b of blocksIn(tree, d, kind)) {
        items.push({ ...b, dir: d, env: null, instance: `unreached:${d}`, address: `${b.type}.${b.name}`, body: b.body });
      }
    }
  }
  return items;
}

/** The resources of one environment of a type, resolved. */
export function environmentResources(tree, env, type) {
  return view(tree).filter((r) => r.env === env && r.kind === 'resource' && r.type === type);
}
