/*
 * This module patches a third-party prototype: `cachePreparedStatements` replaces
 * `prepare` on libsql's `Database` class (the native binding under @libsql/client), for
 * every connection in the process. The rule: the patch only memoizes, so a statement
 * behaves exactly as the client expects; it must be revisited whenever the `libsql` or
 * `@libsql/client` version in deno.json changes.
 *
 * The reason: the client prepares every statement again on each call and asks it for its
 * columns twice, which costs more than SQLite takes to run our hot statements (a send
 * runs several). Prepared statements are reusable: the client sets raw and safe-integer
 * modes and consumes all rows synchronously on each use, so one statement per SQL text
 * and connection can serve every call. The cache is per connection and bounded; SQLite
 * re-prepares a cached statement by itself after a schema change.
 */
const MAX_PER_CONNECTION = 256;

interface Statement {
  columns(): unknown[];
  raw(toggle?: boolean): Statement;
  safeIntegers(toggle?: boolean): Statement;
}
type Prepare = (this: object, sql: string) => Statement;

let installed: Promise<void> | null = null;

/**
 * Makes every libSQL connection of this process reuse its prepared statements. The native
 * module is loaded here, for local databases only.
 */
export function cachePreparedStatements(): Promise<void> {
  return installed ??= import("libsql").then(({ default: Database }) => install(Database));
}

function install(Database: unknown) {
  const proto = (Database as unknown as { prototype: { prepare: Prepare } }).prototype;
  const prepare = proto.prepare;
  const caches = new WeakMap<object, Map<string, Statement>>();
  proto.prepare = function (sql: string) {
    let cache = caches.get(this);
    if (!cache) caches.set(this, cache = new Map());
    let statement = cache.get(sql);
    if (!statement) {
      statement = prepare.call(this, sql);
      const columns = statement.columns();
      statement.columns = () => columns;
      statement.raw = rememberRawRefusal(statement);
      statement.safeIntegers = rememberSafeIntegers(statement);
      if (cache.size >= MAX_PER_CONNECTION) cache.delete(cache.keys().next().value!);
      cache.set(sql, statement);
    }
    return statement;
  };
}

// The client calls raw(true) before each use and learns from the exception that a
// statement returns no data (INSERT, UPDATE): the answer never changes, so keep it. The
// mode stays set on the statement, so the native call is made only when it changes.
function rememberRawRefusal(statement: Statement): Statement["raw"] {
  const raw = statement.raw.bind(statement);
  let refusal: unknown = null;
  let current: boolean | null = null;
  return (toggle = true) => {
    if (refusal !== null) throw refusal;
    if (toggle === current) return statement;
    try {
      raw(toggle);
      current = toggle;
      return statement;
    } catch (e) {
      refusal = e;
      throw e;
    }
  };
}

// The client turns safe integers on before each use; the mode stays set on the statement,
// so the native call is made only when it changes.
function rememberSafeIntegers(statement: Statement): Statement["safeIntegers"] {
  const safeIntegers = statement.safeIntegers.bind(statement);
  let current: boolean | null = null;
  return (toggle = true) => {
    if (toggle !== current) safeIntegers(toggle), current = toggle;
    return statement;
  };
}
