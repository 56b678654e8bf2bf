// Preloaded with NODE_OPTIONS=--import=<this file> and HL_MODULE_TRACE=<file>:
// appends every module a Node process (and its Node children) resolves, CommonJS
// and ESM, one path or URL per line. test/prisma-offline.e2e-spec.ts uses it to
// show which packages Hookline's commands really load.
import { appendFileSync } from 'node:fs';
import Module, { register } from 'node:module';

const out = process.env.HL_MODULE_TRACE;
if (out) {
  const resolveFilename = Module._resolveFilename;
  Module._resolveFilename = function (...args) {
    const resolved = resolveFilename.apply(this, args);
    appendFileSync(out, `${resolved}\n`);
    return resolved;
  };
  register('./module-trace-hooks.mjs', import.meta.url, { data: { out } });
}
