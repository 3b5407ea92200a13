/** What kinds of property the platform knows. */
export const PROPERTY_TYPES = ['house', 'apartment', 'condo', 'townhouse', 'land', 'commercial'] as const;
export type PropertyType = (typeof PROPERTY_TYPES)[number];
