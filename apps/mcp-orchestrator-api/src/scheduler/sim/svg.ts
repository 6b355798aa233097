// Line charts as plain SVG text: no canvas, no native dependencies.

export interface Series {
  name: string;
  points: [number, number][];
}

export interface Panel {
  title: string;
  yLabel: string;
  series: Series[];
  yMax?: number;
}

const COLORS = ['#1f77b4', '#d62728', '#2ca02c', '#ff7f0e', '#9467bd', '#8c564b', '#17becf', '#7f7f7f'];

function esc(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

function niceMax(v: number): number {
  if (!(v > 0)) return 1;
  const p = Math.pow(10, Math.floor(Math.log10(v)));
  for (const m of [1, 2, 2.5, 5, 10]) if (m * p >= v) return m * p;
  return 10 * p;
}

/** Panels stacked vertically sharing the x axis (minutes of simulated time). */
export function renderChart(title: string, panels: Panel[], xMaxMs: number, width = 900, panelHeight = 220): string {
  const left = 70;
  const right = 170;
  const top = 40;
  const gap = 50;
  const plotW = width - left - right;
  const height = top + panels.length * (panelHeight + gap);
  const xMax = Math.max(1, xMaxMs / 60_000);
  const out: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="sans-serif" font-size="12">`,
    `<rect width="100%" height="100%" fill="white"/>`,
    `<text x="${width / 2}" y="22" text-anchor="middle" font-size="15" font-weight="bold">${esc(title)}</text>`,
  ];
  panels.forEach((panel, pi) => {
    const y0 = top + pi * (panelHeight + gap);
    const yMax = panel.yMax ?? niceMax(Math.max(0, ...panel.series.flatMap((s) => s.points.map((p) => p[1]))));
    const sx = (ms: number): number => left + (ms / 60_000 / xMax) * plotW;
    const sy = (v: number): number => y0 + panelHeight - (Math.min(v, yMax) / yMax) * panelHeight;
    out.push(`<text x="${left}" y="${y0 - 8}" font-weight="bold">${esc(panel.title)}</text>`);
    out.push(`<rect x="${left}" y="${y0}" width="${plotW}" height="${panelHeight}" fill="none" stroke="#999"/>`);
    for (let k = 0; k <= 4; k++) {
      const v = (yMax * k) / 4;
      const y = sy(v);
      out.push(`<line x1="${left}" x2="${left + plotW}" y1="${y}" y2="${y}" stroke="#eee"/>`);
      out.push(`<text x="${left - 6}" y="${y + 4}" text-anchor="end">${+v.toFixed(2)}</text>`);
    }
    for (let k = 0; k <= 6; k++) {
      const m = (xMax * k) / 6;
      const x = left + (k / 6) * plotW;
      out.push(`<text x="${x}" y="${y0 + panelHeight + 16}" text-anchor="middle">${m.toFixed(0)}</text>`);
    }
    out.push(`<text x="${left + plotW / 2}" y="${y0 + panelHeight + 32}" text-anchor="middle">minutes</text>`);
    out.push(`<text transform="translate(16 ${y0 + panelHeight / 2}) rotate(-90)" text-anchor="middle">${esc(panel.yLabel)}</text>`);
    panel.series.forEach((s, si) => {
      const color = COLORS[si % COLORS.length] as string;
      const d = s.points.map(([x, y], i) => `${i ? 'L' : 'M'}${sx(x).toFixed(1)} ${sy(y).toFixed(1)}`).join('');
      out.push(`<path d="${d}" fill="none" stroke="${color}" stroke-width="1.4"/>`);
      const ly = y0 + 14 + si * 16;
      out.push(
        `<line x1="${left + plotW + 12}" x2="${left + plotW + 32}" y1="${ly - 4}" y2="${ly - 4}" stroke="${color}" stroke-width="3"/>`,
      );
      out.push(`<text x="${left + plotW + 38}" y="${ly}">${esc(s.name)}</text>`);
    });
  });
  out.push('</svg>');
  return out.join('\n');
}
