import { PresenceDot } from "../people_list.tsx";
import type { FragmentProps } from "./fragment.ts";

/** One person coming online or going away: every dot of theirs on the page. */
export function Presence({ data }: FragmentProps<"presence">) {
  return (
    <hx-partial hx-target={`.presence-${data.user_id}`} hx-swap="outerHTML">
      <PresenceDot userId={data.user_id} online={data.is_online} lastSeen={data.last_seen} />
    </hx-partial>
  );
}
