// Open311's XML as a client reads it: what is written is what a generic parser gives back.
import fc from 'fast-check';
import { XMLParser } from 'fast-xml-parser';
import { describe, expect, it } from 'vitest';
import { xmlDocument } from './xml.ts';

const parser = new XMLParser({
  parseTagValue: false,
  trimValues: false,
  isArray: (name) => name === 'request',
});

describe('Open311 XML', () => {
  it('opens with the declaration the specification asks for, and writes elements in order', () => {
    const document = xmlDocument({
      service_requests: {
        request: [{ service_request_id: 'AB12-CD34', status: 'open', lat: 52.5, long: -2 }],
      },
    });
    expect(document).toBe(
      '<?xml version="1.0" encoding="utf-8"?>\n<service_requests><request><service_request_id>AB12-CD34</service_request_id><status>open</status><lat>52.5</lat><long>-2</long></request></service_requests>\n',
    );
  });

  it('writes an empty or null field as an empty element, leaves out an absent one, and repeats a list', () => {
    const document = xmlDocument({
      services: {
        service: [{ keywords: '', group: null, notice: undefined, metadata: false }, { keywords: 'x' }],
      },
    });
    expect(document).toContain(
      '<services><service><keywords/><group/><metadata>false</metadata></service><service><keywords>x</keywords></service></services>',
    );
  });

  it('escapes markup and drops characters XML cannot carry', () => {
    const document = xmlDocument({ error: { description: 'Missed & <again> "now"\u0001\u000b\uffff' } });
    expect(document).toContain('<description>Missed &amp; &lt;again&gt; &quot;now&quot;</description>');
  });

  it('gives back any text a client sent, less the characters XML cannot carry', () => {
    fc.assert(
      fc.property(
        fc.string({ unit: 'grapheme', maxLength: 50 }),
        fc.constantFrom(' ', '\r\n', '\r', '\t', '&amp;', '<![CDATA[', ''),
        (words, edge) => {
          const text = edge + words + edge;
          const parsed = parser.parse(
            xmlDocument({ service_requests: { request: [{ status_notes: text }] } }),
          );
          // XML reads every line end as a line feed.
          const carried = text
            // biome-ignore lint/suspicious/noControlCharactersInRegex: the characters XML cannot carry
            .replace(/[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]/g, '')
            .replace(/\r\n?/g, '\n');
          expect(parsed.service_requests.request[0].status_notes).toBe(carried);
        },
      ),
    );
  });
});
