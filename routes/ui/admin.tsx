import { Hono } from "hono";
import { zValidator } from "@hono/zod-validator";
import { z } from "zod";
import { addUser, changeUser, listWorkspaceUsers, toUserObject } from "../../chat/accounts/users.ts";
import { newUserSchema, userChangesSchema } from "../../chat/accounts/schemas.ts";
import { createResetLink } from "../../chat/accounts/password_reset.ts";
import type { UserObject } from "../../chat/objects.ts";
import { InviteSection, OneTimeLink, PeoplePage, PeopleRows, PersonRow } from "../../views/admin/people.tsx";
import type { AppEnv } from "../../server/env.ts";
import { clientIp } from "../../server/security.ts";
import { requireAdmin } from "../middleware.ts";
import { invalidInput, withoutEmpty } from "../validation.ts";
import { uiError } from "./errors.tsx";
import { requirePageUser } from "./middleware.ts";
import { loadAdminShell } from "./admin_shell.ts";

const userIdParam = z.object({ id: z.uuid() });
const searchQuery = z.object({ q: z.string().max(100).default("") });
// the invite form names no password: the answer is a one-time link
const inviteForm = withoutEmpty(newUserSchema.pick({ name: true, email: true, role: true }));
const personForm = withoutEmpty(
  z.object({
    role: userChangesSchema.shape.role,
    is_active: z.enum(["true", "false"]).transform((v) => v === "true").optional(),
  }),
);

/** People whose name, email or username holds every word of the query, ignoring case. */
function search(users: UserObject[], q: string): UserObject[] {
  const words = q.toLowerCase().split(/\s+/).filter(Boolean);
  return users.filter((u) => {
    const text = `${u.name} ${u.email} ${u.username}`.toLowerCase();
    return words.every((w) => text.includes(w));
  });
}

async function people(c: Parameters<typeof loadAdminShell>[0], q: string) {
  return search((await listWorkspaceUsers(c.var.scope)).map(toUserObject), q);
}

/**
 * The admin pages, admins only: `/admin` is the people page; the workspace and audit pages
 * are mounted beside it. Mounted at /admin.
 */
export const adminPeopleRoutes = new Hono<AppEnv>()
  .onError(uiError)
  // the workspace and audit pages, mounted under /admin too, check for themselves
  .use("/", requirePageUser, requireAdmin)
  .use("/people/*", requirePageUser, requireAdmin)
  .use("/people", requirePageUser, requireAdmin)
  .get("/", zValidator("query", searchQuery, invalidInput), async (c) => {
    const q = c.req.valid("query").q;
    const shell = await loadAdminShell(c, "/admin");
    return c.html(<PeoplePage {...shell} users={await people(c, q)} query={q} />);
  })
  .get("/people", zValidator("query", searchQuery, invalidInput), async (c) => {
    const users = await people(c, c.req.valid("query").q);
    return c.html(<PeopleRows t={c.var.t} users={users} viewerId={c.var.user.id} />);
  })
  .post("/people", zValidator("form", inviteForm, invalidInput), async (c) => {
    const { user, inviteUrl } = await addUser(c.var.scope, c.req.valid("form"), {
      keys: c.var.deps.keys,
      publicUrl: c.var.deps.config.publicUrl,
      ip: clientIp(c),
    });
    const t = c.var.t;
    return c.html(
      <>
        <InviteSection t={t} invited={{ email: user.email, url: inviteUrl ?? "" }} />
        <hx-partial hx-target="#people-rows" hx-swap="afterbegin">
          <PersonRow t={t} user={toUserObject(user)} viewerId={c.var.user.id} />
        </hx-partial>
      </>,
      201,
    );
  })
  .post(
    "/people/:id",
    zValidator("param", userIdParam, invalidInput),
    zValidator("form", personForm, invalidInput),
    async (c) => {
      const { role, is_active: isActive } = c.req.valid("form");
      const user = await changeUser(c.var.scope, c.req.valid("param").id, { role, isActive }, { ip: clientIp(c) });
      return c.html(<PersonRow t={c.var.t} user={toUserObject(user)} viewerId={c.var.user.id} />);
    },
  )
  .post("/people/:id/reset_link", zValidator("param", userIdParam, invalidInput), async (c) => {
    const { deps, t } = c.var;
    const link = await createResetLink(c.var.scope, c.req.valid("param").id, {
      keys: deps.keys,
      publicUrl: deps.config.publicUrl,
      now: deps.now,
      ip: clientIp(c),
    });
    return c.html(<OneTimeLink t={t} name="reset-url" label={t("admin.reset_link")} url={link.url} />);
  });
