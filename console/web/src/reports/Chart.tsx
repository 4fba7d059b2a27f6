import { useEffect, useRef } from 'react';

export interface ChartSeries {
  label: string;
  values: (number | null)[];
}

/**
 * A line or bar chart. chart.js is loaded on first use, in a chunk of its own: the inbox and
 * the sign-in pages never download it.
 */
export function Chart({ kind, labels, series, title }: { kind: 'line' | 'bar'; labels: string[]; series: ChartSeries[]; title: string }) {
  const canvas = useRef<HTMLCanvasElement>(null);
  useEffect(() => {
    let chart: { destroy(): void } | undefined;
    let cancelled = false;
    void import('chart.js/auto').then(({ default: ChartJs }) => {
      if (cancelled || !canvas.current) return;
      chart = new ChartJs(canvas.current, {
        type: kind,
        data: { labels, datasets: series.map((s) => ({ label: s.label, data: s.values })) },
        options: { animation: false, responsive: true, maintainAspectRatio: false, plugins: { legend: { position: 'bottom' } } },
      });
    });
    return () => {
      cancelled = true;
      chart?.destroy();
    };
  }, [kind, labels, series]);
  return (
    <figure className="report-chart">
      <div style={{ position: 'relative', height: 240 }}>
        <canvas ref={canvas} role="img" aria-label={title} />
      </div>
    </figure>
  );
}
