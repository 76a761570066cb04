import {
  createEndpoint,
  Endpoint,
  EndpointCreate,
  EndpointFilter,
  EndpointUpdate,
  getEndpoint,
  listEndpoints,
  updateEndpoint,
} from '../../channels/index.ts';
import type { App, ServerDeps } from '../app.ts';
import { resourceRoutes } from './resource.ts';

export function channelRoutes(app: App, deps: ServerDeps): void {
  resourceRoutes(app, deps, {
    path: '/api/endpoints',
    tag: 'channels',
    noun: 'endpoint',
    read: 'organisation:read',
    write: 'organisation:write',
    item: Endpoint,
    filter: EndpointFilter,
    create: EndpointCreate,
    update: EndpointUpdate,
    list: listEndpoints,
    get: getEndpoint,
    insert: createEndpoint,
    change: updateEndpoint,
  });
}
