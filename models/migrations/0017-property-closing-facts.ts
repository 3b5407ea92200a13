import { DataTypes, type QueryInterface } from 'sequelize';

/**
 * What a sale needs to know of a property beyond its listing: the county its
 * deeds are recorded in, its legal description, its annual property tax and
 * monthly HOA dues (prorated at closing, in the listing's currency). All
 * optional: a purchase falls back to the city and the street address, and
 * prorates nothing it does not know.
 */
export async function up({ context: qi }: { context: QueryInterface }) {
  await qi.sequelize.transaction(async (transaction) => {
    await qi.addColumn('properties', 'county', { type: DataTypes.TEXT }, { transaction });
    await qi.addColumn('properties', 'legal_description', { type: DataTypes.TEXT }, { transaction });
    await qi.addColumn('properties', 'annual_property_tax_minor', { type: DataTypes.BIGINT }, { transaction });
    await qi.addColumn('properties', 'monthly_hoa_dues_minor', { type: DataTypes.BIGINT }, { transaction });
    await qi.sequelize.query(
      `alter table properties
         add constraint properties_property_tax_check check (annual_property_tax_minor is null or annual_property_tax_minor >= 0),
         add constraint properties_hoa_dues_check check (monthly_hoa_dues_minor is null or monthly_hoa_dues_minor >= 0)`,
      { transaction },
    );
  });
}

export async function down({ context: qi }: { context: QueryInterface }) {
  await qi.sequelize.transaction(async (transaction) => {
    for (const c of ['county', 'legal_description', 'annual_property_tax_minor', 'monthly_hoa_dues_minor']) await qi.removeColumn('properties', c, { transaction });
  });
}
