/**
 * `npm start`: the whole of Rightsdesk on this machine, no cloud account, no Docker.
 *   npm start               data persists under .data/
 *   npm start -- --memory   nothing written to disk
 *   npm start -- --no-demo  Icetrak's systems start empty (no demo accounts, people or traffic)
 * Ports: PORT (3000), SES_PORT (8005), SMTP_PORT (2525, inbound mail to the DPO address), OIDC_PORT (3001, staff sign-in).
 */
import './polyfills';
import { timeScaleFrom } from '#adapters/clock';
import { describeError } from './http-adapter';
import { DEFAULT_OIDC_PORT } from './oidc';
import { DEFAULT_PORT, DEFAULT_SES_PORT, PortInUseError, startLocalStack, type LocalStack } from './stack';

const DEFAULT_SMTP_PORT = 2525;
const STOP_TIMEOUT_MS = 10_000;

const USAGE = `Usage: npm start [-- --memory] [-- --no-demo]

Runs Rightsdesk locally: the HTTP API and form on the real handlers, with dynalite
(DynamoDB), s3rver (S3) and aws-ses-v2-local (SES) standing in for AWS, and an SMTP
listener standing in for SES email receiving (mail to the DPO address becomes a case).

Options:
  --memory   keep everything in memory; nothing is written under .data/
  --no-demo  start Icetrak's systems (its account system, searched by the fulfilment
             workflow) empty: no demo accounts, people or message traffic
  --help     show this help

Environment:
  PORT       HTTP API port (default ${DEFAULT_PORT})
  SES_PORT   local SES port, whose /store lists sent mail (default ${DEFAULT_SES_PORT})
  SMTP_PORT  SMTP port taking mail for the DPO address (default ${DEFAULT_SMTP_PORT})
  OIDC_PORT  the staff sign-in's OpenID provider (default ${DEFAULT_OIDC_PORT}); its seeded
             users and their passwords are printed when the stack is ready
  DPO_ADDRESS, TEAM_ADDRESS, SENDER_ADDRESS  override the default mail addresses
             (TEAM_ADDRESS: the DPO team's inbox, where staff notices go; locally they
             are in SES's sent mail with the rest, never taken in over SMTP)
  AWS_ENDPOINT_URL_<SERVICE>, AWS_ENDPOINT_URL  the SDK's own endpoint overrides
             (DYNAMODB, S3, SESV2, SES, SFN): when set, the handlers send that service's
             requests there (a proxy in front of the emulator) instead of to the emulator
  RIGHTSDESK_TIME_SCALE  run the clock faster for a demo, e.g. 1440 (a day a minute):
             the deadline keeper's reminders, escalations and closures come within minutes
`;

class UsageError extends Error {}

function portFromEnv(name: string, fallback: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const port = Number(raw);
  if (!/^\d+$/.test(raw) || port > 65_535) throw new UsageError(`${name} must be a port number (0-65535), not "${raw}".`);
  return port;
}

function timeScaleFromEnv(): number {
  try {
    return timeScaleFrom(process.env);
  } catch (err) {
    throw new UsageError((err as Error).message);
  }
}

function parseArgs(argv: readonly string[]): { memory: boolean; help: boolean; demo: boolean } {
  const flags = { memory: false, help: false, demo: true };
  for (const arg of argv) {
    if (arg === '--memory') flags.memory = true;
    else if (arg === '--no-demo') flags.demo = false;
    else if (arg === '--help' || arg === '-h') flags.help = true;
    else throw new UsageError(`Unknown option "${arg}".`);
  }
  return flags;
}

