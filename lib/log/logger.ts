/**
 * One JSON line per event on stdout/stderr. Values that look like secrets are never passed here;
 * `redact` is the last line of defence for fields whose names say they are secret.
 */
type Level = 'info' | 'warn' | 'error';
const secretKey = /pass(word)?|secret|token|authorization|cookie|api[-_]?key|hash/i;

/**
 * drizzle's query errors carry the SQL parameters (which may be a password hash or a token) in `params`
 * and in their message: keep the query shape, the database's own message and code, never the values.
 */
function describeError(error: Error, depth = 0): Record<string, unknown> {
  const message = error.message.split('\nparams:')[0];
  const code = (error as { code?: unknown }).code;
  const cause = (error as { cause?: unknown }).cause;
  return {
    name: error.name,
    message,
    ...(typeof code === 'string' ? { code } : {}),
    ...(cause instanceof Error && depth < 3 ? { cause: describeError(cause, depth + 1) } : {}),
    stack: error.stack
      ?.split('\n')
      .filter((line) => line.trimStart().startsWith('at '))
      .slice(0, 8)
      .join('\n'),
  };
}

function redact(value: unknown, depth = 0): unknown {
  if (depth > 4 || value === null || typeof value !== 'object') return value;
  if (value instanceof Error) return describeError(value);
  if (Array.isArray(value)) return value.map((v) => redact(v, depth + 1));
  return Object.fromEntries(
    Object.entries(value as Record<string, unknown>).map(([k, v]) => [
      k,
      secretKey.test(k) ? '[redacted]' : redact(v, depth + 1),
    ]),
  );
}

function write(level: Level, message: string, fields: Record<string, unknown> = {}) {
  const line = JSON.stringify({ time: new Date().toISOString(), level, message, ...(redact(fields) as object) });
  if (level === 'error') console.error(line);
  else console.log(line);
}

export const log = {
  info: (message: string, fields?: Record<string, unknown>) => write('info', message, fields),
  warn: (message: string, fields?: Record<string, unknown>) => write('warn', message, fields),
  error: (message: string, fields?: Record<string, unknown>) => write('error', message, fields),
};
