/**
 * Text placed in HTML the extension builds itself (page shells, the cluster
 * map): every value that comes from users, labs or the cluster goes through
 * here, in element content and in quoted attribute values alike.
 */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** What a webview page of the extension is made of: its policy, its one style sheet and script, its body. */
export interface WebviewPageParts {
  readonly lang: string;
  /** The Content-Security-Policy, as built by the page's own rule. */
  readonly csp: string;
  readonly styleUri: string;
  readonly scriptUri: string;
  readonly nonce: string;
  readonly title: string;
  /** The body's markup before the script, already escaped by its maker. */
  readonly body: string;
}

/** The shell every webview page shares: the policy first, one style sheet, the body, one script with the nonce. */
export function webviewPage(p: WebviewPageParts): string {
  const a = escapeHtml;
  return [
    '<!DOCTYPE html>',
    `<html lang="${a(p.lang)}">`,
    '<head>',
    '<meta charset="utf-8">',
    `<meta http-equiv="Content-Security-Policy" content="${a(p.csp)}">`,
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    `<link rel="stylesheet" href="${a(p.styleUri)}">`,
    `<title>${a(p.title)}</title>`,
    '</head>',
    '<body>',
    p.body,
    `<script nonce="${a(p.nonce)}" src="${a(p.scriptUri)}"></script>`,
    '</body>',
    '</html>',
    '',
  ].join('\n');
}
