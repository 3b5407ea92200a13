/**
 * The one typed configuration of the platform, read from the environment and
 * validated at start. A missing or invalid value stops the process with a
 * message naming the variable.
 *
 * Every external address has an embedded default. Setting one of
 * TEMPORAL_ADDRESS, DATABASE_URL, ELASTICSEARCH_URL or STRIPE_SECRET_KEY /
 * STRIPE_API_BASE points the platform at that service instead, and the
 * service manager (scripts/services.ts) then starts no embedded copy of it.
 */
import { isIP } from 'node:net';
import path from 'node:path';
import { z } from 'zod';
import { taskQueues } from './task-queues';

export const PROJECT_ROOT = path.resolve(__dirname, '..');

/** The Ames sales in the shared data folder beside the checkout (demo data, tests, benchmark). */
export const AMES_CSV_PATH = path.resolve(PROJECT_ROOT, '../shared/data/ames.csv');

const port = z.coerce.number().int().min(1).max(65535);
const bool = z
  .enum(['true', 'false', '1', '0', 'yes', 'no'])
  .transform((v) => v === 'true' || v === '1' || v === 'yes');

function isAddressOrRange(entry: string): boolean {
  const [address, bits, extra] = entry.split('/');
  const family = isIP(address ?? '');
  if (!family || extra !== undefined) return false;
  return bits === undefined || (/^\d{1,3}$/.test(bits) && Number(bits) <= (family === 4 ? 32 : 128));
}

/** UPLOAD_MAX_BYTES may not exceed the body limit every /v1 request has (api/app.ts: 16 MiB and a little). */
const MAX_UPLOAD_BYTES_CEILING = 16 * 1024 * 1024;

