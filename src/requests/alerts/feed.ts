// The Atom feed of new reports near a point or in an area (RFC 4287): what was reported, where (the area) and
// when, with a link to follow it — never what the person wrote, their address or who they are.
import { XMLBuilder } from 'fast-xml-parser';

export interface Alert {
  reference: string;
  serviceName: string;
  area: string | null;
  requestedAt: Date;
  /** How far from the point asked about; null for alerts of an area. */
  distanceMetres: number | null;
}

/** One report in words: what, and how far away or where. */
export const alertLine = (a: Alert) =>
  a.distanceMetres === null
    ? `${a.serviceName}, reported${a.area ? ` in ${a.area}` : ''}`
    : `${a.serviceName}, reported ${Math.round(a.distanceMetres)} metres away${a.area ? ` in ${a.area}` : ''}`;

const builder = new XMLBuilder({
  ignoreAttributes: false,
  attributeNamePrefix: '@',
  suppressEmptyNode: true,
});

/** The feed document: its id and self link are the address it was asked at. */
export function atomFeed(title: string, self: string, baseUrl: string, alerts: Alert[], now: Date): string {
  const feed = {
    feed: {
      '@xmlns': 'http://www.w3.org/2005/Atom',
      id: self,
      title,
      updated: (alerts[0]?.requestedAt ?? now).toISOString(),
      link: { '@rel': 'self', '@href': self },
      author: { name: title },
      entry: alerts.map((a) => ({
        id: `${baseUrl}/follow/${a.reference}`,
        title: `${a.serviceName}: ${a.reference}`,
        updated: a.requestedAt.toISOString(),
        link: { '@rel': 'alternate', '@href': `${baseUrl}/follow/${a.reference}` },
        summary: `${alertLine(a)}.`,
      })),
    },
  };
  return `<?xml version="1.0" encoding="utf-8"?>\n${builder.build(feed)}\n`;
}
