/**
 * Static checks of docker-compose.yml against the code it runs: the stack
 * cannot be started here, so these tests make sure it at least wires the app
 * to its services with names and addresses the app actually understands.
 */
import fs from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';
import { ENV_VARIABLES, parseConfig } from '../../lib/config';
import { CUSTOM_SEARCH_ATTRIBUTES } from '../../domain/search-attributes';

const ROOT = path.resolve(__dirname, '../..');

type EnvValue = string | number | boolean | null;
interface ComposeService {
  image?: string;
  build?: string | { context?: string; dockerfile?: string; dockerfile_inline?: string };
  command?: string | string[];
  entrypoint?: string | string[];
  environment?: Record<string, EnvValue> | string[];
  depends_on?: string[] | Record<string, { condition?: string }>;
  healthcheck?: { test?: string | string[] };
  stop_grace_period?: string;
  ports?: string[];
}
interface ComposeFile {
  services: Record<string, ComposeService>;
}

const compose = parse(fs.readFileSync(path.join(ROOT, 'docker-compose.yml'), 'utf8'), {
  merge: true, // `<<: *app-env`
}) as ComposeFile;

const ALL_SERVICES = ['postgres', 'elasticsearch', 'temporal', 'temporal-ui', 'stripe', 'api', 'worker', 'migrate'];
const APP_SERVICES = ['api', 'worker', 'migrate'];
const LONG_RUNNING_APP_SERVICES = ['api', 'worker'];
const REQUIRED_APP_VARIABLES = [
  'DATABASE_URL',
  'TEMPORAL_ADDRESS',
  'ELASTICSEARCH_URL',
  'STRIPE_API_BASE',
  'STRIPE_SECRET_KEY',
  'JWT_SECRET',
];
/** Each address variable, the compose service it must name, and the port that service listens on. */
const ADDRESSES: [variable: string, service: string, port: number][] = [
  ['DATABASE_URL', 'postgres', 5432],
  ['TEMPORAL_ADDRESS', 'temporal', 7233],
  ['ELASTICSEARCH_URL', 'elasticsearch', 9200],
  ['STRIPE_API_BASE', 'stripe', 8420],
];
const DUMMY_JWT_SECRET = 'x'.repeat(40);

function service(name: string): ComposeService {
  const svc = compose.services[name];
  if (!svc) throw new Error(`docker-compose.yml has no service ${name}`);
  return svc;
}

/** A service's environment as a map, whichever of compose's two spellings it uses. */
function rawEnv(name: string): Record<string, string> {
  const env = service(name).environment ?? {};
  if (Array.isArray(env)) {
    return Object.fromEntries(
      env.map((entry) => {
        const i = entry.indexOf('=');
        return i < 0 ? [entry, ''] : [entry.slice(0, i), entry.slice(i + 1)];
      }),
    );
  }
  return Object.fromEntries(Object.entries(env).map(([k, v]) => [k, v === null ? '' : String(v)]));
}

/** Compose variable interpolation: ${VAR}, ${VAR:-default}, ${VAR:?error} and $$. */
function interpolate(value: string, vars: Record<string, string>): string {
  return value
    .replace(/\$\{([A-Za-z_][A-Za-z0-9_]*)(?:(:?[-?])([^}]*))?\}/g, (_m, name: string, op?: string, arg?: string) => {
      const set = vars[name];
      if (set !== undefined && set !== '') return set;
      if (op?.endsWith('-')) return arg ?? '';
      throw new Error(`\${${name}} is not set${op?.endsWith('?') ? `: ${arg}` : ''}`);
    })
    .replace(/\$\$/g, '$');
}

/** The environment the app process sees, with the operator-supplied JWT_SECRET filled in. */
function appEnv(name: string): Record<string, string> {
  const vars = { JWT_SECRET: DUMMY_JWT_SECRET };
  return Object.fromEntries(Object.entries(rawEnv(name)).map(([k, v]) => [k, interpolate(v, vars)]));
}

