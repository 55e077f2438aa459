/**
 * Text edits as offsets into a string (UTF-16 code units, the unit of
 * VS Code's `TextDocument.positionAt`), so that pure modules can compute
 * edits and tests can apply them without an editor.
 */

export interface TextEdit {
  readonly offset: number;
  readonly length: number;
  readonly newText: string;
}

/**
 * Applies edits computed against the same original text. Overlapping edits
 * mean two changes disagree about the same bytes: that is a bug upstream, so
 * it throws rather than guess an order.
 */
export function applyEdits(text: string, edits: readonly TextEdit[]): string {
  // Stable sort keeps insertions at the same offset in the order given.
  const sorted = edits
    .map((edit, index) => ({ edit, index }))
    .sort((a, b) => a.edit.offset - b.edit.offset || a.index - b.index)
    .map((e) => e.edit);
  let out = '';
  let cursor = 0;
  for (const edit of sorted) {
    if (edit.offset < cursor || edit.length < 0 || edit.offset + edit.length > text.length) {
      throw new RangeError(`edit at ${edit.offset} (+${edit.length}) overlaps another or leaves the text`);
    }
    out += text.slice(cursor, edit.offset) + edit.newText;
    cursor = edit.offset + edit.length;
  }
  return out + text.slice(cursor);
}

function isHighSurrogate(code: number): boolean {
  return code >= 0xd800 && code <= 0xdbff;
}

function isLowSurrogate(code: number): boolean {
  return code >= 0xdc00 && code <= 0xdfff;
}

/**
 * The smallest edit turning `oldText` (found at `offset`) into `newText`:
 * editors keep cursors and selections outside the changed span, and undo
 * shows only what really changed.
 */
export function minimalEdit(offset: number, oldText: string, newText: string): TextEdit {
  let prefix = 0;
  const maxPrefix = Math.min(oldText.length, newText.length);
  while (prefix < maxPrefix && oldText.charCodeAt(prefix) === newText.charCodeAt(prefix)) {
    prefix++;
  }
  // Never cut a surrogate pair in two.
  if (prefix > 0 && isHighSurrogate(oldText.charCodeAt(prefix - 1))) {
    prefix--;
  }
  let suffix = 0;
  const maxSuffix = maxPrefix - prefix;
  while (
    suffix < maxSuffix &&
    oldText.charCodeAt(oldText.length - 1 - suffix) === newText.charCodeAt(newText.length - 1 - suffix)
  ) {
    suffix++;
  }
  if (suffix > 0 && isLowSurrogate(oldText.charCodeAt(oldText.length - suffix))) {
    suffix--;
  }
  return {
    offset: offset + prefix,
    length: oldText.length - prefix - suffix,
    newText: newText.slice(prefix, newText.length - suffix),
  };
}
