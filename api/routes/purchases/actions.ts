/**
 * People's decisions on a purchase, each carried to its workflow as an
 * Update (contracts/purchase.ts) by a route declared with updateRoute: who
 * may act (access.ts: a side, the buyer, or staff), the body, the Update's
 * arguments. The workflow's validators say whose turn and which stage; a
 * refusal is 409 with their reason.
 */
import { OpenAPIHono } from '@hono/zod-openapi';
import {
  acceptOfferUpdate,
  closingDisclosureUpdate,
  contingencyUpdate,
  counterOfferUpdate,
  depositEarnestMoneyUpdate,
  recordFundsUpdate,
  rejectOfferUpdate,
  reviewDocumentUpdate,
  satisfyTitleRequirementUpdate,
  submitDocumentUpdate,
  terminateUpdate,
  withdrawOfferUpdate,
  type PurchaseState,
} from '../../../contracts/purchase';
import type { AppEnv } from '../../deps';
import { updateRoute } from '../../update-route';
import { purchaseTarget } from './access';
import {
  AcceptSchema,
  ContingencyActionSchema,
  CounterSchema,
  DisclosureSchema,
  DocumentReviewSchema,
  DocumentSubmissionSchema,
  EarnestMoneySchema,
  FundsSchema,
  PurchaseStateSchema,
  RejectSchema,
  TerminationSchema,
  TitleRequirementSchema,
  WithdrawSchema,
} from './schemas';

const tags = ['Purchases'];
const PARTIES = ['buyer', 'seller', 'owner', 'manager', 'admin'] as const;
const STAFF = ['admin', 'manager'] as const;
const respond = (state: PurchaseState) => ({ ...state, source: 'workflow' as const });
const common = { tags, response: PurchaseStateSchema, responseDescription: 'The purchase after the change', respond };

const routes = [
  updateRoute({
    ...common,
    path: '/purchases/{id}/counter-offers',
    summary: 'Counter the open offer (rejects it and makes a new round the other side answers)',
    description: 'Only the side whose turn it is, while negotiating and before the round lapses.',
    roles: [...PARTIES],
    body: CounterSchema,
    target: purchaseTarget('side'),
    update: counterOfferUpdate,
    args: ({ terms }, t) => ({ ...t.actor, terms }),
  }),
  updateRoute({
    ...common,
    path: '/purchases/{id}/acceptance',
    summary: 'Accept the open offer or counter: under contract, or a backup if the listing is already under contract',
    description: 'Only the side whose turn it is, before the round lapses. `others` rejects the listing\'s other open offers or keeps them as ordered backups.',
    roles: [...PARTIES],
    body: AcceptSchema,
    target: purchaseTarget('side'),
    update: acceptOfferUpdate,
    args: ({ others }, t) => ({ ...t.actor, others }),
  }),
  updateRoute({
    ...common,
    path: '/purchases/{id}/rejection',
    summary: 'Reject the open offer or counter (final)',
    roles: [...PARTIES],
    body: RejectSchema,
    target: purchaseTarget('side'),
    update: rejectOfferUpdate,
    args: ({ reason }, t) => ({ ...t.actor, ...(reason ? { reason } : {}) }),
  }),
  updateRoute({
    ...common,
    path: '/purchases/{id}/withdrawal',
    summary: 'Withdraw an offer or counter (its maker), or a backup offer (the buyer): final',
    roles: [...PARTIES],
    body: WithdrawSchema,
    target: purchaseTarget('side'),
    update: withdrawOfferUpdate,
    args: (_body, t) => t.actor,
  }),
  updateRoute({
    ...common,
    path: '/purchases/{id}/earnest-money',
    summary: 'Pay the earnest money into escrow with a saved card',
    description: 'The buyer, once under contract, by its due date (otherwise the contract is void). A declined card leaves it unpaid: pay again with another.',
    roles: ['buyer', 'manager', 'admin'],
    body: EarnestMoneySchema,
    target: purchaseTarget('buyer'),
    update: depositEarnestMoneyUpdate,
    args: ({ paymentMethod }, t) => ({ ...t.actor, paymentMethod }),
  }),
  updateRoute({
    ...common,
    path: '/purchases/{id}/contingencies',
    summary: 'Satisfy, waive or fail a contingency',
    description: 'The buyer decides their contingencies; the lender\'s financing decision may be recorded by staff. A failed contingency ends the contract and refunds the earnest money.',
    roles: [...PARTIES],
    body: ContingencyActionSchema,
    // The buyer decides their contingencies; staff who are not a party record the lender's financing decision.
    target: purchaseTarget('side_or_staff'),
    update: contingencyUpdate,
    args: ({ kind, action, note }, t) => ({ ...t.actor, kind, action, ...(note ? { note } : {}) }),
  }),
  updateRoute({
    ...common,
    path: '/purchases/{id}/documents',
    summary: 'Submit a checklist document (a document id from the document store)',
    roles: [...PARTIES],
    body: DocumentSubmissionSchema,
    target: purchaseTarget('side'),
    update: submitDocumentUpdate,
    args: (b, t) => ({ ...t.actor, ...b }),
  }),
  updateRoute({
    ...common,
    path: '/purchases/{id}/document-reviews',
    summary: 'Approve a submitted checklist document, or return it with a reason (broker or manager)',
    roles: [...STAFF],
    body: DocumentReviewSchema,
    target: purchaseTarget('staff'),
    update: reviewDocumentUpdate,
    args: ({ kind, decision, reason }, t) => ({ ...t.actor, kind, decision, ...(reason ? { reason } : {}) }),
  }),
  updateRoute({
    ...common,
    path: '/purchases/{id}/title-requirements',
    summary: 'Record what satisfies a title requirement (title officer)',
    roles: [...STAFF],
    body: TitleRequirementSchema,
    target: purchaseTarget('staff'),
    update: satisfyTitleRequirementUpdate,
    args: (b, t) => ({ ...t.actor, ...b }),
  }),
  updateRoute({
    ...common,
    path: '/purchases/{id}/closing-disclosure',
    summary: 'Record that the buyer received the closing disclosure (or a revision): the TRID wait starts or restarts',
    description: 'A financed purchase closes no sooner than three business days (Sundays and federal holidays excluded) after the buyer received it; a revision restarts the wait only for an APR up by more than 0.125 points, another loan product, or a prepayment penalty added.',
    roles: [...STAFF],
    body: DisclosureSchema,
    target: purchaseTarget('staff'),
    update: closingDisclosureUpdate,
    args: (b, t) => ({ ...t.actor, ...b }),
  }),
  updateRoute({
    ...common,
    path: '/purchases/{id}/funds',
    summary: 'Record the buyer\'s and the lender\'s closing funds received in escrow',
    roles: [...STAFF],
    body: FundsSchema,
    target: purchaseTarget('staff'),
    update: recordFundsUpdate,
    args: ({ reference }, t) => ({ ...t.actor, reference }),
  }),
  updateRoute({
    ...common,
    path: '/purchases/{id}/termination',
    summary: 'End the contract: the buyer walks away (refund while a contingency protects them, else released to the seller), or staff record a mutual release',
    roles: [...PARTIES],
    body: TerminationSchema,
    target: purchaseTarget('side_or_staff'),
    update: terminateUpdate,
    args: ({ reason }, t) => ({ ...t.actor, reason }),
  }),
];

export const purchaseActionsRouter = new OpenAPIHono<AppEnv>();
for (const register of routes) register(purchaseActionsRouter);
