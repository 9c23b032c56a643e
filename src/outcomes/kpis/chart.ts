// A KPI's trend drawn on the server as SVG with Vega-Lite: the monthly values as a line, months
// with too few cases as hollow points, the target as a dashed rule. No JavaScript in the page;
// the page gives the sentence that says what it shows and the table of its data beside it.
import { parse, View } from 'vega';
import { compile, type TopLevelSpec } from 'vega-lite';
import type { Kpi } from './definition.ts';
import type { ReadMonth } from './series.ts';

const unitTitle = { percent: 'Per cent', days: 'Days', number: 'Number' };

export function chartSpec(kpi: Kpi, months: ReadMonth[], description: string): TopLevelSpec {
  const values = months
    .filter((m) => m.value !== null)
    .map((m) => ({ month: m.month, value: Math.round((m.value as number) * 10) / 10, few: m.tooFew }));
  const x = {
    field: 'month',
    type: 'temporal',
    title: null,
    axis: { format: '%b %Y', labelAngle: -40 },
  } as const;
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    description,
    width: 560,
    height: 220,
    background: 'white',
    // The chart is one image to assistive technology, named by its summary; the page's table has its data.
    config: { aria: false, font: 'Arial, sans-serif', axis: { labelFontSize: 12, titleFontSize: 13 } },
    layer: [
      {
        data: { values },
        mark: { type: 'line', color: '#1d70b8', strokeWidth: 3 },
        encoding: { x, y: { field: 'value', type: 'quantitative', title: unitTitle[kpi.unit] } },
      },
      {
        data: { values },
        mark: { type: 'point', size: 60, color: '#1d70b8', strokeWidth: 2 },
        encoding: {
          x,
          y: { field: 'value', type: 'quantitative' },
          fill: {
            field: 'few',
            type: 'nominal',
            scale: { domain: [false, true], range: ['#1d70b8', 'white'] },
            legend: null,
          },
        },
      },
      {
        data: { values: [{ target: kpi.target }] },
        mark: { type: 'rule', color: '#0b0c0c', strokeDash: [6, 4], strokeWidth: 2 },
        encoding: { y: { field: 'target', type: 'quantitative' } },
      },
    ],
  };
}

/** The chart as SVG text, scaling to its container (its viewBox kept, its fixed size dropped). */
export async function chartSvg(kpi: Kpi, months: ReadMonth[], description: string): Promise<string> {
  const view = new View(parse(compile(chartSpec(kpi, months, description)).spec), { renderer: 'none' });
  const svg = await view.toSVG();
  view.finalize();
  const label = description.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;');
  // Vega's own roles on the marks inside are dropped: the chart is one image, named by its summary.
  return svg
    .replace(/ (role|aria-[a-z]+)="[^"]*"/g, '')
    .replace(
      /^<svg([^>]*?) width="[\d.]+" height="[\d.]+"/,
      `<svg$1 class="flagstone-chart" role="img" aria-label="${label}" focusable="false"`,
    );
}
