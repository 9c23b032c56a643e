// String similarity and sound-alike codes used by comparison and blocking. Written for the
// hot loop: no allocation per call beyond two small reusable flag buffers.

let flagsA = new Uint8Array(64);
let flagsB = new Uint8Array(64);

function ensureFlags(length: number): void {
  if (flagsA.length < length) {
    flagsA = new Uint8Array(length * 2);
    flagsB = new Uint8Array(length * 2);
  }
}

/** Jaro similarity in [0, 1]; two empty strings are identical. */
export function jaro(a: string, b: string): number {
  if (a === b) return 1;
  const la = a.length;
  const lb = b.length;
  if (la === 0 || lb === 0) return 0;
  const window = Math.max(0, (Math.max(la, lb) >> 1) - 1);
  ensureFlags(Math.max(la, lb));
  flagsA.fill(0, 0, la);
  flagsB.fill(0, 0, lb);
  let matches = 0;
  for (let i = 0; i < la; i++) {
    const lo = Math.max(0, i - window);
    const hi = Math.min(lb - 1, i + window);
    const c = a.charCodeAt(i);
    for (let j = lo; j <= hi; j++) {
      if (flagsB[j] === 0 && b.charCodeAt(j) === c) {
        flagsA[i] = 1;
        flagsB[j] = 1;
        matches++;
        break;
      }
    }
  }
  if (matches === 0) return 0;
  let transpositions = 0;
  let k = 0;
  for (let i = 0; i < la; i++) {
    if (flagsA[i] === 0) continue;
    while (flagsB[k] === 0) k++;
    if (a.charCodeAt(i) !== b.charCodeAt(k)) transpositions++;
    k++;
  }
  const t = transpositions / 2;
  return (matches / la + matches / lb + (matches - t) / matches) / 3;
}

/** Jaro–Winkler similarity (prefix scale 0.1, up to 4 characters of common prefix). */
export function jaroWinkler(a: string, b: string): number {
  const j = jaro(a, b);
  if (j === 1 || j === 0) return j;
  const limit = Math.min(4, a.length, b.length);
  let prefix = 0;
  while (prefix < limit && a.charCodeAt(prefix) === b.charCodeAt(prefix)) prefix++;
  return j + prefix * 0.1 * (1 - j);
}

let row0 = new Int32Array(64);
let row1 = new Int32Array(64);

/** Levenshtein edit distance (insert, delete, substitute, each costing 1). */
export function levenshtein(a: string, b: string): number {
  if (a === b) return 0;
  const la = a.length;
  const lb = b.length;
  if (la === 0) return lb;
  if (lb === 0) return la;
  if (row0.length <= lb) {
    row0 = new Int32Array(lb * 2 + 1);
    row1 = new Int32Array(lb * 2 + 1);
  }
  let prev = row0;
  let curr = row1;
  for (let j = 0; j <= lb; j++) prev[j] = j;
  for (let i = 1; i <= la; i++) {
    curr[0] = i;
    const c = a.charCodeAt(i - 1);
    for (let j = 1; j <= lb; j++) {
      const cost = c === b.charCodeAt(j - 1) ? 0 : 1;
      const del = (prev[j] as number) + 1;
      const ins = (curr[j - 1] as number) + 1;
      const sub = (prev[j - 1] as number) + cost;
      curr[j] = Math.min(del, ins, sub);
    }
    const swap = prev;
    prev = curr;
    curr = swap;
  }
  return prev[lb] as number;
}

/**
 * Whether two strings are at most one edit apart, counting a swap of two neighbouring
 * characters as one edit (the commonest typing slip). Linear time.
 */
export function withinOneEdit(a: string, b: string): boolean {
  if (a === b) return true;
  let la = a.length;
  let lb = b.length;
  if (la < lb) return withinOneEdit(b, a);
  if (la - lb > 1) return false;
  let i = 0;
  while (i < lb && a.charCodeAt(i) === b.charCodeAt(i)) i++;
  // trim the common ending: what is left between must be one edit
  while (lb > i && a.charCodeAt(la - 1) === b.charCodeAt(lb - 1)) {
    la--;
    lb--;
  }
  if (la - i <= 1 && lb - i <= 1) return true;
  return (
    la - i === 2 &&
    lb - i === 2 &&
    a.charCodeAt(i) === b.charCodeAt(i + 1) &&
    a.charCodeAt(i + 1) === b.charCodeAt(i)
  );
}

const SOUNDEX_CODES = (() => {
  const codes = new Uint8Array(128);
  const groups = ['bfpv', 'cgjkqsxz', 'dt', 'l', 'mn', 'r'];
  groups.forEach((letters, index) => {
    for (const ch of letters) codes[ch.charCodeAt(0)] = index + 1;
  });
  return codes;
})();

/**
 * American Soundex of a normalised (lower-case a–z) name: first letter and three digits,
 * so Smith, Smyth and Smithe share S530. An empty name has an empty code.
 */
export function soundex(name: string): string {
  let first = -1;
  for (let i = 0; i < name.length; i++) {
    const c = name.charCodeAt(i);
    if (c >= 97 && c <= 122) {
      first = i;
      break;
    }
  }
  if (first < 0) return '';
  let out = name[first]?.toUpperCase() ?? '';
  let last = SOUNDEX_CODES[name.charCodeAt(first)] ?? 0;
  for (let i = first + 1; i < name.length && out.length < 4; i++) {
    const ch = name[i] as string;
    const code = SOUNDEX_CODES[name.charCodeAt(i)] ?? 0;
    if (code !== 0 && code !== last) out += code;
    // h and w do not separate letters with the same code; vowels do
    if (ch !== 'h' && ch !== 'w') last = code;
  }
  return out.padEnd(4, '0');
}

/** Soundex as a number (letter * 1000 + digits), -1 for an empty name: cheap to combine into keys. */
export function soundexNumber(name: string): number {
  const code = soundex(name);
  if (code === '') return -1;
  return (code.charCodeAt(0) - 65) * 1000 + Number(code.slice(1));
}

/** 32-bit FNV-1a hash of a string: equal strings, equal hashes. */
export function hashText(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}
