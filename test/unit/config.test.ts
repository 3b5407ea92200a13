import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { ConfigError, PROJECT_ROOT, parseConfig } from '../../lib/config';

function configError(env: Record<string, string | undefined>): ConfigError {
  try {
    parseConfig(env);
  } catch (err) {
    expect(err).toBeInstanceOf(ConfigError);
    return err as ConfigError;
  }
  throw new Error(`expected parseConfig(${JSON.stringify(env)}) to throw`);
}

describe('parseConfig defaults', () => {
  const config = parseConfig({});

  it('runs all four services embedded', () => {
    expect(config.temporal.embedded).toBe(true);
    expect(config.postgres.embedded).toBe(true);
    expect(config.elasticsearch.embedded).toBe(true);
    expect(config.stripe.embedded).toBe(true);
  });

  it('points each service at its embedded copy on the default port', () => {
    expect(config.temporal.address).toBe('127.0.0.1:7233');
    expect(config.postgres.url).toBe('postgres://trilight:trilight@127.0.0.1:54329/trilight');
    expect(config.elasticsearch.url).toBe('http://127.0.0.1:9200');
    expect(config.stripe).toMatchObject({ protocol: 'http', host: '127.0.0.1', port: 8420 });
    expect(config.stripe.secretKey).toMatch(/^sk_test_/);
  });

  it('has development defaults for the rest', () => {
    expect(config.env).toBe('development');
    expect(config.api).toMatchObject({ host: '127.0.0.1', port: 3000, publicUrl: 'http://127.0.0.1:3000' });
    expect(config.api.jwtSecret.length).toBeGreaterThanOrEqual(32);
    expect(config.dataDir).toBe(path.join(PROJECT_ROOT, '.data/dev'));
    expect(config.temporal.namespace).toBe('default');
    expect(config.temporal.tls).toBe(false);
    expect(config.postgres.poolMax).toBe(10);
    expect(config.elasticsearch.indexPrefix).toBe('trilight');
  });

  it('follows the embedded ports when they are changed', () => {
    const c = parseConfig({ EMBEDDED_POSTGRES_PORT: '54339', EMBEDDED_TEMPORAL_PORT: '7243', EMBEDDED_ELASTICSEARCH_PORT: '9210', EMBEDDED_STRIPE_PORT: '8430' });
    expect(c.postgres.url).toContain(':54339/');
    expect(c.temporal.address).toBe('127.0.0.1:7243');
    expect(c.elasticsearch.url).toBe('http://127.0.0.1:9210');
    expect(c.stripe.port).toBe(8430);
    expect(c.postgres.embedded && c.temporal.embedded && c.elasticsearch.embedded && c.stripe.embedded).toBe(true);
  });
});

describe('parseConfig external services', () => {
  it('uses an external Postgres for DATABASE_URL', () => {
    const c = parseConfig({ DATABASE_URL: 'postgresql://u:p@db.internal:5432/trilight' });
    expect(c.postgres).toMatchObject({ embedded: false, url: 'postgresql://u:p@db.internal:5432/trilight' });
    expect(c.temporal.embedded && c.elasticsearch.embedded && c.stripe.embedded).toBe(true);
  });

  it('uses an external Temporal for TEMPORAL_ADDRESS', () => {
    const c = parseConfig({ TEMPORAL_ADDRESS: 'temporal.internal:7233' });
    expect(c.temporal).toMatchObject({ embedded: false, address: 'temporal.internal:7233' });
    expect(c.postgres.embedded && c.elasticsearch.embedded && c.stripe.embedded).toBe(true);
  });

  it('uses an external Elasticsearch for ELASTICSEARCH_URL', () => {
    const c = parseConfig({ ELASTICSEARCH_URL: 'https://es.internal:9243' });
    expect(c.elasticsearch).toMatchObject({ embedded: false, url: 'https://es.internal:9243' });
    expect(c.postgres.embedded && c.temporal.embedded && c.stripe.embedded).toBe(true);
  });

  it('uses the real Stripe API for STRIPE_SECRET_KEY', () => {
    const c = parseConfig({ STRIPE_SECRET_KEY: 'sk_test_abc123' });
    expect(c.stripe).toMatchObject({ embedded: false, secretKey: 'sk_test_abc123', protocol: 'https', host: 'api.stripe.com', port: 443 });
    expect(c.postgres.embedded && c.temporal.embedded && c.elasticsearch.embedded).toBe(true);
  });

  it('takes host, port and protocol from STRIPE_API_BASE', () => {
    const c = parseConfig({ STRIPE_API_BASE: 'http://localhost:12111' });
    expect(c.stripe).toMatchObject({ embedded: false, protocol: 'http', host: 'localhost', port: 12111 });
  });
});

