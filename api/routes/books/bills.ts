/**
 * Bills over HTTP (lib/books/bills.ts does the work in one transaction each):
 * entered by the property's manager, approved by an owner when above the
 * agreement's threshold, paid (posting to the property's book), or voided.
 */
import { OpenAPIHono, z } from '@hono/zod-openapi';
import { QueryTypes } from 'sequelize';
import { BILL_STATUSES, BillCreateSchema, BillPaymentSchema, BillSchema, BillVoidSchema } from '../../../contracts/books.schema';
import { agreementOn } from '../../../lib/reports/books';
import { approveBill, BillStateError, createBill, findBill, payBill, voidBill, type Bill } from '../../../lib/books/bills';
import type { AppEnv } from '../../deps';
import { ApiProblem, fieldError, notFound } from '../../problem';
import { IdParams, idLink, json, problems, route } from '../../route';
import { PageQuerySchema } from '../users';
import { approvesForOwners, keepsBooks, propertyNotKept, propertyPeople, sees, visibleProperties } from './access';

const tags = ['Books'];
const BillListSchema = z.object({ items: z.array(BillSchema), nextAfter: z.uuid().nullable() }).openapi('BillList');

/** A bill that cannot move on (approving a void one, paying one not approved) is a 409. */
async function inState<T>(change: Promise<T>): Promise<T> {
  try {
    return await change;
  } catch (err) {
    if (err instanceof BillStateError) throw new ApiProblem(409, 'invalid-state', err.message);
    throw err;
  }
}

/** The bill, if the caller may see its property. */
async function visibleBill(c: { get: AppEnvGet }, id: string): Promise<Bill> {
  const { db } = c.get('deps');
  const bill = await findBill(db, id);
  if (!bill || !sees(await visibleProperties(db, c.get('principal')), bill.propertyId)) throw notFound('bill');
  return bill;
}
type AppEnvGet = <K extends keyof AppEnv['Variables']>(key: K) => AppEnv['Variables'][K];

