import { z } from "zod";
import { AppError } from "../errors.ts";
import { detectPii, maskPii, type PiiDetectors, type PiiLabel } from "./detect.ts";

/** What a workspace does with personal data in message text. */
export const PII_POLICIES = ["off", "flag", "mask", "block"] as const;
export type PiiPolicy = typeof PII_POLICIES[number];

/** The detectors a workspace runs; a detector left out of a change is on. */
export const piiDetectorsSchema = z.strictObject({
  email: z.boolean().default(true),
  phone: z.boolean().default(true),
  card: z.boolean().default(true),
  iban: z.boolean().default(true),
});

/** A workspace's PII settings as in force. */
export interface PiiSettings {
  policy: PiiPolicy;
  detectors: Required<PiiDetectors>;
}

export const PII_OFF: PiiSettings = {
  policy: "off",
  detectors: { email: true, phone: true, card: true, iban: true },
};

const storedPolicySchema = z.enum(PII_POLICIES);

/**
 * The PII settings kept in a tenant's settings object; a stored value that no longer
 * passes reads as the default (off, every detector on).
 * @param stored the tenant's settings object
 */
export function piiSettingsOf(stored: Record<string, unknown>): PiiSettings {
  const policy = storedPolicySchema.safeParse(stored.pii_policy);
  const detectors = piiDetectorsSchema.safeParse(stored.pii_detectors ?? {});
  return {
    policy: policy.success ? policy.data : PII_OFF.policy,
    detectors: detectors.success ? detectors.data : PII_OFF.detectors,
  };
}

/**
 * Applies the policy to message text before anything is stored or published: `mask` gives
 * the text to store instead, `flag` the kinds to mark the message with, `block` refuses with
 * 422 `pii_blocked` naming the kinds. With the policy off the text is not even scanned.
 * @param settings the workspace's PII settings
 * @param content the text as the sender wrote it
 */
export function applyPiiPolicy(settings: PiiSettings, content: string): { content: string; flagged: PiiLabel[] } {
  switch (settings.policy) {
    case "off":
      return { content, flagged: [] };
    case "flag":
      return { content, flagged: detectPii(content, settings.detectors) };
    case "mask":
      return { content: maskPii(content, settings.detectors).text, flagged: [] };
    case "block": {
      const found = detectPii(content, settings.detectors);
      if (found.length > 0) throw piiBlocked(found);
      return { content, flagged: [] };
    }
  }
}

/** The refusal of a text holding personal data under the `block` policy. */
export function piiBlocked(found: PiiLabel[]): AppError {
  return new AppError(
    "pii_blocked",
    `Cannot send message: it contains personal data (${found.join(", ")}) and this workspace blocks it`,
    found,
  );
}
