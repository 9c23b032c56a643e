// The outbox page: administrators see the messages waiting to go, sent or given up on.
import type { FastifyInstance } from 'fastify';
import { govukDateTime } from '../web/index.ts';
import type { NotifyService } from './service.ts';
import { messageText } from './templates.ts';

const statusTags = {
  pending: { text: 'Waiting', classes: 'govuk-tag--blue' },
  sent: { text: 'Sent', classes: 'govuk-tag--green' },
  failed: { text: 'Failed', classes: 'govuk-tag--red' },
} as const;

const when = (d: Date | null) => (d ? govukDateTime(d) : '');

export async function notifyPages(app: FastifyInstance, { notify }: { notify: NotifyService }) {
  app.get('/notifications', async (request, reply) => {
    const { rows, configured, sending } = await notify.outbox(request.actor, request.id);
    return reply.page('outbox.njk', {
      configured,
      sending,
      rows: rows.map((r) => [
        { text: when(r.created_at) },
        { text: `${r.channel === 'email' ? 'Email' : 'Text'} to ${r.recipient}` },
        { text: messageText(r.template, r.personalisation) },
        {
          html: `<strong class="govuk-tag ${statusTags[r.status].classes}">${statusTags[r.status].text}</strong>`,
        },
        { text: String(r.attempts), format: 'numeric' },
        {
          text:
            r.status === 'pending'
              ? when(r.next_attempt_at)
              : r.status === 'sent'
                ? `Sent ${when(r.sent_at)}`
                : '',
        },
        { text: r.last_error ?? '' },
      ]),
    });
  });
}
