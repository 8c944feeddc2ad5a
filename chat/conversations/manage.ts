import { canManage, requireMember } from "../access.ts";
import type { TenantScope } from "../tenancy.ts";

/**
 * What the caller may do to a conversation's membership and title: every member may leave
 * a group or channel; its owners, its admins and workspace admins may also rename it and add people.
 * @param scope the caller (404 unless a member)
 * @param conversationId the conversation
 */
export async function managementOf(
  scope: TenantScope,
  conversationId: string,
): Promise<{ canLeave: boolean; canManage: boolean }> {
  const { conversation, participant } = await requireMember(scope, conversationId);
  const shared = conversation.kind === "group" || conversation.kind === "channel";
  return { canLeave: shared, canManage: shared && canManage(scope, participant) };
}
