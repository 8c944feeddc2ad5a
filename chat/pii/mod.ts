export { detectPii, maskPii, PII_LABELS } from "./detect.ts";
export type { PiiDetectors, PiiLabel } from "./detect.ts";
export { applyPiiPolicy, PII_OFF, PII_POLICIES, piiDetectorsSchema, piiSettingsOf } from "./policy.ts";
export type { PiiPolicy, PiiSettings } from "./policy.ts";