function dependencies(name: string): Record<string, string | undefined> {
  const deps = service(name).depends_on ?? [];
  if (Array.isArray(deps)) return Object.fromEntries(deps.map((d) => [d, undefined]));
  return Object.fromEntries(Object.entries(deps).map(([d, spec]) => [d, spec.condition]));
}

function words(value: string | string[] | undefined): string {
  return Array.isArray(value) ? value.join(' ') : (value ?? '');
}

/** Host and port of a URL (postgres://, http://) or a bare host:port (TEMPORAL_ADDRESS). */
function hostAndPort(address: string): { host: string; port: number } {
  const url = new URL(address.includes('://') ? address : `tcp://${address}`);
  const defaultPort = url.protocol === 'https:' ? 443 : url.protocol === 'http:' ? 80 : NaN;
  return { host: url.hostname, port: url.port ? Number(url.port) : defaultPort };
}

function seconds(duration: string): number {
  let total = 0;
  for (const [, n, unit] of duration.matchAll(/(\d+(?:\.\d+)?)(h|ms|m|s|us)/g)) {
    const factor = { h: 3600, m: 60, s: 1, ms: 1e-3, us: 1e-6 }[unit as 'h' | 'm' | 's' | 'ms' | 'us'];
    total += Number(n) * factor;
  }
  return total;
}

