export { detectPii, maskPii, PII_LABELS } from "./detect.ts";
export type { PiiDetectors, PiiLabel } from "./detect.ts";
