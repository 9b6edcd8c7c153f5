/**
 * How the SQL adapters read PostgreSQL values: as JSON-ready values that mean the same in every
 * time zone. pg's defaults turn a `date` into a JS Date at local midnight (a day off east of UTC
 * once serialised) and `bigint`/`numeric` into strings. Here: dates stay `YYYY-MM-DD`, timestamps
 * become ISO instants (UTC), bigints are numbers while exact, numerics numbers when the number
 * prints back as the same text (else the text, so nothing is rounded).
 */
import pg from 'pg';

const { builtins } = pg.types;
type TypeId = (typeof builtins)[keyof typeof builtins];

const defaultTimestamptz = pg.types.getTypeParser(builtins.TIMESTAMPTZ, 'text') as (s: string) => Date | number;

function instant(text: string): string {
  const d = defaultTimestamptz(text);
  // ±infinity parse to numbers; keep PostgreSQL's own word for them.
  return d instanceof Date && !Number.isNaN(d.getTime()) ? d.toISOString() : text;
}

function textParser(oid: TypeId): ((text: string) => unknown) | undefined {
  switch (oid) {
    case builtins.DATE:
      return (text) => text;
    case builtins.TIMESTAMPTZ:
      return instant;
    case builtins.TIMESTAMP:
      // Without a zone: read as UTC, as Icetrak's database stores its instants.
      return (text) => (/^\d{4}-/.test(text) ? instant(`${text}+00`) : text);
    case builtins.INT8:
      return (text) => {
        const n = Number(text);
        return Number.isSafeInteger(n) ? n : text;
      };
    case builtins.NUMERIC:
      return (text) => {
        const n = Number(text);
        return Number.isFinite(n) && String(n) === text ? n : text;
      };
    default:
      return undefined;
  }
}

type Parser = (value: string) => unknown;

/** Type parsers for a pg query config (`{ text, values, types: PG_TYPES }`); the binary format (unused by pg's queries) as pg has it. */
export const PG_TYPES: pg.CustomTypesConfig = {
  getTypeParser: ((oid: TypeId, format: 'text' | 'binary' = 'text'): Parser =>
    (format === 'text' ? textParser(oid) : undefined) ?? (pg.types.getTypeParser(oid, format) as Parser)) as pg.CustomTypesConfig['getTypeParser'],
};
