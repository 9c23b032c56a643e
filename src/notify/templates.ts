// The messages Flagstone sends: each is a template in GOV.UK Notify, its id configured
// as FLAGSTONE_NOTIFY_TEMPLATE_<NAME> (REQUEST_RECEIVED, ...), personalised with these fields.
export const notifyTemplates = [
  'request-received', // reference, service
  'request-updated', // reference, status, update
  'case-overdue', // reference, service, level
  'case-reminder', // reference, service, due
  'referral-received', // reference, from, purpose
  'referral-decided', // reference, to, decision
  'routemap-action-overdue', // action, organisation, due
  'account-confirm-email', // name, link, hours
  'account-already-registered', // name, signIn, reset
  'account-reset-password', // name, link, minutes
  'fixed-question', // reference, service, link
  'alert-confirm', // link, where
  'alert-reports', // count, reports, unsubscribe
] as const;

export type NotifyTemplate = (typeof notifyTemplates)[number];

// The messages a citizen may get by text instead, each an SMS template of its own in Notify,
// configured as FLAGSTONE_NOTIFY_TEMPLATE_<NAME>_SMS, with the same fields.
export const smsTemplates = ['request-received', 'request-updated'] as const satisfies NotifyTemplate[];

export type SmsTemplate = (typeof smsTemplates)[number];

/**
 * What each message says: the text to give its template in Notify (fields as Notify writes
 * them, `((name))`), and how the outbox page shows a message, its fields filled in.
 */
export const templateTexts: Record<NotifyTemplate, string> = {
  'request-received': 'We have your request about ((service)). Its reference is ((reference)).',
  'request-updated': 'Your request ((reference)) is ((status)): ((update))',
  'case-overdue': 'Case ((reference)) (((service))) is past its target: escalated to the ((level)).',
  'case-reminder': 'Case ((reference)) (((service))) is due by ((due)).',
  'referral-received': 'Case ((reference)) was referred to you by ((from)) for ((purpose)).',
  'referral-decided': 'Your referral of case ((reference)) to ((to)) was ((decision)).',
  'routemap-action-overdue':
    'The routemap action ((action)) of ((organisation)) was due by ((due)): it is overdue.',
  // A link that confirms an address or sets a password is a credential: the outbox page never shows it.
  'account-confirm-email':
    'Confirm your email address to create your account, ((name)): a link that works for ((hours)) hours (not shown here).',
  'account-already-registered':
    'Someone tried to create an account with your email address, ((name)), which has one: sign in at ((signIn)) or reset your password at ((reset)).',
  'account-reset-password':
    'Reset your password, ((name)): a link that works once, for ((minutes)) minutes (not shown here).',
  'fixed-question':
    'Has your request ((reference)) about ((service)) been fixed? Tell us with a link of your own (not shown here).',
  'alert-confirm': 'Confirm your alerts of new reports ((where)): a link that starts them (not shown here).',
  'alert-reports':
    '((count)) new reports: ((reports)) Stop these emails: a link of your own (not shown here).',
};

/** A message's text, its fields filled in (an unknown template shows its name). */
export function messageText(template: string, fields: Record<string, string>): string {
  const text = templateTexts[template as NotifyTemplate];
  return text ? text.replace(/\(\((\w+)\)\)/g, (_, name: string) => fields[name] ?? '') : template;
}
