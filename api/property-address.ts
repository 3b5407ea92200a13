/** A property's postal address on one line, as documents and e-mails print it. */
import type { Property } from '../models';

export function formatAddress(p: Property): string {
  const parts = [p.addressLine1, p.addressLine2, p.city, [p.region, p.postalCode].filter(Boolean).join(' '), p.country];
  return parts.filter((x): x is string => Boolean(x && x.trim())).join(', ').slice(0, 300);
}
