import { Notice } from "./notice.tsx";

/** Too many presence changes to list: the page refetches everyone's presence. */
export function PresenceSync() {
  return <Notice kind="presence-sync" />;
}
