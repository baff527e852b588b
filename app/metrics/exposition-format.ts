/*
 * A strict reader of Prometheus' text exposition format (version 0.0.4), for the tests of GET /metrics:
 * prom-client has no public parser. Every line must be a HELP, a TYPE or a sample; a family's TYPE comes
 * before its samples; a sample belongs to the family declared last (with `_bucket`, `_sum`, `_count` for
 * histograms and summaries); histogram buckets are cumulative and end with `+Inf` equal to `_count`.
 */

export interface Sample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

export interface Family {
  name: string;
  type: 'counter' | 'gauge' | 'histogram' | 'summary' | 'untyped';
  help: string;
  samples: Sample[];
}

const name = '[a-zA-Z_:][a-zA-Z0-9_:]*';
const labelValue = '"(?:[^"\\\\\\n]|\\\\[\\\\"n])*"';
const label = `[a-zA-Z_][a-zA-Z0-9_]*=${labelValue}`;
// A value is what Go's strconv.ParseFloat reads, which ignores case in NaN and Inf (prom-client writes `Nan`).
const number = '(?:[+-]?(?:\\d+(?:\\.\\d*)?|\\.\\d+)(?:[eE][+-]?\\d+)?|[Nn][Aa][Nn]|[+-][Ii][Nn][Ff])';
const helpLine = new RegExp(`^# HELP (${name}) ((?:[^\\\\\\n]|\\\\[\\\\n])*)$`);
const typeLine = new RegExp(`^# TYPE (${name}) (counter|gauge|histogram|summary|untyped)$`);
const sampleLine = new RegExp(`^(${name})(?:\\{((?:${label})(?:,${label})*),?\\})? (${number})(?: -?\\d+)?$`);
const labelPair = new RegExp(`([a-zA-Z_][a-zA-Z0-9_]*)=(${labelValue})`, 'g');

const unescape = (quoted: string) =>
  quoted.slice(1, -1).replace(/\\(["\\n])/g, (_, c: string) => (c === 'n' ? '\n' : c));

function parseValue(text: string): number {
  const lower = text.toLowerCase();
  if (lower === 'nan') return NaN;
  if (lower === '+inf') return Infinity;
  if (lower === '-inf') return -Infinity;
  return Number(text);
}

function suffixesOf(type: Family['type']): string[] {
  if (type === 'histogram') return ['_bucket', '_sum', '_count'];
  if (type === 'summary') return ['', '_sum', '_count'];
  return [''];
}

/** Parses the text, or throws naming the first line that breaks the format. */
export function parseExposition(text: string): Map<string, Family> {
  if (!text.endsWith('\n')) throw new Error('the exposition must end with a newline');
  const families = new Map<string, Family>();
  const typed = new Set<string>();
  let current: Family | undefined;
  const familyOf = (familyName: string) => {
    let family = families.get(familyName);
    if (!family) {
      family = { name: familyName, type: 'untyped', help: '', samples: [] };
      families.set(familyName, family);
    }
    return family;
  };
  text
    .slice(0, -1)
    .split('\n')
    .forEach((line, index) => {
      const fail = (why: string) => {
        throw new Error(`line ${index + 1} ${why}: ${JSON.stringify(line)}`);
      };
      let match: RegExpExecArray | null;
      if (line === '') return; // the format ignores empty lines; prom-client puts one between families
      if ((match = helpLine.exec(line))) {
        current = familyOf(match[1]!);
        if (current.help !== '') fail('is a second HELP of its family');
        current.help = match[2]!;
      } else if ((match = typeLine.exec(line))) {
        current = familyOf(match[1]!);
        if (current.samples.length > 0 || typed.has(current.name)) fail('declares a TYPE twice or after samples');
        typed.add(current.name);
        current.type = match[2] as Family['type'];
      } else if ((match = sampleLine.exec(line))) {
        const sampleName = match[1]!;
        if (!current || !suffixesOf(current.type).some((suffix) => `${current!.name}${suffix}` === sampleName)) {
          fail('is a sample outside the family declared before it');
        }
        const labels: Record<string, string> = {};
        for (const [, key, quoted] of (match[2] ?? '').matchAll(labelPair)) {
          if (key! in labels) fail(`repeats the label ${key}`);
          labels[key!] = unescape(quoted!);
        }
        current!.samples.push({ name: sampleName, labels, value: parseValue(match[3]!) });
      } else {
        fail('is neither a HELP, a TYPE nor a sample');
      }
    });
  for (const family of families.values()) if (family.type === 'histogram') checkHistogram(family);
  return families;
}

function checkHistogram(family: Family): void {
  const series = new Map<string, Sample[]>();
  for (const sample of family.samples) {
    const { le: _le, ...rest } = sample.labels;
    const key = JSON.stringify(Object.entries(rest).sort());
    series.set(key, [...(series.get(key) ?? []), sample]);
  }
  for (const samples of series.values()) {
    const buckets = samples.filter((s) => s.name.endsWith('_bucket'));
    const count = samples.find((s) => s.name.endsWith('_count'));
    let previous = 0;
    for (const bucket of buckets) {
      if (bucket.labels.le === undefined) throw new Error(`${family.name}: a bucket without "le"`);
      if (bucket.value < previous) throw new Error(`${family.name}: buckets are not cumulative`);
      previous = bucket.value;
    }
    const last = buckets.at(-1);
    if (last?.labels.le !== '+Inf' || last.value !== count?.value) {
      throw new Error(`${family.name}: the last bucket must be le="+Inf" and equal _count`);
    }
  }
}

/** The value of the one sample named `sampleName` whose labels include `labels`; 0 when there is none. */
export function sampleValue(
  families: Map<string, Family>,
  sampleName: string,
  labels: Record<string, string> = {},
): number {
  for (const family of families.values()) {
    for (const sample of family.samples) {
      if (sample.name === sampleName && Object.entries(labels).every(([k, v]) => sample.labels[k] === v)) {
        return sample.value;
      }
    }
  }
  return 0;
}
