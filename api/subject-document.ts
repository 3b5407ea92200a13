/**
 * A process's stored PDF over HTTP (a purchase's deed, an inspection's report,
 * a project's change order): the document must belong to that record, or it
 * is 404, so one record's id never opens another's papers. The caller checks
 * first that the reader may see the record.
 */
import { z } from '@hono/zod-openapi';
import type { Context } from 'hono';
import { QueryTypes } from 'sequelize';
import type { Subject } from '../domain/subject';
import type { AppEnv } from './deps';
import { notFound } from './problem';

export const PDF_RESPONSE = { description: 'The PDF', content: { 'application/pdf': { schema: z.string().openapi({ type: 'string', format: 'binary' }) } } };

export async function subjectDocument(c: Context<AppEnv>, subject: Subject, documentId: string): Promise<Response> {
  const [doc] = await c.get('deps').db.query<{ kind: string; content: Buffer }>(
    'select kind, content from documents where id = $1 and subject_type = $2 and subject_id = $3',
    { bind: [documentId, subject.type, subject.id], type: QueryTypes.SELECT },
  );
  if (!doc) throw notFound('document');
  return c.body(new Uint8Array(doc.content), 200, { 'content-type': 'application/pdf', 'content-disposition': `attachment; filename="${doc.kind}-${documentId}.pdf"` });
}
