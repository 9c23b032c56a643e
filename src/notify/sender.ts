// Sending through GOV.UK Notify with its official client. Notify's answer decides what happens
// next: refused as it is (400, 403) → given up at once; throttled or down (429, 5xx, no
// answer) → tried again later with back-off.
import { NotifyClient } from 'notifications-node-client';
import { type Sender, UndeliverableMessage } from './service.ts';
import type { NotifyTemplate } from './templates.ts';

/** GOV.UK Notify, when an API key is set (src/config.ts reads it from the environment). */
export interface NotifyConfig {
  apiKey: string;
  baseUrl: string;
  /** Notify's template id for each of Flagstone's messages. */
  templates: Record<NotifyTemplate, string>;
}

interface NotifyError {
  response?: { status?: number; data?: { errors?: { error?: string }[] } };
  code?: string;
}

export function notifySender(config: NotifyConfig): Sender {
  const client = new NotifyClient(config.baseUrl, config.apiKey);
  return async (message) => {
    const templateId = config.templates[message.template];
    if (!templateId) throw new UndeliverableMessage(`No Notify template for ${message.template}`);
    const options = {
      personalisation: message.personalisation,
      ...(message.reference ? { reference: message.reference } : {}),
    };
    try {
      if (message.channel === 'email') await client.sendEmail(templateId, message.recipient, options);
      else await client.sendSms(templateId, message.recipient, options);
    } catch (error) {
      // Only the status and Notify's error class: its message may repeat the recipient.
      const { response, code } = error as NotifyError;
      const status = response?.status;
      const kind = response?.data?.errors?.[0]?.error ?? '';
      const said = status
        ? `Notify answered ${status} ${kind}`.trim()
        : `Notify did not answer (${code ?? 'no connection'})`;
      if (status === 400 || status === 403) throw new UndeliverableMessage(said);
      throw new Error(said);
    }
  };
}
