import * as assert from 'node:assert/strict';
import { checkRegistryHost, formOf, toLocalForm, toRegistryForm } from '../../src/core/images/imageForms';
import {
  formatImageReference,
  ImageReference,
  normalizeImageReference,
  parseImageReference,
  ReferenceProblemCode,
} from '../../src/core/images/imageReference';
import { Localizer } from '../../src/core/l10n';

const SHA256 = '7cc4b5aefd1d0cadf8d97d4350462ba51c694ebca145b08d7d41b41acc8db5aa';
const SHA384 = 'a'.repeat(96);
const SHA512 = 'b'.repeat(128);

/** Valid references, the parts Docker reads in them, and the fully qualified name it resolves. */
const VALID: readonly [string, ImageReference, string][] = [
  // The lab's own images, in both forms.
  ['python-app:latest', { path: 'python-app', tag: 'latest' }, 'docker.io/library/python-app:latest'],
  ['python-app', { path: 'python-app' }, 'docker.io/library/python-app:latest'],
  [
    'm1.swarm:5000/python-app:latest',
    { domain: 'm1.swarm:5000', path: 'python-app', tag: 'latest' },
    'm1.swarm:5000/python-app:latest',
  ],
  ['m1.swarm:5000/app-proxy', { domain: 'm1.swarm:5000', path: 'app-proxy' }, 'm1.swarm:5000/app-proxy:latest'],
  ['app-proxy:latest', { path: 'app-proxy', tag: 'latest' }, 'docker.io/library/app-proxy:latest'],
  // Images the lab pulls from Docker Hub.
  ['redis', { path: 'redis' }, 'docker.io/library/redis:latest'],
  ['redis:7-alpine', { path: 'redis', tag: '7-alpine' }, 'docker.io/library/redis:7-alpine'],
  ['registry:2', { path: 'registry', tag: '2' }, 'docker.io/library/registry:2'],
  ['traefik:v2', { path: 'traefik', tag: 'v2' }, 'docker.io/library/traefik:v2'],
  ['traefik:v2.11', { path: 'traefik', tag: 'v2.11' }, 'docker.io/library/traefik:v2.11'],
  ['nginx:1.25.3-alpine3.18', { path: 'nginx', tag: '1.25.3-alpine3.18' }, 'docker.io/library/nginx:1.25.3-alpine3.18'],
  [
    'ceph/daemon:latest-nautilus',
    { path: 'ceph/daemon', tag: 'latest-nautilus' },
    'docker.io/ceph/daemon:latest-nautilus',
  ],
  ['osixia/keepalived:2.0.10', { path: 'osixia/keepalived', tag: '2.0.10' }, 'docker.io/osixia/keepalived:2.0.10'],
  ['weaveworks/scope:1.13.2', { path: 'weaveworks/scope', tag: '1.13.2' }, 'docker.io/weaveworks/scope:1.13.2'],
  ['prom/prometheus:v2.48.0', { path: 'prom/prometheus', tag: 'v2.48.0' }, 'docker.io/prom/prometheus:v2.48.0'],
  ['grafana/grafana', { path: 'grafana/grafana' }, 'docker.io/grafana/grafana:latest'],
  [
    'stefanprodan/swarmprom-node-exporter:v0.16.0',
    { path: 'stefanprodan/swarmprom-node-exporter', tag: 'v0.16.0' },
    'docker.io/stefanprodan/swarmprom-node-exporter:v0.16.0',
  ],
  ['stefanprodan/caddy', { path: 'stefanprodan/caddy' }, 'docker.io/stefanprodan/caddy:latest'],
  ['google/cadvisor', { path: 'google/cadvisor' }, 'docker.io/google/cadvisor:latest'],
  [
    'goharbor/harbor-core:v2.10.0',
    { path: 'goharbor/harbor-core', tag: 'v2.10.0' },
    'docker.io/goharbor/harbor-core:v2.10.0',
  ],
  // Explicit Docker Hub hosts stay as written; normalizing canonicalizes them.
  ['docker.io/library/redis:7', { domain: 'docker.io', path: 'library/redis', tag: '7' }, 'docker.io/library/redis:7'],
  ['docker.io/redis', { domain: 'docker.io', path: 'redis' }, 'docker.io/library/redis:latest'],
  [
    'index.docker.io/library/ubuntu:22.04',
    { domain: 'index.docker.io', path: 'library/ubuntu', tag: '22.04' },
    'docker.io/library/ubuntu:22.04',
  ],
  [
    'registry-1.docker.io/library/nginx',
    { domain: 'registry-1.docker.io', path: 'library/nginx' },
    'registry-1.docker.io/library/nginx:latest',
  ],
  // Other registries.
  [
    'gcr.io/cadvisor/cadvisor:v0.47.2',
    { domain: 'gcr.io', path: 'cadvisor/cadvisor', tag: 'v0.47.2' },
    'gcr.io/cadvisor/cadvisor:v0.47.2',
  ],
  [
    'quay.io/prometheus/node-exporter:v1.7.0',
    { domain: 'quay.io', path: 'prometheus/node-exporter', tag: 'v1.7.0' },
    'quay.io/prometheus/node-exporter:v1.7.0',
  ],
  [
    'ghcr.io/goharbor/harbor-core:v2.10.0',
    { domain: 'ghcr.io', path: 'goharbor/harbor-core', tag: 'v2.10.0' },
    'ghcr.io/goharbor/harbor-core:v2.10.0',
  ],
  [
    'mcr.microsoft.com/dotnet/sdk:8.0',
    { domain: 'mcr.microsoft.com', path: 'dotnet/sdk', tag: '8.0' },
    'mcr.microsoft.com/dotnet/sdk:8.0',
  ],
  [
    'public.ecr.aws/docker/library/nginx:stable',
    { domain: 'public.ecr.aws', path: 'docker/library/nginx', tag: 'stable' },
    'public.ecr.aws/docker/library/nginx:stable',
  ],
  [
    'registry.example.com/team/sub/app:1.2.3',
    { domain: 'registry.example.com', path: 'team/sub/app', tag: '1.2.3' },
    'registry.example.com/team/sub/app:1.2.3',
  ],
  [
    'my-registry.local:443/a/b/c/d:tag_with_underscore',
    { domain: 'my-registry.local:443', path: 'a/b/c/d', tag: 'tag_with_underscore' },
    'my-registry.local:443/a/b/c/d:tag_with_underscore',
  ],
  // localhost and addresses.
  ['localhost:5000/x', { domain: 'localhost:5000', path: 'x' }, 'localhost:5000/x:latest'],
  ['localhost/x', { domain: 'localhost', path: 'x' }, 'localhost/x:latest'],
  ['localhost', { path: 'localhost' }, 'docker.io/library/localhost:latest'],
  // Without a slash, Docker reads `:5000` as a tag, not a port.
  ['localhost:5000', { path: 'localhost', tag: '5000' }, 'docker.io/library/localhost:5000'],
  ['[::1]:5000/x', { domain: '[::1]:5000', path: 'x' }, '[::1]:5000/x:latest'],
  ['[::1]/x', { domain: '[::1]', path: 'x' }, '[::1]/x:latest'],
  [
    '[2001:db8::1]:5000/team/app:1.0',
    { domain: '[2001:db8::1]:5000', path: 'team/app', tag: '1.0' },
    '[2001:db8::1]:5000/team/app:1.0',
  ],
  [
    '127.0.0.1:5000/python-app:latest',
    { domain: '127.0.0.1:5000', path: 'python-app', tag: 'latest' },
    '127.0.0.1:5000/python-app:latest',
  ],
  [
    '172.17.8.101:5000/app-proxy',
    { domain: '172.17.8.101:5000', path: 'app-proxy' },
    '172.17.8.101:5000/app-proxy:latest',
  ],
  ['registry:5000/x', { domain: 'registry:5000', path: 'x' }, 'registry:5000/x:latest'],
  // A first component without dot or port is a Docker Hub namespace...
  ['registry/x', { path: 'registry/x' }, 'docker.io/registry/x:latest'],
  // ...unless it has uppercase letters, which only a host may have.
  ['MyRegistry/app', { domain: 'MyRegistry', path: 'app' }, 'MyRegistry/app:latest'],
  [
    'REGISTRY.EXAMPLE.COM:5000/app',
    { domain: 'REGISTRY.EXAMPLE.COM:5000', path: 'app' },
    'REGISTRY.EXAMPLE.COM:5000/app:latest',
  ],
  // Separators: one dot, one or two underscores, any number of dashes.
  ['a__b/c--d/e.f_g', { path: 'a__b/c--d/e.f_g' }, 'docker.io/a__b/c--d/e.f_g:latest'],
  ['python_app', { path: 'python_app' }, 'docker.io/library/python_app:latest'],
  ['a.b.c', { path: 'a.b.c' }, 'docker.io/library/a.b.c:latest'],
  ['example.com', { path: 'example.com' }, 'docker.io/library/example.com:latest'],
  ['0/1', { path: '0/1' }, 'docker.io/0/1:latest'],
  // Tags: word characters, dots and dashes, not leading.
  ['app:_private', { path: 'app', tag: '_private' }, 'docker.io/library/app:_private'],
  ['app:1.0-RC1', { path: 'app', tag: '1.0-RC1' }, 'docker.io/library/app:1.0-RC1'],
  [`app:${'t'.repeat(128)}`, { path: 'app', tag: 't'.repeat(128) }, `docker.io/library/app:${'t'.repeat(128)}`],
  // Digests, with or without a tag.
  [
    `alpine@sha256:${SHA256}`,
    { path: 'alpine', digest: `sha256:${SHA256}` },
    `docker.io/library/alpine@sha256:${SHA256}`,
  ],
  [
    `m1.swarm:5000/python-app@sha256:${SHA256}`,
    { domain: 'm1.swarm:5000', path: 'python-app', digest: `sha256:${SHA256}` },
    `m1.swarm:5000/python-app@sha256:${SHA256}`,
  ],
  [
    `busybox:1.36@sha256:${SHA256}`,
    { path: 'busybox', tag: '1.36', digest: `sha256:${SHA256}` },
    `docker.io/library/busybox:1.36@sha256:${SHA256}`,
  ],
  [
    `docker.io/library/busybox:latest@sha256:${SHA256}`,
    { domain: 'docker.io', path: 'library/busybox', tag: 'latest', digest: `sha256:${SHA256}` },
    `docker.io/library/busybox:latest@sha256:${SHA256}`,
  ],
  [`x@sha384:${SHA384}`, { path: 'x', digest: `sha384:${SHA384}` }, `docker.io/library/x@sha384:${SHA384}`],
  [`x@sha512:${SHA512}`, { path: 'x', digest: `sha512:${SHA512}` }, `docker.io/library/x@sha512:${SHA512}`],
  // Docker's 255 limit is on the path, so a host does not count against it.
  [
    `m1.swarm:5000/${'a'.repeat(250)}`,
    { domain: 'm1.swarm:5000', path: 'a'.repeat(250) },
    `m1.swarm:5000/${'a'.repeat(250)}:latest`,
  ],
];

