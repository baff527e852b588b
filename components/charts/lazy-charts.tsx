'use client';

import dynamic from 'next/dynamic';

/*
 * The charts of metric-charts.tsx, loaded after the page hydrates: recharts alone is about 130 KB of gzip
 * JavaScript, more than half of the page's first load (`npm run bench:first-load`). No server rendering: recharts
 * measures its container in the browser. Until the chunk arrives, a placeholder of the chart's size holds its place,
 * so nothing below moves.
 */

function ChartPlaceholder({ height }: { height: string }) {
  return <div aria-hidden className={`${height} w-full animate-pulse rounded bg-slate-100 dark:bg-slate-800`} />;
}

/** The chart cards' charts fill their fixed-height frame (chart-card.tsx); the sparkline is 40 px high. */
const fillsFrame = () => <ChartPlaceholder height="h-full" />;

export const StackedCounts = dynamic(() => import('./metric-charts').then((m) => m.StackedCounts), {
  ssr: false,
  loading: fillsFrame,
});
export const RateLines = dynamic(() => import('./metric-charts').then((m) => m.RateLines), {
  ssr: false,
  loading: fillsFrame,
});
export const RankedBars = dynamic(() => import('./metric-charts').then((m) => m.RankedBars), {
  ssr: false,
  loading: fillsFrame,
});
export const Sparkline = dynamic(() => import('./metric-charts').then((m) => m.Sparkline), {
  ssr: false,
  loading: () => <ChartPlaceholder height="h-10" />,
});