export const billsRouter = new OpenAPIHono<AppEnv>()
  .openapi(
    route({
      method: 'post',
      path: '/bills',
      operationId: 'createBill',
      tags,
      summary: 'Enter a vendor bill for a property',
      description:
        'The property\'s manager or an admin. A bill above the management agreement\'s approval threshold (every bill, without an agreement) waits for an owner\'s approval; others are approved as entered. Pay it with `POST /v1/bills/{id}/payment`.',
      roles: ['manager', 'admin'],
      idempotent: true,
      request: { body: { content: { 'application/json': { schema: BillCreateSchema } }, required: true } },
      responses: {
        201: {
          ...json(BillSchema, 'The bill'),
          links: {
            GetBill: idLink('getBill', 'Read the bill'),
            ApproveBill: idLink('approveBill', 'Approve it (an owner of the property), when it waits for approval'),
            PayBill: idLink('payBill', 'Record its payment'),
            VoidBill: idLink('voidBill', 'Void it'),
          },
        },
        ...problems(404),
      },
    }),
    async (c) => {
      const { db } = c.get('deps');
      const p = c.get('principal');
      const body = c.req.valid('json');
      const property = await propertyPeople(db, body.propertyId);
      if (!property || !keepsBooks(p, property)) throw propertyNotKept();
      const [checks] = await db.query<{ unit: boolean; vendor: string | null; uploads: number }>(
        `select ($2::uuid is null or exists (select 1 from units where id = $2 and property_id = $1)) as unit,
                (select company from contractors where user_id = $3) as vendor,
                (select count(*)::int from uploads where id = any($4::uuid[])) as uploads`,
        { bind: [body.propertyId, body.unitId ?? null, body.vendorId ?? null, body.attachmentIds], type: QueryTypes.SELECT },
      );
      if (!checks!.unit) throw fieldError('unitId', 'no such unit of this property');
      if (body.vendorId && !checks!.vendor) throw fieldError('vendorId', 'no such contractor in the vendor directory');
      if (checks!.uploads !== new Set(body.attachmentIds).size) throw fieldError('attachmentIds', 'each must be an upload (POST /v1/uploads)');
      const agreement = await agreementOn(db, body.propertyId, body.billDate);
      if (agreement && agreement.currency !== body.amount.currency) throw fieldError('amount.currency', `must be the property's currency, ${agreement.currency}`);
      const bill = await createBill(db, {
        propertyId: body.propertyId,
        unitId: body.unitId ?? null,
        vendorId: body.vendorId ?? null,
        vendorName: body.vendorName ?? checks!.vendor!,
        account: body.account,
        amountMinor: body.amount.amountMinor,
        currency: body.amount.currency,
        description: body.description,
        invoiceNumber: body.invoiceNumber ?? null,
        billDate: body.billDate,
        dueOn: body.dueOn,
        attachmentIds: [...new Set(body.attachmentIds)],
        createdBy: p.userId,
      });
      return c.json(bill, 201, { location: `/v1/bills/${bill.id}` });
    },
  )
  .openapi(
    route({
      method: 'get',
      path: '/bills',
      operationId: 'listBills',
      tags,
      summary: 'Bills of the properties the caller may see, newest first',
      description: 'A manager sees their properties\' bills, an owner those of the properties they own a share of, staff all.',
      roles: ['manager', 'owner', 'admin', 'ops'],
      request: { query: PageQuerySchema.extend({ propertyId: z.uuid().optional(), status: z.enum(BILL_STATUSES).optional() }) },
      responses: { 200: json(BillListSchema, 'A page of bills') },
    }),
    async (c) => {
      const { db } = c.get('deps');
      const q = c.req.valid('query');
      const scope = await visibleProperties(db, c.get('principal'));
      const ids = await db.query<{ id: string }>(
        `select id from bills
          where ($1::uuid[] is null or property_id = any($1::uuid[])) and ($2::uuid is null or property_id = $2) and ($3::text is null or status = $3)
            and ($4::uuid is null or (created_at, id) < (select created_at, id from bills where id = $4))
          order by created_at desc, id desc limit $5`,
        { bind: [scope === 'all' ? null : scope, q.propertyId ?? null, q.status ?? null, q.after ?? null, q.limit + 1], type: QueryTypes.SELECT },
      );
      const page = ids.slice(0, q.limit);
      const items = (await Promise.all(page.map((r) => findBill(db, r.id)))).filter((b): b is Bill => Boolean(b));
      return c.json({ items, nextAfter: ids.length > q.limit ? page[page.length - 1]!.id : null }, 200);
    },
  )
  .openapi(
    route({
      method: 'get',
      path: '/bills/{id}',
      operationId: 'getBill',
      tags,
      summary: 'A bill',
      roles: ['manager', 'owner', 'admin', 'ops'],
      request: { params: IdParams },
      responses: { 200: json(BillSchema, 'The bill'), ...problems(404) },
    }),
    async (c) => c.json(await visibleBill(c, c.req.valid('param').id), 200),
  )
  .openapi(
    route({
      method: 'post',
      path: '/bills/{id}/approval',
      operationId: 'approveBill',
      tags,
      summary: 'Approve a bill that waits for an owner\'s approval',
      description: 'An owner of the bill\'s property, or an admin. Approving an approved bill answers it as it is.',
      roles: ['owner', 'admin'],
      request: { params: IdParams },
      responses: { 200: json(BillSchema, 'The bill, approved'), ...problems(404, 409) },
    }),
    async (c) => {
      const bill = await visibleBill(c, c.req.valid('param').id);
      const { db } = c.get('deps');
      const property = (await propertyPeople(db, bill.propertyId))!;
      if (!approvesForOwners(c.get('principal'), property)) throw new ApiProblem(403, 'forbidden', 'only an owner of the property (or an admin) approves its bills');
      return c.json(await inState(approveBill(db, bill.id, c.get('principal').userId)), 200);
    },
  )
  .openapi(
    route({
      method: 'post',
      path: '/bills/{id}/payment',
      operationId: 'payBill',
      tags,
      summary: 'Record a bill\'s payment (a transfer, card or check): it posts to the property\'s book',
      description: 'The property\'s manager or an admin. The bill must be approved; paying a paid bill answers it as it is (the ledger posting is keyed by the bill).',
      roles: ['manager', 'admin'],
      request: { params: IdParams, body: { content: { 'application/json': { schema: BillPaymentSchema } }, required: true } },
      responses: { 200: json(BillSchema, 'The bill, paid'), ...problems(404, 409) },
    }),
    async (c) => {
      const bill = await visibleBill(c, c.req.valid('param').id);
      const { db } = c.get('deps');
      if (!keepsBooks(c.get('principal'), (await propertyPeople(db, bill.propertyId))!)) throw new ApiProblem(403, 'forbidden', 'only the property\'s manager (or an admin) pays its bills');
      const body = c.req.valid('json');
      if (body.paidOn < bill.billDate) throw fieldError('paidOn', 'must not be before the bill\'s date');
      return c.json(await inState(payBill(db, bill.id, body)), 200);
    },
  )
  .openapi(
    route({
      method: 'post',
      path: '/bills/{id}/void',
      operationId: 'voidBill',
      tags,
      summary: 'Void a bill not yet paid',
      roles: ['manager', 'admin'],
      request: { params: IdParams, body: { content: { 'application/json': { schema: BillVoidSchema } }, required: true } },
      responses: { 200: json(BillSchema, 'The bill, void'), ...problems(404, 409) },
    }),
    async (c) => {
      const bill = await visibleBill(c, c.req.valid('param').id);
      const { db } = c.get('deps');
      if (!keepsBooks(c.get('principal'), (await propertyPeople(db, bill.propertyId))!)) throw new ApiProblem(403, 'forbidden', 'only the property\'s manager (or an admin) voids its bills');
      return c.json(await inState(voidBill(db, bill.id, c.req.valid('json').reason)), 200);
    },
  );