/** Every environment variable the platform reads, with its rule and default. */
const envSchema = z.object({
  NODE_ENV: z.enum(['development', 'test', 'production']).default('development'),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  TRILIGHT_DATA_DIR: z.string().min(1).default('.data/dev'),

  API_HOST: z.string().min(1).default('127.0.0.1'),
  API_PORT: port.default(3000),
  API_PUBLIC_URL: z.url().optional(),
  JWT_SECRET: z.string().min(32, 'must be at least 32 characters').optional(),
  /** Proxies whose X-Forwarded-For is believed (addresses or CIDR ranges, comma-separated); none by default. */
  TRUSTED_PROXIES: z
    .string()
    .default('')
    .transform((v) => v.split(',').map((s) => s.trim()).filter(Boolean))
    .refine((entries) => entries.every(isAddressOrRange), 'must be IP addresses or CIDR ranges, comma-separated (e.g. 10.0.0.0/8,127.0.0.1)'),

  // Temporal
  TEMPORAL_ADDRESS: z.string().regex(/^[^:\s]+:\d+$/, 'must be host:port').optional(),
  TEMPORAL_NAMESPACE: z.string().min(1).default('default'),
  TEMPORAL_TLS: bool.default(false),
  TEMPORAL_TLS_CERT_PATH: z.string().min(1).optional(),
  TEMPORAL_TLS_KEY_PATH: z.string().min(1).optional(),
  TEMPORAL_API_KEY: z.string().min(1).optional(),
  TEMPORAL_UI_URL: z.url().optional(),
  TEMPORAL_TASK_QUEUE_PREFIX: z
    .string()
    .regex(/^[a-z0-9][a-z0-9-]{0,40}$/, 'must be lower-case letters, digits or -')
    .default('trilight'),
  EMBEDDED_TEMPORAL_PORT: port.default(7233),
  EMBEDDED_TEMPORAL_UI_PORT: port.default(8233),

  // Postgres
  DATABASE_URL: z
    .string()
    .regex(/^postgres(ql)?:\/\//, 'must be a postgres:// URL')
    .optional(),
  DATABASE_POOL_MAX: z.coerce.number().int().min(1).max(200).default(10),
  EMBEDDED_POSTGRES_PORT: port.default(54329),

  // Elasticsearch
  ELASTICSEARCH_URL: z.url().optional(),
  ELASTICSEARCH_INDEX_PREFIX: z
    .string()
    .regex(/^[a-z0-9][a-z0-9_-]*$/, 'must be lower-case letters, digits, - or _')
    .default('trilight'),
  EMBEDDED_ELASTICSEARCH_PORT: port.default(9200),
  EMBEDDED_ELASTICSEARCH_HEAP: z.string().regex(/^\d+[mg]$/, 'must look like 512m or 1g').default('1g'),

  // Stripe
  STRIPE_SECRET_KEY: z.string().regex(/^sk_(test|live)_/, 'must start with sk_test_ or sk_live_').optional(),
  STRIPE_API_BASE: z.url().optional(),
  EMBEDDED_STRIPE_PORT: port.default(8420),
  /** Stripe allows 25 requests a second in test mode (100 live); 0 lifts our limit. */
  STRIPE_MAX_REQUESTS_PER_SECOND: z.coerce.number().min(0).max(10_000).default(25),
  /** The signing secret of our webhook endpoint (whsec_…); a fixed one serves localstripe. */
  STRIPE_WEBHOOK_SECRET: z.string().regex(/^whsec_\S+$/, 'must start with whsec_').optional(),

  // The daily rent run (a Temporal Schedule)
  RENT_RUN_TIME: z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'must be HH:MM (24-hour)').default('06:00'),
  RENT_RUN_TIME_ZONE: z
    .string()
    .refine((tz) => {
      try {
        new Intl.DateTimeFormat('en-US', { timeZone: tz });
        return true;
      } catch {
        return false;
      }
    }, 'must be an IANA time zone such as America/New_York')
    .default('UTC'),
  /** Charges in flight at once within a rent run (Stripe's rate limit still applies). */
  RENT_RUN_CONCURRENCY: z.coerce.number().int().min(1).max(256).default(16),

  // E-mail
  SMTP_URL: z.string().regex(/^smtps?:\/\//, 'must be an smtp:// or smtps:// URL').optional(),
  MAIL_FROM: z.string().min(3).default('TriLight Homes <no-reply@trilight.local>'),
  EMBEDDED_SMTP_PORT: port.default(2525),

  // Uploads (photos, certificates) and the document store they go to
  /** Where uploaded files are kept: `filesystem` (under the data folder, the default) or any S3-compatible store. */
  BLOB_STORE: z.enum(['filesystem', 's3']).default('filesystem'),
  /** The filesystem store's folder (default: `blobs` in the data folder). */
  BLOB_DIR: z.string().min(1).optional(),
  /** An S3-compatible endpoint (MinIO, …); unset means AWS S3 itself. */
  S3_ENDPOINT: z.url({ protocol: /^https?$/, error: 'must be an http:// or https:// URL' }).optional(),
  S3_BUCKET: z
    .string()
    .regex(/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/, 'must be an S3 bucket name (3-63 lower-case letters, digits, . or -)')
    .optional(),
  S3_REGION: z.string().regex(/^[a-z0-9-]+$/, 'must be a region name such as us-east-1').default('us-east-1'),
  S3_ACCESS_KEY_ID: z.string().min(1).optional(),
  S3_SECRET_ACCESS_KEY: z.string().min(1).optional(),
  /** Path-style addressing (`endpoint/bucket/key`), which MinIO needs; default: on with S3_ENDPOINT, off for AWS. */
  S3_FORCE_PATH_STYLE: bool.optional(),
  /** The largest upload accepted (413 beyond); at most 16 MiB, the API's own body limit. */
  UPLOAD_MAX_BYTES: z.coerce
    .number()
    .int()
    .min(1024)
    .max(MAX_UPLOAD_BYTES_CEILING, `must be at most ${MAX_UPLOAD_BYTES_CEILING} (16 MiB, the API's body limit)`)
    .default(15 * 1024 * 1024),

  // Workers
  WORKER_SHUTDOWN_GRACE_SECONDS: z.coerce.number().int().min(0).max(3600).default(30),
  WORKER_MAX_CACHED_WORKFLOWS: z.coerce.number().int().min(0).default(500),
  WORKER_MAX_CONCURRENT_ACTIVITIES: z.coerce.number().int().min(1).max(1000).default(16),
  /**
   * Workflows the operations queue keeps in memory. Work orders mostly wait for days, each cached one costs
   * about half a megabyte, and one evicted is replayed from its short history when it next has work: a small
   * cache keeps the worker's memory flat however many are open (README, work-order benchmark).
   */
  WORKER_OPERATIONS_MAX_CACHED_WORKFLOWS: z.coerce.number().int().min(0).default(250),
});

export type Env = z.infer<typeof envSchema>;
export const ENV_VARIABLES = Object.keys(envSchema.shape) as (keyof Env)[];

/** Variables that name an external service; when set, its embedded copy is not started. */
export const EXTERNAL_SERVICE_VARIABLES = {
  temporal: ['TEMPORAL_ADDRESS'],
  postgres: ['DATABASE_URL'],
  elasticsearch: ['ELASTICSEARCH_URL'],
  stripe: ['STRIPE_SECRET_KEY', 'STRIPE_API_BASE'],
  smtp: ['SMTP_URL'],
} as const;

const DEV_JWT_SECRET = 'trilight-local-development-secret-do-not-use-in-production';
const LOCAL_STRIPE_KEY = 'sk_test_trilight_localstripe';
const LOCAL_WEBHOOK_SECRET = 'whsec_trilight_local_development_only';

export class ConfigError extends Error {
  constructor(readonly problems: { variable: string; message: string }[]) {
    super(
      'Invalid configuration:\n' + problems.map((p) => `  ${p.variable}: ${p.message}`).join('\n'),
    );
    this.name = 'ConfigError';
  }
}

function buildConfig(env: Env) {
  const dataDir = path.resolve(PROJECT_ROOT, env.TRILIGHT_DATA_DIR);
  const stripeBase = new URL(
    env.STRIPE_API_BASE ??
      (env.STRIPE_SECRET_KEY ? 'https://api.stripe.com' : `http://127.0.0.1:${env.EMBEDDED_STRIPE_PORT}`),
  );
  return {
    env: env.NODE_ENV,
    logLevel: env.LOG_LEVEL,
    dataDir,
    api: {
      host: env.API_HOST,
      port: env.API_PORT,
      publicUrl: env.API_PUBLIC_URL ?? `http://${env.API_HOST}:${env.API_PORT}`,
      jwtSecret: env.JWT_SECRET ?? DEV_JWT_SECRET,
      trustedProxies: env.TRUSTED_PROXIES as readonly string[],
    },
    temporal: {
      embedded: env.TEMPORAL_ADDRESS === undefined,
      address: env.TEMPORAL_ADDRESS ?? `127.0.0.1:${env.EMBEDDED_TEMPORAL_PORT}`,
      namespace: env.TEMPORAL_NAMESPACE,
      taskQueues: taskQueues(env.TEMPORAL_TASK_QUEUE_PREFIX),
      tls: env.TEMPORAL_TLS,
      tlsCertPath: env.TEMPORAL_TLS_CERT_PATH,
      tlsKeyPath: env.TEMPORAL_TLS_KEY_PATH,
      apiKey: env.TEMPORAL_API_KEY,
      uiUrl: env.TEMPORAL_UI_URL ?? `http://127.0.0.1:${env.EMBEDDED_TEMPORAL_UI_PORT}`,
      embeddedPort: env.EMBEDDED_TEMPORAL_PORT,
      embeddedUiPort: env.EMBEDDED_TEMPORAL_UI_PORT,
    },
    postgres: {
      embedded: env.DATABASE_URL === undefined,
      url:
        env.DATABASE_URL ??
        `postgres://trilight:trilight@127.0.0.1:${env.EMBEDDED_POSTGRES_PORT}/trilight`,
      poolMax: env.DATABASE_POOL_MAX,
      embeddedPort: env.EMBEDDED_POSTGRES_PORT,
    },
    elasticsearch: {
      embedded: env.ELASTICSEARCH_URL === undefined,
      url: env.ELASTICSEARCH_URL ?? `http://127.0.0.1:${env.EMBEDDED_ELASTICSEARCH_PORT}`,
      indexPrefix: env.ELASTICSEARCH_INDEX_PREFIX,
      embeddedPort: env.EMBEDDED_ELASTICSEARCH_PORT,
      embeddedHeap: env.EMBEDDED_ELASTICSEARCH_HEAP,
    },
    stripe: {
      embedded: env.STRIPE_SECRET_KEY === undefined && env.STRIPE_API_BASE === undefined,
      secretKey: env.STRIPE_SECRET_KEY ?? LOCAL_STRIPE_KEY,
      protocol: stripeBase.protocol.replace(':', '') as 'http' | 'https',
      host: stripeBase.hostname,
      port: Number(stripeBase.port || (stripeBase.protocol === 'https:' ? 443 : 80)),
      embeddedPort: env.EMBEDDED_STRIPE_PORT,
      maxRequestsPerSecond: env.STRIPE_MAX_REQUESTS_PER_SECOND,
      webhookSecret: env.STRIPE_WEBHOOK_SECRET ?? LOCAL_WEBHOOK_SECRET,
    },
    rentRun: {
      time: env.RENT_RUN_TIME,
      timeZone: env.RENT_RUN_TIME_ZONE,
      concurrency: env.RENT_RUN_CONCURRENCY,
    },
    smtp: {
      embedded: env.SMTP_URL === undefined,
      url: env.SMTP_URL ?? `smtp://127.0.0.1:${env.EMBEDDED_SMTP_PORT}`,
      from: env.MAIL_FROM,
      embeddedPort: env.EMBEDDED_SMTP_PORT,
    },
    blobs: {
      store: env.BLOB_STORE,
      dir: path.resolve(dataDir, env.BLOB_DIR ?? 'blobs'),
      s3: {
        endpoint: env.S3_ENDPOINT,
        bucket: env.S3_BUCKET ?? '',
        region: env.S3_REGION,
        accessKeyId: env.S3_ACCESS_KEY_ID,
        secretAccessKey: env.S3_SECRET_ACCESS_KEY,
        forcePathStyle: env.S3_FORCE_PATH_STYLE ?? env.S3_ENDPOINT !== undefined,
      },
    },
    uploads: {
      maxBytes: env.UPLOAD_MAX_BYTES,
    },
    worker: {
      shutdownGraceSeconds: env.WORKER_SHUTDOWN_GRACE_SECONDS,
      maxCachedWorkflows: env.WORKER_MAX_CACHED_WORKFLOWS,
      maxConcurrentActivities: env.WORKER_MAX_CONCURRENT_ACTIVITIES,
      operationsMaxCachedWorkflows: env.WORKER_OPERATIONS_MAX_CACHED_WORKFLOWS,
    },
  };
}

export type Config = ReturnType<typeof buildConfig>;

/** Parses and validates a configuration; throws ConfigError naming each bad variable. */
export function parseConfig(source: Record<string, string | undefined>): Config {
  // Empty strings count as unset, as shells and compose files often leave them.
  const cleaned = Object.fromEntries(
    Object.entries(source).filter(([k, v]) => k in envSchema.shape && v !== undefined && v !== ''),
  );
  const result = envSchema.safeParse(cleaned);
  if (!result.success) {
    throw new ConfigError(
      result.error.issues.map((i) => ({ variable: String(i.path[0] ?? '?'), message: i.message })),
    );
  }
  const env = result.data;
  const problems: { variable: string; message: string }[] = [];
  if (env.NODE_ENV === 'production' && !env.JWT_SECRET) {
    problems.push({ variable: 'JWT_SECRET', message: 'is required when NODE_ENV=production' });
  }
  if (env.NODE_ENV === 'production' && env.STRIPE_SECRET_KEY && !env.STRIPE_WEBHOOK_SECRET) {
    problems.push({ variable: 'STRIPE_WEBHOOK_SECRET', message: 'is required in production with STRIPE_SECRET_KEY (the endpoint secret of /v1/webhooks/stripe)' });
  }
  if (env.TEMPORAL_TLS_CERT_PATH && !env.TEMPORAL_TLS_KEY_PATH) {
    problems.push({ variable: 'TEMPORAL_TLS_KEY_PATH', message: 'is required with TEMPORAL_TLS_CERT_PATH' });
  }
  if (env.BLOB_STORE === 's3' && !env.S3_BUCKET) {
    problems.push({ variable: 'S3_BUCKET', message: 'is required with BLOB_STORE=s3' });
  }
  if (!env.S3_ACCESS_KEY_ID !== !env.S3_SECRET_ACCESS_KEY) {
    const missing = env.S3_ACCESS_KEY_ID ? 'S3_SECRET_ACCESS_KEY' : 'S3_ACCESS_KEY_ID';
    problems.push({ variable: missing, message: 'S3_ACCESS_KEY_ID and S3_SECRET_ACCESS_KEY go together (neither: the AWS default credentials)' });
  }
  if (problems.length) throw new ConfigError(problems);
  return buildConfig(env);
}

let cached: Config | undefined;

/** The process's configuration; on an invalid one, prints the problems and exits. */
export function loadConfig(): Config {
  if (cached) return cached;
  try {
    cached = parseConfig(process.env);
    return cached;
  } catch (err) {
    if (err instanceof ConfigError) {
      process.stderr.write(`${err.message}\n`);
      process.exit(78); // EX_CONFIG
    }
    throw err;
  }
}
