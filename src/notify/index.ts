// Notifications: emails and texts to citizens and staff through an outbox in the database,
// sent with GOV.UK Notify when it is configured, otherwise kept for administrators to see.
import type { FastifyInstance } from 'fastify';
import type { Contexts } from '../web/index.ts';
import { notifyPages } from './pages.ts';
import type { NotifyService } from './service.ts';

export { type NotifyConfig, notifySender } from './sender.ts';
export {
  backOffMinutes,
  type Message,
  NoAnswer,
  type NotifyService,
  notifyService,
  type Sender,
  UndeliverableMessage,
} from './service.ts';
export { type NotifyTemplate, notifyTemplates, type SmsTemplate, smsTemplates } from './templates.ts';

/** The administrators' page of the outbox: what was sent, and what is waiting or failed. */
export async function notifyModule(
  app: FastifyInstance,
  { contexts, notify }: { contexts: Contexts; notify: NotifyService },
) {
  await app.register(contexts.pages(notifyPages), { notify });
}
