import type { InValue } from "@libsql/client";
import { type Db, selectRows } from "./client.ts";
import type { TenantOnlyScope } from "./scope.ts";

/** A search in the FTS5 indexes of db/migrations (`messages_fts`, `messages_fts_cjk`). */
export interface MessageSearch {
  /** Word and prefix expression for `messages_fts`, or null. */
  words: string | null;
  /** Substring expression for `messages_fts_cjk`, or null. */
  substrings: string | null;
  /** Who searches: only conversations they are in now are searched. */
  userId: string;
  /**
   * Their conversations, to narrow a word search inside the index (null: too many to list,
   * the join alone restricts).
   */
  conversationIds: string[] | null;
  senderId?: string;
  /** Epoch milliseconds, inclusive. */
  from?: number;
  /** Epoch milliseconds, exclusive. */
  to?: number;
  hasFile?: boolean;
  /** Only messages stored before this one. */
  beforeId?: string;
  limit: number;
}

/**
 * Message ids matching a search, newest first (in storage order, which is send order),
 * with each one's content marked up by FTS5's `highlight()` between `open` and `close`.
 * Deleted and system messages are never in the indexes; an edited message is indexed by
 * its current text only.
 */
export async function searchMessageIds(
  scope: TenantOnlyScope,
  search: MessageSearch,
  marks: { open: string; close: string },
): Promise<{ id: string; marked: string }[]> {
  const table = search.words !== null ? "messages_fts" : "messages_fts_cjk";
  const args: InValue[] = [];
  let match: string;
  if (search.words !== null) {
    const conversations = search.conversationIds === null
      ? ""
      : ` AND conv : (${search.conversationIds.map((id) => `"${id.replaceAll("-", "")}"`).join(" OR ")})`;
    match = `content : (${search.words})${conversations}`;
  } else {
    match = search.substrings!;
  }
  args.push(marks.open, marks.close, match, scope.tenantId, search.userId);
  const where: string[] = [];
  if (search.words !== null && search.substrings !== null) {
    where.push("m.rowid IN (SELECT rowid FROM messages_fts_cjk WHERE messages_fts_cjk MATCH ?)");
    args.push(search.substrings);
  }
  if (search.beforeId !== undefined) {
    where.push(`${table}.rowid < (SELECT rowid FROM messages WHERE id = ? AND tenant_id = ?)`);
    args.push(search.beforeId, scope.tenantId);
  }
  if (search.senderId !== undefined) where.push("m.sender_id = ?"), args.push(search.senderId);
  if (search.from !== undefined) where.push("m.created_at >= ?"), args.push(search.from);
  if (search.to !== undefined) where.push("m.created_at < ?"), args.push(search.to);
  if (search.hasFile !== undefined) where.push("m.has_attachments = ?"), args.push(search.hasFile ? 1 : 0);
  args.push(search.limit);
  const rows = await selectRows(scope.db, {
    sql: `SELECT m.id, highlight(${table}, 0, ?, ?) AS marked
      FROM ${table} JOIN messages m ON m.rowid = ${table}.rowid
      WHERE ${table} MATCH ? AND m.tenant_id = ? AND m.deleted_at IS NULL
        AND EXISTS (SELECT 1 FROM participants p
          WHERE p.conversation_id = m.conversation_id AND p.user_id = ? AND p.left_at IS NULL)
        ${where.map((w) => `AND ${w}`).join(" ")}
      ORDER BY ${table}.rowid DESC LIMIT ?`,
    args,
  }, ["id", "marked"]);
  return rows.map((r) => ({ id: r[0] as string, marked: r[1] as string }));
}

/** Characters of scripts without word boundaries, as the `messages_fts_cjk` view selects them. */
const NO_WORD_BOUNDARIES_GLOB = "*[㐀-䶿一-鿿぀-ヿ฀-๿຀-໿က-႟ក-៿]*";

/**
 * Indexes the next messages past the progress mark, at most `maxRows` rowids of them, in one
 * write batch: their words, their trigrams when they have text without word boundaries, and
 * the new mark. Deleted, system and empty messages are skipped; a message edited before it
 * was indexed is indexed as it is now.
 * @param db the database
 * @param maxRows how far the mark may move at once
 * @returns whether messages past the mark remain
 */
export async function indexNewMessages(db: Db, maxRows: number): Promise<boolean> {
  const range = `rowid > (SELECT indexed_rowid FROM messages_fts_progress)
    AND rowid <= (SELECT indexed_rowid FROM messages_fts_progress) + ${Math.floor(maxRows)}
    AND deleted_at IS NULL AND kind <> 'system'`;
  await db.$client.batch([
    `INSERT INTO messages_fts (rowid, content, conv)
      SELECT rowid, content, replace(conversation_id, '-', '') FROM messages WHERE ${range} AND content <> ''`,
    {
      sql: `INSERT INTO messages_fts_cjk (rowid, content)
        SELECT rowid, content FROM messages WHERE ${range} AND content GLOB ?`,
      args: [NO_WORD_BOUNDARIES_GLOB],
    },
    `UPDATE messages_fts_progress SET indexed_rowid = max(indexed_rowid,
      min(indexed_rowid + ${Math.floor(maxRows)}, (SELECT coalesce(max(rowid), 0) FROM messages)))`,
  ], "write");
  return await hasUnindexedMessages(db);
}

/** True when messages were stored past the search index's progress mark. */
export async function hasUnindexedMessages(db: Db): Promise<boolean> {
  const { rows } = await db.$client.execute(
    "SELECT (SELECT coalesce(max(rowid), 0) FROM messages) > indexed_rowid FROM messages_fts_progress",
  );
  return Number(rows[0]?.[0] ?? 0) === 1;
}
