import type MarkdownItModule from 'markdown-it';

/**
 * Markdown to HTML for the lab panel: the lab's text and the preview of an
 * answer. Raw HTML is off, so a `<script>` typed in an answer (or written in
 * a teacher's lab) is shown as text; links go out only to the web or mail
 * (VS Code opens them outside the panel); images show only when inlined as
 * data: URIs, since the panel loads nothing from disk or network.
 */

type MarkdownIt = MarkdownItModule.MarkdownIt;

let renderer: Promise<MarkdownIt> | undefined;

const SAFE_LINK = /^(https?:|mailto:)/i;
const SAFE_IMAGE = /^data:image\/(png|jpe?g|gif|webp);/i;

/** markdown-it is loaded on the first panel, never at activation. */
function load(): Promise<MarkdownIt> {
  renderer ??= import('markdown-it').then(({ default: MarkdownItCtor }) => {
    const md = new MarkdownItCtor({ html: false, linkify: false, typographer: false });
    // Refused links and images stay as their Markdown text: nothing is lost, nothing is fetched.
    md.validateLink = (url: string): boolean => SAFE_LINK.test(url.trim()) || SAFE_IMAGE.test(url.trim());
    const image = md.renderer.rules.image;
    md.renderer.rules.image = (tokens, idx, options, env, self) => {
      const src = String(tokens[idx].attrGet('src') ?? '');
      if (SAFE_IMAGE.test(src)) {
        return image ? image(tokens, idx, options, env, self) : self.renderToken(tokens, idx, options);
      }
      const alt = self.renderInlineAsText(tokens[idx].children ?? [], options, env);
      return `<span class="image-placeholder">[${md.utils.escapeHtml(alt || src)}]</span>`;
    };
    return md;
  });
  return renderer;
}

export async function markdownRenderer(): Promise<(markdown: string) => string> {
  const md = await load();
  return (markdown) => md.render(markdown);
}