/** Invalid references and the problem reported, with the offending part. */
const INVALID: readonly [string, ReferenceProblemCode, string][] = [
  ['', 'empty', ''],
  [':latest', 'empty', ''],
  ['m1.swarm:5000/', 'empty', ''],
  ['Python-App:latest', 'uppercase', 'Python-App'],
  ['PYTHON-APP', 'uppercase', 'PYTHON-APP'],
  ['m1.swarm:5000/Python-App', 'uppercase', 'Python-App'],
  ['docker.io/Library/redis', 'uppercase', 'Library/redis'],
  ['MyRegistry/App', 'uppercase', 'App'],
  ['python-app:', 'invalid-tag', ''],
  ['python-app:-rc1', 'invalid-tag', '-rc1'],
  ['python-app:.hidden', 'invalid-tag', '.hidden'],
  [`app:${'t'.repeat(129)}`, 'invalid-tag', 't'.repeat(129)],
  ['localhost:5000/x:', 'invalid-tag', ''],
  ['python-app:la test', 'whitespace', ' '],
  [' python-app', 'whitespace', ' '],
  ['python-app\n', 'whitespace', '\n'],
  ['${REGISTRY}/python-app', 'interpolation', '${REGISTRY}/python-app'],
  [
    '${REGISTRY:-m1.swarm:5000}/python-app:${TAG:-latest}',
    'interpolation',
    '${REGISTRY:-m1.swarm:5000}/python-app:${TAG:-latest}',
  ],
  ['$REGISTRY/app', 'interpolation', '$REGISTRY/app'],
  ['app:${TAG}', 'interpolation', '${TAG}'],
  ['app:$$x', 'invalid-tag', '$$x'],
  ['python-app@sha256:abc', 'invalid-digest', 'sha256:abc'],
  [`python-app@sha256:${SHA256.toUpperCase()}`, 'invalid-digest', `sha256:${SHA256.toUpperCase()}`],
  [`python-app@sha256:${SHA256.slice(1)}`, 'invalid-digest', `sha256:${SHA256.slice(1)}`],
  [`python-app@md5:${'c'.repeat(32)}`, 'unsupported-digest', 'md5'],
  ['python-app@', 'invalid-digest', ''],
  [`a@b@sha256:${SHA256}`, 'invalid-digest', `b@sha256:${SHA256}`],
  [SHA256, 'identifier', SHA256],
  ['a//b', 'invalid-path', ''],
  ['a/', 'invalid-path', ''],
  ['-app', 'invalid-path', '-app'],
  ['app-', 'invalid-path', 'app-'],
  ['a___b', 'invalid-path', 'a___b'],
  ['a..b', 'invalid-path', 'a..b'],
  ['a.-b', 'invalid-path', 'a.-b'],
  ['app!', 'invalid-path', 'app!'],
  ['app:tag:extra', 'invalid-path', 'app:tag'],
  ['m1.swarm:port/app', 'invalid-domain', 'm1.swarm:port'],
  ['-bad.com/app', 'invalid-domain', '-bad.com'],
  ['[::1/app', 'invalid-domain', '[::1'],
  ['[fe80::1%eth0]:5000/x', 'invalid-domain', '[fe80::1%eth0]:5000'],
  ['::1/x', 'invalid-domain', '::1'],
  [':5000/x', 'invalid-domain', ':5000'],
  ['Foo_bar/x', 'invalid-domain', 'Foo_bar'],
  // Docker Hub adds `library/` to a one-part name: 248 + 8 > 255.
  ['a'.repeat(248), 'too-long', 'a'.repeat(248)],
  [`lab/${'a'.repeat(252)}`, 'too-long', `lab/${'a'.repeat(252)}`],
];

