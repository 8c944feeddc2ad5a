import { Notice } from "./notice.tsx";

/** The stream could not replay what was missed: the page reloads. */
export function Reset() {
  return <Notice kind="reset" />;
}
