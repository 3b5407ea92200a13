/** An inspection as the API answers it: its state, the property's address, and where its PDFs are. */
import type { InspectionState } from '../../../contracts/inspection';

export const documentHref = (inspectionId: string, documentId: string) => `/v1/inspections/${inspectionId}/documents/${documentId}`;

export function inspectionView(state: InspectionState, address: string, readFrom: 'workflow' | 'database') {
  return {
    ...state,
    address,
    documents: state.documents.map((d) => ({ ...d, href: documentHref(state.inspectionId, d.documentId) })),
    readFrom,
  };
}
