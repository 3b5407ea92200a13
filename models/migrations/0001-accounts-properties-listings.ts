import { DataTypes, type QueryInterface } from 'sequelize';

const id = { type: DataTypes.UUID, primaryKey: true, defaultValue: DataTypes.UUIDV4 } as const;
const timestamps = {
  created_at: { type: DataTypes.DATE, allowNull: false, defaultValue: DataTypes.NOW },
  updated_at: { type: DataTypes.DATE, allowNull: false, defaultValue: DataTypes.NOW },
} as const;

export async function up({ context: qi }: { context: QueryInterface }) {
  await qi.sequelize.transaction(async (transaction) => {
    await qi.createTable(
      'users',
      {
        id,
        email: { type: DataTypes.TEXT, allowNull: false },
        name: { type: DataTypes.TEXT, allowNull: false },
        roles: { type: DataTypes.ARRAY(DataTypes.TEXT), allowNull: false, defaultValue: [] },
        ...timestamps,
      },
      { transaction },
    );
    await qi.sequelize.query('create unique index users_email_unique on users (lower(email))', { transaction });

    await qi.createTable(
      'properties',
      {
        id,
        owner_id: { type: DataTypes.UUID, allowNull: false, references: { model: 'users', key: 'id' } },
        manager_id: { type: DataTypes.UUID, allowNull: true, references: { model: 'users', key: 'id' } },
        type: { type: DataTypes.TEXT, allowNull: false },
        address_line1: { type: DataTypes.TEXT },
        address_line2: { type: DataTypes.TEXT },
        city: { type: DataTypes.TEXT, allowNull: false },
        region: { type: DataTypes.TEXT, allowNull: false },
        postal_code: { type: DataTypes.TEXT },
        country: { type: DataTypes.CHAR(2), allowNull: false },
        lat: { type: DataTypes.DOUBLE, allowNull: false },
        lon: { type: DataTypes.DOUBLE, allowNull: false },
        bedrooms: { type: DataTypes.INTEGER },
        bathrooms: { type: DataTypes.DECIMAL(5, 1) },
        living_area_sqft: { type: DataTypes.INTEGER },
        lot_area_sqft: { type: DataTypes.BIGINT },
        year_built: { type: DataTypes.INTEGER },
        zoning_code: { type: DataTypes.TEXT },
        neighborhood: { type: DataTypes.TEXT },
        external_ref: { type: DataTypes.TEXT, unique: true },
        ...timestamps,
      },
      { transaction },
    );
    await qi.sequelize.query(
      `alter table properties
         add constraint properties_type_check check (type in ('house','apartment','condo','townhouse','land','commercial')),
         add constraint properties_lat_check check (lat between -90 and 90),
         add constraint properties_lon_check check (lon between -180 and 180)`,
      { transaction },
    );
    await qi.addIndex('properties', ['owner_id'], { transaction });
    await qi.addIndex('properties', ['manager_id'], { transaction });

    await qi.createTable(
      'units',
      {
        id,
        property_id: {
          type: DataTypes.UUID,
          allowNull: false,
          references: { model: 'properties', key: 'id' },
          onDelete: 'CASCADE',
        },
        label: { type: DataTypes.TEXT, allowNull: false },
        bedrooms: { type: DataTypes.INTEGER },
        bathrooms: { type: DataTypes.DECIMAL(5, 1) },
        living_area_sqft: { type: DataTypes.INTEGER },
        floor: { type: DataTypes.INTEGER },
        ...timestamps,
      },
      { transaction },
    );
    await qi.addIndex('units', ['property_id', 'label'], { unique: true, transaction });

    await qi.createTable(
      'listings',
      {
        id,
        property_id: { type: DataTypes.UUID, allowNull: false, references: { model: 'properties', key: 'id' } },
        unit_id: { type: DataTypes.UUID, allowNull: true, references: { model: 'units', key: 'id' } },
        purpose: { type: DataTypes.TEXT, allowNull: false },
        status: { type: DataTypes.TEXT, allowNull: false },
        price_minor: { type: DataTypes.BIGINT, allowNull: false },
        currency: { type: DataTypes.CHAR(3), allowNull: false },
        description: { type: DataTypes.TEXT, allowNull: false, defaultValue: '' },
        features: { type: DataTypes.ARRAY(DataTypes.TEXT), allowNull: false, defaultValue: [] },
        media: { type: DataTypes.JSONB, allowNull: false, defaultValue: [] },
        listed_at: { type: DataTypes.DATEONLY },
        closed_at: { type: DataTypes.DATEONLY },
        sold_price_minor: { type: DataTypes.BIGINT },
        external_ref: { type: DataTypes.TEXT, unique: true },
        version: { type: DataTypes.INTEGER, allowNull: false, defaultValue: 1 },
        ...timestamps,
      },
      { transaction },
    );
    await qi.sequelize.query(
      `alter table listings
         add constraint listings_purpose_check check (purpose in ('sale','rent')),
         add constraint listings_status_check check (status in ('draft','active','under_contract','sold','rented','withdrawn')),
         add constraint listings_price_check check (price_minor >= 0),
         add constraint listings_sold_price_check check (sold_price_minor is null or sold_price_minor >= 0)`,
      { transaction },
    );
    await qi.addIndex('listings', ['property_id'], { transaction });
    await qi.addIndex('listings', ['status'], { transaction });
    await qi.addIndex('listings', ['updated_at'], { transaction });

    await qi.createTable(
      'idempotency_keys',
      {
        principal: { type: DataTypes.TEXT, primaryKey: true },
        key: { type: DataTypes.TEXT, primaryKey: true },
        method: { type: DataTypes.TEXT, allowNull: false },
        path: { type: DataTypes.TEXT, allowNull: false },
        request_hash: { type: DataTypes.TEXT, allowNull: false },
        state: { type: DataTypes.TEXT, allowNull: false },
        status_code: { type: DataTypes.INTEGER },
        response_body: { type: DataTypes.TEXT },
        response_headers: { type: DataTypes.JSONB },
        ...timestamps,
      },
      { transaction },
    );

    await qi.createTable(
      'import_batches',
      {
        id,
        source: { type: DataTypes.TEXT, allowNull: false },
        format: { type: DataTypes.TEXT, allowNull: false },
        status: { type: DataTypes.TEXT, allowNull: false },
        owner_id: { type: DataTypes.UUID, allowNull: false, references: { model: 'users', key: 'id' } },
        created_by: { type: DataTypes.UUID, allowNull: true, references: { model: 'users', key: 'id' } },
        content: { type: DataTypes.TEXT, allowNull: false },
        total_rows: { type: DataTypes.INTEGER },
        created_count: { type: DataTypes.INTEGER, allowNull: false, defaultValue: 0 },
        updated_count: { type: DataTypes.INTEGER, allowNull: false, defaultValue: 0 },
        unchanged_count: { type: DataTypes.INTEGER, allowNull: false, defaultValue: 0 },
        rejected_count: { type: DataTypes.INTEGER, allowNull: false, defaultValue: 0 },
        rejections: { type: DataTypes.JSONB, allowNull: false, defaultValue: [] },
        workflow_id: { type: DataTypes.TEXT },
        started_at: { type: DataTypes.DATE },
        finished_at: { type: DataTypes.DATE },
        ...timestamps,
      },
      { transaction },
    );

    // One row per imported chunk, written in the chunk's own transaction, so a
    // retried chunk reports what it did the first time instead of "unchanged".
    await qi.createTable(
      'import_chunks',
      {
        batch_id: {
          type: DataTypes.UUID,
          primaryKey: true,
          references: { model: 'import_batches', key: 'id' },
          onDelete: 'CASCADE',
        },
        chunk_index: { type: DataTypes.INTEGER, primaryKey: true },
        created_count: { type: DataTypes.INTEGER, allowNull: false },
        updated_count: { type: DataTypes.INTEGER, allowNull: false },
        unchanged_count: { type: DataTypes.INTEGER, allowNull: false },
        listing_ids: { type: DataTypes.ARRAY(DataTypes.UUID), allowNull: false },
        created_at: { type: DataTypes.DATE, allowNull: false, defaultValue: DataTypes.NOW },
      },
      { transaction },
    );
  });
}

export async function down({ context: qi }: { context: QueryInterface }) {
  await qi.sequelize.transaction(async (transaction) => {
    for (const table of ['import_chunks', 'import_batches', 'idempotency_keys', 'listings', 'units', 'properties', 'users']) {
      await qi.dropTable(table, { transaction });
    }
  });
}
