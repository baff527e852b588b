'use client';

import { ChartCard } from './chart-card';
import { RateLines, StackedCounts } from './lazy-charts';
import type { ChartRow, SeriesSpec } from './metric-charts';

export interface SeriesChart {
  title: string;
  /** The range's headline against the previous period of the same length. */
  delta?: string;
  definition: string;
  csvName: string;
  /** One row per bucket: what the chart draws and what its CSV holds. */
  rows: ChartRow[];
  state: 'loading' | 'error' | 'ready';
  empty: boolean;
  series: SeriesSpec[];
  /** Counts are stacked bars in `unit`, a bar opening the events behind it; without, rates as lines. */
  counts?: { unit: string; onSelect?: (start: string, seriesKey?: string) => void };
}

/** A time-series chart of the dashboard, in its card. */
export function SeriesChartCard({ chart, granularity }: { chart: SeriesChart; granularity: 'hour' | 'day' }) {
  const { rows, series, counts } = chart;
  return (
    <ChartCard
      title={chart.title}
      delta={chart.delta}
      definition={chart.definition}
      csvName={chart.csvName}
      rows={rows.map((r) => ({ ...r }))}
      state={chart.state}
      empty={chart.empty}
    >
      {counts ? (
        <StackedCounts
          rows={rows}
          series={series}
          granularity={granularity}
          unit={counts.unit}
          onSelect={counts.onSelect}
        />
      ) : (
        <RateLines rows={rows} series={series} granularity={granularity} />
      )}
    </ChartCard>
  );
}
