// Pure: the words of a search for a service, as the catalogue matches them: common words left
// out, and each word cut to its stem so that plurals and other endings match ("bins" finds
// "bin", "collected" finds "collection").
const COMMON = new Set(
  'a an and are at be been by can for from has have how i in is it its me my need no not of on or our please the their there this to want was we were what when where with you your'.split(
    ' ',
  ),
);

export function searchStems(q: string): string[] {
  const words = q
    .toLowerCase()
    .split(/[^a-z0-9'-]+/)
    .filter((w) => w && !COMMON.has(w));
  return [
    ...new Set(
      words.map((w) => {
        for (const ending of ['ing', 'ed', 's']) {
          if (w.endsWith(ending) && w.length - ending.length >= 3 && !w.endsWith('ss'))
            return w.slice(0, -ending.length);
        }
        return w;
      }),
    ),
  ].slice(0, 10);
}