describe('parseConfig validation', () => {
  it.each<[string, Record<string, string>]>([
    ['API_PORT', { API_PORT: 'abc' }],
    ['API_PORT', { API_PORT: '70000' }],
    ['DATABASE_URL', { DATABASE_URL: 'mysql://x' }],
    ['TEMPORAL_ADDRESS', { TEMPORAL_ADDRESS: 'nohostport' }],
    ['STRIPE_SECRET_KEY', { STRIPE_SECRET_KEY: 'pk_live_x' }],
    ['JWT_SECRET', { JWT_SECRET: 'too-short' }],
    ['ELASTICSEARCH_URL', { ELASTICSEARCH_URL: 'not a url' }],
    ['NODE_ENV', { NODE_ENV: 'staging' }],
    ['TEMPORAL_TLS', { TEMPORAL_TLS: 'maybe' }],
  ])('names %s when it is invalid', (variable, env) => {
    const err = configError(env);
    expect(err.problems.map((p) => p.variable)).toEqual([variable]);
    expect(err.message).toContain(`${variable}:`);
  });

  it('reports several bad variables at once', () => {
    const err = configError({ API_PORT: 'abc', DATABASE_URL: 'mysql://x', TEMPORAL_ADDRESS: 'nohostport' });
    expect(err.problems.map((p) => p.variable).sort()).toEqual(['API_PORT', 'DATABASE_URL', 'TEMPORAL_ADDRESS']);
  });

  it('requires JWT_SECRET in production', () => {
    const err = configError({ NODE_ENV: 'production' });
    expect(err.problems).toEqual([{ variable: 'JWT_SECRET', message: expect.stringContaining('production') }]);
    expect(err.message).toContain('JWT_SECRET');
    const secret = 'x'.repeat(32);
    expect(parseConfig({ NODE_ENV: 'production', JWT_SECRET: secret }).api.jwtSecret).toBe(secret);
  });

  it('requires the TLS key with a TLS certificate', () => {
    expect(configError({ TEMPORAL_TLS_CERT_PATH: '/etc/tls/cert.pem' }).problems[0]!.variable).toBe('TEMPORAL_TLS_KEY_PATH');
  });

  it('treats empty strings as unset', () => {
    const c = parseConfig({ DATABASE_URL: '', TEMPORAL_ADDRESS: '', ELASTICSEARCH_URL: '', STRIPE_SECRET_KEY: '', STRIPE_API_BASE: '', API_PORT: '' });
    expect(c.postgres.embedded && c.temporal.embedded && c.elasticsearch.embedded && c.stripe.embedded).toBe(true);
    expect(c.api.port).toBe(3000);
    expect(configError({ NODE_ENV: 'production', JWT_SECRET: '' }).problems.map((p) => p.variable)).toEqual(['JWT_SECRET']);
  });

  it('ignores variables it does not know', () => {
    expect(parseConfig({ HOME: '/root', SOMETHING_ELSE: 'x' }).api.port).toBe(3000);
  });
});

describe('a process with an invalid configuration', () => {
  it('exits with EX_CONFIG (78) naming the variable', () => {
    const root = path.resolve(__dirname, '../..');
    const result = spawnSync(
      path.join(root, 'node_modules/.bin/tsx'),
      ['scripts/token.ts', '--roles', 'admin', '--sub', '6f1c1f4e-2f7a-4c55-9b8e-0d6f3c1a2b3c'],
      { cwd: root, env: { ...process.env, API_PORT: 'notaport' }, encoding: 'utf8', timeout: 60_000 },
    );
    expect(result.error).toBeUndefined();
    expect(result.status).not.toBe(0);
    expect(result.status).toBe(78);
    expect(result.stderr).toContain('API_PORT');
    expect(result.stdout).toBe('');
  });
});

describe('TRUSTED_PROXIES in parseConfig', () => {
  it('parses a comma-separated list, trimmed', () => {
    expect(parseConfig({ TRUSTED_PROXIES: '10.0.0.0/8, 127.0.0.1' }).api.trustedProxies).toEqual(['10.0.0.0/8', '127.0.0.1']);
    expect(parseConfig({ TRUSTED_PROXIES: ' fd00::/8 ,::1,192.0.2.10/32, ' }).api.trustedProxies).toEqual(['fd00::/8', '::1', '192.0.2.10/32']);
  });

  it('accepts the widest and narrowest prefixes of each family', () => {
    expect(parseConfig({ TRUSTED_PROXIES: '0.0.0.0/0,10.0.0.1/32,::/0,fd00::1/128' }).api.trustedProxies).toEqual(['0.0.0.0/0', '10.0.0.1/32', '::/0', 'fd00::1/128']);
  });

  it('means none when unset or empty', () => {
    expect(parseConfig({}).api.trustedProxies).toEqual([]);
    expect(parseConfig({ TRUSTED_PROXIES: '' }).api.trustedProxies).toEqual([]);
    expect(parseConfig({ TRUSTED_PROXIES: ' , ' }).api.trustedProxies).toEqual([]);
  });

  it.each(['10.0.0.0/33', 'nonsense', '1.2.3.4/8/9', '10.0.0.0/', '10.0.0.0/x', 'fd00::/129', '999.1.1.1', '10.0.0.1, proxy.internal'])('refuses %j, naming TRUSTED_PROXIES', (value) => {
    const err = configError({ TRUSTED_PROXIES: value });
    expect(err.problems).toEqual([
      { variable: 'TRUSTED_PROXIES', message: 'must be IP addresses or CIDR ranges, comma-separated (e.g. 10.0.0.0/8,127.0.0.1)' },
    ]);
    expect(err.message).toContain('TRUSTED_PROXIES: must be IP addresses or CIDR ranges');
  });

});

