/** All models, bound to one Sequelize instance. */
import type { Sequelize } from 'sequelize';
import { ImportBatch } from './import-batch';
import { Listing } from './listing';
import { Property } from './property';
import { Unit } from './unit';
import { User } from './user';

export { ImportBatch, Listing, Property, Unit, User };

export function initModels(sequelize: Sequelize) {
  for (const model of [User, Property, Unit, Listing, ImportBatch]) model.initModel(sequelize);
  return { User, Property, Unit, Listing, ImportBatch };
}
