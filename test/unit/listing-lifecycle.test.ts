import { randomUUID } from 'node:crypto';
import { LISTING_STATUSES, statusChangeProblem, type ListingPurpose, type ListingStatus } from '../../domain/listing';
import { ListingCreateSchema, ListingUpdateSchema } from '../../contracts/listing.schema';

describe('statusChangeProblem', () => {
  it.each<[ListingPurpose, ListingStatus, ListingStatus]>([
    ['sale', 'draft', 'active'],
    ['sale', 'draft', 'withdrawn'],
    ['sale', 'active', 'under_contract'],
    ['sale', 'active', 'withdrawn'],
    ['sale', 'active', 'sold'],
    ['sale', 'under_contract', 'sold'],
    ['sale', 'under_contract', 'active'],
    ['sale', 'under_contract', 'withdrawn'],
    ['sale', 'withdrawn', 'active'],
    ['sale', 'withdrawn', 'draft'],
    ['rent', 'active', 'rented'],
    ['rent', 'under_contract', 'rented'],
    ['rent', 'draft', 'active'],
    ['rent', 'withdrawn', 'active'],
  ])('allows a %s listing to go %s -> %s', (purpose, from, to) => {
    expect(statusChangeProblem(purpose, from, to)).toBeUndefined();
  });

  it.each<[ListingPurpose, ListingStatus, ListingStatus]>([
    ['sale', 'sold', 'active'],
    ['sale', 'sold', 'under_contract'],
    ['sale', 'sold', 'withdrawn'],
    ['sale', 'sold', 'draft'],
    ['sale', 'draft', 'under_contract'],
    ['sale', 'active', 'draft'],
    ['sale', 'under_contract', 'draft'],
    ['sale', 'withdrawn', 'under_contract'],
    ['rent', 'rented', 'active'],
    ['rent', 'rented', 'draft'],
    ['rent', 'draft', 'rented'],
    ['rent', 'withdrawn', 'rented'],
  ])('forbids a %s listing going %s -> %s', (purpose, from, to) => {
    expect(statusChangeProblem(purpose, from, to)).toBe(`a ${from} listing cannot become ${to}`);
  });

  it('forbids draft -> sold for a listing for sale', () => {
    expect(statusChangeProblem('sale', 'draft', 'sold')).toBe('a draft listing cannot become sold');
    expect(statusChangeProblem('sale', 'withdrawn', 'sold')).toBe('a withdrawn listing cannot become sold');
  });

  it('never lets a rental be sold, from any status', () => {
    for (const from of LISTING_STATUSES.filter((s) => s !== 'sold')) {
      expect(statusChangeProblem('rent', from, 'sold')).toBe('only a listing for sale can be sold');
    }
  });

  it('never lets a listing for sale be rented, from any status', () => {
    for (const from of LISTING_STATUSES.filter((s) => s !== 'rented')) {
      expect(statusChangeProblem('sale', from, 'rented')).toBe('only a listing for rent can be rented');
    }
  });

  it('accepts keeping the same status, whatever it is', () => {
    for (const purpose of ['sale', 'rent'] as const) {
      for (const s of LISTING_STATUSES) expect(statusChangeProblem(purpose, s, s)).toBeUndefined();
    }
  });

  it('treats sold and rented as terminal', () => {
    for (const to of LISTING_STATUSES) {
      if (to !== 'sold') expect(statusChangeProblem('sale', 'sold', to)).toBeDefined();
      if (to !== 'rented') expect(statusChangeProblem('rent', 'rented', to)).toBeDefined();
    }
  });
});

