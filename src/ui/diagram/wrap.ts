// A lifeline's name in the sequence diagram's header box: SVG text does not wrap by itself, so the
// name is cut into lines here. Latin names break between words ("Great Wall Card Company" over two
// lines, never "Compan" + "y"); CJK names break between any two characters, as Chinese text does.
// A word wider than the whole box is the only thing cut inside a word.
import { assert } from '../../domain/assert.ts';

/** CJK ideographs, kana, full-width forms: drawn about one em wide. */
const wideChar = /[\u2E80-\uFFFF]/;

/** Estimated width of one character in px at `fontPx` (bold Latin averages about 0.6 em). */
export function charWidthPx(c: string, fontPx: number): number {
  return wideChar.test(c) ? fontPx : fontPx * 0.6;
}

function widthPx(text: string, fontPx: number): number {
  let w = 0;
  for (const c of text) w += charWidthPx(c, fontPx);
  return w;
}

/** Tokens to wrap between: a Latin word with the spaces after it, or one CJK character. */
function tokensOf(text: string): string[] {
  return text.match(/[\u2E80-\uFFFF]|[^\s\u2E80-\uFFFF]+\s*|\s+/g) ?? [];
}

/**
 * `text` in at most `linesMax` lines of at most `boxPx` (estimated); what does not fit ends in "…".
 * Lines carry no leading or trailing spaces.
 */
export function wrapName(text: string, boxPx: number, fontPx = 13, linesMax = 2): string[] {
  assert(boxPx > fontPx && linesMax >= 1, 'wrapName: a box narrower than one character');
  const lines: string[] = [];
  let line = '';
  const push = () => {
    lines.push(line.trimEnd());
    line = '';
  };
  let cut = false;
  for (const token of tokensOf(text)) {
    if (lines.length === linesMax) {
      cut = true;
      break;
    }
    const word = token.trimEnd();
    if (word === '') {
      if (line !== '') line += token;
      continue;
    }
    if (widthPx(line + word, fontPx) <= boxPx) {
      line += token;
      continue;
    }
    if (line !== '') push();
    if (lines.length === linesMax) {
      cut = true;
      break;
    }
    // A single word wider than the box: cut it by characters (the only cut inside a word).
    for (const c of token) {
      if (line !== '' && widthPx(line + c, fontPx) > boxPx) {
        push();
        if (lines.length === linesMax) {
          cut = true;
          break;
        }
      }
      line += c;
    }
    if (cut) break;
  }
  if (line.trim() !== '' && lines.length < linesMax) push();
  else if (line.trim() !== '') cut = true;
  if (cut) {
    // Make room for the ellipsis on the last line.
    let last = lines[lines.length - 1] ?? '';
    while (last !== '' && widthPx(`${last}…`, fontPx) > boxPx) last = [...last].slice(0, -1).join('');
    lines[lines.length - 1] = `${last.trimEnd()}…`;
  }
  return lines;
}
