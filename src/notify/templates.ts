// The messages Flagstone sends: each is a template in GOV.UK Notify, its id configured
// as FLAGSTONE_NOTIFY_TEMPLATE_<NAME> (REQUEST_RECEIVED, ...), personalised with these fields.
export const notifyTemplates = [
  'request-received', // reference, service
  'request-updated', // reference, status, update
  'case-overdue', // reference, service, level
  'case-reminder', // reference, service, due
  'referral-received', // reference, from, purpose
  'account-confirm-email', // name, link, hours
  'account-already-registered', // name, signIn, reset
  'account-reset-password', // name, link, minutes
] as const;

export type NotifyTemplate = (typeof notifyTemplates)[number];
