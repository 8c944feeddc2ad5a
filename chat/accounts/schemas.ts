import { z } from "zod";
import { USER_ROLES } from "../../db/schema/mod.ts";
import { SLUG_PATTERN } from "./slugs.ts";
import { LOCALES } from "../../i18n/mod.ts";
import { displayText, text } from "../text.ts";

// argon2 accepts any length; the cap keeps one request from buying seconds of hashing
const password = text().min(8, { message: "must be at least 8 characters" }).max(256);
// names are shown to others: displayText strips invisible format characters first
const name = displayText().max(80);
const email = text().trim().toLowerCase().pipe(z.email().max(254));
// usernames are case-insensitive: stored lowercased, so the unique index compares them so
const username = text().trim().toLowerCase().regex(/^[a-z0-9._-]{2,32}$/, {
  message: "expected 2-32 letters, digits, dots, dashes or underscores",
}).refine((u) => u !== "all", { message: '"all" is reserved: @all mentions everyone' });

export const signupSchema = z.object({
  workspace_name: name,
  workspace_slug: text().trim().toLowerCase().regex(SLUG_PATTERN, {
    message: "expected lowercase letters, digits and dashes",
  }).optional(),
  name,
  email,
  password,
});

// Only shape checks: login never says more than "invalid credentials" about the values.
export const loginSchema = z.object({
  workspace: text().trim().min(1).max(64),
  email: text().trim().min(1).max(254),
  password: text().min(1).max(256),
});

export const acceptInviteSchema = z.object({ token: text().min(1).max(2048), password });

export const newUserSchema = z.object({
  name,
  email,
  username: username.optional(),
  role: z.enum(USER_ROLES),
  password: password.optional(),
});

export const userChangesSchema = z.object({
  name: name.optional(),
  username: username.optional(),
  role: z.enum(USER_ROLES).optional(),
  is_active: z.boolean().optional(),
}).refine((v) => Object.values(v).some((x) => x !== undefined), {
  message: "expected at least one of name, username, role, is_active",
});

export const localeSchema = z.object({ locale: z.enum(LOCALES) });

export const profileSchema = z.object({
  name: name.optional(),
  username: username.optional(),
  locale: z.enum(LOCALES).nullable().optional(),
}).refine((v) => v.name !== undefined || v.username !== undefined || v.locale !== undefined, {
  message: "expected name, username or locale",
});

/** A username as people and bot accounts choose it. */
export const usernameSchema = username;
