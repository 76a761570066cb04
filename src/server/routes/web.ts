import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import fastifyStatic from '@fastify/static';
import type { App } from '../app.ts';

/** Pages of the web app reached by their own address (the app draws them itself). */
const APP_PAGES = ['/queues', '/agents', '/planning', '/admin', '/admin/:section', '/conversations/:id'];

/** Where `npm run build` (run by `npm start`) puts the web app. */
export const WEB_DIR = fileURLToPath(new URL('../../../web/dist/', import.meta.url));

/**
 * The web app at `/`: the files Vite built, as they are. Scripts and styles carry a hash
 * in their names, so they are cached for good; index.html is asked for again each time.
 * Without a build, `/` says how to make one.
 */
export async function webRoutes(app: App): Promise<void> {
  if (!existsSync(join(WEB_DIR, 'index.html'))) {
    app.get('/', { config: { public: true }, schema: { hide: true } }, async (_req, reply) =>
      reply
        .code(503)
        .type('text/plain; charset=utf-8')
        .send('The web app is not built. Run `npm run build` (`npm start` does it), then reload.\n'),
    );
    return;
  }
  await app.register(fastifyStatic, {
    root: WEB_DIR,
    prefix: '/',
    wildcard: false,
    index: ['index.html'],
    setHeaders(res, path) {
      res.header(
        'cache-control',
        path.includes(`${join('dist', 'assets')}`) ? 'public, max-age=31536000, immutable' : 'no-cache',
      );
    },
  });
  for (const page of APP_PAGES)
    app.get(page, { config: { public: true }, schema: { hide: true } }, (_req, reply) =>
      reply.header('cache-control', 'no-cache').sendFile('index.html'),
    );
}
