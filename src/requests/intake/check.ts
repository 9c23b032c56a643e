// Pure: is a submission complete and valid? Every problem is found at once, each as an error on
// its field (in the order the fields are asked about); what passes is cleaned for storing:
// trimmed, empty as null, the email in lower case, the attributes as their definition says.
import { pointErrors } from '../../places/index.ts';
import type { Actor, FieldError } from '../../platform/index.ts';
import { checkAttributes, type ServiceDefinition } from '../service-definitions.ts';

/** A request as a citizen (through the pages) or an Open311 client gives it. */
export interface NewRequest {
  service: string;
  lat?: number | null;
  lon?: number | null;
  addressString?: string | null;
  addressId?: string | null;
  description?: string | null;
  attributes?: Record<string, string | string[] | undefined>;
  mediaUrl?: string | null;
  email?: string | null;
  firstName?: string | null;
  lastName?: string | null;
  phone?: string | null;
  /** How to be told of progress, when both an email address and a phone number are given. */
  contactBy?: 'email' | 'sms' | null;
  /** Agreed that the contact details may go with the request to the organisation's own system. */
  shareContact?: boolean | null;
  deviceId?: string | null;
  accountRef?: string | null;
  /** The draft (the citizen's journey) whose photos go with the request. */
  photosOf?: string | null;
}

/** A submission that passed: what is stored of it, beside where it is routed. */
export interface CheckedRequest {
  lat: number;
  lon: number;
  addressString: string | null;
  addressId: string | null;
  description: string | null;
  attributes: Record<string, string | string[] | number>;
  mediaUrl: string | null;
  /** The email given, or else the signed-in citizen's. */
  email: string | null;
  firstName: string | null;
  lastName: string | null;
  phone: string | null;
  /** How the person is told of progress: as chosen, else email when there is one, else text. */
  contactBy: 'email' | 'sms' | null;
  /** Only ever true when the person said yes. */
  shareContact: boolean;
  deviceId: string | null;
  accountRef: string | null;
}

const trimmed = (v: string | null | undefined) => (v ?? '').trim() || null;
const emailPattern = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
const phonePattern = /^\+?[0-9 ()-]{7,30}$/;
const mediaPattern = /^https?:\/\/\S+$/;

/** The most characters each free-text field may have, by its Open311 name. */
const longest = [
  ['first_name', 'firstName', 100],
  ['last_name', 'lastName', 100],
  ['address_string', 'addressString', 500],
  ['address_id', 'addressId', 100],
  ['device_id', 'deviceId', 200],
  ['account_id', 'accountRef', 200],
] as const;

/** The channel chosen, or else email when there is an address, text when there is a number. */
function contactChannel(
  chosen: NewRequest['contactBy'],
  email: string | null,
  phone: string | null,
): { contactBy: CheckedRequest['contactBy']; error?: FieldError } {
  if (chosen === 'sms' && !phone)
    return { contactBy: null, error: { field: 'phone', message: 'Enter a mobile number to get texts' } };
  if (chosen === 'email' && !email)
    return { contactBy: null, error: { field: 'email', message: 'Enter an email address to get emails' } };
  return { contactBy: chosen ?? (email ? 'email' : phone ? 'sms' : null) };
}

/**
 * Checks a request, already placed (a point, when the gazetteer could place it), for a service
 * with this definition. `citizen` is who is signed in, when a citizen is: they need give no
 * other way to be contacted.
 */
export function checkSubmission(
  service: { name: string },
  definition: ServiceDefinition,
  input: NewRequest,
  citizen: Pick<Actor, 'email'> | null,
): { errors: FieldError[]; request: CheckedRequest } {
  const errors = pointErrors(input.lat, input.lon);
  const attributes = checkAttributes(definition, input.attributes ?? {});
  errors.push(...attributes.errors);
  const description = trimmed(input.description);
  if (description && description.length > 4000)
    errors.push({ field: 'description', message: 'Use 4000 characters or fewer' });
  const email = trimmed(input.email)?.toLowerCase() ?? null;
  if (email && (!emailPattern.test(email) || email.length > 254))
    errors.push({ field: 'email', message: 'Enter an email address like name@example.com' });
  const phone = trimmed(input.phone);
  if (phone && !phonePattern.test(phone))
    errors.push({ field: 'phone', message: 'Enter a phone number, like 01632 960 001' });
  if (!definition.anonymous && !email && !phone && !citizen)
    errors.push({
      field: 'email',
      message: `${service.name} needs a way to contact you: give an email address or phone number`,
    });
  const contact = contactChannel(input.contactBy, email ?? (citizen?.email || null), phone);
  if (contact.error) errors.push(contact.error);
  for (const [field, key, max] of longest) {
    if ((input[key] ?? '').length > max) errors.push({ field, message: `Use ${max} characters or fewer` });
  }
  const mediaUrl = trimmed(input.mediaUrl);
  if (mediaUrl && (!mediaPattern.test(mediaUrl) || mediaUrl.length > 2000))
    errors.push({ field: 'media_url', message: 'Give the address of the photo, starting https://' });
  return {
    errors,
    request: {
      lat: input.lat as number,
      lon: input.lon as number,
      addressString: trimmed(input.addressString),
      addressId: trimmed(input.addressId),
      description,
      attributes: attributes.values,
      mediaUrl,
      email: email ?? (citizen?.email || null),
      firstName: trimmed(input.firstName),
      lastName: trimmed(input.lastName),
      phone,
      contactBy: contact.contactBy,
      shareContact: input.shareContact === true,
      deviceId: trimmed(input.deviceId),
      accountRef: trimmed(input.accountRef),
    },
  };
}
