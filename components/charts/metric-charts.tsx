'use client';

import {
  Area,
  AreaChart,
  Bar,
  BarChart,
  CartesianGrid,
  Legend,
  Line,
  LineChart,
  ResponsiveContainer,
  Tooltip,
  XAxis,
  YAxis,
} from 'recharts';

export interface ChartRow {
  start: string;
  [key: string]: number | string | null;
}

const tickTime = (granularity: 'hour' | 'day') => (value: string) =>
  granularity === 'hour' ? `${value.slice(5, 10)} ${value.slice(11, 13)}h` : value.slice(5, 10);
const label = (granularity: 'hour' | 'day') => (value: unknown) =>
  typeof value === 'string'
    ? granularity === 'hour'
      ? `${value.slice(0, 13).replace('T', ' ')}:00 UTC`
      : `${value.slice(0, 10)} (UTC day)`
    : String(value);
const percent = (v: unknown) => (typeof v === 'number' ? `${(v * 100).toFixed(1)} %` : '—');
const percentTick = (v: unknown) => (typeof v === 'number' ? `${Math.round(v * 100)}%` : '');
const axisStyle = { fontSize: 11, fill: 'currentColor' };

export interface SeriesSpec {
  key: string;
  name: string;
  color: string;
}

/** Counts over time, stacked (issued by channel, failures by reason, logins by outcome). */
export function StackedCounts({
  rows,
  series,
  granularity,
  unit,
  onSelect,
}: {
  rows: ChartRow[];
  series: SeriesSpec[];
  granularity: 'hour' | 'day';
  unit: string;
  onSelect?: (start: string, seriesKey?: string) => void;
}) {
  return (
    <ResponsiveContainer width="100%" height="100%">
      <BarChart data={rows} margin={{ top: 4, right: 8, bottom: 0, left: 0 }}>
        <CartesianGrid strokeDasharray="3 3" strokeOpacity={0.3} />
        <XAxis dataKey="start" tickFormatter={tickTime(granularity)} tick={axisStyle} minTickGap={24} />
        <YAxis
          tick={axisStyle}
          allowDecimals={false}
          width={48}
          label={{ value: unit, angle: -90, position: 'insideLeft', style: { fontSize: 11, fill: 'currentColor' } }}
        />
        <Tooltip labelFormatter={label(granularity)} contentStyle={{ fontSize: 12 }} />
        <Legend wrapperStyle={{ fontSize: 12 }} />
        {series.map((s) => (
          <Bar
            key={s.key}
            dataKey={s.key}
            name={s.name}
            stackId="a"
            fill={s.color}
            cursor={onSelect ? 'pointer' : undefined}
            onClick={
              onSelect ? (d: { payload?: ChartRow }) => d.payload && onSelect(d.payload.start, s.key) : undefined
            }
            isAnimationActive={false}
          />
        ))}
      </BarChart>
    </ResponsiveContainer>
  );
}

/** Rates over time, one line per series (null where the denominator is 0: a gap, not a zero). */
export function RateLines({
  rows,
  series,
  granularity,
}: {
  rows: ChartRow[];
  series: SeriesSpec[];
  granularity: 'hour' | 'day';
}) {
  return (
    <ResponsiveContainer width="100%" height="100%">
      <LineChart data={rows} margin={{ top: 4, right: 8, bottom: 0, left: 0 }}>
        <CartesianGrid strokeDasharray="3 3" strokeOpacity={0.3} />
        <XAxis dataKey="start" tickFormatter={tickTime(granularity)} tick={axisStyle} minTickGap={24} />
        <YAxis tick={axisStyle} tickFormatter={percentTick} width={48} />
        <Tooltip labelFormatter={label(granularity)} formatter={percent} contentStyle={{ fontSize: 12 }} />
        <Legend wrapperStyle={{ fontSize: 12 }} />
        {series.map((s) => (
          <Line
            key={s.key}
            dataKey={s.key}
            name={s.name}
            stroke={s.color}
            dot={false}
            strokeWidth={2}
            connectNulls={false}
            isAnimationActive={false}
          />
        ))}
      </LineChart>
    </ResponsiveContainer>
  );
}

/** A small trend line for the overview. */
export function Sparkline({ rows, dataKey, color }: { rows: ChartRow[]; dataKey: string; color: string }) {
  return (
    <ResponsiveContainer width="100%" height={40}>
      <AreaChart data={rows} margin={{ top: 2, right: 0, bottom: 0, left: 0 }}>
        <Area
          dataKey={dataKey}
          stroke={color}
          fill={color}
          fillOpacity={0.15}
          strokeWidth={1.5}
          isAnimationActive={false}
        />
      </AreaChart>
    </ResponsiveContainer>
  );
}

/** A horizontal breakdown (top countries by failure rate). */
export function RankedBars({
  rows,
  dataKey,
  name,
  color,
  format,
}: {
  rows: { key: string; [k: string]: number | string | null }[];
  dataKey: string;
  name: string;
  color: string;
  format: (v: unknown) => string;
}) {
  return (
    <ResponsiveContainer width="100%" height="100%">
      <BarChart data={rows} layout="vertical" margin={{ top: 4, right: 16, bottom: 0, left: 8 }}>
        <CartesianGrid strokeDasharray="3 3" strokeOpacity={0.3} />
        <XAxis type="number" tick={axisStyle} tickFormatter={format} />
        <YAxis type="category" dataKey="key" tick={axisStyle} width={64} />
        <Tooltip formatter={format} contentStyle={{ fontSize: 12 }} />
        <Bar dataKey={dataKey} name={name} fill={color} isAnimationActive={false} />
      </BarChart>
    </ResponsiveContainer>
  );
}