describe('docker-compose.yml', () => {
  it.each(ALL_SERVICES)('defines the %s service', (name) => {
    expect(compose.services).toHaveProperty([name]);
  });

  describe('app image', () => {
    it('has a Dockerfile at the repository root that runs as the non-root node user', () => {
      const dockerfile = fs.readFileSync(path.join(ROOT, 'Dockerfile'), 'utf8');
      expect(dockerfile).toMatch(/^FROM node:20/m);
      expect(dockerfile).toMatch(/^USER node\s*$/m);
    });

    it.each(APP_SERVICES)('builds %s from the repository Dockerfile', (name) => {
      const build = service(name).build;
      const spec = typeof build === 'string' ? { context: build } : build;
      expect(spec?.context).toBe('.');
      expect(spec?.dockerfile ?? 'Dockerfile').toBe('Dockerfile');
      expect(spec?.dockerfile_inline).toBeUndefined();
    });

    it.each([
      ['api', 'api/main.ts'],
      ['worker', 'workers/main.ts'],
      ['migrate', 'scripts/migrate.ts'],
    ])('runs %s with tsx on %s', (name, entry) => {
      expect(words(service(name).command)).toMatch(new RegExp(`\\btsx ${entry.replace('.', '\\.')}\\b`));
    });
  });

  describe('app environment', () => {
    it.each(APP_SERVICES)('gives %s only variables that lib/config.ts reads', (name) => {
      const names = Object.keys(rawEnv(name));
      expect(names.length).toBeGreaterThan(0);
      const unknown = names.filter((n) => !(ENV_VARIABLES as string[]).includes(n));
      expect(unknown).toEqual([]);
    });

    it.each(LONG_RUNNING_APP_SERVICES)('gives %s every service address and the JWT secret', (name) => {
      const env = rawEnv(name);
      for (const variable of REQUIRED_APP_VARIABLES) {
        expect({ variable, value: env[variable] }).toEqual({ variable, value: expect.stringMatching(/\S/) });
      }
    });

    it.each(APP_SERVICES)('makes the operator supply JWT_SECRET for %s instead of shipping one', (name) => {
      expect(rawEnv(name).JWT_SECRET).toMatch(/^\$\{JWT_SECRET:\?[^}]*\}$/);
    });

    describe.each(LONG_RUNNING_APP_SERVICES)('%s', (name) => {
      it.each(ADDRESSES)('points %s at the %s service on port %d', (variable, target, port) => {
        const value = appEnv(name)[variable];
        expect(value).toBeDefined();
        const address = hostAndPort(value ?? '');
        expect(address.host).toBe(target);
        expect(compose.services).toHaveProperty([target]);
        expect(address.port).toBe(port);
      });
    });

    it.each(APP_SERVICES)('passes parseConfig for %s with every service external', (name) => {
      const env = appEnv(name);
      const config = parseConfig(env);
      expect(config.env).toBe('production');
      expect(config.api.jwtSecret).toBe(DUMMY_JWT_SECRET);
      expect(config.postgres.embedded).toBe(false);
      expect(config.temporal.embedded).toBe(false);
      expect(config.elasticsearch.embedded).toBe(false);
      expect(config.stripe.embedded).toBe(false);
      expect(config.postgres.url).toBe(env.DATABASE_URL);
      expect(config.temporal.address).toBe(env.TEMPORAL_ADDRESS);
      expect(config.elasticsearch.url).toBe(env.ELASTICSEARCH_URL);
      expect(`${config.stripe.protocol}://${config.stripe.host}:${config.stripe.port}`).toBe(env.STRIPE_API_BASE);
    });

    it('binds the api to all interfaces on the published port', () => {
      const config = parseConfig(appEnv('api'));
      expect(config.api.host).toBe('0.0.0.0');
      expect(words(service('api').ports)).toContain(`:${config.api.port}`);
    });
  });

  describe('backing services', () => {
    it.each(ADDRESSES)('%s: the %s service health check probes port %d', (_variable, target, port) => {
      expect(words(service(target).healthcheck?.test)).toMatch(new RegExp(`[:\\s]${port}\\b`));
    });

    it('starts localstripe on the port STRIPE_API_BASE names', () => {
      expect(words(service('stripe').command)).toMatch(/\blocalstripe --port 8420\b/);
    });

    it('runs Elasticsearch as a single node without security', () => {
      const env = rawEnv('elasticsearch');
      expect(env['discovery.type']).toBe('single-node');
      expect(env['xpack.security.enabled']).toBe('false');
    });

    it('configures temporal to persist to the postgres service', () => {
      const env = rawEnv('temporal');
      expect(env.DB).toMatch(/^postgres12/);
      expect(env.POSTGRES_SEEDS).toBe('postgres');
      expect(env.DB_PORT).toBe('5432');
      expect(env.POSTGRES_USER).toMatch(/\S/);
      expect(env.POSTGRES_PWD).toMatch(/\S/);
      expect(dependencies('temporal')).toHaveProperty(['postgres'], 'service_healthy');
    });

    it('registers every custom search attribute with its type', () => {
      const setup = words(service('temporal-setup').command);
      expect(setup).toMatch(/search-attribute create .*--type/);
      const cliType: Record<string, string> = { KEYWORD: 'Keyword', KEYWORD_LIST: 'KeywordList', TEXT: 'Text', INT: 'Int', DOUBLE: 'Double', BOOL: 'Bool', DATETIME: 'Datetime' };
      for (const key of CUSTOM_SEARCH_ATTRIBUTES) {
        expect(setup).toMatch(new RegExp(`\\b${key.name}:${cliType[key.type]}\\b`));
      }
    });

    it('points temporal-ui at the temporal service', () => {
      expect(rawEnv('temporal-ui').TEMPORAL_ADDRESS).toBe('temporal:7233');
    });
  });

  describe('start order and shutdown', () => {
    it.each(LONG_RUNNING_APP_SERVICES)('starts %s only once postgres, elasticsearch and temporal are healthy', (name) => {
      const deps = dependencies(name);
      for (const dep of ['postgres', 'elasticsearch', 'temporal']) {
        expect({ dep, condition: deps[dep] }).toEqual({ dep, condition: 'service_healthy' });
      }
    });

    it.each(LONG_RUNNING_APP_SERVICES)('starts %s only after migrations complete', (name) => {
      expect(dependencies(name)).toHaveProperty(['migrate'], 'service_completed_successfully');
    });

    it('runs migrations only once postgres is healthy', () => {
      expect(dependencies('migrate')).toHaveProperty(['postgres'], 'service_healthy');
    });

    it('gives the worker longer to stop than it takes to drain', () => {
      const grace = seconds(service('worker').stop_grace_period ?? '10s');
      const drain = parseConfig(appEnv('worker')).worker.shutdownGraceSeconds;
      expect(grace).toBeGreaterThanOrEqual(60);
      expect(drain).toBeLessThan(grace);
    });
  });
});
