import * as assert from 'node:assert/strict';
import { formatEvidence, insertBlock } from '../../src/core/labPanel/evidence';
import { english } from '../../src/core/l10n';
import { isInside, resolveInside } from '../../src/core/labPanel/insideRoots';
import { newNonce, panelCsp, panelHtml } from '../../src/core/labPanel/panelHtml';
import { markdownRenderer } from '../../src/core/labPanel/panelMarkdown';

const PAGE = {
  cspSource: 'https://file+.vscode-resource.vscode-cdn.net',
  scriptUri: 'https://file+.vscode-resource.vscode-cdn.net/ext/dist/webview/labPanel.js',
  styleUri: 'https://file+.vscode-resource.vscode-cdn.net/ext/dist/webview/labPanel.css',
  lang: 'fr',
  title: 'Lab',
};

describe('lab panel page: CSP, nonce and safe Markdown', () => {
  it('allows only the nonce script and the extension’s own styles, images and fonts', () => {
    const nonce = newNonce();
    const html = panelHtml({ ...PAGE, nonce });
    const csp = /<meta http-equiv="Content-Security-Policy" content="([^"]+)">/.exec(html)?.[1];
    assert.equal(csp, panelCsp(PAGE.cspSource, nonce).replace(/'/g, '&#39;'));
    assert.equal(
      panelCsp(PAGE.cspSource, nonce),
      `default-src 'none'; script-src 'nonce-${nonce}'; style-src ${PAGE.cspSource}; ` +
        `img-src ${PAGE.cspSource} data:; font-src ${PAGE.cspSource}`,
    );
    assert.doesNotMatch(html, /unsafe-inline|unsafe-eval/);
    const scripts = [...html.matchAll(/<script\b([^>]*)>/g)].map((m) => m[1]);
    assert.equal(scripts.length, 1);
    assert.match(scripts[0], new RegExp(`nonce="${nonce.replace(/[+/=]/g, (c) => `\\${c}`)}"`));
    assert.match(scripts[0], /src="https:\/\/file\+\.vscode-resource/);
    assert.doesNotMatch(html, /<style|style=/, 'no inline style');
    assert.doesNotMatch(html, /http:\/\/|https:\/\/(?!file\+\.vscode-resource)/, 'nothing remote');
  });

  it('uses a new nonce each time, 128 random bits', () => {
    const nonces = new Set(Array.from({ length: 50 }, () => newNonce()));
    assert.equal(nonces.size, 50);
    assert.equal(Buffer.from([...nonces][0], 'base64').length, 16);
  });

  it('shows HTML typed in Markdown as text: a <script> in an answer never becomes a script', async () => {
    const render = await markdownRenderer();
    const html = render('<script>alert(1)</script>\n\n<img src=x onerror=alert(1)>\n\n[x](javascript:alert(1))');
    assert.doesNotMatch(html, /<script|<img|href="javascript/i);
    assert.match(html, /&lt;script&gt;alert\(1\)&lt;\/script&gt;/);
  });

  it('links only to the web and mail; images only inlined as data:, else their text', async () => {
    const render = await markdownRenderer();
    assert.match(render('[doc](https://docs.docker.com/)'), /<a href="https:\/\/docs.docker.com\/">doc<\/a>/);
    assert.doesNotMatch(render('[f](file:///etc/passwd)'), /<a /);
    const remote = render('![schema](https://example.org/x.png)');
    assert.doesNotMatch(remote, /<img/);
    assert.match(remote, /\[schema\]/);
    assert.equal(render('![local](schema.png)'), '<p>![local](schema.png)</p>\n', 'kept as written, loads nothing');
    assert.match(render('![d](data:image/png;base64,iVBORw0KGgo=)'), /<img src="data:image\/png;base64,/);
  });
});

describe('evidence: a command and its output as a fenced block', () => {
  it('names the node, strips colours and progress redraws, trims blank lines', () => {
    const block = formatEvidence(
      [
        {
          node: 'core-01',
          command: 'docker node ls',
          output: '\n\u001b[1mID\u001b[0m  HOSTNAME\r\nabc  core-01\n10%\r50%\r100%\n\n',
        },
      ],
      { l10n: english },
    );
    assert.equal(block, '```console\n[core-01] $ docker node ls\nID  HOSTNAME\nabc  core-01\n100%\n```');
  });

  it('uses a fence longer than any backticks in the output, and one block per command', () => {
    const block = formatEvidence(
      [
        { command: 'cat README.md', output: '```sh\nls\n```' },
        { node: 'core-02', command: 'true', output: '' },
      ],
      { l10n: english },
    );
    assert.equal(block, '````console\n$ cat README.md\n```sh\nls\n```\n````\n\n```console\n[core-02] $ true\n```');
  });

  it('cuts long output in the middle and says how much', () => {
    const output = Array.from({ length: 100 }, (_, i) => `line ${i + 1}`).join('\n');
    const lines = formatEvidence([{ command: 'seq', output }], { l10n: english, maxLines: 20 }).split('\n');
    assert.equal(lines.length, 2 + 1 + 20);
    assert.equal(lines[2], 'line 1');
    assert.ok(lines.includes('… 81 lines left out …'));
    assert.equal(lines[lines.length - 2], 'line 100');
  });

  it('goes into an answer as paragraphs of its own, at the end of the caret’s line', () => {
    const block = '```console\n$ x\n```';
    assert.deepEqual(insertBlock('', block), { text: `${block}\n`, cursor: block.length + 1 });
    assert.deepEqual(insertBlock('Intro.', block), { text: `Intro.\n\n${block}\n`, cursor: 8 + block.length + 1 });
    const mid = insertBlock('First line.\nSecond line.', block, 3);
    assert.equal(mid.text, `First line.\n\n${block}\n\nSecond line.`);
    assert.equal(mid.text.slice(mid.cursor), '\nSecond line.');
    assert.equal(insertBlock('a\n\n\n', block, 1).text, `a\n\n${block}\n`);
  });
});

describe('images of the HTML export stay inside the workspace', () => {
  const roots = ['/home/student/tp1'];
  it('resolves a path beside the report', () => {
    assert.equal(resolveInside('/home/student/tp1', 'img/swarm.png', roots), '/home/student/tp1/img/swarm.png');
    assert.equal(resolveInside('/home/student/tp1/notes', '../img/a.png', roots), '/home/student/tp1/img/a.png');
  });
  it('refuses a path that leaves it, or is not a plain path', () => {
    assert.equal(resolveInside('/home/student/tp1', '../../.ssh/id_ed25519', roots), undefined);
    assert.equal(resolveInside('/home/student/tp1', '/etc/shadow', roots), undefined);
    assert.equal(resolveInside('/home/student/tp1', 'file:///etc/shadow', roots), undefined);
    assert.equal(resolveInside('/home/student/tp1', 'a\0b', roots), undefined);
    assert.equal(resolveInside('/home/student/tp1', '..\\..\\x', roots), undefined);
    assert.equal(isInside('/home/student/tp10/x', '/home/student/tp1'), false, 'a sibling with the same prefix');
  });
});
