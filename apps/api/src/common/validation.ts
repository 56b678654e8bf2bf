import { ArgumentMetadata, ValidationError, ValidationPipe } from '@nestjs/common';
import { FieldError, ValidationFailed } from '@hookline/common';
import { inputProblems } from './input-problems';

/** Flattens class-validator's tree into `{field, message}` with `a.b` and `a[0].b` paths, one per field. */
export function flattenValidationErrors(errors: ValidationError[], parent = ''): FieldError[] {
  const out: FieldError[] = [];
  for (const e of errors) {
    const isIndex = /^\d+$/.test(e.property);
    const path = parent ? (isIndex ? `${parent}[${e.property}]` : `${parent}.${e.property}`) : e.property;
    if (e.constraints) {
      const messages = Object.entries(e.constraints).map(([kind, msg]) =>
        kind === 'whitelistValidation' ? `unknown field "${e.property}"` : msg.replace(new RegExp(`^${escape(e.property)}\\b`), path),
      );
      out.push({ field: path, message: messages.join('; ') });
    }
    if (e.children?.length) out.push(...flattenValidationErrors(e.children, path));
  }
  return out;
}

const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

class StrictValidationPipe extends ValidationPipe {
  override async transform(value: unknown, metadata: ArgumentMetadata): Promise<unknown> {
    // DTO-shaped input only: an event (`unknown` body) keeps whatever extra fields it has.
    if (metadata.metatype && metadata.metatype !== Object && (metadata.type === 'body' || metadata.type === 'query')) {
      const problems = inputProblems(value, { reservedKeys: true });
      if (problems.length) throw new ValidationFailed(problems);
    }
    return super.transform(value, metadata);
  }
}

/**
 * Strict input (SPEC §6): unknown fields rejected (`__proto__` and
 * `constructor` too), no type coercion (`"failureLimit": "10"` is a 400),
 * every bad field named.
 */
export function strictValidationPipe(): ValidationPipe {
  return new StrictValidationPipe({
    whitelist: true,
    forbidNonWhitelisted: true,
    forbidUnknownValues: true,
    stopAtFirstError: true,
    transform: true,
    transformOptions: { enableImplicitConversion: false },
    exceptionFactory: (errors) => new ValidationFailed(flattenValidationErrors(errors)),
  });
}
