import Link from 'next/link';

export default function NotFound() {
  return (
    <main className="mx-auto max-w-lg px-6 py-24 text-center">
      <h1 className="text-xl font-semibold">Not found</h1>
      <p className="mt-3 text-slate-600 dark:text-slate-400">
        There is nothing here, or you do not have access to it. Check the link, or look the account up by e-mail, phone
        or id.
      </p>
      <Link
        href="/accounts"
        className="mt-6 inline-block text-sm font-medium text-indigo-600 hover:underline dark:text-indigo-400"
      >
        Go to accounts
      </Link>
    </main>
  );
}
