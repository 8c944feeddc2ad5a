import type { ChatEvent } from "./events.ts";

/**
 * What travels on the bus. The bus carries only the news that durable events exist
 * (the `events` table is the truth), plus ephemeral events (typing) that are never stored,
 * presence leases between instances, and revocations that end open streams.
 */
export type BusNews =
  | {
    kind: "events";
    lastEventId: number;
    /**
     * In the committing process only: the events of that commit as written, in id order.
     * The hub may deliver them without reading them back when they directly follow its
     * cursor; other instances hear only `lastEventId` and read the log.
     */
    committed?: ChatEvent[];
  }
  | { kind: "ephemeral"; event: ChatEvent }
  | {
    kind: "presence";
    /** The instance whose local view this is; leases are kept per instance. */
    instanceId: string;
    tenantId: string;
    userId: string;
    online: boolean;
  }
  | {
    /**
     * Streams opened under a session no longer stand: it was signed out or revoked, or its
     * user was deactivated or given another role. Every instance ends the matching local
     * streams; clients reconnect and are authenticated afresh.
     */
    kind: "revoked";
    tenantId: string;
    userId: string;
    /** Only this session's streams; absent, every stream of the user. */
    sessionId?: string;
  };

export type BusListener = (news: BusNews) => void;

/** Publish/subscribe between the processes of one deployment. */
export interface Bus {
  publish(news: BusNews): Promise<void>;
  subscribe(listener: BusListener): () => void;
  close(): Promise<void>;
}
