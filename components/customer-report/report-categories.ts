import type { ReportCategory } from '@/lib/reports/report-input';

export type DetailField = 'senderNumber' | 'senderAddress' | 'link' | 'callerNumber' | 'orderId';

export interface DetailQuestion {
  field: DetailField;
  label: string;
  hint?: string;
  type: 'tel' | 'email' | 'text';
  inputMode?: 'url';
  maxLength: number;
}

export interface CategoryChoice {
  value: ReportCategory;
  /** What the customer would say, not what staff call it. */
  label: string;
  advice: string[];
  details: DetailQuestion[];
  /**
   * Shows this category's advice and questions once its radio is ticked, in CSS alone, so the form works
   * before (and without) JavaScript. Written out in full so Tailwind sees every class.
   */
  revealClass: string;
}

const neverShare = 'Never share a code or your password with anyone. Our staff will never ask you for them.';
const changePassword =
  'If you think someone could get into your account, change your password now and turn on two-step verification.';

export const categoryChoices: CategoryChoice[] = [
  {
    value: 'unrequested_code',
    label: 'I received a verification code I did not ask for',
    advice: [
      'Do not share this code with anyone, even someone who says they are from our support team.',
      'A code you did not ask for can mean someone knows your password. Change your password now and turn on two-step verification.',
    ],
    details: [],
    revealClass: 'group-has-[#category-unrequested-code:checked]/report:block',
  },
  {
    value: 'impersonation',
    label: 'Someone called or messaged me claiming to be from support and asked for my code or password',
    advice: [
      'No real support agent will ever ask for your code or your password. Stop replying or hang up.',
      'If you gave them a code or your password, change your password now and turn on two-step verification.',
    ],
    details: [
      {
        field: 'callerNumber',
        label: 'The number they called or messaged from (if you know it)',
        type: 'tel',
        maxLength: 40,
      },
    ],
    revealClass: 'group-has-[#category-impersonation:checked]/report:block',
  },
  {
    value: 'phishing',
    label: 'I received a suspicious text or email',
    advice: [
      'Do not open the link or reply to the message.',
      'If you already typed your details on that page, change your password now and turn on two-step verification.',
    ],
    details: [
      {
        field: 'senderNumber',
        label: 'The phone number it came from',
        hint: 'For a text message. Leave empty for an email.',
        type: 'tel',
        maxLength: 40,
      },
      {
        field: 'senderAddress',
        label: 'The email address it came from',
        hint: 'For an email. Leave empty for a text message.',
        type: 'email',
        maxLength: 320,
      },
      {
        field: 'link',
        label: 'The link in the message',
        hint: 'Copy it without opening it. Leave empty if there was no link.',
        type: 'text',
        inputMode: 'url',
        maxLength: 2000,
      },
    ],
    revealClass: 'group-has-[#category-phishing:checked]/report:block',
  },
  {
    value: 'unauthorized_order',
    label: 'There is an order or payment on my account I did not make',
    advice: [changePassword, 'If money was taken from your card or bank account, contact your bank as well.'],
    details: [
      {
        field: 'orderId',
        label: 'The order number (if you have it)',
        hint: 'You can find it in your order history or in the confirmation email.',
        type: 'text',
        maxLength: 100,
      },
    ],
    revealClass: 'group-has-[#category-unauthorized-order:checked]/report:block',
  },
  {
    value: 'delivery_code',
    label: 'Someone asked me for my delivery code, or my parcel was handed over without it',
    advice: [
      'Only give your delivery code to the courier at your door, once the parcel is in your hands. Nobody needs it by phone or message.',
      neverShare,
    ],
    details: [
      { field: 'orderId', label: 'The order number of the parcel (if you have it)', type: 'text', maxLength: 100 },
    ],
    revealClass: 'group-has-[#category-delivery-code:checked]/report:block',
  },
  {
    value: 'other',
    label: 'Something else',
    advice: [neverShare, changePassword],
    details: [],
    revealClass: 'group-has-[#category-other:checked]/report:block',
  },
];

/** Hyphens, not underscores: Tailwind reads an underscore in a class as a space. */
export const categoryInputId = (category: ReportCategory) => `category-${category.replaceAll('_', '-')}`;
export const detailInputName = (category: ReportCategory, field: DetailField) => `${category}.${field}`;
