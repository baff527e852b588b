import { notFound } from 'next/navigation';
import type { z } from 'zod';
import { pageContext } from '@/app/_adapters/page-context';
import { can } from '@/lib/auth/permissions';
import type { ServiceContext } from '@/lib/context';
import type { Page, PageDirection } from '@/lib/paging/cursor';
import { bucketFromQuery } from '@/lib/metrics/events-in-bucket';
import { param, type SearchParams } from '@/lib/search-params';

/** The context of an analytics page: a role without analytics gets the answer of a page that does not exist. */
export async function analyticsPageContext(): Promise<ServiceContext> {
  const ctx = await pageContext();
  if (!can(ctx.actor, 'analytics.view')) notFound();
  return ctx;
}

/**
 * What a drill-down page lists: the bucket its link names and that bucket's page of events (`list`, keyset
 * paged by the link's after / before). Null when the link does not describe a bucket.
 */
export async function bucketDrillDown<F extends z.ZodObject, E>(
  query: SearchParams,
  filter: F,
  list: (ctx: ServiceContext, f: z.output<F>, direction: PageDirection) => Promise<Page<E>>,
): Promise<{ f: z.output<F>; page: Page<E> } | null> {
  const ctx = await analyticsPageContext();
  const f = bucketFromQuery(filter, query);
  if (!f) return null;
  return { f, page: await list(ctx, f, { after: param(query, 'after'), before: param(query, 'before') }) };
}
