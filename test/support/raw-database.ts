/**
 * A raw look at a server's database — what an attacker holding a copy would read, or drift a
 * test plants — on either store: the SQLite file (better-sqlite3) or the PostgreSQL database (a
 * plain client). `?` placeholders on both; keep the SQL to what both dialects read alike.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import pg from 'pg';

export interface RawDatabase {
  kind: 'sqlite' | 'postgres';
  query<Row = Record<string, unknown>>(text: string, params?: unknown[]): Promise<Row[]>;
  /** Every table (name), with its SQL on SQLite (`sql`: how it is stored, e.g. WITHOUT ROWID). */
  tables(): Promise<{ name: string; sql: string | null }[]>;
  /** Every row of every table as JSON, one string: "does the database hold this text anywhere?" */
  everything(): Promise<string>;
}

/** PostgreSQL's int8 (count(*), bigint times) as numbers, as the store reads them. */
const INT8 = 20;
const types = {
  getTypeParser: ((oid: number, format?: 'text' | 'binary') =>
    oid === INT8
      ? (value: string) => Number(value)
      : pg.types.getTypeParser(oid, format)) as typeof pg.types.getTypeParser,
};

const numbered = (text: string) => {
  let n = 0;
  return text.replace(/\?/g, () => `$${++n}`);
};

/**
 * Opens the database at `url` raw, runs `use`, closes it. Read-only unless `write` (a test that
 * plants drift or ages rows; SQLite's file is then opened for writing beside the server).
 */
export async function withRawDatabase<T>(
  url: string,
  use: (db: RawDatabase) => Promise<T>,
  { write = false }: { write?: boolean } = {},
): Promise<T> {
  let query: RawDatabase['query'];
  let tables: RawDatabase['tables'];
  let close: () => Promise<void>;
  const kind = url.startsWith('postgres') ? 'postgres' : 'sqlite';
  if (kind === 'postgres') {
    const client = new pg.Client({ connectionString: url, types });
    await client.connect();
    query = async <Row>(text: string, params: unknown[] = []) =>
      (await client.query(numbered(text), params)).rows as Row[];
    tables = () =>
      query(
        `select table_name as name, null as sql from information_schema.tables
         where table_schema = 'public' and table_type = 'BASE TABLE' order by table_name`,
      );
    close = () => client.end();
  } else {
    const db = new Database(url.replace(/^file:(\/\/)?/, ''), { readonly: !write });
    query = async <Row>(text: string, params: unknown[] = []) => {
      const statement = db.prepare(text);
      return (statement.reader ? statement.all(...params) : (statement.run(...params), [])) as Row[];
    };
    tables = () => query("select name, sql from sqlite_master where type = 'table' order by name");
    close = async () => {
      db.close();
    };
  }
  const everything = async () => {
    const parts: string[] = [];
    for (const { name } of await tables()) parts.push(JSON.stringify(await query(`select * from "${name}"`)));
    return parts.join('\n');
  };
  try {
    return await use({ kind, query, tables, everything });
  } finally {
    await close();
  }
}

/**
 * Everything a server has stored, as text to search: on SQLite the bytes of every file in its
 * folder (the database, its WAL, freed pages); on PostgreSQL every value of every row (the
 * cluster's files are not the app's).
 */
export async function storedText(server: { databaseUrl: string; dir: string }): Promise<string> {
  if (server.databaseUrl.startsWith('postgres')) return withRawDatabase(server.databaseUrl, (db) => db.everything());
  return readdirSync(server.dir)
    .map((name) => readFileSync(join(server.dir, name)).toString('latin1'))
    .join('');
}
