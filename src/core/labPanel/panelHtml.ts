import { randomBytes } from 'node:crypto';
import { webviewPage } from '../text/html';

/**
 * The lab panel's page: an empty shell that loads one script and one
 * stylesheet from the extension, everything else arrives as messages. The
 * Content-Security-Policy allows exactly that script (by nonce, new on each
 * render), stylesheets, images and fonts from the extension's own webview
 * folder, and data: images; no inline style, no remote content, no eval.
 */

export interface PanelPage {
  /** `webview.cspSource`: the origin VS Code serves the extension's resources from. */
  readonly cspSource: string;
  readonly scriptUri: string;
  readonly styleUri: string;
  readonly nonce: string;
  /** The page's language: VS Code's display language. */
  readonly lang: string;
  readonly title: string;
}

/** 128 random bits, base64: a nonce no page can guess. */
export function newNonce(): string {
  return randomBytes(16).toString('base64');
}

export function panelCsp(cspSource: string, nonce: string): string {
  return [
    "default-src 'none'",
    `script-src 'nonce-${nonce}'`,
    `style-src ${cspSource}`,
    `img-src ${cspSource} data:`,
    `font-src ${cspSource}`,
  ].join('; ');
}

export function panelHtml(page: PanelPage): string {
  return webviewPage({
    ...page,
    csp: panelCsp(page.cspSource, page.nonce),
    body: '<div id="app" class="app" aria-busy="true"></div>',
  });
}
