export * from './template-error';
export * from './translate';
export * from './escaping';
export * from './template-engine';
export * from './placeholders';
export * from './render-context';
export { RENDER_LIMITS } from './render-budget';
export { USER_HELPERS } from './helpers';
