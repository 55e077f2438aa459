import * as assert from 'node:assert/strict';
import { clusterMap, clusterMapText } from '../../src/core/cluster/clusterMap';
import { clusterMapCsp, clusterMapHtml, clusterMapPage } from '../../src/core/cluster/clusterMapHtml';
import { isClusterMapMessage, parseClusterMapPageMessage } from '../../src/core/cluster/clusterMapProtocol';
import { buildSwarmSnapshot, type RawService } from '../../src/core/cluster/swarmSnapshot';
import { labMap, rawNode, running, task } from './clusterMapFixtures';
import { read } from './repoFiles';

const HOSTILE = '<img src=x onerror=alert(1)>';

/** A swarm whose names were chosen by someone who wants the page to run their code. */
function hostileMap() {
  const node = { ...rawNode(1), Description: { Hostname: HOSTILE } };
  const services: RawService[] = [
    {
      ID: 'svcEvil',
      Spec: {
        Name: '<script>alert(2)</script>',
        Labels: { 'com.docker.stack.namespace': '"><svg onload=alert(3)>' },
        Mode: { Replicated: { Replicas: 1 } },
        TaskTemplate: { ContainerSpec: { Image: 'evil:1' } },
      },
    },
  ];
  const snapshot = buildSwarmSnapshot({
    nodes: [node],
    services,
    tasks: [task('e1', 'svcEvil', 'node1', 'failed', 'shutdown', 1, "'><iframe src=javascript:alert(4)>")],
  });
  const machine = { ...running('core-01', 1, true), name: `${HOSTILE}2`, host: '" onfocus="alert(5)' };
  return clusterMap({ snapshot, machines: [{ ...machine, state: { kind: 'stopped' } }] });
}

/**
 * Tags and attributes that would run code or style the page, as the browser
 * would parse them: attribute values (quotes inside are escaped) are set aside.
 */
