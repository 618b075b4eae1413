// The real tree, and mutated copies of it for the negative cases.
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadTree } from './hcl.mjs';

export const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
export const TERRAFORM = path.join(REPO, 'infra/terraform');

let real;
export function realTree() {
  real ??= loadTree(TERRAFORM);
  return real;
}

/**
 * Copies infra/terraform to a temp dir, applies textual edits and parses the copy.
 * Each edit: {file, replace, with} (replace, a string or a RegExp, must match exactly once, so a stale mutation fails
 * loudly instead of silently testing nothing), {file, append}, or {file, create}.
 */
export async function mutatedTree(...edits) {
  const dir = mkdtempSync(path.join(tmpdir(), 'orthoscan-tf-'));
  try {
    cpSync(TERRAFORM, dir, { recursive: true, filter: (src) => !src.includes(`${path.sep}.terraform`) });
    for (const e of edits) {
      const file = path.join(dir, e.file);
      if ('create' in e) {
        writeFileSync(file, e.create);
        continue;
      }
      let text = readFileSync(file, 'utf8');
      if ('append' in e) text += `\n${e.append}\n`;
      else {
        const pattern = e.replace instanceof RegExp ? new RegExp(e.replace.source, e.replace.flags.replace('g', '') + 'g') : null;
        const count = pattern ? [...text.matchAll(pattern)].length : text.split(e.replace).length - 1;
        if (count !== 1) throw new Error(`mutation: ${String(e.replace)} matches ${count} times in ${e.file}, expected once`);
        text = text.replace(pattern ?? e.replace, () => e.with);
      }
      writeFileSync(file, text);
    }
    return await loadTree(dir);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
