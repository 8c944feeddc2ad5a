import { Hono } from "hono";
import type { Context } from "hono";
import { zValidator } from "@hono/zod-validator";
import { z } from "zod";
import { loadAdminSettings, updateAdminSettings } from "../../chat/workspace_settings.ts";
import { openLogo, renameWorkspace, storeLogo } from "../../chat/admin/workspace.ts";
import { newUserSchema } from "../../chat/accounts/schemas.ts";
import { AppError } from "../../chat/errors.ts";
import { BrandingSection, NameSection, SettingsSectionForm, WorkspacePage } from "../../views/admin/workspace.tsx";
import type { AppEnv } from "../../server/env.ts";
import { clientIp } from "../../server/security.ts";
import { requireAdmin } from "../middleware.ts";
import { invalidInput } from "../validation.ts";
import { uiError } from "./errors.tsx";
import { requirePageUser } from "./middleware.ts";
import { loadAdminShell } from "./admin_shell.ts";
import { SECTION_IDS, settingsFromForm, settingsSections } from "./admin_settings_form.ts";

// a workspace is named like a person: the same rules for what may be shown to everyone
const nameForm = z.object({ name: newUserSchema.shape.name });
const colourForm = z.object({ primary_color: z.string().regex(/^#[0-9a-fA-F]{6}$/) });

async function sections(c: Context<AppEnv>) {
  const { scope, deps, t } = c.var;
  return settingsSections(await loadAdminSettings(scope, deps), t, deps.config.rateLimits);
}

async function brandingView(c: Context<AppEnv>, extra: { saved?: boolean; error?: string } = {}) {
  const { branding } = await loadAdminSettings(c.var.scope, c.var.deps);
  return <BrandingSection t={c.var.t} color={branding.primary_color} logoUrl={branding.logo_url} {...extra} />;
}

/** `/admin/workspace`: the workspace's name, branding and settings (admins only); mounted at /admin/workspace. */
export const adminWorkspaceRoutes = new Hono<AppEnv>()
  .onError(uiError)
  .use(requirePageUser, requireAdmin)
  .get("/", async (c) => {
    const shell = await loadAdminShell(c, "/admin/workspace");
    const { branding } = await loadAdminSettings(c.var.scope, c.var.deps);
    const brand = { color: branding.primary_color, logoUrl: branding.logo_url };
    return c.html(<WorkspacePage {...shell} sections={await sections(c)} branding={brand} />);
  })
  .post("/name", zValidator("form", nameForm, invalidInput), async (c) => {
    const tenant = await renameWorkspace(c.var.scope, c.req.valid("form").name, { ip: clientIp(c) });
    return c.html(<NameSection t={c.var.t} name={tenant.name} saved />);
  })
  .post("/branding", zValidator("form", colourForm, invalidInput), async (c) => {
    const { scope, deps } = c.var;
    const { branding } = await loadAdminSettings(scope, deps);
    const changes = { branding: { ...branding, primary_color: c.req.valid("form").primary_color } };
    await updateAdminSettings(scope, changes, deps, { ip: clientIp(c) });
    return c.html(await brandingView(c, { saved: true }));
  })
  .post("/logo", async (c) => {
    const file = (await c.req.parseBody())["logo"];
    if (!(file instanceof File)) throw new AppError("validation_error", "Invalid form: logo is missing");
    try {
      const bytes = new Uint8Array(await file.arrayBuffer());
      await storeLogo(c.var.scope, { bytes, name: file.name }, c.var.deps, { ip: clientIp(c) });
    } catch (e) {
      if (!(e instanceof AppError && e.status === 400)) throw e;
      return c.html(await brandingView(c, { error: e.message }), 400);
    }
    return c.html(await brandingView(c, { saved: true }));
  })
  .post(`/settings/:section{${SECTION_IDS.join("|")}}`, async (c) => {
    const section = (await sections(c)).find((s) => s.id === c.req.param("section"));
    if (!section) throw new AppError("not_found", "No such settings section");
    const result = settingsFromForm(section, await c.req.parseBody({ all: true }), c.var.deps.config.rateLimits);
    if ("errors" in result) {
      return c.html(<SettingsSectionForm section={{ ...section, errors: result.errors }} t={c.var.t} />, 400);
    }
    await updateAdminSettings(c.var.scope, result.changes, c.var.deps, { ip: clientIp(c) });
    const saved = (await sections(c)).find((s) => s.id === section.id)!;
    return c.html(<SettingsSectionForm section={{ ...saved, saved: true }} t={c.var.t} />);
  });

/** The workspace's uploaded logo, for its signed-in users; mounted at /brand/logo. */
export const logoRoutes = new Hono<AppEnv>()
  .onError(uiError)
  .use(requirePageUser)
  .get("/:key", async (c) => {
    const logo = await openLogo(c.var.scope, c.req.param("key"), c.var.deps);
    c.header("Content-Type", logo.contentType);
    c.header("X-Content-Type-Options", "nosniff");
    // the key changes with every upload, so a cached logo is never stale
    c.header("Cache-Control", "private, max-age=31536000, immutable");
    return c.body(logo.bytes as Uint8Array<ArrayBuffer>);
  });
