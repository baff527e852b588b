import Link from 'next/link';
import { buttonSecondary } from '@/components/ui/styles';
import { hrefWith, param, type SearchParams } from '@/lib/search-params';

/**
 * Newer / older links of a keyset-paged list; the cursors stay in the URL so a page can be shared. A page
 * reached by a cursor always offers the way back to the newest, even when the cursor led nowhere (an old
 * or edited link).
 */
export function PageLinks({
  path,
  params,
  newer,
  older,
}: {
  path: string;
  params: SearchParams;
  newer: string | null;
  older: string | null;
}) {
  const paged = Boolean(param(params, 'after') || param(params, 'before'));
  if (!newer && !older && !paged) return null;
  return (
    <nav aria-label="Pages" className="mt-3 flex gap-2">
      {newer || paged ? (
        <Link href={hrefWith(path, params, { after: null, before: null })} className={buttonSecondary}>
          Newest
        </Link>
      ) : null}
      {newer ? (
        <Link href={hrefWith(path, params, { after: null, before: newer })} className={buttonSecondary}>
          Newer
        </Link>
      ) : null}
      {older ? (
        <Link href={hrefWith(path, params, { before: null, after: older })} className={buttonSecondary}>
          Older
        </Link>
      ) : null}
    </nav>
  );
}
