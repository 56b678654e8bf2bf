import { applyDecorators } from '@nestjs/common';
import { ApiExtraModels, ApiProperty, ApiPropertyOptional, ApiResponse, getSchemaPath } from '@nestjs/swagger';

export class FieldErrorDto {
  @ApiProperty({ example: 'failureLimit' }) field: string;
  @ApiProperty({ example: 'failureLimit must be an integer, not a string' }) message: string;
}

/** The error body of every API error (SPEC §6). */
export class ErrorBodyDto {
  @ApiProperty({ example: 400 }) statusCode: number;
  @ApiProperty({ example: 'Bad Request' }) error: string;
  @ApiProperty({ example: 'Invalid request: failureLimit' }) message: string;
  @ApiPropertyOptional({ type: [FieldErrorDto], description: 'One entry per bad field (400 only)' }) details?: FieldErrorDto[];
}

const DESCRIPTIONS: Record<number, string> = {
  400: 'Bad request: details name each bad field (any route answers a body that is not valid JSON so)',
  401: 'Missing, invalid or expired bearer token',
  403: 'Missing permission, or Organization not found or access denied',
  404: 'Not found or access denied',
  409: 'Conflict',
  413: 'Request body too large',
  429: 'Too many requests (see Retry-After)',
  500: 'Internal server error',
};

/** Documents the standard error answers of an authenticated route in OpenAPI. */
export function ApiErrors(...codes: number[]) {
  return documentErrors([...codes, 401, 403, 429, 500]);
}

/** The same for a public route: no token, so no 401/403, and no per-organization rate limit. */
export function ApiPublicErrors(...codes: number[]) {
  return documentErrors([...codes, 500]);
}

function documentErrors(codes: number[]) {
  const all = [...new Set(codes)].sort();
  return applyDecorators(
    ApiExtraModels(ErrorBodyDto),
    ...all.map((status) =>
      ApiResponse({
        status,
        description: DESCRIPTIONS[status],
        schema: { $ref: getSchemaPath(ErrorBodyDto) },
        ...(status === 429 ? { headers: { 'Retry-After': { description: 'Seconds until the window resets', schema: { type: 'integer' } } } } : {}),
      }),
    ),
  );
}
