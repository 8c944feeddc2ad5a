import { loadConfig } from "../server/config.ts";
import { createRuntime } from "../server/runtime.ts";
import { createUser, createWorkspace } from "../chat/accounts/accounts.ts";
import { createConversation, startDirect } from "../chat/conversations/conversations.ts";
import { sendMessage } from "../chat/messages/messages.ts";
import { scopeFor, type TenantId } from "../chat/tenancy.ts";
import { findTenantBySlug } from "../db/tenants.ts";
import { findUserByEmail } from "../db/users.ts";
import type { User, UserRole } from "../db/schema/mod.ts";

/** Seeds the demo workspaces. Safe to run again: whatever exists is kept as it is. */
const PASSWORD = "parley-demo";

const WORKSPACES = [
  {
    slug: "acme",
    name: "Acme",
    people: [
      { username: "alice", name: "Alice Admin", role: "admin" },
      { username: "bob", name: "Bob Builder", role: "member" },
      { username: "carol", name: "Carol Chen", role: "member" },
      { username: "dan", name: "Dan Client", role: "guest" },
    ],
  },
  { slug: "globex", name: "Globex", people: [{ username: "erin", name: "Erin Admin", role: "admin" }] },
] as const satisfies readonly {
  slug: string;
  name: string;
  people: readonly { username: string; name: string; role: UserRole }[];
}[];

const runtime = await createRuntime(loadConfig(Deno.env.toObject()));
const db = runtime.database.db;
try {
  const logins: { workspace: string; email: string; role: string; status: string }[] = [];
  for (const workspace of WORKSPACES) {
    const [first, ...rest] = workspace.people;
    const email = (username: string) => `${username}@${workspace.slug}.test`;
    let tenant = await findTenantBySlug(db, workspace.slug);
    const fresh = !tenant;
    if (!tenant) {
      tenant = (await createWorkspace(db, {
        name: workspace.name,
        slug: workspace.slug,
        admin: { name: first.name, email: email(first.username), username: first.username, password: PASSWORD },
      })).tenant;
    }
    const scope = { tenantId: tenant.id as TenantId, db };
    const users: Record<string, User> = {};
    for (const person of workspace.people) {
      const existing = await findUserByEmail(scope, email(person.username));
      users[person.username] = existing ?? await createUser(db, scope, {
        name: person.name,
        email: email(person.username),
        username: person.username,
        role: person.role,
        password: PASSWORD,
      });
      const created = !existing || (fresh && person === first);
      logins.push({
        workspace: workspace.slug,
        email: email(person.username),
        role: person.role,
        status: created ? "created" : "kept",
      });
    }
    if (fresh && rest.length > 0) await seedConversations(users);
  }
  console.log(`Demo workspaces are ready at ${runtime.config.publicUrl}/login (password for everyone: ${PASSWORD})`);
  console.table(logins);
} finally {
  await runtime.close();
}

// A first look at the product: a team channel, a group with the client, and a direct chat.
async function seedConversations(users: Record<string, User>) {
  const as = (user: User) =>
    scopeFor({ db, bus: runtime.bus }, { tenantId: user.tenantId, userId: user.id, role: user.role });
  const { alice, bob, carol, dan } = users;
  const general = await createConversation(as(alice), {
    kind: "channel",
    title: "General",
    topic: "Company-wide announcements",
    participantIds: [bob.id, carol.id],
  }, runtime);
  const project = await createConversation(as(bob), {
    kind: "group",
    title: "Website relaunch",
    participantIds: [carol.id, dan.id],
    contextType: "project",
    contextId: "42",
  }, runtime);
  const { conversation: direct } = await startDirect(as(carol), bob.id, runtime);
  const say = (user: User, conversationId: string, content: string) =>
    sendMessage(as(user), conversationId, { content }, runtime);
  await say(alice, general.id, "Welcome to Parley! This channel is for everyone at Acme.");
  await say(bob, general.id, "Hi all 👋");
  await say(bob, project.id, "@dan the first mock-ups are ready for review.");
  await say(dan, project.id, "Thanks, I'll take a look this afternoon.");
  await say(carol, direct.id, "Bob, do you have a minute for the release notes?");
}
