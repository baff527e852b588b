import { performance } from 'node:perf_hooks';
import nodemailer from 'nodemailer';
import type { ChannelType } from '@/db/schema';
import { env } from '@/lib/env';
import { describeOutboundError, outboundRequest } from '@/lib/outbound/outbound-target';
import { eventIdHeader, signatureHeader, signWebhook } from '@/lib/outbox/signature';
import type { ChannelMessage } from './notify';

/** A channel as its sender needs it. */
export interface ChannelTarget {
  id: string;
  type: ChannelType;
  target: string;
  secret: string | null;
}

export interface SendOutcome {
  ok: boolean;
  statusCode: number | null;
  error: string | null;
  durationMs: number;
}

const topicLabel: Record<string, string> = {
  'alert.opened': 'Alert',
  'alert.escalated': 'Escalated',
  'report.filed': 'Report',
  'report.sla_breached': 'Report past its SLA',
  'staff.locked_out': 'Staff locked out',
  'ingest.stalled': 'Ingest stalled',
  'channel.test': 'Test',
};

/** The plain-text body every channel type shares. */
export function messageText(m: ChannelMessage): string {
  const lines = [m.text];
  if (m.alsoHappened > 0)
    lines.push(`${m.alsoHappened} more hit${m.alsoHappened === 1 ? '' : 's'} since the last message.`);
  lines.push(`Open in Vigil: ${m.url}`);
  return lines.join('\n');
}

export function messageSubject(m: ChannelMessage): string {
  const severity = m.severity ? ` [${m.severity}]` : '';
  return `${topicLabel[m.topic] ?? m.topic}${severity}: ${m.title}`;
}

/** Slack's incoming-webhook message (Mattermost, Rocket.Chat and Teams' Slack-compatible hooks take it too). */
export function slackBody(m: ChannelMessage): Record<string, unknown> {
  const more = m.alsoHappened > 0 ? `\n_${m.alsoHappened} more since the last message._` : '';
  return {
    text: `${messageSubject(m)} — ${m.url}`,
    blocks: [
      { type: 'section', text: { type: 'mrkdwn', text: `*${messageSubject(m)}*\n${m.text}${more}` } },
      {
        type: 'actions',
        elements: [{ type: 'button', text: { type: 'plain_text', text: 'Open in Vigil' }, url: m.url }],
      },
    ],
  };
}

/** The signed JSON of `webhook` channels. */
export function webhookBody(m: ChannelMessage): Record<string, unknown> {
  return {
    type: m.topic,
    severity: m.severity,
    title: m.title,
    text: m.text,
    url: m.url,
    occurredAt: m.at,
    alsoHappened: m.alsoHappened,
  };
}

let transport: { url: string; value: nodemailer.Transporter } | undefined;
function mailer(url: string): nodemailer.Transporter {
  if (transport?.url !== url) transport = { url, value: nodemailer.createTransport(url) };
  return transport.value;
}

/**
 * Sends one message to one channel. HTTP targets go through the outbound rule (no private addresses, no redirects);
 * the SMTP server is the operator's own configuration (`VIGIL_SMTP_URL`).
 */
export async function sendToChannel(
  channel: ChannelTarget,
  m: ChannelMessage,
  options: { outboxId: number; timeoutMs?: number; now?: Date },
): Promise<SendOutcome> {
  const timeoutMs = options.timeoutMs ?? 5000;
  const started = performance.now();
  const durationMs = () => Math.round(performance.now() - started);
  try {
    if (channel.type === 'email') {
      const smtp = env().VIGIL_SMTP_URL;
      if (!smtp) return { ok: false, statusCode: null, error: 'VIGIL_SMTP_URL is not set', durationMs: durationMs() };
      await mailer(smtp).sendMail({
        from: env().VIGIL_SMTP_FROM,
        to: channel.target,
        subject: messageSubject(m),
        text: messageText(m),
        headers: { [eventIdHeader]: String(options.outboxId) },
      });
      return { ok: true, statusCode: null, error: null, durationMs: durationMs() };
    }
    const body = JSON.stringify(channel.type === 'slack' ? slackBody(m) : webhookBody(m));
    const headers: Record<string, string> = {
      'content-type': 'application/json',
      'user-agent': 'Vigil-Notifications/1',
      [eventIdHeader]: String(options.outboxId),
    };
    if (channel.type === 'webhook' && channel.secret) {
      headers[signatureHeader] = signWebhook(channel.secret, body, options.now ?? new Date());
    }
    const response = await outboundRequest(channel.target, {
      method: 'POST',
      headers,
      body,
      signal: AbortSignal.timeout(timeoutMs),
    });
    const ok = response.status >= 200 && response.status < 300;
    return { ok, statusCode: response.status, error: ok ? null : `HTTP ${response.status}`, durationMs: durationMs() };
  } catch (error) {
    return {
      ok: false,
      statusCode: null,
      error: describeOutboundError(error, timeoutMs).slice(0, 500),
      durationMs: durationMs(),
    };
  }
}
