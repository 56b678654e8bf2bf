#!/usr/bin/env node
// A stand-in for Prisma's native `schema-engine` binary, built on the official
// WebAssembly schema engine plus @prisma/adapter-pg.
//
// Why: every Prisma CLI command first looks for the native engine and downloads
// it from Prisma's binary host. Machines without that host (air-gapped
// deployments, locked-down CI) cannot run `prisma migrate` at all. The CLI skips
// the download when PRISMA_SCHEMA_ENGINE_BINARY names an executable, so
// prisma.config.ts points it here and this program speaks the binary's
// interface (see docs/prisma-offline.md):
//
//   schema-engine.mjs --version
//   schema-engine.mjs --datasource JSON cli can-connect-to-database|create-database|drop-database
//   schema-engine.mjs [--datamodels FILE]... [--datasource JSON]   (JSON-RPC 2.0 over stdio)
//
// Only PostgreSQL is supported (Hookline's only database).
import { createRequire } from 'node:module';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import readline from 'node:readline';
import { randomBytes } from 'node:crypto';

const require = createRequire(import.meta.url);
const pg = require('pg');
const { PrismaPg } = require('@prisma/adapter-pg');
const { bindMigrationAwareSqlAdapterFactory } = require('@prisma/driver-adapter-utils');
const { enginesVersion } = require('@prisma/engines-version');

// ---------------------------------------------------------------- arguments
function parseArgs(argv) {
  const out = { datamodels: [], datasource: null, cli: null, version: false };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--version' || a === '-V') out.version = true;
    else if (a === '--datamodels') out.datamodels.push(argv[++i]);
    else if (a === '--datasource') out.datasource = JSON.parse(argv[++i]);
    else if (a === '--enabled-preview-features' || a === '--extension-types') i++;
    else if (a === 'cli') out.cli = argv[++i];
  }
  return out;
}

// ---------------------------------------------------------------- connections
/** Splits `?schema=` off a PostgreSQL URL: the wasm engine and adapter-pg need it as options. */
function connectionFor(url) {
  const u = new URL(url);
  const schema = u.searchParams.get('schema') ?? undefined;
  u.searchParams.delete('schema');
  const config = { connectionString: u.toString() };
  // Pin search_path, or _prisma_migrations and the DDL land in `public`.
  if (schema) config.options = `-c search_path="${schema.replace(/"/g, '""')}"`;
  return { config, schema, database: decodeURIComponent(u.pathname.slice(1)) || 'postgres', u };
}

function withDatabase(url, database) {
  const u = new URL(url);
  u.pathname = '/' + encodeURIComponent(database);
  return u.toString();
}

async function adminQuery(url, sql) {
  // Maintenance statements (CREATE/DROP DATABASE) run from the `postgres` database.
  const client = new pg.Client({ connectionString: withDatabase(connectionFor(url).config.connectionString, 'postgres') });
  await client.connect();
  try {
    return await client.query(sql);
  } finally {
    await client.end();
  }
}

