export * from './target-policy';
