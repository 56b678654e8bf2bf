// The console (issue #14): a single-page app the API serves at /console, built into dist/console.
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

const here = fileURLToPath(new URL('.', import.meta.url));

export default defineConfig({
  root: here,
  base: '/console/',
  // React's automatic JSX runtime, compiled by Vite's own transformer: no plugin needed for a build.
  oxc: { jsx: { runtime: 'automatic' } },
  build: { outDir: fileURLToPath(new URL('../../dist/console', import.meta.url)), emptyOutDir: true, sourcemap: true },
  logLevel: 'warn',
});
