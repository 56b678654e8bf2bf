import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import 'reflect-metadata';
import { INestApplication } from '@nestjs/common';
import request from 'supertest';
import { PrismaClient, pgAdapterFor } from '@hookline/db';
import { createApiApp } from '../../apps/api/src/app.factory';
import { IngestFaults } from '../../apps/api/src/events/ingest-faults';
import { bootstrap, BootstrapResult } from '../../apps/cli/src/bootstrap.command';
import { withEnv } from './env';

/** Ingestion that commits but never enqueues: only the sweeper can find the work. */
export const NO_ENQUEUE: IngestFaults = { enqueue: false, afterCommit: () => undefined };

export interface OrgAdmin extends BootstrapResult {
  token: string;
}

let counter = 0;
/** Names unique across test files that share one database. */
export const unique = (prefix: string) => `${prefix}-${process.pid}-${Date.now().toString(36)}-${++counter}`;

/**
 * The real API in-process (same factory as main.ts) on the real PostgreSQL and
 * Redis of the test run, with its log lines captured.
 */
export class ApiHarness {
  /**
   * Every log line of every harness in this test file. Nest's Logger is process-wide
   * (the last app created owns it), so checks that nothing secret is logged read this.
   */
  static readonly allLogs: string[] = [];
  app: INestApplication;
  readonly prisma: PrismaClient;

  private constructor(databaseUrl: string) {
    this.prisma = new PrismaClient({ adapter: pgAdapterFor(databaseUrl, 2) });
  }

  /** `ingestFaults`: break ingestion on purpose (see IngestFaults). */
  static async start(env: Record<string, string> = {}, ingestFaults?: IngestFaults): Promise<ApiHarness> {
    const h = new ApiHarness(env.DATABASE_URL ?? process.env.DATABASE_URL!);
    await withEnv(env, async () => {
      h.app = await createApiApp({
        logWrite: (line) => void ApiHarness.allLogs.push(line),
        ingestFaults,
      });
      await h.app.init();
    });
    return h;
  }

  http() {
    return request(this.app.getHttpServer());
  }

  /** Listens on a port of its own, for clients that speak HTTP themselves (a browser, the generated client); returns the base URL. */
  async listen(): Promise<string> {
    const server = this.app.getHttpServer() as Server;
    if (!server.listening) await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  }

  async token(clientId: string, clientSecret: string): Promise<string> {
    const res = await this.http().post('/oauth2/token').auth(clientId, clientSecret).type('form').send({ grant_type: 'client_credentials' });
    if (res.status !== 200) throw new Error(`token: ${res.status} ${JSON.stringify(res.body)}`);
    return res.body.access_token as string;
  }

  /** A fresh organization with an all-permission client and its token. */
  async newOrg(name = unique('org'), parentId?: number): Promise<OrgAdmin> {
    const created = await bootstrap(this.prisma, name, parentId);
    return { ...created, token: await this.token(created.clientId, created.clientSecret) };
  }

  /** A client with just these permissions in an organization, and its token. */
  async clientWith(admin: OrgAdmin, permissions: string[], orgId = admin.organizationId): Promise<{ clientId: string; clientSecret: string; token: string }> {
    const res = await this.http()
      .post(`/api/v1/organization/clients?orgId=${orgId}`)
      .auth(admin.token, { type: 'bearer' })
      .send({ name: unique('client'), permissions });
    if (res.status !== 201) throw new Error(`client: ${res.status} ${JSON.stringify(res.body)}`);
    return { ...res.body, token: await this.token(res.body.clientId, res.body.clientSecret) };
  }

  static allLogText(): string {
    return ApiHarness.allLogs.join('');
  }

  async close() {
    await this.app?.close();
    await this.prisma.$disconnect();
  }
}
