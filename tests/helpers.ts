import { createApp } from "../main.ts";
import { loadConfig } from "../server/config.ts";
import { createRuntime } from "../server/runtime.ts";
import { createUser, createWorkspace, openSession } from "../chat/accounts/accounts.ts";
import type { TenantId } from "../chat/tenancy.ts";
import type { AppDeps } from "../server/env.ts";
import type { Tenant, User, UserRole } from "../db/schema/mod.ts";

export const ORIGIN = "http://localhost:8000";

/** Dependencies for a test app: a fresh migrated in-memory database and a fresh bus. */
export async function testDeps(
  env: Record<string, string> = {},
): Promise<AppDeps & { close(): Promise<void> }> {
  const config = loadConfig({
    DATABASE_URL: ":memory:",
    ATTACHMENTS: "db",
    ...env,
  });
  // realtime and the retention job not started: tests that need them start or run them
  return await createRuntime(config, {
    sessionSecret: "test-secret-test-secret-test-secret-!",
    startRealtime: false,
    startRetention: false,
  });
}

/** A test app plus its deps. */
export async function testApp(env: Record<string, string> = {}) {
  const deps = await testDeps(env);
  return { app: createApp(deps), deps };
}

export interface SeededUser {
  user: User;
  token: string;
  password: string;
  /** Authorization header for API calls as this user. */
  auth: { authorization: string };
}

/**
 * Creates a workspace with an admin and the given members directly through the domain
 * layer, and opens a session for each.
 */
export async function seedTenant(
  deps: AppDeps,
  slug: string,
  people: Record<string, UserRole> = {},
): Promise<
  { tenant: Tenant; admin: SeededUser; users: Record<string, SeededUser> }
> {
  const password = "correct horse battery staple";
  const { tenant, user: adminUser } = await createWorkspace(deps.database.db, {
    name: slug.toUpperCase(),
    slug,
    admin: { name: `Admin ${slug}`, email: `admin@${slug}.test`, password },
  });
  const seeded = async (user: User): Promise<SeededUser> => {
    const token = await openSession(deps.database.db, deps.keys, user);
    return {
      user,
      token,
      password,
      auth: { authorization: `Bearer ${token}` },
    };
  };
  const scope = { tenantId: tenant.id as TenantId, db: deps.database.db };
  const users: Record<string, SeededUser> = {};
  for (const [name, role] of Object.entries(people)) {
    const user = await createUser(deps.database.db, scope, {
      name: name[0].toUpperCase() + name.slice(1),
      email: `${name}@${slug}.test`,
      username: name,
      role,
      password,
    });
    users[name] = await seeded(user);
  }
  return { tenant, admin: await seeded(adminUser), users };
}

/** JSON request options with a body. */
export function json(
  body: unknown,
  headers: Record<string, string> = {},
): RequestInit {
  return {
    method: "POST",
    headers: { "content-type": "application/json", ...headers },
    body: JSON.stringify(body),
  };
}
