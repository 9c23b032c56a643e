// Sending through GOV.UK Notify with its official client. Notify's answer decides what happens
// next: refused as it is (400, 403) → given up at once; throttled or down (429, 5xx) → tried
// again later with back-off; no answer at all → tried again later, after asking Notify whether
// it had the message after all (by its reference, the outbox id), so that nobody gets it twice.
import { NotifyClient } from 'notifications-node-client';
import { NoAnswer, type Sender, UndeliverableMessage } from './service.ts';
import type { NotifyTemplate, SmsTemplate } from './templates.ts';

/** GOV.UK Notify, when an API key is set (src/config.ts reads it from the environment). */
export interface NotifyConfig {
  apiKey: string;
  baseUrl: string;
  /** Notify's template id for each of Flagstone's messages (emails). */
  templates: Record<NotifyTemplate, string>;
  /** Notify's template id of each message a citizen may get by text. */
  smsTemplates: Record<SmsTemplate, string>;
}

interface NotifyError {
  response?: { status?: number; data?: { errors?: { error?: string }[] } };
  code?: string;
}

/** What Notify said, as an error: only its status and error class (its message may repeat the recipient). */
function answered(error: unknown): Error {
  const { response, code } = error as NotifyError;
  const status = response?.status;
  if (!status) return new NoAnswer(`Notify did not answer (${code ?? 'no connection'})`);
  const said = `Notify answered ${status} ${response?.data?.errors?.[0]?.error ?? ''}`.trim();
  return status === 400 || status === 403 ? new UndeliverableMessage(said) : new Error(said);
}

export function notifySender(config: NotifyConfig): Sender {
  const client = new NotifyClient(config.baseUrl, config.apiKey);
  return {
    async send(message) {
      const templateId =
        message.channel === 'sms'
          ? config.smsTemplates[message.template as SmsTemplate]
          : config.templates[message.template];
      if (!templateId)
        throw new UndeliverableMessage(`No Notify ${message.channel} template for ${message.template}`);
      const options = { personalisation: message.personalisation, reference: message.reference };
      try {
        if (message.channel === 'email') await client.sendEmail(templateId, message.recipient, options);
        else await client.sendSms(templateId, message.recipient, options);
      } catch (error) {
        throw answered(error);
      }
    },

    async has(reference) {
      try {
        const response = await client.getNotifications(undefined, undefined, reference);
        return (response.data?.notifications ?? []).length > 0;
      } catch (error) {
        throw answered(error);
      }
    },
  };
}