describe('image references: parsing', () => {
  it('has a table of at least 60 real-world references', () => {
    assert.ok(VALID.length + INVALID.length >= 60);
  });

  for (const [text, parts, normalized] of VALID) {
    it(`reads ${text.length > 60 ? `${text.slice(0, 57)}…` : text}`, () => {
      const r = parseImageReference(text);
      assert.ok(r.ok, r.ok ? '' : r.problem.message);
      assert.deepEqual(r.ref, parts);
      assert.equal(formatImageReference(r.ref), text, 'round trip');
      assert.equal(formatImageReference(normalizeImageReference(r.ref)), normalized);
    });
  }

  for (const [text, code, part] of INVALID) {
    it(`refuses ${JSON.stringify(text.length > 60 ? `${text.slice(0, 57)}…` : text)} (${code})`, () => {
      const r = parseImageReference(text);
      assert.ok(!r.ok, 'accepted');
      assert.equal(r.problem.code, code, r.problem.message);
      assert.equal(text.slice(r.problem.start, r.problem.start + r.problem.length), part);
      assert.ok(r.problem.message.length > 10);
    });
  }

  it('says what is wrong in words, through the localizer', () => {
    const asked: string[] = [];
    const l10n: Localizer = {
      t: (m, ...args) => {
        asked.push(m);
        return `[${m}] ${args.join(' | ')}`;
      },
    };
    const r = parseImageReference('Python-App:latest', l10n);
    assert.ok(!r.ok);
    assert.deepEqual(asked, ['The repository name "{0}" must be lowercase.']);
    assert.equal(r.problem.message, '[The repository name "{0}" must be lowercase.] Python-App');
    const english = parseImageReference('python-app:-rc1');
    assert.ok(!english.ok);
    assert.match(english.problem.message, /^Invalid tag "-rc1"/);
  });
});

