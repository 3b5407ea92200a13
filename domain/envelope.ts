/** A signing envelope's vocabulary (its contract is contracts/envelope.ts). */
export const ENVELOPE_STATUSES = ['sent', 'completed', 'declined', 'expired', 'voided'] as const;
export const ENVELOPE_SIGNER_STATUSES = ['waiting', 'to_sign', 'signed', 'declined'] as const;
