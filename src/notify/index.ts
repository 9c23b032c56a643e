// Notifications: emails and texts to citizens and staff through an outbox in the database,
// sent with GOV.UK Notify when it is configured, otherwise kept for administrators to see.
export { notifyPages } from './pages.ts';
export { type NotifyConfig, notifySender } from './sender.ts';
export {
  backOffMinutes,
  type Message,
  type NotifyService,
  notifyService,
  type Sender,
  UndeliverableMessage,
} from './service.ts';
export { type NotifyTemplate, notifyTemplates } from './templates.ts';
