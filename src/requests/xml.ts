// Pure: the little XML Open311 speaks — elements holding text or more elements, nothing else.

export type XmlValue = string | number | boolean | null | undefined | XmlElement[];
export interface XmlElement {
  name: string;
  value: XmlValue;
}

export const el = (name: string, value: XmlValue): XmlElement => ({ name, value });

const escapeText = (text: string) =>
  text
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    // Characters XML 1.0 cannot carry at all.
    // biome-ignore lint/suspicious/noControlCharactersInRegex: removing them is the point
    .replace(/[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]/g, '');

function write(element: XmlElement): string {
  const { name, value } = element;
  if (value === null || value === undefined || value === '') return `<${name}/>`;
  if (Array.isArray(value)) return `<${name}>${value.map(write).join('')}</${name}>`;
  return `<${name}>${escapeText(String(value))}</${name}>`;
}

/** A whole document, with the declaration the specification asks for. */
export const xmlDocument = (root: XmlElement) => `<?xml version="1.0" encoding="utf-8"?>\n${write(root)}\n`;

/** An object's fields as elements, in order, leaving out those that are absent. */
export const fields = (object: Record<string, XmlValue>): XmlElement[] =>
  Object.entries(object)
    .filter(([, v]) => v !== undefined)
    .map(([k, v]) => el(k, v));