describe('image references: local and registry forms', () => {
  const REGISTRY = 'm1.swarm:5000';
  const ref = (text: string): ImageReference => {
    const r = parseImageReference(text);
    assert.ok(r.ok, text);
    return r.ref;
  };
  const flip = (fn: typeof toLocalForm, text: string, registry = REGISTRY): string => {
    const r = fn(ref(text), registry);
    return r.ok ? r.text : `✗ ${r.problem.code}`;
  };

  it('tells the lab registry, the lab’s own images and everything else apart', () => {
    assert.equal(formOf(ref('m1.swarm:5000/python-app:latest'), REGISTRY), 'registry');
    assert.equal(formOf(ref('M1.SWARM:5000/python-app'), REGISTRY), 'registry');
    assert.equal(formOf(ref('python-app:latest'), REGISTRY, { ownImage: true }), 'local');
    // Without knowing the image is the lab's own, a bare name is a Docker Hub image.
    assert.equal(formOf(ref('traefik:v2'), REGISTRY), 'other');
    assert.equal(formOf(ref('grafana/grafana'), REGISTRY), 'other');
    assert.equal(formOf(ref('m1.swarm:5001/python-app'), REGISTRY), 'other');
    assert.equal(formOf(ref('localhost:5000/python-app'), REGISTRY, { ownImage: true }), 'other');
    assert.equal(formOf(ref('docker.io/library/redis'), REGISTRY, { ownImage: true }), 'other');
  });

  it('moves a reference to the registry and back, keeping its tag or its lack of one', () => {
    assert.equal(flip(toRegistryForm, 'python-app:latest'), 'm1.swarm:5000/python-app:latest');
    assert.equal(flip(toRegistryForm, 'app-proxy'), 'm1.swarm:5000/app-proxy');
    assert.equal(flip(toRegistryForm, 'team/tp1/app:1.0'), 'm1.swarm:5000/team/tp1/app:1.0');
    assert.equal(flip(toLocalForm, 'm1.swarm:5000/python-app:latest'), 'python-app:latest');
    assert.equal(flip(toLocalForm, 'm1.swarm:5000/app-proxy'), 'app-proxy');
    assert.equal(flip(toRegistryForm, 'python-app', '[::1]:5000'), '[::1]:5000/python-app');
    assert.equal(flip(toLocalForm, 'localhost:5000/x', 'localhost:5000'), 'x');
  });

  it('leaves a reference already in the wanted form as it is', () => {
    assert.equal(flip(toRegistryForm, 'm1.swarm:5000/python-app'), 'm1.swarm:5000/python-app');
    assert.equal(flip(toLocalForm, 'python-app:latest'), 'python-app:latest');
  });

  it('refuses what cannot move, with a reason', () => {
    assert.equal(flip(toLocalForm, 'ghcr.io/goharbor/harbor-core:v2.10.0'), '✗ other-registry');
    assert.equal(flip(toRegistryForm, 'localhost:5000/x'), '✗ other-registry');
    assert.equal(flip(toLocalForm, `m1.swarm:5000/python-app@sha256:${SHA256}`), '✗ digest-pinned');
    assert.equal(flip(toRegistryForm, `python-app:1.0@sha256:${SHA256}`), '✗ digest-pinned');
    // Without its host, `my.org/app` would name the registry my.org.
    assert.equal(flip(toLocalForm, 'm1.swarm:5000/my.org/app'), '✗ ambiguous-local');
    assert.equal(flip(toLocalForm, 'm1.swarm:5000/localhost/app'), '✗ ambiguous-local');
    // Docker Hub would add `library/`, which makes this name too long.
    assert.equal(flip(toLocalForm, `m1.swarm:5000/${'a'.repeat(250)}`), '✗ too-long');
    assert.equal(flip(toRegistryForm, 'python-app', 'registry'), '✗ invalid-registry');
  });

  it('checks the registry host Docker would see', () => {
    assert.equal(checkRegistryHost('m1.swarm:5000'), undefined);
    assert.equal(checkRegistryHost('localhost'), undefined);
    assert.equal(checkRegistryHost('[::1]:5000'), undefined);
    assert.equal(checkRegistryHost('172.17.8.101:5000'), undefined);
    assert.equal(checkRegistryHost('registry')?.code, 'invalid-registry');
    assert.equal(checkRegistryHost('m1.swarm:port')?.code, 'invalid-registry');
    assert.equal(checkRegistryHost('')?.code, 'invalid-registry');
    assert.match(checkRegistryHost('registry')?.message ?? '', /registry:5000/);
  });
});
