// Pure: charts drawn on the server as SVG that needs no script, each with a title and a
// description for screen readers (the page shows the table of its data beside it). A dot plot
// of maturity: one row an item, levels 1 to 5 across, a dot for each organisation, the spread
// as a grey bar and the place's median as a black line.
export const escapeHtml = (s: string) =>
  s.replace(
    /[&<>"']/g,
    (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] as string,
  );

export interface ChartRow {
  label: string;
  /** Every organisation's score on the item. */
  scores: number[];
  median: number | null;
  /** The score of the organisation being compared, drawn larger and in another colour. */
  highlight?: number | null;
}

const WIDTH = 640;
const LABEL = 250;
const LEFT = 280;
const RIGHT = 620;
const ROW = 44;
const TOP = 34;

const x = (level: number) => LEFT + ((level - 1) / 4) * (RIGHT - LEFT);

/** A label over two lines at most, broken between words. */
function wrap(label: string, width = 34): string[] {
  const lines: string[] = [''];
  for (const word of label.split(' ')) {
    const last = lines.length - 1;
    if (lines[last] && `${lines[last]} ${word}`.length > width) lines.push(word);
    else lines[last] = lines[last] ? `${lines[last]} ${word}` : word;
  }
  return lines.length > 2
    ? [
        lines[0] as string,
        `${lines
          .slice(1)
          .join(' ')
          .slice(0, width - 1)}…`,
      ]
    : lines;
}

function rowMarks(row: ChartRow, i: number): string {
  const y = TOP + i * ROW + ROW / 2;
  const parts: string[] = [];
  const label = wrap(row.label);
  label.forEach((line, n) => {
    const dy = y + 4 + (n - (label.length - 1) / 2) * 15;
    parts.push(`<text x="${LABEL}" y="${dy}" text-anchor="end" font-size="13">${escapeHtml(line)}</text>`);
  });
  if (row.scores.length > 0) {
    const lo = Math.min(...row.scores);
    const hi = Math.max(...row.scores);
    parts.push(
      `<rect x="${x(lo) - 6}" y="${y - 8}" width="${x(hi) - x(lo) + 12}" height="16" rx="8" fill="#dddddd"/>`,
    );
  }
  // Dots at one level sit side by side, so that each organisation can be counted.
  const seen = new Map<number, number>();
  for (const score of row.scores) {
    const n = seen.get(score) ?? 0;
    seen.set(score, n + 1);
    const dx = (n % 2 === 0 ? 1 : -1) * Math.ceil(n / 2) * 7;
    parts.push(`<circle cx="${x(score) + dx}" cy="${y}" r="4" fill="#1d70b8"/>`);
  }
  if (row.median !== null)
    parts.push(
      `<line x1="${x(row.median)}" x2="${x(row.median)}" y1="${y - 13}" y2="${y + 13}" stroke="#0b0c0c" stroke-width="3"/>`,
    );
  if (row.highlight != null)
    parts.push(
      `<circle cx="${x(row.highlight)}" cy="${y}" r="8" fill="#f47738" stroke="#0b0c0c" stroke-width="2"/>`,
    );
  return parts.join('');
}

/** The dot plot of some items, as an SVG element with its title and description. */
export function dotPlot(options: {
  id: string;
  title: string;
  description: string;
  rows: ChartRow[];
}): string {
  const height = TOP + options.rows.length * ROW + 10;
  const axis = [1, 2, 3, 4, 5]
    .map(
      (level) =>
        `<line x1="${x(level)}" x2="${x(level)}" y1="${TOP - 6}" y2="${height - 8}" stroke="#b1b4b6"/>` +
        `<text x="${x(level)}" y="${TOP - 12}" text-anchor="middle" font-size="13">${level}</text>`,
    )
    .join('');
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${WIDTH} ${height}" width="100%" role="img"`,
    ` aria-labelledby="${options.id}-title ${options.id}-desc" font-family="arial, sans-serif" fill="#0b0c0c">`,
    `<title id="${options.id}-title">${escapeHtml(options.title)}</title>`,
    `<desc id="${options.id}-desc">${escapeHtml(options.description)}</desc>`,
    `<text x="${LEFT - 16}" y="${TOP - 12}" text-anchor="end" font-size="13">Level</text>`,
    axis,
    options.rows.map(rowMarks).join(''),
    '</svg>',
  ].join('');
}
