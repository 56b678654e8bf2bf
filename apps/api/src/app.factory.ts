import { INestApplication, Logger } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { NestExpressApplication } from '@nestjs/platform-express';
import { DocumentBuilder, OpenAPIObject, SwaggerModule } from '@nestjs/swagger';
import express from 'express';
import { ConfigService, logLevelFrom } from '@hookline/config';
import { HOOKLINE_VERSION, JsonLogger } from '@hookline/common';
import { ApiModule } from './api.module';
import { OPENAPI_PUBLIC } from './auth/principal';
import { IngestFaults } from './events/ingest-faults';
import { strictValidationPipe } from './common/validation';
import { serveConsole } from './console/serve-console';

export interface ApiAppOptions {
  /** Where log lines go (tests capture them to check that no secret is logged). */
  logWrite?: (line: string) => void;
  /** Test code only: faults armed in ingestion (see IngestFaults). */
  ingestFaults?: IngestFaults;
}

/** Builds the API application exactly as main.ts runs it; e2e tests use the same function. */
export async function createApiApp(opts: ApiAppOptions = {}): Promise<INestApplication> {
  const logger = new JsonLogger(logLevelFrom(), opts.logWrite);
  const app = await NestFactory.create<NestExpressApplication>(ApiModule.register(opts.ingestFaults), { logger, bodyParser: false });
  const config = app.get(ConfigService);
  const limit = config.get('maxBodyBytes');

  app.disable('x-powered-by');
  // Our own parsers so oversized bodies become a 413 in the SPEC §6 error shape.
  app.use(express.json({ limit, strict: false, type: ['application/json', 'application/*+json'] }));
  app.use(express.urlencoded({ limit, extended: false }));
  app.use('/console', serveConsole());
  app.useGlobalPipes(strictValidationPipe());
  app.enableShutdownHooks();
  setupOpenApi(app);
  return app;
}

/** Builds the API and listens on its port (main.ts, and the test-only test/faulty-api). */
export async function startApi(opts: ApiAppOptions = {}): Promise<INestApplication> {
  const app = await createApiApp(opts);
  const port = app.get(ConfigService).get('port');
  await app.listen(port);
  new Logger('Main').log({ msg: 'api listening', port });
  return app;
}

/** A token's scopes are a subset of its client's permissions (SPEC §2). */
const TOKEN_SCOPES = {
  WEBHOOKS_READ: 'Read webhooks, their delivery log and notifications',
  WEBHOOKS_WRITE: 'Create, change, test and delete webhooks; redeliver',
  EVENTS_PUBLISH: 'Publish events',
  ORG_ADMIN: 'Manage sub-organizations, users and API clients',
};

/** Where the document's operations are: the same origin that serves it, whatever host or proxy that is. */
const SAME_ORIGIN = '/';

function setupOpenApi(app: INestApplication) {
  const doc = new DocumentBuilder()
    .setTitle('Hookline API')
    .setDescription(
      'Outbound webhook dispatcher. Obtain a token with POST /oauth2/token (client credentials), then call /api/v1/** with `Authorization: Bearer <token>`. ' +
        'Every /api/v1/organization/** call takes an optional orgId (the token organization or a descendant).',
    )
    .setVersion(HOOKLINE_VERSION)
    .setLicense('Apache-2.0', 'https://www.apache.org/licenses/LICENSE-2.0')
    .addServer(SAME_ORIGIN, 'This Hookline instance')
    .addBearerAuth()
    .addOAuth2({ type: 'oauth2', flows: { clientCredentials: { tokenUrl: '/oauth2/token', scopes: TOKEN_SCOPES } } })
    // Either: a token from /oauth2/token, sent as a bearer token. Public operations say `security: []`.
    .addSecurityRequirements('bearer')
    .addSecurityRequirements('oauth2')
    .build();
  const document = SwaggerModule.createDocument(app, doc);
  markPublicOperations(document);
  SwaggerModule.setup('docs', app, document, { jsonDocumentUrl: 'docs-json' });
}

/** Operations marked by @Public() need no token: `security: []` overrides the document's requirement. */
function markPublicOperations(document: OpenAPIObject) {
  for (const item of Object.values(document.paths)) {
    for (const op of Object.values(item) as Record<string, unknown>[]) {
      if (!op || typeof op !== 'object' || !(OPENAPI_PUBLIC in op)) continue;
      delete op[OPENAPI_PUBLIC];
      op.security = [];
    }
  }
}
