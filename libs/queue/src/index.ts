export * from './redis.provider';
export * from './queues';
export * from './bull.connection';
export * from './delivery.queue';
export * from './queue.module';
export * from './store-gauges';
export * from './fair-order';
