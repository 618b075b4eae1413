// Loads Terraform: every .tf file under a root parsed by @cdktf/hcl2json into one model.
// hcl2json's JSON form: blocks are arrays of objects (resource.<type>.<name> = [body]), nested blocks are arrays,
// `dynamic "x"` blocks are under body.dynamic.x[].content[], and expressions are strings like "${var.multi_az}".
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { parse } from '@cdktf/hcl2json';

const parsed = new Map(); // text -> JSON; a mutated copy reparses only the files that changed

async function parseText(rel, text) {
  const key = `${rel}\0${text}`;
  if (!parsed.has(key)) parsed.set(key, await parse(rel, text));
  return parsed.get(key);
}

export function tfFiles(root) {
  const out = [];
  const walk = (dir) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      if (entry.name.startsWith('.')) continue; // .terraform/, editor files
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) walk(full);
      else if (entry.isFile() && entry.name.endsWith('.tf')) out.push(full);
    }
  };
  walk(root);
  return out.sort();
}

/**
 * @returns {{root: string, files: {rel: string, dir: string, json: object}[], errors: {rel: string, message: string}[]}}
 * rel and dir are relative to root with forward slashes (e.g. "modules/storage/main.tf", "modules/storage").
 */
export async function loadTree(root) {
  const files = [];
  const errors = [];
  for (const full of tfFiles(root)) {
    const rel = path.relative(root, full).split(path.sep).join('/');
    try {
      const json = await parseText(rel, readFileSync(full, 'utf8'));
      files.push({ rel, dir: path.posix.dirname(rel), json });
    } catch (err) {
      errors.push({ rel, message: String(err?.message ?? err) });
    }
  }
  return { root, files, errors };
}

/** Every top-level block of a kind in one directory: resources/data as {type,name,body,file}, others as {name,body,file}. */
export function blocksIn(tree, dir, kind) {
  const out = [];
  for (const f of tree.files) {
    if (f.dir !== dir || !f.json[kind]) continue;
    const section = f.json[kind];
    if (kind === 'resource' || kind === 'data') {
      for (const [type, byName] of Object.entries(section))
        for (const [name, bodies] of Object.entries(byName))
          for (const body of bodies) out.push({ kind, type, name, body, file: f.rel });
    } else if (kind === 'locals') {
      for (const body of section) for (const [name, value] of Object.entries(body)) out.push({ name, body: value, file: f.rel });
    } else {
      for (const [name, bodies] of Object.entries(section)) for (const body of bodies) out.push({ name, body, file: f.rel });
    }
  }
  return out;
}

export function dirs(tree) {
  return [...new Set(tree.files.map((f) => f.dir))].sort();
}

/** Nested blocks of a body by name, static ones and the content of `dynamic "name"` blocks alike. */
export function nested(body, name) {
  if (!body || typeof body !== 'object') return [];
  const direct = Array.isArray(body[name]) ? body[name] : body[name] && typeof body[name] === 'object' ? [body[name]] : [];
  const dynamic = (body.dynamic?.[name] ?? []).flatMap((d) => d.content ?? []);
  return [...direct, ...dynamic];
}
