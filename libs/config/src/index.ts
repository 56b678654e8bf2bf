export * from './config.schema';
export * from './config.service';
export * from './config.module';