describe('the document store and uploads in parseConfig', () => {
  it('keeps uploads on the filesystem under the data folder, 15 MiB at most, by default', () => {
    const c = parseConfig({});
    expect(c.blobs.store).toBe('filesystem');
    expect(c.blobs.dir).toBe(path.join(PROJECT_ROOT, '.data/dev/blobs'));
    expect(c.uploads.maxBytes).toBe(15 * 1024 * 1024);
    expect(parseConfig({ TRILIGHT_DATA_DIR: '/srv/trilight' }).blobs.dir).toBe('/srv/trilight/blobs');
    expect(parseConfig({ TRILIGHT_DATA_DIR: '/srv/trilight', BLOB_DIR: 'files' }).blobs.dir).toBe('/srv/trilight/files');
    expect(parseConfig({ BLOB_DIR: '/mnt/blobs' }).blobs.dir).toBe('/mnt/blobs');
  });

  it('uses an S3-compatible store with BLOB_STORE=s3: path-style with an endpoint (MinIO), virtual-hosted without (AWS)', () => {
    const minio = parseConfig({
      BLOB_STORE: 's3',
      S3_ENDPOINT: 'http://minio:9000',
      S3_BUCKET: 'trilight-uploads',
      S3_ACCESS_KEY_ID: 'trilight',
      S3_SECRET_ACCESS_KEY: 'a-secret-of-some-length',
    });
    expect(minio.blobs).toMatchObject({
      store: 's3',
      s3: { endpoint: 'http://minio:9000', bucket: 'trilight-uploads', region: 'us-east-1', accessKeyId: 'trilight', secretAccessKey: 'a-secret-of-some-length', forcePathStyle: true },
    });
    const aws = parseConfig({ BLOB_STORE: 's3', S3_BUCKET: 'trilight-uploads', S3_REGION: 'eu-west-1' });
    expect(aws.blobs.s3).toMatchObject({ endpoint: undefined, region: 'eu-west-1', forcePathStyle: false, accessKeyId: undefined });
    expect(parseConfig({ BLOB_STORE: 's3', S3_BUCKET: 'b-1', S3_ENDPOINT: 'https://s3.example.com', S3_FORCE_PATH_STYLE: 'false' }).blobs.s3.forcePathStyle).toBe(false);
  });

  it.each<[string, Record<string, string>]>([
    ['BLOB_STORE', { BLOB_STORE: 'ftp' }],
    ['S3_BUCKET', { BLOB_STORE: 's3' }],
    ['S3_BUCKET', { BLOB_STORE: 's3', S3_BUCKET: 'Not_A_Bucket' }],
    ['S3_ENDPOINT', { S3_ENDPOINT: 'minio:9000' }],
    ['S3_SECRET_ACCESS_KEY', { S3_ACCESS_KEY_ID: 'only-the-id' }],
    ['S3_ACCESS_KEY_ID', { S3_SECRET_ACCESS_KEY: 'only-the-secret' }],
    ['S3_FORCE_PATH_STYLE', { S3_FORCE_PATH_STYLE: 'sometimes' }],
    ['UPLOAD_MAX_BYTES', { UPLOAD_MAX_BYTES: 'lots' }],
    ['UPLOAD_MAX_BYTES', { UPLOAD_MAX_BYTES: String(16 * 1024 * 1024 + 1) }],
    ['UPLOAD_MAX_BYTES', { UPLOAD_MAX_BYTES: '10' }],
  ])('names %s when it is invalid', (variable, env) => {
    expect(configError(env).problems.map((p) => p.variable)).toEqual([variable]);
  });

  it('takes an upload limit up to the API\'s body limit', () => {
    expect(parseConfig({ UPLOAD_MAX_BYTES: '1048576' }).uploads.maxBytes).toBe(1_048_576);
    expect(parseConfig({ UPLOAD_MAX_BYTES: String(16 * 1024 * 1024) }).uploads.maxBytes).toBe(16 * 1024 * 1024);
  });
});
