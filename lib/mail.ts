/** Outgoing e-mail over SMTP (the local sink by default; any SMTP server via SMTP_URL). */
import nodemailer from 'nodemailer';
import type { Config } from './config';

/**
 * `quick`: for a process's activity sending an e-mail as it records it: short
 * timeouts, so a slow or absent server costs the activity a few seconds at
 * most before its delivery workflow takes over (activities/notifications).
 */
export function createMailer(config: Pick<Config, 'smtp'>, o: { quick?: boolean } = {}) {
  const transport = o.quick
    ? nodemailer.createTransport({ url: config.smtp.url, connectionTimeout: 2_000, greetingTimeout: 2_000, socketTimeout: 3_000 })
    : nodemailer.createTransport(config.smtp.url);
  return {
    async send(message: { to: string[]; subject: string; text: string; messageId: string }) {
      await transport.sendMail({ from: config.smtp.from, ...message, messageId: `<${message.messageId}@trilight.local>` });
    },
    close: () => transport.close(),
  };
}

export type Mailer = ReturnType<typeof createMailer>;
