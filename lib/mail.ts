/** Outgoing e-mail over SMTP (the local sink by default; any SMTP server via SMTP_URL). */
import nodemailer from 'nodemailer';
import type { Config } from './config';

export function createMailer(config: Pick<Config, 'smtp'>) {
  const transport = nodemailer.createTransport(config.smtp.url);
  return {
    async send(message: { to: string[]; subject: string; text: string; messageId: string }) {
      await transport.sendMail({ from: config.smtp.from, ...message, messageId: `<${message.messageId}@trilight.local>` });
    },
    close: () => transport.close(),
  };
}

export type Mailer = ReturnType<typeof createMailer>;
