export * from './catalog.types';
export * from './catalog';
export * from './sample-event';
export * from './event-validator';
export * from './matching';
