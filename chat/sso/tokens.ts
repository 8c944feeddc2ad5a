import { createRemoteJWKSet, decodeJwt, decodeProtectedHeader, type JWTPayload, jwtVerify } from "jose";
import { z } from "zod";
import type { Tenant } from "../../db/schema/mod.ts";
import { findSsoSecret } from "../../db/sso.ts";
import type { TenantId, TenantOnlyScope } from "../tenancy.ts";
import type { Db } from "../../db/client.ts";
import { findTenantBySlug } from "../../db/tenants.ts";
import { embedSettingsOf } from "../embed/settings.ts";
import { ENTITY_ID_PATTERN } from "../entities/types.ts";

/** A sign-in token may live at most this long past now: a leaked one is useful only briefly. */
export const MAX_TOKEN_LIFETIME_S = 10 * 60;
/** Clock skew allowed between host and Parley for `iat` and `nbf`. */
export const CLOCK_SKEW_S = 60;

const text = (max: number) => z.string().trim().min(1).max(max);

/** The claims of a host-signed sign-in token, beyond the signature and times jose checks. */
const claimsSchema = z.object({
  sub: text(255),
  jti: text(255),
  exp: z.number(),
  iat: z.number(),
  nbf: z.number().optional(),
  name: text(100).optional(),
  email: z.email().max(254).optional(),
  role: z.enum(["member", "guest", "admin"]).optional(),
  rooms: z.array(z.object({
    type: z.string().regex(/^[a-z][a-z0-9_-]{0,31}$/),
    id: z.string().regex(ENTITY_ID_PATTERN),
    title: text(200).optional(),
  })).max(20).optional(),
});

export type SsoClaims = z.infer<typeof claimsSchema>;

/** A verified token: its workspace, its claims as checked. */
export interface VerifiedSsoToken {
  tenant: Tenant;
  scope: TenantOnlyScope;
  claims: SsoClaims;
  allowAdmin: boolean;
}

// One key set per URL for the process: jose caches the keys and refetches on an unknown kid
// (at most every 30 s), so a host's key rotation is picked up without a restart.
const remoteKeySets = new Map<string, ReturnType<typeof createRemoteJWKSet>>();

function remoteKeySet(url: string) {
  let set = remoteKeySets.get(url);
  if (!set) remoteKeySets.set(url, set = createRemoteJWKSet(new URL(url), { timeoutDuration: 5_000 }));
  return set;
}

/**
 * Verifies a host-signed sign-in token; null for anything that fails, whatever the reason,
 * so callers answer every failure alike. The audience names the workspace; HS256 tokens name
 * one of its live SSO secrets by `kid`, RS256 and ES256 tokens are checked against its JWKS.
 * Any other algorithm (`none` included) is refused.
 */
export async function verifySsoToken(
  db: Db,
  token: string,
  now: number,
): Promise<VerifiedSsoToken | null> {
  try {
    const { aud } = decodeJwt(token);
    const { alg, kid } = decodeProtectedHeader(token);
    if (typeof aud !== "string") return null;
    const tenant = await findTenantBySlug(db, aud);
    if (!tenant) return null;
    const scope = { tenantId: tenant.id as TenantId, db };
    const settings = embedSettingsOf(tenant.settings ?? {});
    const options = { audience: aud, currentDate: new Date(now), clockTolerance: CLOCK_SKEW_S };
    let payload: JWTPayload;
    if (alg === "HS256") {
      const secret = typeof kid === "string" ? await findSsoSecret(scope, kid) : undefined;
      if (!secret) return null;
      const key = new TextEncoder().encode(secret.secret);
      payload = (await jwtVerify(token, key, { ...options, algorithms: ["HS256"] })).payload;
    } else if ((alg === "RS256" || alg === "ES256") && settings.sso_jwks_url) {
      const keys = remoteKeySet(settings.sso_jwks_url);
      payload = (await jwtVerify(token, keys, { ...options, algorithms: ["RS256", "ES256"] })).payload;
    } else {
      return null;
    }
    const claims = claimsSchema.safeParse(payload);
    if (!claims.success || !timesAcceptable(claims.data, now / 1000)) return null;
    return { tenant, scope, claims: claims.data, allowAdmin: settings.sso_allow_admin };
  } catch {
    return null;
  }
}

// jose allowed the skew both ways; expiry gets none, and a far-off expiry is refused.
function timesAcceptable(claims: SsoClaims, nowS: number): boolean {
  return claims.exp > nowS && claims.exp <= nowS + MAX_TOKEN_LIFETIME_S &&
    claims.iat <= nowS + CLOCK_SKEW_S && (claims.nbf === undefined || claims.nbf <= nowS + CLOCK_SKEW_S);
}
