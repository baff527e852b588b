import { getDb, type Db } from '@/db/client';
import { ApiError } from '@/lib/http/api-error';
import { apiCaller } from '@/lib/http/api-caller';
import { handleApi, json } from '@/lib/http/api-response';
import { withDeadline } from '@/lib/http/database-errors';
import { serviceContext } from '@/lib/context';
import { isServiceError } from '@/lib/errors';
import { loginMetrics } from './login-metrics';
import { LoginMetricsQuery, OtpMetricsQuery, parseMetricsQuery } from './metrics-query';
import { otpMetrics } from './otp-metrics';

interface Options {
  db?: () => Promise<Db>;
}

function serve<T>(
  request: Request,
  options: Options,
  work: (db: Db, actor: Awaited<ReturnType<typeof apiCaller>>, params: URLSearchParams) => Promise<T>,
) {
  // One deadline for the whole request, so a hanging database is a 503 within 5 s.
  return handleApi(request, () => withDeadline(answer(request, options, work)));
}

async function answer<T>(
  request: Request,
  options: Options,
  work: (db: Db, actor: Awaited<ReturnType<typeof apiCaller>>, params: URLSearchParams) => Promise<T>,
) {
  const db = await (options.db ?? getDb)();
  const actor = await apiCaller(db, request, 'metrics:read');
  try {
    return json(await work(db, actor, new URL(request.url).searchParams));
  } catch (error) {
    // A key without metrics:read is a 403, like a staff role without analytics.
    if (isServiceError(error) && error.code === 'forbidden')
      throw new ApiError(403, 'forbidden', 'This caller may not read metrics (API keys need the metrics:read scope).');
    throw error;
  }
}

/** GET /api/v1/metrics/otp */
export function handleOtpMetricsRequest(request: Request, options: Options = {}): Promise<Response> {
  return serve(request, options, (db, actor, params) =>
    otpMetrics(serviceContext(db, actor), parseMetricsQuery(OtpMetricsQuery, params)),
  );
}

/** GET /api/v1/metrics/logins */
export function handleLoginMetricsRequest(request: Request, options: Options = {}): Promise<Response> {
  return serve(request, options, (db, actor, params) =>
    loginMetrics(serviceContext(db, actor), parseMetricsQuery(LoginMetricsQuery, params)),
  );
}
