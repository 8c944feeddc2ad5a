import type { Db } from "../db/client.ts";
import { liveSessions } from "../db/sessions.ts";
import type { Listener } from "./subscriber.ts";

/**
 * Ends the streams whose session no longer stands: revoked, expired or deleted, its user
 * deactivated, or its user's role no longer the one the stream was opened with (what it
 * may see was decided by that role). One look-up covers the distinct sessions of all the
 * streams given.
 * @param db the database
 * @param streams the streams to check
 * @param now the current time in milliseconds
 */
export async function endStaleStreams(db: Db, streams: Listener[], now: number): Promise<void> {
  const live = await liveSessions(db, [...new Set(streams.map((l) => l.sessionId))], now);
  for (const listener of streams) {
    const session = live.get(listener.sessionId);
    const stands = session?.tenantId === listener.tenantId && session.userId === listener.userId &&
      session.role === listener.role;
    if (!stands) listener.close();
  }
}