const quoteIdent = (s) => '"' + String(s).replace(/"/g, '""') + '"';

// adapter-pg cannot deserialize the catalog type "char" (oid 18) that the engine's
// introspection selects (pg_class.relkind, pg_constraint.contype, ...). Its values
// arrive as strings anyway, so present the column as text.
let queryablePatched = false;
function patchQueryable(adapter) {
  if (queryablePatched) return;
  const proto = Object.getPrototypeOf(Object.getPrototypeOf(adapter));
  const performIO = proto.performIO;
  proto.performIO = async function patchedPerformIO(...args) {
    const result = await performIO.apply(this, args);
    for (const field of result.fields ?? []) {
      if (field.dataTypeID === 18) field.dataTypeID = 25;
    }
    return result;
  };
  queryablePatched = true;
}

/** adapter-pg splits scripts on every `;`, breaking `DEFAULT 'a;b'` and function
 * bodies. Send each script as one simple-protocol query: also atomic, as with the
 * native engine. */
function wholeScripts(adapter) {
  patchQueryable(adapter);
  adapter.executeScript = async function executeScript(script) {
    try {
      await this.underlyingDriver().query(script);
    } catch (error) {
      this.onError(error);
    }
  };
  return adapter;
}

const cleanups = new Set();

/** A migration-aware adapter factory whose shadow database is really separate.
 * (adapter-pg's own connectToShadowDb, given a connection string, connects to the
 * main database again; a migrate dev would then wipe real data.) */
function createFactory(datasource) {
  const url = datasource?.url;
  if (!url) throw Object.assign(new Error('The datasource URL is empty: set DATABASE_URL.'), { code: 'P1012' });
  const main = connectionFor(url);
  const pgOptions = main.schema ? { schema: main.schema } : undefined;
  const factory = {
    provider: 'postgres',
    adapterName: '@prisma/adapter-pg',
    async connect() {
      return wholeScripts(await new PrismaPg(main.config, pgOptions).connect());
    },
    async connectToShadowDb() {
      if (datasource.shadowDatabaseUrl) {
        const shadow = connectionFor(datasource.shadowDatabaseUrl);
        const schema = shadow.schema ?? 'public';
        const client = new pg.Client(shadow.config);
        await client.connect();
        await client.query(`DROP SCHEMA IF EXISTS ${quoteIdent(schema)} CASCADE; CREATE SCHEMA ${quoteIdent(schema)}`);
        await client.end();
        return wholeScripts(await new PrismaPg(shadow.config, shadow.schema ? { schema } : undefined).connect());
      }
      const name = `prisma_shadow_${randomBytes(6).toString('hex')}`;
      await adminQuery(url, `CREATE DATABASE ${quoteIdent(name)}`);
      const drop = async () => {
        cleanups.delete(drop);
        await adminQuery(url, `DROP DATABASE IF EXISTS ${quoteIdent(name)} WITH (FORCE)`).catch(() => {});
      };
      cleanups.add(drop);
      const shadow = connectionFor(withDatabase(url, name));
      const adapter = wholeScripts(await new PrismaPg(shadow.config, pgOptions).connect());
      const dispose = adapter.dispose.bind(adapter);
      adapter.dispose = async () => {
        await dispose();
        await drop();
      };
      return adapter;
    },
  };
  return bindMigrationAwareSqlAdapterFactory(factory);
}

// ---------------------------------------------------------------- wasm engine
async function loadEngineClass() {
  const glue = await import('@prisma/schema-engine-wasm/schema_engine_bg');
  // The wasm comes from the installed `prisma` package so CLI and engine always match.
  const wasmPath = path.join(path.dirname(require.resolve('prisma/package.json')), 'build', 'schema_engine_bg.wasm');
  const module = new WebAssembly.Module(readFileSync(wasmPath));
  const instance = new WebAssembly.Instance(module, { './schema_engine_bg.js': glue });
  glue.__wbg_set_wasm(instance.exports);
  instance.exports.__wbindgen_start();
  return glue.SchemaEngine;
}

// ---------------------------------------------------------------- errors
function describeError(error, factory) {
  const registered = factory?.errorRegistry?.lookupError?.(error);
  const cause = registered?.error?.cause ?? registered?.error;
  if (cause && typeof cause === 'object' && cause.kind) return mapDriverError(cause);
  if (error && typeof error === 'object' && 'code' in error && typeof error.code === 'string' && /^P\d{4}$/.test(error.code)) {
    return { message: error.message, error_code: error.code, meta: error.meta };
  }
  return { message: error?.message ?? String(error) };
}

function mapDriverError(cause) {
  const text = cause.originalMessage ?? cause.message ?? JSON.stringify(cause);
  switch (cause.kind) {
    case 'DatabaseDoesNotExist':
      return { message: `Database \`${cause.db ?? ''}\` does not exist`, error_code: 'P1003' };
    case 'AuthenticationFailed':
      return { message: `Authentication failed against database server: ${text}`, error_code: 'P1000' };
    case 'DatabaseNotReachable':
    case 'SocketTimeout':
      return { message: `Can't reach database server: ${text}`, error_code: 'P1001' };
    default:
      return { message: text };
  }
}

function pgErrorCode(err) {
  if (err.code === '3D000') return 'P1003';
  if (err.code === '28P01' || err.code === '28000') return 'P1000';
  if (['ECONNREFUSED', 'ENOTFOUND', 'ETIMEDOUT', 'EHOSTUNREACH', 'EAI_AGAIN'].includes(err.code)) return 'P1001';
  return 'P1000';
}

// ---------------------------------------------------------------- cli mode
// The CLI ignores the first stderr line and parses each further line as a JSON
// tracing record, looking for level ERROR from `schema_engine::logger`.
function logError(message, errorCode) {
  const record = {
    timestamp: new Date().toISOString(),
    level: 'ERROR',
    fields: { message, error_code: errorCode },
    target: 'schema_engine::logger',
  };
  process.stderr.write(JSON.stringify({ timestamp: record.timestamp, level: 'INFO', fields: { message: 'Starting schema engine (wasm)' }, target: 'schema_engine::logger' }) + '\n' + JSON.stringify(record));
}

async function runCli(command, datasource) {
  const url = datasource?.url;
  if (!url) {
    logError('The datasource URL is empty.', 'P1012');
    return 1;
  }
  const { config, database, u } = connectionFor(url);
  const where = `${u.hostname}:${u.port || 5432}`;
  try {
    if (command === 'can-connect-to-database') {
      const client = new pg.Client(config);
      await client.connect();
      await client.end();
    } else if (command === 'create-database') {
      await adminQuery(url, `CREATE DATABASE ${quoteIdent(database)}`).catch((e) => {
        if (e.code !== '42P04') throw e; // already exists
      });
      process.stdout.write(`Database '${database}' was successfully created.\n`);
    } else if (command === 'drop-database') {
      await adminQuery(url, `DROP DATABASE IF EXISTS ${quoteIdent(database)} WITH (FORCE)`);
      process.stdout.write(`The database '${database}' was successfully dropped.\n`);
    } else {
      logError(`Unknown cli command ${command}`, 'P1000');
      return 1;
    }
    return 0;
  } catch (err) {
    const code = pgErrorCode(err);
    const message =
      code === 'P1003'
        ? `Database \`${database}\` does not exist on the database server at \`${where}\`.`
        : code === 'P1001'
          ? `Can't reach database server at \`${where}\``
          : `Authentication failed against database server at \`${where}\`, the provided database credentials for \`${u.username}\` are not valid.`;
    logError(message, code);
    return 1;
  }
}

// ---------------------------------------------------------------- rpc mode
async function runRpc(args) {
  const datamodels = args.datamodels.map((f) => [f, readFileSync(f, 'utf8')]);
  let factory = null;
  let engine = null;
  const getEngine = async () => {
    if (engine) return engine;
    factory = createFactory(args.datasource);
    const SchemaEngine = await loadEngineClass();
    const debug = (line) => process.stderr.write(JSON.stringify({ level: 'DEBUG', fields: { message: String(line) } }) + '\n');
    engine = await SchemaEngine.new({ datamodels: datamodels.length ? datamodels : undefined }, debug, factory);
    return engine;
  };

  const pendingPrints = new Map();
  let nextOutgoingId = 1_000_000;
  const send = (msg) => process.stdout.write(JSON.stringify(msg) + '\n');
  // `migrate diff` prints through a `print` request to the CLI, which answers it.
  const print = (content) =>
    new Promise((resolve) => {
      const id = nextOutgoingId++;
      pendingPrints.set(id, resolve);
      send({ jsonrpc: '2.0', id, method: 'print', params: { content } });
    });

  const call = async (method, params) => {
    if (method === 'createDatabase') {
      const url = params?.datasource?.url ?? args.datasource?.url;
      const { database } = connectionFor(url);
      await adminQuery(url, `CREATE DATABASE ${quoteIdent(database)}`).catch((e) => {
        if (e.code !== '42P04') throw e;
      });
      return { databaseName: database };
    }
    const e = await getEngine();
    if (method === 'getDatabaseVersion') return e.version(params ?? null);
    if (method === 'diff') {
      const { stdout, ...rest } = await e.diff(params);
      if (stdout) await print(stdout.replace(/\n$/, ''));
      return rest;
    }
    if (typeof e[method] !== 'function' || method === 'free') {
      throw new Error(`Method ${method} is not supported by the wasm schema engine`);
    }
    return e[method](params);
  };

  const callWithRetry = async (method, params) => {
    try {
      return await call(method, params);
    } catch (err) {
      // After applying pending migrations the wasm engine may lose its shadow
      // database factory; diagnosing the history again restores it.
      if (/external factory/i.test(err?.message ?? '') && params?.migrationsList) {
        await engine.diagnoseMigrationHistory({
          migrationsList: params.migrationsList,
          optInToShadowDatabase: true,
          filters: params.filters ?? { externalTables: [], externalEnums: [] },
        });
        return call(method, params);
      }
      throw err;
    }
  };

  let queue = Promise.resolve();
  const rl = readline.createInterface({ input: process.stdin, crlfDelay: Infinity });
  rl.on('line', (line) => {
    if (!line.trim()) return;
    let msg;
    try {
      msg = JSON.parse(line);
    } catch {
      return;
    }
    if (msg.method === undefined && pendingPrints.has(msg.id)) {
      pendingPrints.get(msg.id)();
      pendingPrints.delete(msg.id);
      return;
    }
    // Requests run one at a time, in order, as with the native engine.
    queue = queue.then(async () => {
      try {
        const result = await callWithRetry(msg.method, msg.params);
        send({ jsonrpc: '2.0', id: msg.id, result: result === undefined ? null : result });
      } catch (err) {
        const data = { is_panic: /unreachable|panicked/i.test(err?.message ?? ''), ...describeError(err, factory) };
        send({ jsonrpc: '2.0', id: msg.id, error: { code: 4466, message: 'An error happened. Check the data field for details.', data } });
      }
    });
  });
  await new Promise((resolve) => rl.on('close', resolve));
  await queue;
  await shutdown(engine);
}

async function shutdown(engine) {
  for (const cleanup of [...cleanups]) await cleanup();
  try {
    engine?.free();
  } catch {
    /* already freed */
  }
}

// ---------------------------------------------------------------- main
const args = parseArgs(process.argv.slice(2));
if (args.version) {
  process.stdout.write(`schema-engine-cli ${enginesVersion}\n`);
  process.exit(0);
}
if (args.cli) {
  process.exit(await runCli(args.cli, args.datasource));
}
for (const sig of ['SIGINT', 'SIGTERM']) {
  process.on(sig, async () => {
    await shutdown(null);
    process.exit(130);
  });
}
await runRpc(args);
process.exit(0);
