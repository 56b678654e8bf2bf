export * from './errors/domain-errors';
export * from './errors/http-error.filter';
export * from './logging/json-logger';
export * from './crypto/secret-cipher';
export * from './crypto/crypto.module';
export * from './page';
export * from './version';
export * from './metrics/metrics.service';
