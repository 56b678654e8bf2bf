import { existsSync } from 'node:fs';
import path from 'node:path';
import express from 'express';

/** Where `npm run build` puts the console (apps/console): the API runs from the project root, or /app in the image. */
export const CONSOLE_DIR = path.resolve(process.cwd(), 'dist/console');

/** The console's pages may be framed anywhere (a portal is embedded) but load nothing from elsewhere. */
const PAGE_HEADERS = {
  'Content-Security-Policy': "default-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; frame-ancestors *",
  'Cache-Control': 'no-store',
  'Referrer-Policy': 'no-referrer',
};

/**
 * The console at /console (issue #14): its hashed assets as files, and
 * index.html for every other path under it, so the app's own routes load. It
 * talks to the public API only, from the same origin; nothing here is private.
 */
export function serveConsole(dir = CONSOLE_DIR): express.Handler {
  const files = express.static(dir, { index: false, redirect: false, immutable: true, maxAge: '365d' });
  const index = path.join(dir, 'index.html');
  return (req, res, next) => {
    const page = () => {
      if (req.method !== 'GET' && req.method !== 'HEAD') return next();
      if (!existsSync(index)) {
        res.status(404).json({ statusCode: 404, error: 'Not Found', message: 'The console is not built here: run npm run build' });
        return;
      }
      res.set(PAGE_HEADERS).sendFile(index);
    };
    if (req.path === '/' || req.path === '/index.html') return page();
    files(req, res, page);
  };
}
