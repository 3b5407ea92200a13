/**
 * Signing envelopes over HTTP (contracts/envelope.ts): an envelope as its
 * signers and sender see it, and a signer's signature or decline, each
 * carried to its workflow as an Update with the evidence the API sees (the
 * signed-in user, the time, the client's address, its user agent).
 */
import { OpenAPIHono, z } from '@hono/zod-openapi';
import { declineEnvelopeUpdate, envelopeStateQuery, signEnvelopeUpdate } from '../../../contracts/envelope';
import { EnvelopeStateSchema as ContractEnvelopeStateSchema } from '../../../contracts/envelope.schema';
import { clientAddress, printable } from '../../client-address';
import type { AppEnv } from '../../deps';
import { IdParams, json, problems, route } from '../../route';
import { updateRoute } from '../../update-route';
import { queryOrUndefined } from '../../workflow-query';
import { envelopeHandle, signersEnvelope, visibleEnvelope } from './access';

const EnvelopeStateSchema = ContractEnvelopeStateSchema.extend({
  source: z.enum(['workflow', 'database']).describe('`database` when the workflow could not be asked: only `status` and `title` are known then'),
}).openapi('Envelope');

const EnvelopeSignatureRequestSchema = z
  .object({
    documents: z
      .array(z.object({ documentId: z.uuid(), sha256: z.string().regex(/^[0-9a-fA-F]{64}$/, 'must be a SHA-256 in hex (64 characters)') }))
      .min(1)
      .max(20)
      .describe('Each document of the envelope with the SHA-256 of the copy you read'),
  })
  .openapi('EnvelopeSignatureRequest');

const EnvelopeDeclineSchema = z.object({ reason: z.string().trim().min(1).max(1000) }).openapi('EnvelopeDecline');

const tags = ['Envelopes'];

const evidence = (c: Parameters<typeof clientAddress>[0]) => ({
  ip: printable(clientAddress(c), 64),
  userAgent: printable(c.req.header('user-agent') ?? '', 300),
});

export const envelopesRouter = new OpenAPIHono<AppEnv>().openapi(
  route({
    method: 'get',
    path: '/envelopes/{id}',
    operationId: 'getEnvelope',
    tags,
    summary: 'A signing envelope: its documents, signers, signatures with their evidence, and status',
    description: 'Visible to its signers, its sender and staff; others get 404. When the workflow cannot answer, the recorded status is returned (`source: database`).',
    roles: 'any',
    request: { params: IdParams },
    responses: { 200: json(EnvelopeStateSchema, 'The envelope'), ...problems(401, 404, 422) },
  }),
  async (c) => {
    const deps = c.get('deps');
    const row = await visibleEnvelope(c, c.req.valid('param').id);
    const state = await queryOrUndefined(c, envelopeHandle(deps, row), envelopeStateQuery);
    if (state) return c.json({ ...state, source: 'workflow' as const }, 200);
    return c.json(
      {
        envelopeId: row.id,
        subject: { type: row.subject_type, id: row.subject_id },
        title: row.title,
        status: row.status,
        ordered: false,
        sender: { userId: row.sender_id, name: '' },
        documents: [],
        signers: [],
        signatures: [],
        expiresOn: '',
        decline: null,
        voided: null,
        completed: [],
        audit: [],
        source: 'database' as const,
      },
      200,
    );
  },
);

updateRoute({
  path: '/envelopes/{id}/signatures',
  tags,
  summary: 'Sign an envelope, as one of its signers',
  description:
    'Records the signed-in user, the time, the client\'s address and user agent, and the SHA-256 of each document as the signer read it: every document of the envelope, each the current copy (409 otherwise). Only while the envelope is `sent`, once per signer, and in an ordered envelope only when it is the signer\'s turn.',
  roles: 'any',
  body: EnvelopeSignatureRequestSchema,
  response: EnvelopeStateSchema,
  responseDescription: 'Signed',
  target: signersEnvelope,
  update: signEnvelopeUpdate,
  args: ({ documents }, t, c) => ({ userId: t.principal.userId, signedAt: new Date().toISOString(), ...evidence(c), documents }),
  respond: (state) => ({ ...state, source: 'workflow' as const }),
})(envelopesRouter);

updateRoute({
  path: '/envelopes/{id}/decline',
  tags,
  summary: 'Decline to sign an envelope, with a reason',
  description: 'A signer who may sign now (see signatures) may decline instead; the envelope ends `declined` and its sender is told. Only while the envelope is `sent`.',
  roles: 'any',
  body: EnvelopeDeclineSchema,
  response: EnvelopeStateSchema,
  responseDescription: 'Declined',
  target: signersEnvelope,
  update: declineEnvelopeUpdate,
  args: ({ reason }, t, c) => ({ userId: t.principal.userId, reason, at: new Date().toISOString(), ...evidence(c) }),
  respond: (state) => ({ ...state, source: 'workflow' as const }),
})(envelopesRouter);
