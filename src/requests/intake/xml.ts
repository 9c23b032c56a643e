// The XML Open311 speaks, written by fast-xml-parser's builder: elements holding text or more
// elements, nothing else. A document is a plain object (an array is the same element repeated;
// an absent field is left out, an empty or null one is an empty element).
import { XMLBuilder } from 'fast-xml-parser';

export type XmlValue = string | number | boolean | null | undefined | XmlObject | XmlObject[] | string[];
export interface XmlObject {
  [element: string]: XmlValue;
}

// The builder escapes markup (& < > ' "); characters XML 1.0 cannot carry at all are removed.
// biome-ignore lint/suspicious/noControlCharactersInRegex: removing them is the point
const unwritable = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]/g;
const builder = new XMLBuilder({
  suppressEmptyNode: true,
  tagValueProcessor: (_name, value) => (typeof value === 'string' ? value.replace(unwritable, '') : value),
});

/** A whole document of one root element, with the declaration the specification asks for. */
export const xmlDocument = (root: XmlObject) =>
  `<?xml version="1.0" encoding="utf-8"?>\n${builder.build(root)}\n`;
