/**
 * A `parley-notice` for the page script: it acts when it lands in the page (notifies,
 * refetches, reloads) and leaves. Its `data-*` attributes are what it acts on.
 */
export function Notice(props: { kind: string; data?: Record<string, string> }) {
  const attributes = Object.fromEntries(Object.entries(props.data ?? {}).map(([k, v]) => [`data-${k}`, v]));
  return (
    <hx-partial hx-target="#notify-slot" hx-swap="beforeend">
      <parley-notice data-kind={props.kind} {...attributes}></parley-notice>
    </hx-partial>
  );
}
