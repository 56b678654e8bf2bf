import { ArgumentsHost, BadRequestException, Catch, ExceptionFilter, HttpException, HttpStatus, Logger } from '@nestjs/common';
import type { Request, Response } from 'express';
import { STATUS_CODES } from 'node:http';
import { DomainError, MethodNotAllowed, OAuthError, TooManyRequests } from './domain-errors';

export interface ErrorBody {
  statusCode: number;
  error: string;
  message: string;
  details?: { field: string; message: string }[];
}

/** Errors thrown by body-parser before any controller runs. */
interface BodyParserError {
  type?: string;
  status?: number;
  limit?: number;
}

/**
 * The single mapping from errors to HTTP answers (SPEC §6). Anything unexpected
 * becomes a 500 that reveals no internals; the stack goes to the log only.
 */
@Catch()
export class HttpErrorFilter implements ExceptionFilter {
  private readonly logger = new Logger(HttpErrorFilter.name);

  catch(exception: unknown, host: ArgumentsHost): void {
    const res = host.switchToHttp().getResponse<Response>();
    if (res.headersSent) return;

    if (exception instanceof OAuthError) {
      // RFC 6749 §5.2 body; invalid_client via Basic also carries WWW-Authenticate. Only then: on a
      // refusal of form-field credentials, a browser would take the header for a cue to open its own dialog.
      const viaBasic = /^basic /i.test(host.switchToHttp().getRequest<Request>().headers.authorization ?? '');
      if (exception.status === 401 && viaBasic) res.setHeader('WWW-Authenticate', 'Basic realm="hookline"');
      res.setHeader('Cache-Control', 'no-store');
      res.status(exception.status).json({ error: exception.error, error_description: exception.description });
      return;
    }

    const body = this.toBody(exception);
    if (exception instanceof TooManyRequests) res.setHeader('Retry-After', String(exception.retryAfterSeconds));
    if (exception instanceof MethodNotAllowed) res.setHeader('Allow', exception.allow.join(', '));
    if (body.statusCode === 401) res.setHeader('WWW-Authenticate', 'Bearer');
    res.status(body.statusCode).json(body);
  }

  private toBody(exception: unknown): ErrorBody {
    if (exception instanceof DomainError) {
      return make(exception.status, exception.message, exception.details);
    }
    const bp = exception as BodyParserError;
    if (bp && typeof bp === 'object' && typeof bp.type === 'string') {
      if (bp.type === 'entity.too.large') {
        return make(413, `Request body exceeds the limit of ${bp.limit} bytes`);
      }
      if (bp.type === 'entity.parse.failed') {
        return make(400, 'Request body is not valid JSON', [{ field: 'body', message: 'must be valid JSON' }]);
      }
      if (bp.type === 'encoding.unsupported' || bp.type === 'charset.unsupported') {
        return make(415, 'Unsupported request encoding');
      }
    }
    if (exception instanceof BadRequestException) {
      // Nest turns body-parser's SyntaxError (and URIError of a badly encoded path) into this.
      const message = exception.message;
      return /JSON|token|Unexpected/i.test(message)
        ? make(400, 'Request body is not valid JSON', [{ field: 'body', message: `must be valid JSON (${message})` }])
        : make(400, 'Malformed request URL', [{ field: 'path', message }]);
    }
    if (exception instanceof HttpException) {
      const status = exception.getStatus();
      const resp = exception.getResponse();
      const message = typeof resp === 'string' ? resp : ((resp as { message?: unknown }).message ?? exception.message);
      return make(status, Array.isArray(message) ? message.join('; ') : String(message));
    }
    if (isStoreUnavailable(exception)) {
      // Nothing was committed: the client must retry, and knows it.
      this.logger.warn(`store unavailable: ${(exception as Error).message?.split('\n')[0]}`);
      return make(503, 'Service temporarily unavailable; retry later');
    }
    this.logger.error(`Unhandled error: ${(exception as Error)?.stack ?? String(exception)}`);
    return make(HttpStatus.INTERNAL_SERVER_ERROR, 'Internal server error');
  }
}

const UNAVAILABLE_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'P1001', 'P1002', 'P1008', 'P1017', 'P2024', '57P01', '57P02', '57P03', '53300', '08000', '08001', '08003', '08006']);

/** PostgreSQL (or its pool) is down or restarting: a 503, not a 500. */
function isStoreUnavailable(err: unknown): boolean {
  for (let e = err as { code?: unknown; cause?: unknown; message?: unknown; name?: unknown } | undefined, depth = 0; e && depth < 5; e = e.cause as typeof e, depth++) {
    if (typeof e.code === 'string' && UNAVAILABLE_CODES.has(e.code)) return true;
    if (e.name === 'PrismaClientInitializationError') return true;
    if (typeof e.message === 'string' && /Can't reach database server|Connection terminated|connection is closed|the database system is (starting up|shutting down)|terminating connection/i.test(e.message)) return true;
  }
  return false;
}

function make(statusCode: number, message: string, details?: ErrorBody['details']): ErrorBody {
  const body: ErrorBody = { statusCode, error: STATUS_CODES[statusCode] ?? 'Error', message };
  if (details?.length) body.details = details;
  return body;
}
