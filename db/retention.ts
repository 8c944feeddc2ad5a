import { eq, sql } from "drizzle-orm";
import type { DbOrTx } from "./client.ts";
import { retentionRuns } from "./schema/mod.ts";
import type { TenantOnlyScope } from "./scope.ts";

/** A message due for purging. */
export interface DueMessage {
  id: string;
  tenantId: string;
}

/** What one purge removed: messages per tenant, and the storage keys of their files. */
export interface PurgeResult {
  messages: Map<string, number>;
  files: { tenantId: string; key: string }[];
}

/**
 * Deleted messages whose deletion is older than `before` and not yet purged, oldest deletion
 * first, from every workspace.
 * @param before epoch milliseconds
 */
export async function dueDeletedMessages(db: DbOrTx, before: number, limit: number): Promise<DueMessage[]> {
  return await db.all<DueMessage>(sql`SELECT id, tenant_id AS tenantId FROM messages
    WHERE deleted_at < ${before} AND purged_at IS NULL ORDER BY deleted_at LIMIT ${limit}`);
}

/**
 * A workspace's messages sent before `before` and not yet purged, oldest first.
 * @param before epoch milliseconds
 */
export async function dueOldMessages(
  db: DbOrTx,
  scope: TenantOnlyScope,
  before: number,
  limit: number,
): Promise<DueMessage[]> {
  return await db.all<DueMessage>(sql`SELECT id, tenant_id AS tenantId FROM messages
    WHERE tenant_id = ${scope.tenantId} AND created_at < ${before} AND purged_at IS NULL
    ORDER BY created_at LIMIT ${limit}`);
}

/** Workspaces whose settings name a message retention, with the number of days as stored. */
export async function tenantsWithRetention(db: DbOrTx): Promise<{ tenantId: string; days: unknown }[]> {
  return await db.all<{ tenantId: string; days: unknown }>(sql`SELECT id AS tenantId,
    json_extract(settings, '$.message_retention_days') AS days FROM tenants
    WHERE json_extract(settings, '$.message_retention_days') IS NOT NULL`);
}

/**
 * Purges messages: their reactions, mentions, edit history, files and search entries go
 * (search entries by the triggers of the search migration), and so does the row, except for
 * a message that replies point at, which stays as a deleted stub without content so the
 * thread keeps its shape. A stub whose last reply is purged goes too. Conversations whose
 * latest message went point at the latest one left.
 * @param due the messages, from the `due*` queries
 * @param at epoch milliseconds, the purge time
 */
export async function purgeMessages(tx: DbOrTx, due: DueMessage[], at: number): Promise<PurgeResult> {
  const result: PurgeResult = { messages: new Map(), files: [] };
  if (due.length === 0) return result;
  const ids = sql.join(due.map((m) => sql`${m.id}`), sql`, `);
  result.files = await tx.all<{ tenantId: string; key: string }>(
    sql`SELECT tenant_id AS tenantId, storage_key AS key FROM attachments WHERE message_id IN (${ids})`,
  );
  const parents = (await tx.all<{ parentId: string }>(
    sql`SELECT DISTINCT parent_id AS parentId FROM messages WHERE id IN (${ids}) AND parent_id IS NOT NULL`,
  )).map((r) => r.parentId);
  await tx.run(sql`DELETE FROM attachments WHERE message_id IN (${ids})`);
  await tx.run(sql`DELETE FROM reactions WHERE message_id IN (${ids})`);
  await tx.run(sql`DELETE FROM mentions WHERE message_id IN (${ids})`);
  await tx.run(sql`DELETE FROM message_edits WHERE message_id IN (${ids})`);
  // those with replies become stubs first, so the delete below sees no reply of its own batch vanish
  await tx.run(sql`UPDATE messages SET content = '', metadata = '{}', custom_fields = '{}', has_attachments = 0,
      deleted_at = coalesce(deleted_at, ${at}), purged_at = ${at}, updated_at = ${at}
    WHERE id IN (${ids}) AND EXISTS (SELECT 1 FROM messages r WHERE r.parent_id = messages.id)`);
  await tx.run(sql`DELETE FROM messages WHERE id IN (${ids}) AND purged_at IS NULL`);
  // stubs (of this batch or earlier ones) left without replies
  let orphans = parents;
  while (orphans.length > 0) {
    const list = sql.join(orphans.map((id) => sql`${id}`), sql`, `);
    orphans = (await tx.all<{ parentId: string | null }>(sql`DELETE FROM messages
      WHERE id IN (${list}) AND purged_at IS NOT NULL
        AND NOT EXISTS (SELECT 1 FROM messages r WHERE r.parent_id = messages.id)
      RETURNING parent_id AS parentId`)).flatMap((r) => r.parentId ? [r.parentId] : []);
  }
  await tx.run(sql`UPDATE conversations SET last_message_id =
      (SELECT m.id FROM messages m WHERE m.conversation_id = conversations.id ORDER BY m.id DESC LIMIT 1)
    WHERE last_message_id IN (${ids})`);
  for (const m of due) result.messages.set(m.tenantId, (result.messages.get(m.tenantId) ?? 0) + 1);
  return result;
}

