/**
 * Land over HTTP: registering a parcel (create.ts), reading and searching
 * parcels (reads.ts), checking a proposal against a parcel's zoning
 * (zoning-check.ts) and the zoning districts themselves (zoning-districts.ts).
 * Who may do what is in access.ts; the shapes in schemas.ts and
 * contracts/parcel.schema.ts.
 */
import { OpenAPIHono } from '@hono/zod-openapi';
import type { AppEnv } from '../../deps';
import { parcelCreateRouter } from './create';
import { parcelReadsRouter } from './reads';
import { parcelZoningRouter } from './zoning-check';
import { zoningDistrictsRouter } from './zoning-districts';

export const parcelsRouter = new OpenAPIHono<AppEnv>();
parcelsRouter.route('/', parcelCreateRouter);
parcelsRouter.route('/', parcelReadsRouter);
parcelsRouter.route('/', parcelZoningRouter);
parcelsRouter.route('/', zoningDistrictsRouter);
