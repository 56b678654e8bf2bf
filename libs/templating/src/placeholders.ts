import type { CompiledTemplate } from './template-engine';
import { BUILTIN_BLOCK_HELPERS, USER_HELPERS } from './helpers';
import { ESCAPE_HELPER_PREFIX } from './translate';

const HELPERS = new Set([...Object.keys(USER_HELPERS), ...BUILTIN_BLOCK_HELPERS]);
const SCOPE_CHANGING = new Set(['each', 'with']);

const isHelperName = (name: string) => HELPERS.has(name) || name.startsWith(ESCAPE_HELPER_PREFIX) || name.startsWith('__');

/**
 * The context paths a template reads (`device_id`, `device_custom_metadata.room`),
 * outside `#each`/`#with` blocks, whose bodies read their own scope.
 */
export function referencedPaths(template: CompiledTemplate): string[] {
  const found = new Set<string>();

  const collect = (node: hbs.AST.Expression | undefined, scoped: boolean) => {
    if (!node) return;
    if (node.type === 'SubExpression') return visitCall(node as hbs.AST.SubExpression, scoped);
    if (node.type !== 'PathExpression') return;
    const path = node as hbs.AST.PathExpression;
    if (scoped || path.data || path.depth > 0 || path.original === 'this' || path.original.startsWith('this.')) return;
    if (path.parts.length) found.add(path.parts.join('.'));
  };

  const visitCall = (node: { path: hbs.AST.PathExpression | hbs.AST.Literal; params: hbs.AST.Expression[]; hash?: hbs.AST.Hash }, scoped: boolean) => {
    const name = node.path.type === 'PathExpression' ? (node.path as hbs.AST.PathExpression).original : '';
    const isCall = node.params.length > 0 || !!node.hash || isHelperName(name);
    if (!isCall) collect(node.path as hbs.AST.Expression, scoped);
    for (const p of node.params) collect(p, scoped);
    for (const pair of node.hash?.pairs ?? []) collect(pair.value, scoped);
  };

  const visit = (program: hbs.AST.Program | undefined, scoped: boolean) => {
    for (const stmt of program?.body ?? []) {
      if (stmt.type === 'MustacheStatement') visitCall(stmt as hbs.AST.MustacheStatement, scoped);
      else if (stmt.type === 'BlockStatement') {
        const block = stmt as hbs.AST.BlockStatement;
        visitCall(block, scoped);
        const name = block.path.type === 'PathExpression' ? block.path.original : '';
        visit(block.program, scoped || SCOPE_CHANGING.has(name));
        visit(block.inverse, scoped);
      }
    }
  };

  visit(template.ast, false);
  return [...found];
}
