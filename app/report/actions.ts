'use server';

import { publicReportStatus } from '@/lib/reports/public-status';
import { fileReport } from '@/lib/reports/file-report';
import { categoryChoices } from '@/components/customer-report/report-categories';
import {
  asSentence,
  formValues,
  minutesFromNow,
  runPublicAction,
  tooLongMessage,
  type PublicFormResult,
} from './public-action';

export type FileReportResult = PublicFormResult<{ reference: string }>;
export type ReportStatusResult = PublicFormResult<Awaited<ReturnType<typeof publicReportStatus>>>;

/**
 * A reference as customers type it ("vr 7k2m9q", "7K2M9Q", an O for a zero) in its canonical form: the
 * alphabet has no I, L, O or U, so those can only be misread digits.
 */
function canonicalReference(typed: string): string {
  const compact = typed.replace(/\s+/g, '').toUpperCase();
  const code = compact.replace(/^VR-?/, '');
  return /^[0-9A-Z]{6}$/.test(code) ? `VR-${code.replace(/O/g, '0').replace(/[IL]/g, '1')}` : typed;
}

/**
 * When it happened: the browser sends the customer's local time as an ISO instant (occurredAtIso); a
 * browser without JavaScript sends only the datetime-local value, which is then taken as UTC.
 */
function occurredAt(values: Record<string, string>): string | undefined {
  const iso = values.occurredAtIso?.trim();
  if (iso) return iso;
  const local = values.occurredAt?.trim();
  if (!local) return undefined;
  if (/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}$/.test(local)) return `${local}:00Z`;
  if (/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?$/.test(local)) return `${local}Z`;
  return local;
}

/** The form's fields as ReportInput; only the chosen category's own questions are sent as details. */
function reportInputFrom(form: FormData, values: Record<string, string>) {
  const category = values.category;
  const questions = categoryChoices.find((c) => c.value === category)?.details ?? [];
  return {
    category,
    email: values.email,
    phone: values.phone,
    occurredAt: occurredAt(values),
    // A "not me" tap needs no words: the link says what it is about.
    description:
      values.description?.trim() ||
      (values.link ? 'Not me: reported with the link in a message about my account.' : ''),
    details: Object.fromEntries(questions.map((q) => [q.field, values[`${category}.${q.field}`]])),
    contactPreference: values.contactPreference,
    otpId: values.otpId,
    link: values.link,
    website: form.get('website') ?? undefined,
  };
}

function reportFieldMessage(field: string, message: string): string {
  const tooLong = tooLongMessage(message);
  if (tooLong) return tooLong;
  switch (field) {
    case 'category':
      return 'Choose the answer that is closest to what happened.';
    case 'email':
      return message.startsWith('give')
        ? 'Give the email address or the phone number on your account.'
        : 'Enter an email address like name@example.com.';
    case 'phone':
      return 'Enter the phone number with its country code, like +44 7700 900123.';
    case 'occurredAt':
      return message.includes('future')
        ? 'This time is in the future. When did it happen?'
        : 'Choose a date and time, or leave this empty.';
    case 'description':
      return 'Tell us in a few words what happened.';
    default:
      return asSentence(message);
  }
}

/** The public report form (/report). */
export async function fileReportAction(_prev: FileReportResult | null, form: FormData): Promise<FileReportResult> {
  const values = formValues(form);
  return runPublicAction(
    values,
    {
      tooMany: (minutes) =>
        `We have received several reports in a short time. Please try again in ${minutesFromNow(minutes)}. If money is being taken from you right now, contact your bank.`,
      fieldMessage: reportFieldMessage,
    },
    async (ctx) => {
      const { reference } = await fileReport(ctx, reportInputFrom(form, values), 'web');
      return { reference };
    },
  );
}

/** The public status lookup (/report/status): reference and contact come in the POST body, never a URL. */
export async function reportStatusAction(
  _prev: ReportStatusResult | null,
  form: FormData,
): Promise<ReportStatusResult> {
  const values = formValues(form);
  return runPublicAction(
    values,
    {
      tooMany: (minutes) => `Too many look-ups in a short time. Please try again in ${minutesFromNow(minutes)}.`,
      notFound:
        'We could not find a report with these details. Check the reference and use the same email address or phone number you gave when you reported.',
      fieldMessage: (field, message) =>
        tooLongMessage(message) ??
        (field === 'reference'
          ? 'Enter the reference we gave you, like VR-7K2M9Q.'
          : field === 'contact'
            ? 'Enter the email address or phone number you gave when you reported.'
            : asSentence(message)),
    },
    (ctx) =>
      publicReportStatus(ctx, {
        reference: canonicalReference(values.reference ?? ''),
        contact: values.contact ?? '',
      }),
  );
}