function activeMarkup(html: string): string[] {
  const found: string[] = [];
  for (const [tag, name] of html.matchAll(/<([a-z][a-z0-9]*)\b[^>]*>/gi)) {
    if (/^(script|img|svg|iframe|object|embed|style|link)$/i.test(name)) {
      found.push(tag);
    }
    found.push(...[...tag.replace(/"[^"]*"/g, '""').matchAll(/\s(on\w+|style)\s*=/gi)].map((m) => m[0]));
  }
  return found;
}

describe('cluster map: the HTML fragment', () => {
  it('escapes every name, label and error the cluster gives (a hostile node name, service name, stack, error)', () => {
    const html = clusterMapHtml(hostileMap());
    assert.deepEqual(activeMarkup(html), []);
    // The check itself sees what an unescaped name would do.
    assert.deepEqual(activeMarkup(`<p class="x">${HOSTILE}</p>`), [HOSTILE, ' onerror=']);
    assert.ok(!html.includes(HOSTILE), 'a node name went in unescaped');
    assert.ok(html.includes('&#60;img src=x onerror=alert(1)&#62;'));
    assert.ok(html.includes('&#60;script&#62;alert(2)&#60;/script&#62;'));
    assert.ok(html.includes('&#39;&#62;&#60;iframe src=javascript:alert(4)&#62;'));
    assert.ok(html.includes('data-node="&#60;img src=x onerror=alert(1)&#62;"'));
    assert.ok(html.includes('&#34; onfocus=&#34;alert(5)'));
    // Ids are made of safe characters only, whatever the name.
    for (const [, id] of html.matchAll(/\sid="([^"]*)"/g)) {
      assert.match(id, /^cm-node-[A-Za-z0-9_-]+$/);
    }
  });

  it('has no script, no inline style and no event handler: the CSP forbids them, classes do the look', () => {
    const html = clusterMapHtml(labMap());
    assert.deepEqual(activeMarkup(html), []);
  });

  it('is a list of focusable node cards, each a named group with a heading and a stable id', () => {
    const model = labMap();
    const html = clusterMapHtml(model);
    const cards = [
      ...html.matchAll(
        /<section role="group" id="([^"]+)" class="([^"]+)" data-node="([^"]+)" tabindex="0" aria-label="([^"]+)">/g,
      ),
    ];
    assert.deepEqual(
      cards.map((c) => [c[1], c[3]]),
      [
        ['cm-node-core-01', 'core-01'],
        ['cm-node-core-02', 'core-02'],
        ['cm-node-core-03', 'core-03'],
        ['cm-node-core-04', 'core-04'],
      ],
    );
    assert.deepEqual(
      cards.map((c) => c[2]),
      [
        'cm-node cm-manager cm-leader cm-up cm-registry',
        'cm-node cm-worker cm-up cm-vip',
        'cm-node cm-worker cm-up',
        'cm-node cm-outside cm-up',
      ],
    );
    // Focusing a card reads its whole line, as the text version says it.
    assert.equal(cards[1][4], clusterMapText(model).split('\n')[1]);
    assert.match(
      html,
      /^<div class="cluster-map"><h1 class="cm-title">Cluster map<\/h1><ul class="cm-nodes" aria-label="Nodes">/,
    );
    assert.equal([...html.matchAll(/<h2 class="cm-node-name">/g)].length, 4);
    assert.ok(html.includes('<span class="cm-badge cm-badge-vip">virtual IP</span>'));
    assert.ok(
      html.includes(
        '<li class="cm-image cm-image-stale" title="m1.swarm:5000/python-app:latest"><span class="cm-mark" aria-hidden="true">≠</span> python-app <span class="cm-image-state">another build</span></li>',
      ),
    );
  });

  it('lists the task the scheduler could not place, with its reason, and a table of the services', () => {
    const html = clusterMapHtml(labMap());
    assert.ok(
      html.includes(
        '<section class="cm-unplaced"><h2 class="cm-subtitle">Not placed on any node</h2><ul class="cm-tasks"><li class="cm-task cm-task-pending"><span class="cm-task-name">python-app.3</span> <span class="cm-task-state">pending</span> <span class="cm-why">no suitable node (scheduling constraints not satisfied on 3 nodes)</span></li></ul></section>',
      ),
    );
    assert.ok(
      html.includes(
        '<tr class="cm-converging"><th scope="row">python-app</th><td>python_dirty_app</td><td class="cm-count">2/3</td><td>core-02, core-03</td><td><code>m1.swarm:5000/python-app:latest</code></td></tr>',
      ),
    );
    assert.ok(html.includes('<td class="cm-count">3/3 global</td>'));
  });

  it('ends with the text version, one paragraph per line, in a closed <details>', () => {
    const model = labMap();
    const html = clusterMapHtml(model);
    const text =
      /<details class="cm-text"><summary>Text version<\/summary><div class="cm-text-lines">(.*)<\/div><\/details><\/div>$/.exec(
        html,
      );
    assert.ok(text, 'no text version at the end');
    assert.equal(
      text[1],
      clusterMapText(model)
        .split('\n')
        .map((l) => `<p>${l.replace(/'/g, '&#39;')}</p>`)
        .join(''),
    );
  });

  it('leaves its title out, and puts node headings at the level asked, for a page that names the map', () => {
    const html = clusterMapHtml(labMap(), undefined, { title: false, level: 3 });
    assert.ok(!html.includes('cm-title'));
    assert.equal([...html.matchAll(/<h3 class="cm-node-name">/g)].length, 4);
  });

  it('says there is nothing to show yet, rather than an empty list', () => {
    assert.equal(
      clusterMapHtml(clusterMap({ snapshot: undefined, machines: [] })),
      '<div class="cluster-map"><h1 class="cm-title">Cluster map</h1><p class="cm-empty">No machines or swarm nodes to show yet.</p></div>',
    );
  });

  it('numbers the ids of nodes whose names are the same once made safe', () => {
    const map = clusterMap({
      snapshot: undefined,
      machines: ['a b', 'a_b'].map((name) => ({ name, host: '', state: { kind: 'stopped' } })),
    });
    assert.deepEqual(
      [...clusterMapHtml(map).matchAll(/\sid="([^"]*)"/g)].map((m) => m[1]),
      ['cm-node-a_b', 'cm-node-a_b-2'],
    );
  });
});

describe('cluster map: its own page', () => {
  const page = clusterMapPage({
    cspSource: 'https://file+.vscode-resource.vscode-cdn.net',
    scriptUri: 'https://file+.vscode-resource.vscode-cdn.net/ext/dist/webview/clusterMap.js',
    styleUri: 'https://file+.vscode-resource.vscode-cdn.net/ext/dist/webview/clusterMap.css',
    nonce: 'bm9uY2Ut+/=',
    lang: 'fr',
    title: 'Carte du cluster',
    fragment: '<div class="cluster-map"></div>',
  });

  it('allows its stylesheet and the one script with the nonce, and nothing else', () => {
    assert.equal(
      clusterMapCsp('https://x', 'n0nce'),
      "default-src 'none'; style-src https://x; script-src 'nonce-n0nce'",
    );
    assert.ok(
      page.includes(
        `<meta http-equiv="Content-Security-Policy" content="default-src &#39;none&#39;; style-src https://file+.vscode-resource.vscode-cdn.net; script-src &#39;nonce-bm9uY2Ut+/=&#39;">`,
      ),
    );
    assert.deepEqual(
      [...page.matchAll(/<script\b[^>]*>/g)].map((m) => m[0]),
      [
        '<script nonce="bm9uY2Ut+/=" src="https://file+.vscode-resource.vscode-cdn.net/ext/dist/webview/clusterMap.js">',
      ],
    );
    assert.ok(!/\sstyle\s*=|<style/.test(page));
  });

  it('shows the map before its script runs, in the display language', () => {
    assert.ok(page.includes('<html lang="fr">'));
    assert.ok(
      page.includes('<main id="cluster-map" class="cm-page" tabindex="-1"><div class="cluster-map"></div></main>'),
    );
  });

  it('takes its colours from the VS Code theme only', () => {
    for (const file of ['webview-ui/clusterMap/clusterMap.css', 'webview-ui/clusterMap/page.css']) {
      const css = read(file)
        .replace(/\/\*[\s\S]*?\*\//g, '')
        .replace(/--[\w-]+/g, '');
      assert.deepEqual(
        css.match(/#[0-9a-f]{3,8}\b|\b(rgba?|hsla?)\(|\b(white|black|red|green|yellow|blue)\b/gi),
        null,
        file,
      );
    }
  });
});

describe('cluster map: messages', () => {
  it('swaps in only a well-formed map message', () => {
    assert.equal(isClusterMapMessage({ type: 'clusterMap', html: '<div></div>', text: 'core-01: …' }), true);
    for (const bad of [
      undefined,
      null,
      [],
      {},
      { type: 'clusterMap' },
      { type: 'clusterMap', html: 1, text: '' },
      { type: 'lab', html: '', text: '' },
    ]) {
      assert.equal(isClusterMapMessage(bad), false, JSON.stringify(bad));
    }
  });

  it("knows one message from the map's page: ready", () => {
    assert.deepEqual(parseClusterMapPageMessage({ type: 'ready', extra: 1 }), { type: 'ready' });
    assert.equal(parseClusterMapPageMessage({ type: 'runStep' }), undefined);
    assert.equal(parseClusterMapPageMessage('ready'), undefined);
  });
});
