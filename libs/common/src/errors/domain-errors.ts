/** One bad input field, as in SPEC §6: `details: [{field, message}]`. */
export interface FieldError {
  field: string;
  message: string;
}

/**
 * Errors services throw. HttpErrorFilter is the one place that maps them to
 * status codes and the `{statusCode, error, message, details?}` body.
 */
export abstract class DomainError extends Error {
  abstract readonly status: number;
  readonly details?: FieldError[];
  constructor(message: string, details?: FieldError[]) {
    super(message);
    this.name = new.target.name;
    this.details = details;
  }
}

export class ValidationFailed extends DomainError {
  readonly status = 400;
  constructor(details: FieldError[], message?: string) {
    super(message ?? `Invalid request: ${details.map((d) => d.field).join(', ')}`, details);
  }
  static field(field: string, message: string): ValidationFailed {
    return new ValidationFailed([{ field, message }]);
  }
}

export class Unauthorized extends DomainError {
  readonly status = 401;
}

export class Forbidden extends DomainError {
  readonly status = 403;
}

export class NotFound extends DomainError {
  readonly status = 404;
}

/** The path exists, the method does not: a 405 whose Allow header lists what does (RFC 9110 §15.5.6). */
export class MethodNotAllowed extends DomainError {
  readonly status = 405;
  constructor(
    message: string,
    readonly allow: readonly string[],
  ) {
    super(message);
  }
}

export class Conflict extends DomainError {
  readonly status = 409;
}

export class TooManyRequests extends DomainError {
  readonly status = 429;
  constructor(readonly retryAfterSeconds: number) {
    super(`Rate limit exceeded; retry after ${retryAfterSeconds} s`);
  }
}

export class ServiceUnavailable extends DomainError {
  readonly status = 503;
}

/** Organization scoping (SPEC §2): one message whether or not the organization exists. */
export const ORG_ACCESS_DENIED = 'Organization not found or access denied';
export const WEBHOOK_NOT_FOUND = 'Webhook not found or access denied';
export const DELIVERY_NOT_FOUND = 'Delivery not found or access denied';

/** An RFC 6749 §5.2 error of the token endpoint; rendered as `{error, error_description}`. */
export class OAuthError extends Error {
  constructor(
    readonly status: 400 | 401,
    readonly error: 'invalid_request' | 'invalid_client' | 'invalid_grant' | 'unauthorized_client' | 'unsupported_grant_type' | 'invalid_scope',
    readonly description: string,
  ) {
    super(description);
  }
}
