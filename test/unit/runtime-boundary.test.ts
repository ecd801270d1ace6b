/**
 * The product owner's boundary, checked on the sources themselves: src/ runs on Node and
 * workerd alike, so it imports no Node module but node:crypto (which workerd has, with
 * nodejs_compat); and settings come from one place, so nothing but workers/node/deps.ts reads
 * process.env (src/env.ts parses what that one reader hands it).
 */
import { builtinModules } from 'node:module';
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';

const root = new URL('../../', import.meta.url).pathname;

function sources(dir: string): string[] {
  return readdirSync(join(root, dir), { recursive: true, encoding: 'utf8' })
    .filter((f) => /\.(ts|tsx|mts|js|mjs)$/.test(f))
    .map((f) => join(dir, f));
}

/** The code without its comments (a comment may name what the code must not use). */
function code(file: string): string {
  return readFileSync(join(root, file), 'utf8')
    .replace(/\/\*[\s\S]*?\*\//g, '')
    .replace(/(^|[^:'"`\\])\/\/.*$/gm, '$1');
}

const BUILTINS = new Set(builtinModules.map((m) => m.replace(/^node:/, '')));
const SPECIFIER = /(?:\bfrom\s*|\bimport\s*\(\s*|\bimport\s+|\brequire\s*\(\s*)['"]([^'"]+)['"]/g;

/** Node modules a file imports (`node:fs`, `fs`, `fs/promises` alike), but node:crypto. */
function nodeImports(file: string): string[] {
  return [...code(file).matchAll(SPECIFIER)]
    .map((m) => m[1]!)
    .filter((s) => s.startsWith('node:') || BUILTINS.has(s) || BUILTINS.has(s.split('/')[0]!))
    .filter((s) => s.replace(/^node:/, '') !== 'crypto');
}

describe('runtime boundary', () => {
  it('finds what it looks for (the checks can fail)', () => {
    expect(nodeImports('workers/node/sqlite.ts')).toContain('node:fs');
    expect(code('workers/node/deps.ts')).toMatch(/process\.env/);
    expect(code('src/env.ts')).not.toMatch(/process\.env/);
  });

  it('src/ imports no Node module but node:crypto', () => {
    const found = sources('src').flatMap((f) => nodeImports(f).map((s) => `${f}: ${s}`));
    expect(found).toEqual([]);
  });

  it('nothing in src/ or workers/ but workers/node/deps.ts reads process.env', () => {
    const found = [...sources('src'), ...sources('workers')]
      .filter((f) => relative('.', f) !== 'workers/node/deps.ts')
      .filter((f) => /\bprocess\s*(\.\s*env\b|\[\s*['"]env['"]\s*\])/.test(code(f)));
    expect(found).toEqual([]);
  });
});
