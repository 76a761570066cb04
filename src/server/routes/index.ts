import type { App, ServerDeps } from '../app.ts';
import { accessRoutes } from './access.ts';
import { authRoutes } from './auth.ts';
import { channelRoutes } from './channels.ts';
import { chatRoutes } from './chat.ts';
import { conversationRoutes } from './conversations.ts';
import { customerRoutes } from './customers.ts';
import { imapRoutes } from './imap.ts';
import { inboxRoutes } from './inbox.ts';
import { messageHtmlRoutes } from './message-html.ts';
import { metaRoutes } from './meta.ts';
import { organisationRoutes } from './organisation.ts';
import { routingRoutes } from './routing.ts';
import { routingConfigRoutes } from './routing-config.ts';
import { slaRoutes } from './sla.ts';
import { supervisorRoutes } from './supervisor.ts';
import { webRoutes } from './web.ts';

export async function registerRoutes(app: App, deps: ServerDeps): Promise<void> {
  authRoutes(app, deps);
  organisationRoutes(app, deps);
  customerRoutes(app, deps);
  conversationRoutes(app, deps);
  messageHtmlRoutes(app, deps);
  inboxRoutes(app, deps);
  channelRoutes(app, deps);
  imapRoutes(app, deps);
  accessRoutes(app, deps);
  routingRoutes(app, deps);
  routingConfigRoutes(app, deps);
  slaRoutes(app, deps);
  supervisorRoutes(app, deps);
  await metaRoutes(app, deps);
  await chatRoutes(app, deps);
  await webRoutes(app);
}
