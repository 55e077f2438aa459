import type MarkdownItModule from 'markdown-it';
import type { Localizer } from '../l10n';
import { exportMarkdown } from './reportFormat';
import type { ReportModel } from './reportModel';

export { exportMarkdown } from './reportFormat';

/**
 * The report as one HTML page to hand in: it opens anywhere, offline, and
 * runs nothing. Markdown is rendered by markdown-it with raw HTML off (a
 * `<script>` typed in an answer is shown as text), images found beside the
 * report are inlined as `data:` URIs, and the Content-Security-Policy allows
 * only those images and the inline stylesheet.
 */

export interface HtmlExportOptions {
  readonly title: string;
  /** The page's language (`fr`, `en`): the lab's. */
  readonly lang: string;
  /**
   * The bytes of an image named by a relative path in the report (decoded,
   * without query or fragment), resolved by the caller from the report's
   * folder; undefined when it cannot be read.
   */
  readonly readImage: (path: string) => Uint8Array | undefined | Promise<Uint8Array | undefined>;
  /** For the notes about images left out, in the lab's language. */
  readonly l10n: Localizer;
}

export const EXPORT_CSP = "default-src 'none'; img-src data:; style-src 'unsafe-inline'";

type MarkdownIt = MarkdownItModule.MarkdownIt;
type Token = MarkdownItModule.Token;

type RenderEnv = MarkdownItModule.Env & {
  /** Image source as written in the Markdown → its data: URI, or the note to show instead. */
  readonly images: Map<string, { dataUri: string } | { note: string }>;
};

let renderer: Promise<MarkdownIt> | undefined;

/** markdown-it is loaded on the first export, not at activation. */
function markdown(): Promise<MarkdownIt> {
  renderer ??= import('markdown-it').then(({ default: MarkdownItCtor }) => {
    const md = new MarkdownItCtor({ html: false, linkify: false, typographer: false });
    const image = md.renderer.rules.image;
    md.renderer.rules.image = (tokens, idx, options, env, self) => {
      const token = tokens[idx];
      const found = (env as RenderEnv).images.get(srcOf(token));
      if (found && 'dataUri' in found) {
        token.attrSet('src', found.dataUri);
        return image(tokens, idx, options, env, self);
      }
      const alt = self.renderInlineAsText(token.children ?? [], options, env);
      const note = found && 'note' in found ? found.note : '';
      return `<span class="missing-image">[${md.utils.escapeHtml(alt)}] <em>${md.utils.escapeHtml(note)}</em></span>`;
    };
    return md;
  });
  return renderer;
}

export async function exportHtml(model: ReportModel, options: HtmlExportOptions): Promise<string> {
  const md = await markdown();
  const env: RenderEnv = { images: new Map() };
  const tokens = md.parse(exportMarkdown({ ...model, eol: '\n' }), env);
  for (const src of imageSources(tokens)) {
    env.images.set(src, await inline(src, options));
  }
  const body = md.renderer.render(tokens, md.options, env);
  const esc = md.utils.escapeHtml;
  return [
    '<!DOCTYPE html>',
    `<html lang="${esc(options.lang)}">`,
    '<head>',
    '<meta charset="utf-8">',
    `<meta http-equiv="Content-Security-Policy" content="${EXPORT_CSP}">`,
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    `<title>${esc(options.title)}</title>`,
    `<style>${STYLE}</style>`,
    '</head>',
    '<body>',
    '<main>',
    body.trimEnd(),
    '</main>',
    '</body>',
    '</html>',
    '',
  ].join('\n');
}

function srcOf(token: Token): string {
  return String(token.attrGet('src') ?? '');
}

function imageSources(tokens: readonly Token[]): Set<string> {
  const found = new Set<string>();
  const walk = (list: readonly Token[]): void => {
    for (const t of list) {
      if (t.type === 'image') {
        found.add(srcOf(t));
      }
      walk(t.children ?? []);
    }
  };
  walk(tokens);
  return found;
}

async function inline(src: string, options: HtmlExportOptions): Promise<{ dataUri: string } | { note: string }> {
  const { l10n } = options;
  if (/^data:/i.test(src)) {
    return { dataUri: src }; // markdown-it only lets raster data: images through
  }
  if (!isRelative(src)) {
    return { note: l10n.t('Image not included (not beside the report): {0}', src) };
  }
  const path = decodePath(src);
  const bytes = await options.readImage(path);
  const mime = bytes ? mimeOf(path, bytes) : undefined;
  if (!bytes || !mime) {
    return { note: l10n.t('Image not found: {0}', path) };
  }
  return { dataUri: `data:${mime};base64,${Buffer.from(bytes).toString('base64')}` };
}

/** Not `http:`, `file:`, `C:\…`, `/etc/…` or `//host/…`: only a path from the report's folder. */
function isRelative(src: string): boolean {
  return src !== '' && !/^[a-z][a-z0-9+.-]*:/i.test(src) && !/^[/\\]/.test(src);
}

/** markdown-it percent-encodes the source (`traefik%20schema.png`); the file is `traefik schema.png`. */
function decodePath(src: string): string {
  const bare = src.replace(/[?#].*$/, '');
  try {
    return decodeURIComponent(bare);
  } catch {
    return bare;
  }
}

const MIME_BY_EXTENSION: Readonly<Record<string, string>> = {
  png: 'image/png',
  jpg: 'image/jpeg',
  jpeg: 'image/jpeg',
  gif: 'image/gif',
  webp: 'image/webp',
  svg: 'image/svg+xml',
};

/** By extension, else by the file's first bytes (screenshots saved without one). */
function mimeOf(path: string, bytes: Uint8Array): string | undefined {
  const ext = /\.([a-z0-9]+)$/i.exec(path)?.[1].toLowerCase();
  if (ext && MIME_BY_EXTENSION[ext]) {
    return MIME_BY_EXTENSION[ext];
  }
  const starts = (...b: number[]): boolean => b.every((v, i) => bytes[i] === v);
  if (starts(0x89, 0x50, 0x4e, 0x47)) {
    return 'image/png';
  }
  if (starts(0xff, 0xd8, 0xff)) {
    return 'image/jpeg';
  }
  if (starts(0x47, 0x49, 0x46, 0x38)) {
    return 'image/gif';
  }
  return undefined;
}

/** Readable on screen, printable on A4: no colours that need a screen, code that wraps. */
const STYLE = [
  'body{font:16px/1.5 system-ui,-apple-system,"Segoe UI",sans-serif;color:#1b1b1b;background:#fff;margin:0}',
  'main{max-width:50rem;margin:0 auto;padding:2rem 1.5rem}',
  'h1,h2,h3{line-height:1.25}h2{border-bottom:1px solid #ccc;padding-bottom:.2em;margin-top:2em}',
  'pre,code{font-family:ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;font-size:.9em}',
  'pre{background:#f5f5f5;border:1px solid #ddd;padding:.75em;white-space:pre-wrap;overflow-wrap:anywhere}',
  'table{border-collapse:collapse}th,td{border:1px solid #bbb;padding:.3em .6em}',
  'img{max-width:100%}blockquote{margin-left:0;padding-left:1em;border-left:3px solid #ccc;color:#444}',
  '.missing-image{color:#8a1f11}',
  '@media print{main{max-width:none;padding:0}h2,h3{break-after:avoid}pre,table,img{break-inside:avoid}}',
].join('');