/**
 * The FTS5 indexes the search migration's triggers update when messages are purged. Each
 * deletion adds a delete marker to a new small segment, and FTS5 merges segments as it
 * writes them ("automerge", and a "crisismerge" of a whole level once it holds 16). A merge
 * step is bounded only by the pages it writes, counted between terms: the entries the
 * markers cancel cost nothing against it and a term's whole list is copied at once, so one
 * step can take tens of milliseconds and set off inside whichever write statement comes next.
 */
const SEARCH_INDEXES = ["messages_fts", "messages_fts_cjk"] as const;
const FTS5_DEFAULTS = { automerge: 4, crisismerge: 16 };
/** A level this full is merged at once even while merges are held (FTS5 allows at most 2,000 segments in all). */
const HELD_CRISISMERGE = 1_000;

/** The merge settings of the search indexes as stored (FTS5's defaults where none is). */
export type SearchMergeSettings = Record<(typeof SEARCH_INDEXES)[number], typeof FTS5_DEFAULTS>;

/**
 * Holds the search indexes' merges for the rest of the transaction: the markers of the
 * messages it purges are written as segments of their own and merged later, step by step
 * (`mergeSearchIndexes`). Must be undone by `resumeSearchMerges` in the same transaction,
 * so no other transaction ever sees the merges held.
 * @returns the settings to restore
 */
export async function holdSearchMerges(tx: DbOrTx): Promise<SearchMergeSettings> {
  const saved = {} as SearchMergeSettings;
  for (const t of SEARCH_INDEXES) {
    const rows = await tx.all<{ k: string; v: unknown }>(
      sql.raw(`SELECT k, v FROM ${t}_config WHERE k IN ('automerge', 'crisismerge')`),
    );
    const stored = (k: string, fallback: number) => {
      const v = rows.find((r) => r.k === k)?.v;
      return typeof v === "number" && Number.isInteger(v) ? v : fallback;
    };
    saved[t] = {
      automerge: stored("automerge", FTS5_DEFAULTS.automerge),
      crisismerge: stored("crisismerge", FTS5_DEFAULTS.crisismerge),
    };
    await setSearchMerges(tx, t, { automerge: 0, crisismerge: HELD_CRISISMERGE });
  }
  return saved;
}

/** Restores what `holdSearchMerges` saved. */
export async function resumeSearchMerges(tx: DbOrTx, saved: SearchMergeSettings): Promise<void> {
  for (const t of SEARCH_INDEXES) await setSearchMerges(tx, t, saved[t]);
}

async function setSearchMerges(tx: DbOrTx, table: string, settings: typeof FTS5_DEFAULTS) {
  // FTS5 special inserts; the table name is one of SEARCH_INDEXES, the values integers
  await tx.run(sql.raw(`INSERT INTO ${table} (${table}, rank) VALUES ('automerge', ${settings.automerge | 0})`));
  await tx.run(sql.raw(`INSERT INTO ${table} (${table}, rank) VALUES ('crisismerge', ${settings.crisismerge | 0})`));
}

/**
 * One step of merging the search indexes' segments: in each index, FTS5's `merge` command
 * merges the levels holding at least its `usermerge` setting's number of segments (4 by
 * default), or goes on with a merge under way, until it has written about `pages` leaf pages.
 * @returns true while there is merging left to do
 */
export async function mergeSearchIndexes(tx: DbOrTx, pages: number): Promise<boolean> {
  let more = false;
  for (const t of SEARCH_INDEXES) {
    const [before] = await tx.all<{ n: number }>(sql`SELECT total_changes() AS n`);
    await tx.run(sql.raw(`INSERT INTO ${t} (${t}, rank) VALUES ('merge', ${Math.max(1, pages | 0)})`));
    const [after] = await tx.all<{ n: number }>(sql`SELECT total_changes() AS n`);
    // FTS5 documents a step that found nothing to merge as changing fewer than two rows
    if (after.n - before.n >= 2) more = true;
  }
  return more;
}

/**
 * Records a run for a slice of the workspaces, in id order, those that lost nothing with zeros.
 * @param after the last workspace id of the previous slice ("" for the first)
 * @returns the last workspace id of this slice, or null when there were none left
 */
export async function recordRetentionRun(
  tx: DbOrTx,
  at: number,
  after: string,
  limit: number,
  counts: Map<string, { messages: number; attachments: number }>,
): Promise<string | null> {
  const slice = await tx.all<{ id: string }>(sql`INSERT INTO retention_runs (tenant_id, at, purged_messages,
      purged_attachments)
    SELECT id, ${at}, 0, 0 FROM tenants WHERE id > ${after} ORDER BY id LIMIT ${limit}
    ON CONFLICT (tenant_id) DO UPDATE SET at = excluded.at, purged_messages = 0, purged_attachments = 0
    RETURNING tenant_id AS id`);
  for (const { id } of slice) {
    const c = counts.get(id);
    if (!c) continue;
    await tx.update(retentionRuns).set({ purgedMessages: c.messages, purgedAttachments: c.attachments })
      .where(eq(retentionRuns.tenantId, id));
  }
  return slice.length === 0 ? null : slice.map((r) => r.id).sort().at(-1)!;
}

/** The retention job's last run as the workspace saw it, or null before the first. */
export async function lastRetentionRun(
  scope: TenantOnlyScope,
): Promise<{ at: Date; purgedMessages: number; purgedAttachments: number } | null> {
  const [row] = await scope.db.select().from(retentionRuns).where(eq(retentionRuns.tenantId, scope.tenantId))
    .limit(1);
  return row ?? null;
}
