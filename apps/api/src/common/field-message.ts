import type { ValidationError } from '@nestjs/common';

/** class-validator's type checks, most telling first, and the type each one asks for. */
const TYPE_CHECKS: [constraint: string, expected: string][] = [
  ['isArray', 'an array'],
  ['isObject', 'an object'],
  ['isString', 'a string'],
  ['isInt', 'an integer'],
  ['isNumber', 'a number'],
  ['isBoolean', 'a boolean'],
  ['nestedValidation', 'an object'],
];

/** What a JSON value is, as a message names it: "a string", "null", "an array". */
export function kindOf(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'number') return Number.isInteger(value) ? 'an integer' : 'a number';
  if (typeof value === 'object') return 'an object';
  return typeof value === 'string' ? 'a string' : `a ${typeof value}`;
}

/**
 * The one message for a field that failed some of its checks, the most basic
 * problem first: an unknown field, then a missing one, then a value of the
 * wrong type (which fails its range or length checks too, pointlessly), then
 * the first other check. Validation runs every check of a field, so this
 * choice does not depend on the order of the decorators.
 */
export function fieldMessage(e: ValidationError, path: string): string {
  const constraints = e.constraints ?? {};
  if (constraints.whitelistValidation) return `unknown field "${e.property}"`;
  // @IsOptional fields skip their checks when absent or null: failing checks on either mean required.
  if (e.value === undefined) return `${path} is required`;
  for (const [name, expected] of TYPE_CHECKS) {
    const message = constraints[name];
    if (!message) continue;
    // `each: true` checks report the array as the value: their own message names the elements.
    if (message.startsWith('each value in')) return renamed(message, e.property, path);
    // A query parameter that is no number arrives as NaN: its text is gone, so say only what it must be.
    return Number.isNaN(e.value) ? `${path} must be ${expected}` : `${path} must be ${expected}, not ${kindOf(e.value)}`;
  }
  if (e.value === null) return `${path} must not be null`;
  const [first] = Object.values(constraints);
  return renamed(first, e.property, path);
}

/** class-validator names the bare property; the response names its full path (`oauth2.clientId`). */
function renamed(message: string, property: string, path: string): string {
  return message.replace(new RegExp(`(^|each value in )${escape(property)}\\b`), `$1${path}`);
}

const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
