// Placing a request by the gazetteer (the registers' properties by UPRN): a UPRN, or an
// address that matches exactly one property, gives the point routing needs. What is placed
// by the gazetteer keeps its UPRN as the request's address_id; an address matching a few
// properties close together (a street's houses) is placed among them, with no UPRN.
import { Invalid, NotFound } from '../../platform/index.ts';

/** A property of the gazetteer, as the registers module answers it. */
export interface Address {
  uprn: number;
  address_lines: string;
  town: string | null;
  postcode: string | null;
  longitude: number;
  latitude: number;
}

export interface Gazetteer {
  search(q: string, limit?: number): Promise<Address[]>;
  property(uprn: number): Promise<Address>;
  /** The points of the properties within [west, south, east, north]. */
  within(bounds: [number, number, number, number]): Promise<[number, number][]>;
}

export interface Location {
  lat?: number | null;
  lon?: number | null;
  addressString?: string | null;
  addressId?: string | null;
}

/** One line for a property: "12 Tanner Row, Castlebridge, CB4 7QD". */
export const addressLine = (a: Address) => [a.address_lines, a.town, a.postcode].filter(Boolean).join(', ');

export const isUprn = (value: string) => /^[0-9]{1,12}$/.test(value) && Number(value) >= 1;

/** At most this many matches of an address are placed among; more is not one place. */
const NEAR_ENOUGH_MATCHES = 20;
/** How far from their middle the properties an address matches may be, in metres, to place it there. */
const NEAR_ENOUGH_METRES = 250;

/** The middle of the properties, when every one is near it (a street's few houses); else null. */
export function closeTogether(matches: Pick<Address, 'latitude' | 'longitude'>[]) {
  if (matches.length >= NEAR_ENOUGH_MATCHES) return null;
  const lat = matches.reduce((sum, m) => sum + m.latitude, 0) / matches.length;
  const lon = matches.reduce((sum, m) => sum + m.longitude, 0) / matches.length;
  const metres = (m: Pick<Address, 'latitude' | 'longitude'>) =>
    Math.hypot(m.latitude - lat, (m.longitude - lon) * Math.cos((lat * Math.PI) / 180)) * 111_195;
  return matches.every((m) => metres(m) <= NEAR_ENOUGH_METRES) ? { lat, lon } : null;
}

const given = (n: number | null | undefined) => n !== null && n !== undefined && !Number.isNaN(n);

export function locating(gazetteer: Gazetteer | null) {
  /** The property with this UPRN, or null when the gazetteer has none. */
  async function byUprn(uprn: string): Promise<Address | null> {
    if (!gazetteer || !isUprn(uprn)) return null;
    return gazetteer.property(Number(uprn)).catch((error) => {
      if (error instanceof NotFound) return null;
      throw error;
    });
  }

  return {
    byUprn,

    /** Where the properties within [west, south, east, north] are, to draw them on a map. */
    within: async (bounds: [number, number, number, number]) => (gazetteer ? gazetteer.within(bounds) : []),

    /** Addresses matching what a citizen typed: a UPRN, a postcode, or words of the address. */
    async find(q: string): Promise<Address[]> {
      const words = q.trim();
      if (!gazetteer || !words) return [];
      if (isUprn(words)) {
        const one = await byUprn(words);
        if (one) return [one];
      }
      return gazetteer.search(words, 50);
    },

    /**
     * Where a request is: a UPRN (address_id) places it at that property; without a point, an
     * address that matches one property places it there, and one that matches a few close
     * together places it among them. A UPRN the gazetteer does not have, or
     * an address it cannot place, is refused.
     */
    async place(input: Location): Promise<Location> {
      const addressId = (input.addressId ?? '').trim();
      if (addressId) {
        const found = await byUprn(addressId);
        if (!found)
          throw new Invalid('The address_id is not a UPRN in the gazetteer', [
            {
              field: 'address_id',
              message: `There is no property with the UPRN ${addressId.slice(0, 20)} in the gazetteer`,
            },
          ]);
        return {
          ...input,
          lat: found.latitude,
          lon: found.longitude,
          addressId: String(found.uprn),
          addressString: (input.addressString ?? '').trim() || addressLine(found),
        };
      }
      const addressString = (input.addressString ?? '').trim();
      if (given(input.lat) || given(input.lon) || !addressString) return input;
      const matches = gazetteer ? await gazetteer.search(addressString, NEAR_ENOUGH_MATCHES) : [];
      const [only] = matches;
      // Several properties close together (a street, a block) place the request among them.
      const among = matches.length > 1 ? closeTogether(matches) : null;
      if (among) return { ...input, lat: among.lat, lon: among.lon };
      if (!only || matches.length > 1)
        throw new Invalid('The address cannot be placed', [
          {
            field: 'address_string',
            message:
              matches.length > 1
                ? 'The address matches properties far apart: give address_id (the UPRN), or lat and long'
                : 'No property in the gazetteer matches the address: give lat and long',
          },
        ]);
      return { ...input, lat: only.latitude, lon: only.longitude, addressId: String(only.uprn) };
    },
  };
}
