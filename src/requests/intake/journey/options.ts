// What the pages of the citizen's journey ask of the front door: routing, taking the request,
// the draft it is built in, and what the public may see of open requests nearby.
import type { PlacesService } from '../../../places/index.ts';
import type { PublicCases } from '../../cases/index.ts';
import type { RequestRouting } from '../../routing/index.ts';
import type { Drafts } from '../drafts.ts';
import type { IntakeService } from '../submit.ts';

export type JourneyRequests = Pick<RequestRouting, 'route' | 'hasService'> &
  Pick<IntakeService, 'submit' | 'alreadyReported' | 'addresses'> &
  Pick<PublicCases, 'nearby' | 'follow'> & { drafts: Drafts };

export interface JourneyOptions {
  requests: JourneyRequests;
  places: PlacesService;
  /** The organisation's own system that takes this service's requests with contact details, if any. */
  takesContact?: (organisationRef: string, serviceCode: string) => Promise<string | null>;
}
