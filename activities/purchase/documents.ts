/**
 * The purchase's PDFs: the agreement once accepted, and at closing the
 * settlement statement and the deed; each stored once per purchase in the
 * platform's document store (a retry finds the one it stored).
 */
import { renderDeed } from '../../lib/documents/deed';
import { sha256 } from '../../lib/documents/pdf';
import { renderPurchaseAgreement } from '../../lib/documents/purchase-agreement';
import { renderSettlementStatement } from '../../lib/documents/settlement-statement';
import { settlementStatement } from '../../domain/purchase/settlement';
import type { PurchaseActivities } from '../../contracts/purchase';
import type { DocumentStore } from '../documents/store';

export function createPurchaseDocuments(documents: DocumentStore): Pick<PurchaseActivities, 'renderPurchaseDocument'> {
  return {
    async renderPurchaseDocument({ purchaseId, kind, state, subject, settlement }) {
      const about = { type: 'purchase' as const, id: purchaseId };
      const existing = await documents.findOne(about, kind);
      const names = (people: { name: string }[]) => people.map((p) => p.name);
      const terms = state.contract!;
      const pdf =
        kind === 'purchase_agreement'
          ? await renderPurchaseAgreement({
              purchaseId,
              propertyAddress: subject.address,
              legalDescription: subject.legalDescription,
              buyers: names(state.parties.buyers),
              sellers: names(state.parties.sellers),
              terms,
              acceptedOn: state.acceptedOn!,
              deadlines: state.contingencies.map((c) => ({ kind: c.kind, deadline: c.deadline })),
              earnestMoneyDueOn: state.escrow.dueOn!,
            })
          : kind === 'settlement_statement'
            ? await renderSettlementStatement({
                purchaseId,
                propertyAddress: subject.address,
                buyers: names(state.parties.buyers),
                sellers: names(state.parties.sellers),
                statement: settlementStatement(settlement!),
              })
            : await renderDeed({
                purchaseId,
                kind: 'warranty',
                grantors: names(state.parties.sellers),
                grantees: names(state.parties.buyers),
                legalDescription: subject.legalDescription,
                propertyAddress: subject.address,
                considerationMinor: terms.priceMinor,
                currency: terms.currency,
                county: subject.county,
                state: subject.state,
                date: state.closing.statement?.closingDate ?? state.acceptedOn!,
              });
      if (existing) return { documentId: existing, sha256: sha256(await documents.content(existing)) };
      return { documentId: await documents.store(about, kind, pdf), sha256: pdf.sha256 };
    },
  };
}
