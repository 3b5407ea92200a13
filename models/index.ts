/** All models, bound to one Sequelize instance. */
import type { Sequelize } from 'sequelize';
import { ImportBatch } from './import-batch';
import { Listing } from './listing';
import { Parcel } from './parcel';
import { Property } from './property';
import { Unit } from './unit';
import { User } from './user';
import { ZoningDistrict } from './zoning-district';

export { ImportBatch, Listing, Property, Unit, User };
export { Parcel, ZoningDistrict };

export function initModels(sequelize: Sequelize) {
  for (const model of [User, Property, Unit, Listing, ImportBatch]) model.initModel(sequelize);
  for (const model of [ZoningDistrict, Parcel]) model.initModel(sequelize);
  return { User, Property, Unit, Listing, ImportBatch, ZoningDistrict, Parcel };
}
