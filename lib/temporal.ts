/** Connecting to Temporal, and making sure the namespace knows our search attributes. */
import fs from 'node:fs';
import { Client, Connection } from '@temporalio/client';
import type { Config } from './config';
import { CUSTOM_SEARCH_ATTRIBUTES } from '../domain/search-attributes';
import { encodeSearchAttributeIndexedValueType } from '@temporalio/common/lib/search-attributes';

export function connectionOptions(config: Pick<Config, 'temporal'>) {
  const t = config.temporal;
  const tls =
    t.tls || t.tlsCertPath
      ? {
          clientCertPair:
            t.tlsCertPath && t.tlsKeyPath
              ? { crt: fs.readFileSync(t.tlsCertPath), key: fs.readFileSync(t.tlsKeyPath) }
              : undefined,
        }
      : undefined;
  return { address: t.address, tls, apiKey: t.apiKey };
}

export async function connectTemporal(config: Pick<Config, 'temporal'>) {
  const connection = await Connection.connect(connectionOptions(config));
  const client = new Client({ connection, namespace: config.temporal.namespace });
  return { connection, client };
}

/** Registers any custom search attribute the namespace lacks; idempotent. */
export async function ensureSearchAttributes(connection: Connection, namespace: string) {
  const existing = await connection.operatorService.listSearchAttributes({ namespace });
  const missing = CUSTOM_SEARCH_ATTRIBUTES.filter((k) => !(k.name in (existing.customAttributes ?? {})));
  if (!missing.length) return [];
  await connection.operatorService.addSearchAttributes({
    namespace,
    searchAttributes: Object.fromEntries(missing.map((k) => [k.name, encodeSearchAttributeIndexedValueType(k.type)!])),
  });
  return missing.map((k) => k.name);
}