function banner(stack: LocalStack, smtpPort: number, timeScale: number): string {
  const { urls } = stack;
  const rows: [string, string][] = [
    ['API and form', `${urls.api}/`],
    ['Health', urls.health],
    ['SES sent mail', urls.sesStore],
    ['S3 endpoint', urls.s3],
    ['DynamoDB endpoint', urls.dynamodb],
    [
      'SMTP (inbound mail to DPO)',
      urls.smtp ? `${urls.smtp} — mail to ${stack.env.DPO_ADDRESS ?? 'the DPO address'} becomes a case` : `port ${smtpPort} unavailable`,
    ],
    ['Step Functions (deadline keeper)', `${urls.stepFunctions}${timeScale > 1 ? ` — time runs ${timeScale}x faster (RIGHTSDESK_TIME_SCALE)` : ''}`],
    ['Data', stack.dataDir ?? 'in memory (nothing written to disk)'],
    ...(stack.icetrak
      ? ([
          [
            'Icetrak account system',
            `${stack.icetrak.accountsUrl.replace(/\/\/[^@]*@/, '//')} (PGlite; ${stack.icetrak.demo ? 'demo data' : 'empty: --no-demo'})`,
          ],
        ] as [string, string][])
      : []),
    ...stack.overridden.map((service): [string, string] => [
      `AWS_ENDPOINT_URL_${service}`,
      `${stack.endpoints[service]} — the handlers' ${service} requests go there`,
    ]),
    ['Staff desk', `${urls.api}/desk`],
    ['Compliance reports', `${urls.api}/desk/reports — next ${nextRuns(stack)} (Europe/London); due ones missing are made now`],
    ['Staff sign-in (OpenID provider)', urls.oidc],
    ...stack.staffUsers.map((u): [string, string] => [`  ${u.groups.join(', ')}`, `${u.email}  password: ${u.password}`]),
  ];
  const width = Math.max(...rows.map(([label]) => label.length));
  return [
    'Rightsdesk local stack is ready.',
    ...rows.map(([label, value]) => `  ${label.padEnd(width)}  ${value}`),
    ...stack.warnings.map((w) => `  warning: ${w}`),
    'Press Ctrl-C to stop.',
  ].join('\n');
}

/** When the report schedules fire next, as London wall time. */
function nextRuns(stack: LocalStack): string {
  const when = new Intl.DateTimeFormat('en-GB', {
    timeZone: 'Europe/London',
    weekday: 'short',
    day: 'numeric',
    month: 'short',
    hour: '2-digit',
    minute: '2-digit',
  });
  return Object.entries(stack.reportScheduler.nextRuns())
    .map(([id, at]) => `${id === 'MonthlyReport' ? 'monthly' : 'weekly'} ${at ? when.format(at) : 'not scheduled'}`)
    .join(', ');
}

async function main(): Promise<void> {
  let flags: { memory: boolean; help: boolean; demo: boolean };
  let ports: { port: number; sesPort: number; smtpPort: number; oidcPort: number };
  let timeScale: number;
  try {
    flags = parseArgs(process.argv.slice(2));
    timeScale = timeScaleFromEnv();
    ports = {
      port: portFromEnv('PORT', DEFAULT_PORT),
      sesPort: portFromEnv('SES_PORT', DEFAULT_SES_PORT),
      smtpPort: portFromEnv('SMTP_PORT', DEFAULT_SMTP_PORT),
      oidcPort: portFromEnv('OIDC_PORT', DEFAULT_OIDC_PORT),
    };
  } catch (err) {
    if (!(err instanceof UsageError)) throw err;
    process.stderr.write(`${err.message}\n\n${USAGE}`);
    process.exit(2);
  }
  if (flags.help) {
    process.stdout.write(USAGE);
    return;
  }

  // A closed terminal or pipe must not turn every later log line into an uncaught exception.
  process.stdout.on('error', () => undefined);
  process.stderr.on('error', () => undefined);
  // A stray promise or callback in a handler must not take the whole local stack down.
  process.on('unhandledRejection', (err) => console.error(`unhandled rejection: ${describeError(err)}`));
  process.on('uncaughtException', (err) => console.error(`uncaught exception: ${describeError(err)}`));

  let stack: LocalStack;
  try {
    stack = await startLocalStack({ ...ports, memory: flags.memory, timeScale, reportSchedules: true, icetrak: { demo: flags.demo } });
  } catch (err) {
    const message = err instanceof PortInUseError ? err.message : `The local stack could not start: ${err instanceof Error ? err.message : String(err)}`;
    process.stderr.write(`${message}\n`);
    process.exit(1);
  }
  console.log(banner(stack, ports.smtpPort, timeScale));

  let stopping = false;
  const stop = (signal: NodeJS.Signals) => {
    if (stopping) {
      process.stderr.write(`${signal} again: exiting without a clean stop.\n`);
      process.exit(1);
    }
    stopping = true;
    console.log(`${signal}: stopping the local stack…`);
    setTimeout(() => {
      process.stderr.write('The local stack did not stop in time; exiting.\n');
      process.exit(1);
    }, STOP_TIMEOUT_MS).unref();
    stack.stop().then(
      () => {
        console.log('Stopped.');
        process.exit(0);
      },
      (err: unknown) => {
        process.stderr.write(`The local stack did not stop cleanly: ${describeError(err)}\n`);
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
  process.on('SIGHUP', stop); // the terminal went away
}

await main();
