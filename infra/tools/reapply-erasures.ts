/**
 * `npm run erasures:reapply -- --source <id> [--since <ISO instant>]`: after a register system
 * (a SQL source: `accounts`, `billing`) has been restored from a backup, re-applies every erasure
 * the erasure ledger holds for it since `--since` (the backup's time; default: every entry), with
 * the register's erase statements, one transaction per entry (shared/fulfilment/reapply-erasures.ts).
 * Harmless to run twice. Prints counts only, never a key.
 *
 * Where it connects: with CASES_TABLE set, to that table (AWS credentials and region from the
 * environment; AWS_ENDPOINT_URL_DYNAMODB if set) and to the account database of ACCOUNTS_DB_URL or
 * ACCOUNTS_DB_SECRET_ARN (shared/adapters/accounts-db.ts); otherwise to the running local stack
 * (`npm start`, from .data/endpoints.json).
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { pathToFileURL } from 'node:url';
import { systemById } from '#domain/register';
import { DynamoErasureLedger } from '#adapters/dynamo-erasure-ledger';
import { accountsDbFromEnv } from '#adapters/accounts-db';
import { SqlWriter } from '#adapters/sql-writer';
import { reapplyErasures } from '#shared/fulfilment/reapply-erasures';
import { ICETRAK_REGISTER } from '#shared/fulfilment/icetrak-register';
import { localDynamoClient } from '#infra/local/emulators';
import { readLocalEndpoints } from '#infra/local/endpoints';
import { DEFAULT_DATA_DIR } from '#infra/local/stack';
import { runTool, ToolError } from './local-staff';

const USAGE = 'Usage: npm run erasures:reapply -- --source <system id> [--since <ISO instant, e.g. 2026-11-30T02:00:00Z>]';

export interface ReapplyArgs {
  source: string;
  since: string;
}

/** The command line, checked: a SQL source of the register, and an instant (normalised to ISO, UTC). */
export function parseReapplyArgs(argv: readonly string[]): ReapplyArgs {
  const args = new Map<string, string>();
  for (let i = 0; i < argv.length; i += 2) {
    const [flag, value] = [argv[i], argv[i + 1]];
    if ((flag !== '--source' && flag !== '--since') || value === undefined || args.has(flag)) throw new ToolError(USAGE);
    args.set(flag, value);
  }
  const source = args.get('--source');
  if (!source) throw new ToolError(USAGE);
  const system = ICETRAK_REGISTER.systems.find((s) => s.id === source);
  if (system?.connector.kind !== 'sql') {
    const sql = ICETRAK_REGISTER.systems.filter((s) => s.connector.kind === 'sql').map((s) => s.id);
    throw new ToolError(`"${source}" is not a SQL source of the register (${sql.join(', ')}): only those have erasures to re-apply.`);
  }
  const rawSince = args.get('--since');
  if (rawSince === undefined) return { source, since: '0000' };
  const t = Date.parse(rawSince);
  if (!/^\d{4}-\d{2}-\d{2}/.test(rawSince) || Number.isNaN(t)) throw new ToolError(`--since takes an ISO date or instant, not "${rawSince}".`);
  return { source, since: new Date(t).toISOString() };
}

/** Runs the command against the environment's table and database (or the local stack's); resolves to what it prints. */
export async function reapplyCommand(argv: readonly string[], env: NodeJS.ProcessEnv = process.env): Promise<string> {
  const { source, since } = parseReapplyArgs(argv);
  let client: DynamoDBClient;
  let tableName: string;
  let dbEnv: NodeJS.ProcessEnv = env;
  if (env.CASES_TABLE) {
    client = new DynamoDBClient(env.AWS_ENDPOINT_URL_DYNAMODB ? { endpoint: env.AWS_ENDPOINT_URL_DYNAMODB } : {});
    tableName = env.CASES_TABLE;
  } else {
    let local;
    try {
      local = readLocalEndpoints(DEFAULT_DATA_DIR);
    } catch (err) {
      throw new ToolError(`${err instanceof Error ? err.message : String(err)} Or set CASES_TABLE and ACCOUNTS_DB_URL / ACCOUNTS_DB_SECRET_ARN.`);
    }
    if (!local.accountsDb) throw new ToolError('The running local stack has no Icetrak account system: start it with its demo systems (`npm start`).');
    client = localDynamoClient(local.dynamodb);
    tableName = local.casesTable;
    dbEnv = { ACCOUNTS_DB_URL: local.accountsDb };
  }
  const db = accountsDbFromEnv({ env: dbEnv });
  try {
    const result = await reapplyErasures(
      { source, since },
      { ledger: new DynamoErasureLedger({ client, tableName }), writer: new SqlWriter(systemById(ICETRAK_REGISTER, source), db) },
    );
    if (result.entries === 0) return `No erasures of "${source}" recorded since ${since === '0000' ? 'the start' : since}: nothing to re-apply.`;
    return `Re-applied ${String(result.entries)} erasure(s) of "${source}" (${String(result.records)} record(s)), recorded from ${result.from ?? ''} to ${result.to ?? ''}.`;
  } finally {
    await db.end();
    client.destroy();
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  runTool(async () => {
    process.stdout.write(`${await reapplyCommand(process.argv.slice(2))}\n`);
  });
}
