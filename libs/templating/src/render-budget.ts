import { TemplateError } from './template-error';

/**
 * What one template may cost (docs/decisions.md, "Render budgets"). Templates are
 * tenant code run on shared processes: without a bound, nested blocks over an
 * event's keys or a large array multiply into minutes of a blocked event loop.
 * The bounds are counts, not a clock, so a template renders or fails the same
 * way on a fast machine and a busy one.
 */
export const RENDER_LIMITS = {
  /** Blocks (`#each`, `#if`, `#with`, …) nested deeper than this do not compile; `else if` chains do not nest. */
  blockDepth: 6,
  /** Steps per render: one per placeholder, helper call, block and block iteration. */
  steps: 100_000,
  /** Text produced by placeholders and helpers in one render, including text a block then discards. */
  producedBytes: 8 * 1024 * 1024,
  /** The rendered result, and what any one block adds to it. */
  outputBytes: 4 * 1024 * 1024,
} as const;

const MIB = 1024 * 1024;

/** The spending of the render in progress; rendering is synchronous, so there is one at a time. */
let current = { steps: 0, produced: 0 };

/** Runs one render with a fresh budget. */
export function withBudget<T>(render: () => T): T {
  const outer = current;
  current = { steps: 0, produced: 0 };
  try {
    return render();
  } finally {
    current = outer;
  }
}

/** Charges one step, and the text a helper or placeholder produced. */
export function spend(text?: string): void {
  if (++current.steps > RENDER_LIMITS.steps) {
    throw new TemplateError(`template exceeds its render budget of ${RENDER_LIMITS.steps} steps (placeholders, helpers and block iterations)`);
  }
  if (text !== undefined && (current.produced += text.length) > RENDER_LIMITS.producedBytes) {
    throw new TemplateError(`template produces more than ${RENDER_LIMITS.producedBytes / MIB} MiB of text while rendering`);
  }
}

/** Throws when rendered text (a block's or the whole result) exceeds the output limit. */
export function checkOutput(length: number): void {
  if (length > RENDER_LIMITS.outputBytes) throw new TemplateError(`template renders more than ${RENDER_LIMITS.outputBytes / MIB} MiB`);
}

/**
 * The structural problem of a parsed template, or null: partials and decorators
 * (an inline partial can call others and itself, which no step counter sees
 * cheaply), and blocks nested deeper than the limit.
 */
export function structureProblem(program: hbs.AST.Program): string | null {
  const visit = (node: hbs.AST.Program | undefined, depth: number): string | null => {
    for (const stmt of node?.body ?? []) {
      if (/^(Partial|Decorator)/.test(stmt.type)) return 'partials and decorators are not supported';
      if (stmt.type !== 'BlockStatement') continue;
      const block = stmt as hbs.AST.BlockStatement;
      const inner = depth + 1;
      if (inner > RENDER_LIMITS.blockDepth) return `blocks are nested more than ${RENDER_LIMITS.blockDepth} deep`;
      // `{{else if}}` is a block inside the inverse, marked chained: a sibling, not a level.
      const problem = visit(block.program, inner) ?? visit(block.inverse, (block.inverse as { chained?: boolean } | undefined)?.chained ? depth : inner);
      if (problem) return problem;
    }
    return null;
  };
  return visit(program, 0);
}
