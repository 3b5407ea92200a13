/** The Postgres connection (Sequelize over pg). Schema comes from migrations only, never sync(). */
import pg from 'pg';
import { Sequelize } from 'sequelize';
import type { Config } from './config';

// int8 columns hold money in minor units and counts; we keep them within
// JavaScript's exact integer range and refuse anything beyond it.
pg.types.setTypeParser(pg.types.builtins.INT8, (value: string) => {
  const n = Number(value);
  if (!Number.isSafeInteger(n)) throw new RangeError(`int8 value ${value} exceeds the exact integer range`);
  return n;
});
// numeric (bathrooms) is a plain number here, never money.
pg.types.setTypeParser(pg.types.builtins.NUMERIC, (value: string) => Number(value));

export function createSequelize(config: Pick<Config, 'postgres'>, options: { poolMax?: number } = {}): Sequelize {
  return new Sequelize(config.postgres.url, {
    dialect: 'postgres',
    dialectModule: pg,
    logging: false,
    pool: { max: options.poolMax ?? config.postgres.poolMax, min: 0, idle: 10_000, acquire: 30_000 },
    define: { underscored: true, timestamps: true },
  });
}
