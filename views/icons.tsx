/**
 * The interface's icons: one inline SVG sprite in every page, drawn with the text colour,
 * so they look the same everywhere (emoji icons show as empty boxes where no emoji font is
 * installed). Paths are 24×24 strokes.
 */
const ICONS = {
  attach: [
    "M21.44 11.05l-9.19 9.19a6 6 0 0 1-8.49-8.49l9.19-9.19a4 4 0 0 1 5.66 5.66l-9.2 9.19a2 2 0 0 1-2.83-2.83l8.49-8.48",
  ],
  mute: ["M18 8A6 6 0 0 0 6 8c0 7-3 9-3 9h18s-3-2-3-9", "M13.73 21a2 2 0 0 1-3.46 0"],
  unmute: [
    "M13.73 21a2 2 0 0 1-3.46 0",
    "M18.63 13A17.89 17.89 0 0 1 18 8",
    "M6.26 6.26A5.86 5.86 0 0 0 6 8c0 7-3 9-3 9h14",
    "M18 8a6 6 0 0 0-9.33-5",
    "M1 1l22 22",
  ],
  archive: ["M21 8v13H3V8", "M1 3h22v5H1z", "M10 12h4"],
  unarchive: ["M21 8v13H3V8", "M1 3h22v5H1z", "M9 15l3-3 3 3", "M12 12v6"],
  edit: ["M17 3a2.83 2.83 0 1 1 4 4L7.5 20.5 2 22l1.5-5.5z"],
  delete: ["M3 6h18", "M19 6l-1 14a2 2 0 0 1-2 2H8a2 2 0 0 1-2-2L5 6", "M10 11v6", "M14 11v6", "M9 6V4h6v2"],
  reply: ["M9 17l-5-5 5-5", "M20 18v-2a4 4 0 0 0-4-4H4"],
  close: ["M18 6L6 18", "M6 6l12 12"],
  back: ["M19 12H5", "M12 19l-7-7 7-7"],
  down: ["M12 5v14", "M19 12l-7 7-7-7"],
  file: ["M14 2H6a2 2 0 0 0-2 2v16a2 2 0 0 0 2 2h12a2 2 0 0 0 2-2V8z", "M14 2v6h6"],
  emoji: ["M22 12a10 10 0 1 1-20 0a10 10 0 1 1 20 0", "M8 14s1.5 2 4 2 4-2 4-2", "M9 9h.01", "M15 9h.01"],
} as const;

/** The name of an icon in the sprite. */
export type IconName = keyof typeof ICONS;

/** The sprite, once at the top of each page; icons refer to its symbols by id. */
export function IconSprite() {
  return (
    <svg xmlns="http://www.w3.org/2000/svg" class="icon-sprite" aria-hidden="true" hidden>
      {Object.entries(ICONS).map(([name, paths]) => (
        <symbol id={`icon-${name}`} viewBox="0 0 24 24">
          {paths.map((d) => <path d={d} />)}
        </symbol>
      ))}
    </svg>
  );
}

/**
 * One icon. Without a label it is decoration, named by its button's `aria-label`; with one it
 * is an image of that name.
 */
export function Icon(props: { name: IconName; label?: string }) {
  return (
    <svg
      class={`icon icon-${props.name}`}
      role={props.label ? "img" : undefined}
      aria-label={props.label}
      aria-hidden={props.label ? undefined : "true"}
      focusable="false"
    >
      <use href={`#icon-${props.name}`} />
    </svg>
  );
}
