import { ArgumentMetadata, ValidationError, ValidationPipe } from '@nestjs/common';
import { FieldError, ValidationFailed } from '@hookline/common';
import { fieldMessage } from './field-message';
import { inputProblems } from './input-problems';

/** Flattens class-validator's tree into `{field, message}` with `a.b` and `a[0].b` paths, one message per field. */
export function flattenValidationErrors(errors: ValidationError[], parent = ''): FieldError[] {
  const out: FieldError[] = [];
  for (const e of errors) {
    const isIndex = /^\d+$/.test(e.property);
    const path = parent ? (isIndex ? `${parent}[${e.property}]` : `${parent}.${e.property}`) : e.property;
    if (e.constraints) out.push({ field: path, message: fieldMessage(e, path) });
    if (e.children?.length) out.push(...flattenValidationErrors(e.children, path));
  }
  return out;
}

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
 * every bad field named with one message: required, the expected type, then
 * any other rule.
 */
export function strictValidationPipe(): ValidationPipe {
  return new StrictValidationPipe({
    whitelist: true,
    forbidNonWhitelisted: true,
    forbidUnknownValues: true,
    // Every check of a field runs, so fieldMessage can name the most basic problem whatever the decorator order.
    stopAtFirstError: false,
    transform: true,
    transformOptions: { enableImplicitConversion: false },
    exceptionFactory: (errors) => new ValidationFailed(flattenValidationErrors(errors)),
  });
}
