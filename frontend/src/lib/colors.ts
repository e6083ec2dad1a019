// Topic colors: the palette offered when choosing one (the backend's
// default palette, backend/library/topics.go) and hex validation.

/** The colors offered in the topic editor. */
export const PALETTE = [
  '#4f7cac', '#c0504d', '#9bbb59', '#8064a2', '#4bacc6',
  '#f79646', '#2c4d75', '#7f6000', '#3d8b6e', '#b65f8a',
] as const;

const hex = /^#[0-9a-f]{6}$/i;

/** Whether s is a color the server accepts (#rrggbb). */
export function isHexColor(s: string): boolean {
  return hex.test(s);
}

/** Normalises "4F7CAC" or "#4F7CAC" to "#4f7cac"; null when it is not one. */
export function normaliseHex(s: string): string | null {
  const v = s.trim().startsWith('#') ? s.trim() : `#${s.trim()}`;
  return isHexColor(v) ? v.toLowerCase() : null;
}

/** Black or white, whichever reads better on the color. */
export function textOn(color: string): '#000000' | '#ffffff' {
  if (!isHexColor(color)) return '#ffffff';
  const n = parseInt(color.slice(1), 16);
  const [r, g, b] = [(n >> 16) & 255, (n >> 8) & 255, n & 255].map((c) => {
    const s = c / 255;
    return s <= 0.03928 ? s / 12.92 : ((s + 0.055) / 1.055) ** 2.4;
  }) as [number, number, number];
  const luminance = 0.2126 * r + 0.7152 * g + 0.0722 * b;
  return luminance > 0.4 ? '#000000' : '#ffffff';
}
