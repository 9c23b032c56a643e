// GeoReport v2 as spoken to an organisation's own system: the form a case is posted with (no
// contact details unless allowed), and the reading of answers, malformed ones included.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  type Outgoing,
  postedId,
  RemoteError,
  requestForm,
  requestStatuses,
  serviceRequestUpdates,
  statusHere,
} from './georeport.ts';

const outgoing: Outgoing = {
  remoteCode: 'BIN_MISSED',
  reference: 'AB12-CD34',
  lat: 52.22,
  lon: -2.2,
  addressString: '3 Elm Road',
  addressId: null,
  description: 'Recycling missed',
  attributes: { bin: 'recycling', days: ['mon', 'tue'] },
  mediaUrl: null,
  contact: null,
};

describe('the form a case is posted with', () => {
  it('carries the remote code, the point, the attributes and the jurisdiction, and no contact details unless given', () => {
    const form = requestForm(outgoing, 'k', 'ashby');
    expect(Object.fromEntries(form)).toMatchObject({
      api_key: 'k',
      service_code: 'BIN_MISSED',
      lat: '52.22',
      long: '-2.2',
      jurisdiction_id: 'ashby',
      address_string: '3 Elm Road',
      'attribute[bin]': 'recycling',
    });
    expect(form.getAll('attribute[days][]')).toEqual(['mon', 'tue']);
    for (const field of ['email', 'first_name', 'last_name', 'phone', 'address_id'])
      expect(form.has(field)).toBe(false);
    const withContact = requestForm(
      { ...outgoing, contact: { email: 'a@example.com', firstName: 'A', lastName: null, phone: null } },
      'k',
      null,
    );
    expect(withContact.get('email')).toBe('a@example.com');
    expect(withContact.has('jurisdiction_id')).toBe(false);
  });
});

describe('reading what the system answers', () => {
  it('reads the service_request_id of a post, and refuses an answer without one', () => {
    const answer = `<?xml version="1.0" encoding="utf-8"?>
<service_requests><request><service_request_id>XY98-ZW76</service_request_id><service_notice>ok</service_notice></request></service_requests>`;
    expect(postedId(answer)).toBe('XY98-ZW76');
    expect(() =>
      postedId('<service_requests><request><token>t</token></request></service_requests>'),
    ).toThrow(RemoteError);
    expect(() => postedId('<service_requests><request>')).toThrow('malformed XML');
    expect(() => postedId('<html><body>Bad gateway</body></html>')).toThrow(RemoteError);
  });

  it('throws nothing but RemoteError whatever the system says', () => {
    fc.assert(
      fc.property(fc.string(), (body) => {
        try {
          postedId(body);
        } catch (error) {
          expect(error).toBeInstanceOf(RemoteError);
        }
        try {
          serviceRequestUpdates(body);
        } catch (error) {
          expect(error).toBeInstanceOf(RemoteError);
        }
      }),
    );
  });

  it("reads FixMyStreet's servicerequestupdates, leaving out entries it cannot use", () => {
    const updates = serviceRequestUpdates(`<?xml version="1.0" encoding="utf-8"?>
<service_request_updates>
  <request_update><update_id>7</update_id><service_request_id>R1</service_request_id><status>FIXED</status>
    <updated_datetime>2026-03-01T10:00:00+00:00</updated_datetime><description>Done</description></request_update>
  <request_update><update_id>8</update_id><service_request_id>R2</service_request_id><status>OPEN</status>
    <updated_datetime>not a date</updated_datetime></request_update>
</service_request_updates>`);
    expect(updates).toEqual([
      {
        updateId: '7',
        remoteId: 'R1',
        status: 'fixed',
        updatedAt: new Date('2026-03-01T10:00:00Z'),
        description: 'Done',
      },
    ]);
    expect(serviceRequestUpdates('<service_request_updates></service_request_updates>')).toEqual([]);
    expect(() => serviceRequestUpdates('<errors><error><code>404</code></error></errors>')).toThrow(
      RemoteError,
    );
  });

  it('reads the requests asked for by id as one update each, known by the request and its time', () => {
    const [update] = requestStatuses(
      '<service_requests><request><service_request_id>R1</service_request_id><status>closed</status><status_notes>Emptied</status_notes><updated_datetime>2026-03-01T10:00:00Z</updated_datetime></request></service_requests>',
    );
    expect(update).toEqual({
      updateId: 'R1@2026-03-01T10:00:00.000Z',
      remoteId: 'R1',
      status: 'closed',
      updatedAt: new Date('2026-03-01T10:00:00Z'),
      description: 'Emptied',
    });
  });

  it("maps GeoReport's and FixMyStreet's statuses, and knows no others", () => {
    expect(
      ['open', 'investigating', 'action_scheduled', 'fixed', 'closed', 'no_further_action'].map(statusHere),
    ).toEqual(['open', 'in_progress', 'in_progress', 'resolved', 'resolved', 'resolved']);
    expect(statusHere('on_fire')).toBeNull();
    expect(statusHere('')).toBeNull();
  });
});
