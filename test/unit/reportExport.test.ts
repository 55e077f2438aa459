import * as assert from 'node:assert/strict';
import { english } from '../../src/core/l10n';
import { EXPORT_CSP, exportHtml, exportMarkdown, type HtmlExportOptions } from '../../src/core/report/reportExport';
import { importReport } from '../../src/core/report/reportImport';
import { newReport, withAnswer } from '../../src/core/report/reportModel';
import { fixture, frenchLocalizer, outline } from './reportFixtures';

const PNG = new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 1, 2, 3]);

function options(read: HtmlExportOptions['readImage'], extra: Partial<HtmlExportOptions> = {}): HtmlExportOptions {
  return { title: 'TP1 Cloud', lang: 'fr', l10n: english, readImage: read, ...extra };
}

describe('exportMarkdown', () => {
  it('keeps what was written and leaves out empty questions, sections and notes', () => {
    const model = {
      ...withAnswer(withAnswer(newReport(outline), 'Q4', 'core-02'), 'Q6', 'la pile réseau'),
      otherNotes: { title: 'Autres notes', text: '' },
    };
    assert.equal(
      exportMarkdown(model),
      [
        '# TP1 Cloud — architectures cloud-like',
        '',
        '## 6. Registry, partie 1',
        '',
        "### Q4 — Où le service s'exécute-t-il vraiment, et avec combien de conteneurs ?",
        '',
        'core-02',
        '',
        '## 8. Keepalived',
        '',
        '### Q6 — Ce que fait exactement `--net=host`, montré avec nsenter',
        '',
        'la pile réseau',
        '',
      ].join('\n'),
    );
  });

  it('keeps the section notes of the seed, in CRLF when the report is', () => {
    const model = importReport(fixture('seed-tp1.md'), outline, english).model;
    const md = exportMarkdown({ ...model, eol: '\r\n' });
    assert.ok(md.includes('## 2. Docker Swarm\r\n\r\n### Configurer le docker swarm\r\n'));
    assert.ok(!md.includes('## 3.'), 'section 3 has nothing');
    assert.equal(md.replace(/\r\n/g, '').includes('\n'), false);
  });
});

describe('exportHtml', () => {
  const preview = importReport(fixture('images-tables.md'), outline, english);
  const hostile = withAnswer(
    preview.model,
    'Q11',
    '<script>alert(1)</script>\n\n<img src=x onerror=alert(2)>\n\n[clic](javascript:alert(3))\n\n![distante](https://example.com/x.png)',
  );

  it('is one page with a strict policy, an inline stylesheet and no script at all', async () => {
    const html = await exportHtml(
      hostile,
      options(() => PNG),
    );
    assert.ok(html.startsWith('<!DOCTYPE html>\n<html lang="fr">'));
    assert.ok(html.includes(`<meta http-equiv="Content-Security-Policy" content="${EXPORT_CSP}">`));
    assert.equal(EXPORT_CSP, "default-src 'none'; img-src data:; style-src 'unsafe-inline'");
    assert.doesNotMatch(html, /<script/i);
    assert.doesNotMatch(html, /<img[^>]+onerror/i);
    assert.doesNotMatch(html, /href="javascript:/i);
    assert.ok(html.includes('&lt;script&gt;alert(1)&lt;/script&gt;'), 'typed HTML is shown as text');
    assert.match(html, /<style>[^<]*@media print/);
    assert.doesNotMatch(html, /(src|href)="https?:/, 'nothing remote');
  });

  it('inlines the images beside the report as data: URIs, by their decoded path', async () => {
    const asked: string[] = [];
    const html = await exportHtml(
      preview.model,
      // The adapter reads with workspace.fs: a promise.
      options((path) => {
        asked.push(path);
        return Promise.resolve(path.endsWith('absente.png') ? undefined : PNG);
      }),
    );
    assert.deepEqual(asked, ['images/grafana.png', './img/traefik schema.png', 'img/absente.png']);
    const b64 = Buffer.from(PNG).toString('base64');
    assert.ok(html.includes(`<img src="data:image/png;base64,${b64}" alt="Tableau de bord Grafana">`));
    assert.ok(html.includes(`<img src="data:image/png;base64,${b64}" alt="schéma de traefik" title="Traefik">`));
    assert.equal(html.match(/<img /g)?.length, 2);
  });

  it('keeps the alt text of an image it cannot include, with a visible note', async () => {
    const html = await exportHtml(
      hostile,
      options((p) => (p.endsWith('absente.png') ? undefined : PNG)),
    );
    assert.ok(
      html.includes('<span class="missing-image">[capture manquante] <em>Image not found: img/absente.png</em></span>'),
    );
    assert.ok(
      html.includes('[distante] <em>Image not included (not beside the report): https://example.com/x.png</em>'),
    );
    const fr = await exportHtml(
      hostile,
      options(() => undefined, { l10n: frenchLocalizer() }),
    );
    assert.ok(fr.includes('<em>Image introuvable : images/grafana.png</em>'));
  });

  it('never reads a path outside the report folder on its own, and recognises an image without extension', async () => {
    const model = withAnswer(
      newReport(outline),
      'Q1',
      '![a](/etc/passwd) ![b](C:\\x.png) ![c](file:///x.png) ![d](capture)',
    );
    const asked: string[] = [];
    const html = await exportHtml(
      model,
      options((p) => (asked.push(p), PNG)),
    );
    assert.deepEqual(asked, ['capture']);
    assert.ok(html.includes('alt="d"') && html.includes('data:image/png;base64,'));
  });

  it('escapes the title and the language', async () => {
    const html = await exportHtml(
      newReport(outline),
      options(() => undefined, { title: 'A <b> & "c"', lang: 'fr"><x' }),
    );
    assert.ok(html.includes('<title>A &lt;b&gt; &amp; &quot;c&quot;</title>'));
    assert.ok(html.includes('<html lang="fr&quot;&gt;&lt;x">'));
  });
});
