export { type App, buildServer, type ServerDeps } from './app.ts';
export { WEB_DIR } from './routes/web.ts';
export { type Running, startRelais, storeFor } from './start.ts';
