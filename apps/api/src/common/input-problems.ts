import { FieldError } from '@hookline/common';

/** Deeper than any definition or event needs; far below where recursive validation would exhaust the stack. */
export const MAX_INPUT_DEPTH = 64;

const UNPAIRED_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/** What is wrong with one string as stored text: PostgreSQL rejects NUL, and an unpaired surrogate is no text. */
export function textProblem(s: string): string | null {
  if (s.includes('\u0000')) return 'contains a NUL character';
  if (UNPAIRED_SURROGATE.test(s)) return 'contains an unpaired UTF-16 surrogate';
  return null;
}

/** Keys that class-transformer drops without a word; as field names of a DTO they are unknown like any other. */
const RESERVED_KEYS = new Set(['__proto__', 'constructor', 'prototype']);

/**
 * Bytes no field may hold, in keys and string values at any depth, and
 * nesting beyond MAX_INPUT_DEPTH: each a 400 naming the field, checked
 * before anything recurses into the input or sends it to PostgreSQL. With
 * `reservedKeys` (DTO input), `__proto__`, `constructor` and `prototype` are
 * unknown fields too. Iterative, so the check itself cannot overflow the stack.
 */
export function inputProblems(value: unknown, opts: { reservedKeys?: boolean } = {}): FieldError[] {
  const out: FieldError[] = [];
  const stack: { v: unknown; path: string; depth: number }[] = [{ v: value, path: '', depth: 0 }];
  while (stack.length && out.length < 20) {
    const { v, path, depth } = stack.pop()!;
    if (typeof v === 'string') {
      const p = textProblem(v);
      if (p) out.push({ field: path || 'body', message: `${path || 'body'} ${p}` });
      continue;
    }
    if (!v || typeof v !== 'object') continue;
    if (depth >= MAX_INPUT_DEPTH) {
      out.push({ field: path || 'body', message: `${path || 'body'} is nested deeper than ${MAX_INPUT_DEPTH} levels` });
      continue;
    }
    const isArray = Array.isArray(v);
    for (const key of Object.keys(v)) {
      const field = isArray ? `${path}[${key}]` : path ? `${path}.${key}` : key;
      const keyProblem = isArray ? null : textProblem(key);
      if (keyProblem) out.push({ field: path || 'body', message: `a field name ${keyProblem}` });
      else if (!isArray && opts.reservedKeys && RESERVED_KEYS.has(key)) out.push({ field, message: `unknown field "${key}"` });
      else stack.push({ v: (v as Record<string, unknown>)[key], path: field, depth: depth + 1 });
    }
  }
  return out;
}
