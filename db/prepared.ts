/**
 * Makes a query builder build once per database (or open transaction) and reuse what it
 * built: for the queries that run on every request or event, building a drizzle query
 * costs more than SQLite takes to answer it. The map is weak, so a query goes with its
 * database.
 * @param build prepares the query on one database
 */
export function builtOncePer<D extends object, Q>(build: (db: D) => Q): (db: D) => Q {
  const built = new WeakMap<D, Q>();
  return (db) => {
    let query = built.get(db);
    if (!query) built.set(db, query = build(db));
    return query;
  };
}
