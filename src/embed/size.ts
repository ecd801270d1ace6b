/**
 * How tall an embed is, computed from what it shows rather than measured by a script: every
 * row has a fixed height (titles clamped to two lines), so the snippet can give the frame the
 * height that fits and the widget never needs JavaScript to resize.
 */

/** Rows an embed shows by default, and at most (a widget is a teaser, the hub has the rest). */
export const EMBED_DEFAULT_LIMIT = 5;
export const EMBED_MAX_LIMIT = 20;

/** Pixel sizes shared by the embed's CSS and the snippet's height. */
export const EMBED_ROW_PX = 76;
export const EMBED_HEADER_PX = 40;
export const EMBED_FOOTER_PX = 36;

/** The frame height that shows `rows` rows, the heading and the "see everything" link. */
export function embedHeight(rows: number): number {
  return EMBED_HEADER_PX + rows * EMBED_ROW_PX + EMBED_FOOTER_PX + 2;
}
