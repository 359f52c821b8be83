// Text from outside (a node's files, a user's input) shown to a person: terminal control bytes
// (ESC sequences can rewrite the screen, set the window title, hide text), C1 controls and
// bidirectional/zero-width format characters are shown as visible escapes instead of acting.

// C0 controls but tab and newline, DEL, C1 controls, and Unicode format characters that reorder or
// hide text (zero-width, bidi embeddings/overrides/isolates, BOM).
const UNSAFE = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u200b-\u200f\u202a-\u202e\u2066-\u2069\ufeff]/g;

const visible = (c: string): string => {
  const code = c.charCodeAt(0);
  return code <= 0xff ? `\\x${code.toString(16).padStart(2, '0')}` : `\\u${code.toString(16).padStart(4, '0')}`;
};

// Every unsafe character as a visible escape (ESC -> "\x1b"); tab and newline stay.
export function neutralise(text: string): string {
  return text.replace(UNSAFE, visible);
}

// True when `text` holds a character neutralise() would rewrite.
export const hasUnsafe = (text: string): boolean => new RegExp(UNSAFE.source).test(text);

// At most `max` characters, saying how many were left out (a 100 KB value is not echoed whole).
export function clip(text: string, max = 1000): string {
  return text.length <= max ? text : `${text.slice(0, max)}… (${text.length - max} more characters)`;
}

// One message line for a terminal: neutralised, newlines shown as \n, and clipped.
export function safeLine(text: string, max = 1000): string {
  return clip(neutralise(text).replace(/\r?\n/g, '\\n'), max);
}
