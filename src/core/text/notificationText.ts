import type { Localizer } from '../l10n';

/**
 * What a notification may say. Error messages often carry what a program
 * printed (a node's dockerd log tail, a `docker build` transcript, a stack):
 * in a notification that is unreadable, so only the sentences a person
 * wrote are kept, and the caller puts the rest behind Show Log.
 */

/** VS Code shows about this much of a notification before it cuts it without saying so. */
export const NOTIFICATION_MAX_CHARS = 300;

export interface NotificationText {
  /** One line, at most NOTIFICATION_MAX_CHARS characters, without the program output. */
  readonly text: string;
  /** Something more than white space was left out: the full message belongs in the log, with Show Log offered. */
  readonly shortened: boolean;
}

/**
 * Where program output starts anywhere in a line: logfmt keys (dockerd,
 * containerd, the Docker CLI) and the classic builder's steps. Messages are
 * sometimes joined into one line before they reach us, so a line can start
 * as a sentence and go on as a log.
 */
const OUTPUT_INSIDE_LINE = /\b(?:time|level|msg)=|\bStep \d+\/\d+ :|--->/;

/** Lines that are program output from their first character (after the indentation). */
const OUTPUT_LINE = [
  /^\[?\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}/, // ISO timestamp, bare or in brackets
  /^\[[^\]]*\]/, // [timestamp], [core], [vagrant core-01]: a logger's prefix
  /^[A-Z][a-z]{2} +\d{1,2} \d{2}:\d{2}:\d{2}\b/, // syslog: "Mar 14 09:12:01 core-02 sshd[412]: …"
  /^(?:TRACE|DEBUG?|INFO|WARN(?:ING)?|ERRO(?:R)?|FATA(?:L)?)(?:\[\d+\]|:|\s)/, // "INFO[0000] …", "ERROR: …"
  /^at (?:async )?\S.*(?::\d+:\d+\)?|<anonymous>\)?)$/, // a JavaScript stack frame
  /^[{[]\s*["{[\]}]|^[{}[\]],?$|^"[^"]*"\s*:/, // JSON, whole or one line of it
  /^(?:==>|#\d+ |Removing intermediate container|Successfully (?:built|tagged)|Sending build context)/, // vagrant, docker build
];

/** After the first line, a line this long is a program's output: people write shorter lines. */
const LONG_OUTPUT_LINE = 200;

/**
 * The notification text for a message: the person-written lines up to the
 * first line (or part of a line) of program output, white space collapsed,
 * cut at a word boundary with an ellipsis to fit NOTIFICATION_MAX_CHARS.
 * A message that is program output from its start becomes a sentence
 * pointing to the log, since none of it is readable.
 */
export function notificationText(message: string, l10n: Localizer): NotificationText {
  const kept: string[] = [];
  let dropped = false;
  for (const [i, raw] of message.split(/\r\n|\r|\n/).entries()) {
    if (raw.trim() === '') {
      continue;
    }
    const line = raw.trim();
    const indented = i > 0 && /^(?: {2,}|\t)/.test(raw) && kept.length > 0;
    if (indented || (kept.length > 0 && line.length > LONG_OUTPUT_LINE) || OUTPUT_LINE.some((r) => r.test(line))) {
      dropped = true;
      break;
    }
    const inside = OUTPUT_INSIDE_LINE.exec(line);
    if (inside) {
      kept.push(line.slice(0, inside.index));
      dropped = true;
      break;
    }
    kept.push(line);
  }
  let text = kept.join(' ').replace(/\s+/g, ' ').trim();
  if (dropped) {
    // "… its log ends with:" announced what was left out: the ellipsis says it is elsewhere.
    text = text.replace(/\s*:$/, '…');
  }
  if (text === '' && dropped) {
    return { text: l10n.t('See the log for the details.'), shortened: true };
  }
  if (text.length > NOTIFICATION_MAX_CHARS) {
    return { text: cutAtWord(text, NOTIFICATION_MAX_CHARS), shortened: true };
  }
  return { text, shortened: dropped };
}

/** At most `max` characters, the ellipsis included, cut between words unless one word fills half of it. */
function cutAtWord(text: string, max: number): string {
  let end = max - 1;
  const space = text.lastIndexOf(' ', end);
  if (space >= max / 2) {
    end = space;
  } else if (/[\uD800-\uDBFF]/.test(text.charAt(end - 1))) {
    end--; // never half of a surrogate pair
  }
  return `${text.slice(0, end).replace(/[\s,;:.…]+$/, '')}…`;
}
