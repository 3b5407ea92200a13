/** The vendor directory's shapes: registering a contractor, adding a document, and an entry as managers read it. */
import { z } from '@hono/zod-openapi';
import { isValidDate } from '../../../domain/calendar';
import { TRADES } from '../../../domain/work-order/contractor-choice';
import { VENDOR_DOCUMENT_KINDS } from '../../../domain/work-order/vendor-compliance';
import { CurrencySchema, MinorUnitsSchema } from '../../../contracts/money.schema';
import { PageQuerySchema } from '../users';

const PostalCode = z.string().trim().regex(/^[A-Za-z0-9][A-Za-z0-9 -]{1,9}$/, 'must be a postal code (2 to 10 letters, digits, spaces or dashes)');
const IsoDay = z.string().refine(isValidDate, 'must be a calendar date YYYY-MM-DD');

export const ContractorCreateSchema = z
  .object({
    userId: z.uuid().describe('A user holding the contractor role'),
    company: z.string().trim().min(1).max(200),
    trades: z
      .array(z.enum(TRADES))
      .min(1)
      .max(TRADES.length)
      .refine((t) => new Set(t).size === t.length, 'each trade once'),
    serviceArea: z.array(PostalCode).min(1).max(500).describe('The postal codes served'),
    hourlyRateMinor: MinorUnitsSchema,
    currency: CurrencySchema,
  })
  .openapi('ContractorCreate');

const INSURANCE = ['general_liability_insurance', 'workers_comp_insurance'];

export const ContractorDocumentCreateSchema = z
  .object({
    kind: z.enum(VENDOR_DOCUMENT_KINDS),
    expiresOn: IsoDay.nullable().optional().describe('The last day it is valid; a tax form (W-9) has none'),
    coverageMinor: MinorUnitsSchema.optional().describe('An insurance certificate\'s per-occurrence limit'),
    reference: z.string().trim().min(1).max(200).optional().describe('Policy, licence or certificate number'),
  })
  .refine((d) => d.kind === 'tax_form_w9' || !!d.expiresOn, { path: ['expiresOn'], message: 'needed for every document but the tax form' })
  .refine((d) => d.coverageMinor === undefined || INSURANCE.includes(d.kind), { path: ['coverageMinor'], message: 'only an insurance certificate has cover' })
  .openapi('ContractorDocumentCreate');

const DocumentSchema = z.object({
  id: z.uuid(),
  kind: z.enum(VENDOR_DOCUMENT_KINDS),
  expiresOn: z.string().nullable(),
  coverageMinor: z.number().int().nullable(),
  reference: z.string().nullable(),
  createdAt: z.string(),
});

export const ContractorSchema = z
  .object({
    id: z.uuid().describe('The contractor\'s user id'),
    name: z.string(),
    email: z.string(),
    company: z.string(),
    trades: z.array(z.enum(TRADES)),
    serviceArea: z.array(z.string()),
    hourlyRateMinor: z.number().int(),
    currency: CurrencySchema,
    documents: z.array(DocumentSchema),
    compliance: z
      .object({ on: z.string(), compliant: z.boolean(), problems: z.array(z.string()) })
      .describe('Whether they may be assigned work today under the platform\'s default rules (a property may ask more), and every reason not'),
    createdAt: z.string(),
  })
  .openapi('Contractor');

export const ContractorListSchema = z
  .object({ items: z.array(ContractorSchema), nextAfter: z.uuid().nullable().describe('Pass as `after` for the next page; null when there is none') })
  .openapi('ContractorList');

export const ContractorQuerySchema = PageQuerySchema.extend({
  trade: z.enum(TRADES).optional(),
  postalCode: PostalCode.optional().describe('Only those serving this postal code'),
});