describe('ListingCreateSchema', () => {
  const valid = () => ({
    propertyId: randomUUID(),
    purpose: 'sale',
    price: { amountMinor: 21_500_000, currency: 'USD' },
  });

  it('accepts a minimal listing and fills in the defaults', () => {
    const parsed = ListingCreateSchema.parse(valid());
    expect(parsed).toMatchObject({ purpose: 'sale', status: 'draft', description: '', features: [], media: [] });
    expect(parsed.price).toEqual({ amountMinor: 21_500_000, currency: 'USD' });
  });

  it('trims descriptions and features and defaults media kind to photo', () => {
    const parsed = ListingCreateSchema.parse({
      ...valid(),
      description: '  Bright corner house  ',
      features: [' deck '],
      media: [{ url: 'https://img.example.com/1.jpg' }],
    });
    expect(parsed.description).toBe('Bright corner house');
    expect(parsed.features).toEqual(['deck']);
    expect(parsed.media).toEqual([{ url: 'https://img.example.com/1.jpg', kind: 'photo' }]);
  });

  it('rejects an unsupported currency', () => {
    const r = ListingCreateSchema.safeParse({ ...valid(), price: { amountMinor: 100, currency: 'XYZ' } });
    expect(r.success).toBe(false);
    expect(r.error!.issues.map((i) => i.path.join('.'))).toContain('price.currency');
  });

  it.each([-1, 1.5, Number.MAX_SAFE_INTEGER + 2, Number.NaN])('rejects amountMinor %p', (amountMinor) => {
    const r = ListingCreateSchema.safeParse({ ...valid(), price: { amountMinor, currency: 'USD' } });
    expect(r.success).toBe(false);
    expect(r.error!.issues.map((i) => i.path.join('.'))).toContain('price.amountMinor');
  });

  it('rejects a string amount, a bad property id, a bad purpose and a status beyond draft/active', () => {
    expect(ListingCreateSchema.safeParse({ ...valid(), price: { amountMinor: '100', currency: 'USD' } }).success).toBe(false);
    expect(ListingCreateSchema.safeParse({ ...valid(), propertyId: 'not-a-uuid' }).success).toBe(false);
    expect(ListingCreateSchema.safeParse({ ...valid(), purpose: 'lease' }).success).toBe(false);
    expect(ListingCreateSchema.safeParse({ ...valid(), status: 'sold' }).success).toBe(false);
    expect(ListingCreateSchema.safeParse({ ...valid(), status: 'active' }).success).toBe(true);
  });

  it('rejects a listedAt that is not a calendar date', () => {
    expect(ListingCreateSchema.safeParse({ ...valid(), listedAt: '2024-02-30' }).success).toBe(false);
    expect(ListingCreateSchema.safeParse({ ...valid(), listedAt: '2024-02-29T00:00:00Z' }).success).toBe(false);
    expect(ListingCreateSchema.safeParse({ ...valid(), listedAt: '2024-02-29' }).success).toBe(true);
  });
});

describe('ListingUpdateSchema', () => {
  it('rejects an empty patch', () => {
    const r = ListingUpdateSchema.safeParse({});
    expect(r.success).toBe(false);
    expect(r.error!.issues[0]!.message).toBe('give at least one field to change');
  });

  it('accepts a patch of a single field', () => {
    expect(ListingUpdateSchema.parse({ status: 'withdrawn' })).toEqual({ status: 'withdrawn' });
    expect(ListingUpdateSchema.parse({ price: { amountMinor: 0, currency: 'JPY' } })).toEqual({
      price: { amountMinor: 0, currency: 'JPY' },
    });
  });

  it('rejects a bad currency in price or soldPrice', () => {
    expect(ListingUpdateSchema.safeParse({ price: { amountMinor: 1, currency: 'usd' } }).success).toBe(false);
    expect(ListingUpdateSchema.safeParse({ soldPrice: { amountMinor: 1, currency: 'BTC' } }).success).toBe(false);
  });

  it('rejects negative or fractional amountMinor', () => {
    for (const amountMinor of [-100, 0.5, 99.99]) {
      const r = ListingUpdateSchema.safeParse({ price: { amountMinor, currency: 'USD' } });
      expect(r.success).toBe(false);
      expect(r.error!.issues[0]!.path).toEqual(['price', 'amountMinor']);
      expect(ListingUpdateSchema.safeParse({ soldPrice: { amountMinor, currency: 'USD' } }).success).toBe(false);
    }
  });

  it('rejects an unknown status', () => {
    expect(ListingUpdateSchema.safeParse({ status: 'archived' }).success).toBe(false);
  });
});
