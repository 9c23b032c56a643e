// One input boundary for every route: text that no store, log or answer can hold faithfully (a
// NUL byte, half of a UTF-16 surrogate pair) is refused before any handler reads it. It throws
// Invalid, so each context answers in its own format: problem+json, a page, or Open311's errors.
import { Invalid } from './errors.ts';

/** Parsed input: an array, a plain object, or a query parser's object without Object's prototype. */
const plain = (value: object) => {
  const proto = Object.getPrototypeOf(value);
  return (
    Array.isArray(value) ||
    proto === null ||
    proto === Object.prototype ||
    Object.getPrototypeOf(proto) === null
  );
};

/** The name of the first field holding unreadable text, or null. */
function unreadableField(value: unknown, name: string, depth = 0): string | null {
  if (typeof value === 'string') return value.includes('\0') || !value.isWellFormed() ? name : null;
  if (value === null || typeof value !== 'object' || depth > 32 || !plain(value)) return null;
  for (const [key, inner] of Object.entries(value)) {
    const field = name ? `${name}.${key}` : key;
    const found = unreadableField(key, field) ?? unreadableField(inner, field, depth + 1);
    if (found !== null) return found;
  }
  return null;
}

/** Refuses a request whose parameters, query or body hold a NUL byte or a lone surrogate. */
export function refuseUnreadableText(request: { params?: unknown; query?: unknown; body?: unknown }) {
  const field =
    unreadableField(request.params, '') ??
    unreadableField(request.query, '') ??
    unreadableField(request.body, '');
  if (field === null) return;
  const name = field.toWellFormed().replaceAll('\0', '?').slice(0, 60);
  throw new Invalid(`${name} holds a character that cannot be accepted`, [
    { field: name, message: 'Text may not hold a NUL character or half of a surrogate pair' },
  ]);
}
