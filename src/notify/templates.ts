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
  'fixed-question', // reference, service, link
  'alert-confirm', // link, distance
  'alert-reports', // count, reports, unsubscribe
] as const;

export type NotifyTemplate = (typeof notifyTemplates)[number];
