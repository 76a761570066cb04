export { type App, buildServer, type ServerDeps } from './app.ts';
export { type Running, startRelais, storeFor } from './start.ts';
