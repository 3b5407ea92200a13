/** The zoning check of a parcel: a proposed use and building against its district's rules (domain/land/zoning.ts). */
import { OpenAPIHono } from '@hono/zod-openapi';
import { zoningCheck } from '../../../domain/land/zoning';
import type { AppEnv } from '../../deps';
import { fieldError } from '../../problem';
import { IdParams, json, problems, route } from '../../route';
import { findParcel } from './access';
import { ZoningCheckRequestDoc, ZoningCheckResultDoc } from './schemas';

export const parcelZoningRouter = new OpenAPIHono<AppEnv>().openapi(
  route({
    method: 'post',
    path: '/parcels/{id}/zoning-check',
    operationId: 'checkParcelZoning',
    tags: ['Land'],
    summary: 'Check a proposed use and building against a parcel\'s zoning',
    description: [
      'Any authenticated user may check any parcel (parcels are public records); an id that is no parcel\'s is 404. Nothing is recorded.',
      'Answers `by_right`, `conditional` (a conditional use permit or variances are needed: `needs` names each) or `prohibited` (the use is not allowed in the district: rezoning).',
      'Every rule is checked, with the figure required, the figure proposed and the rule it comes from (`source`), and `zoningDataDate` is the date of the district\'s data.',
      'Lot coverage is `footprintSqft` over the lot\'s area; the floor-area ratio is `footprintSqft` × `floors` over the lot\'s area (every floor as large as the footprint).',
      'The lot\'s area is the parcel\'s, in whole square feet. `setbacksFt.side` is the smaller side yard.',
      'A `footprintSqft` larger than the lot is 422 naming `building.footprintSqft`.',
    ].join(' '),
    roles: 'any',
    request: {
      params: IdParams,
      body: { content: { 'application/json': { schema: ZoningCheckRequestDoc } }, required: true },
    },
    responses: { 200: json(ZoningCheckResultDoc, 'The check, rule by rule'), ...problems(400, 401, 404, 415, 422) },
  }),
  async (c) => {
    const { parcel, district } = await findParcel(c.req.valid('param').id);
    const { use, building } = c.req.valid('json');
    if (building.footprintSqft > parcel.areaSqft) {
      throw fieldError('building.footprintSqft', `is larger than the lot (${parcel.areaSqft} sqft)`);
    }
    const result = zoningCheck(
      { areaSqft: parcel.areaSqft },
      { jurisdiction: district.jurisdiction, code: district.code, rules: district.rules, effectiveDate: district.effectiveDate },
      { use, footprintSqft: building.footprintSqft, heightFt: building.heightFt, floors: building.floors, setbacksFt: building.setbacksFt },
    );
    return c.json({ parcelId: parcel.propertyId, ...result, district: { ...result.district, name: district.name } }, 200);
  },
);
