import { INestApplication, Logger } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { NestExpressApplication } from '@nestjs/platform-express';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import express from 'express';
import { ConfigService, logLevelFrom } from '@hookline/config';
import { HOOKLINE_VERSION, JsonLogger } from '@hookline/common';
import { ApiModule } from './api.module';
import { IngestFaults } from './events/ingest-faults';
import { strictValidationPipe } from './common/validation';

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

function setupOpenApi(app: INestApplication) {
  const doc = new DocumentBuilder()
    .setTitle('Hookline API')
    .setDescription(
      'Outbound webhook dispatcher. Obtain a token with POST /oauth2/token (client credentials), then call /api/v1/** with `Authorization: Bearer <token>`. ' +
        'Every /api/v1/organization/** call takes an optional orgId (the token organization or a descendant).',
    )
    .setVersion(HOOKLINE_VERSION)
    .addBearerAuth()
    .addOAuth2({ type: 'oauth2', flows: { clientCredentials: { tokenUrl: '/oauth2/token', scopes: { WEBHOOKS_READ: '', WEBHOOKS_WRITE: '', EVENTS_PUBLISH: '', ORG_ADMIN: '' } } } })
    .build();
  const document = SwaggerModule.createDocument(app, doc);
  SwaggerModule.setup('docs', app, document, { jsonDocumentUrl: 'docs-json' });
}
