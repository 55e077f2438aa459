// Bundles the extension with esbuild:
//   dist/extension.js        what VS Code loads at activation: the entry only
//                            (stand-in views and commands, src/extension.ts)
//   dist/features.js         the rest of our code, loaded on first use
//   dist/vendor/dockerode.js dockerode (and its gRPC parts), loaded on first Docker call
//   dist/vendor/ssh2.js      ssh2, loaded on first SSH connection
//   dist/vendor/yaml.js, markdown-it.js  loaded on first compose file / lab panel
//   dist/vendor/tar-stream.js  loaded on first reading of an image archive
//   dist/webview/labPanel.{js,css}  the lab panel's page script and stylesheet (browser)
//   dist/webview/clusterMap.{js,css}  the cluster map panel's
// The heavy libraries stay out of extension.js so activation parses little;
// `import('dockerode')` in our code becomes `require('./vendor/dockerode.js')`.
// `vscode` is provided by the host; ssh2's optional native parts are left
// out (ssh2 falls back to pure JavaScript without them).
import * as esbuild from 'esbuild';

const production = process.argv.includes('--production');
const watch = process.argv.includes('--watch');
const VENDORED = ['dockerode', 'ssh2', 'yaml', 'markdown-it', 'tar-stream'];

/** Sends imports of the vendored libraries to their own bundles at run time. */
function vendorPlugin(fromDir, names = VENDORED) {
  return {
    name: 'vendor',
    setup(build) {
      build.onResolve({ filter: new RegExp(`^(${names.join('|')})$`) }, (args) => ({
        path: `${fromDir}${args.path}.js`,
        external: true,
      }));
    },
  };
}

/** The entry's `import('./features')` loads the features bundle beside it at run time. */
const featuresPlugin = {
  name: 'features',
  setup(build) {
    build.onResolve({ filter: /^\.\/features$/ }, () => ({ path: './features.js', external: true }));
  },
};

const common = {
  bundle: true,
  format: 'cjs',
  platform: 'node',
  target: 'node20',
  external: ['vscode', 'cpu-features', './crypto/build/Release/sshcrypto.node'],
  minify: production,
  sourcemap: !production,
  sourcesContent: false,
  metafile: true,
  logLevel: 'warning',
  legalComments: production ? 'none' : 'inline',
  // `import()` of a vendored bundle becomes a lazy `require()`: plain
  // CommonJS, as the extension host loads it.
  supported: { 'dynamic-import': false },
};

const builds = [
  { ...common, entryPoints: ['src/extension.ts'], outfile: 'dist/extension.js', plugins: [featuresPlugin] },
  { ...common, entryPoints: ['src/features.ts'], outfile: 'dist/features.js', plugins: [vendorPlugin('./vendor/')] },
  // dockerode's own ssh transport requires ssh2: share the one vendored copy.
  {
    ...common,
    entryPoints: { dockerode: 'dockerode' },
    outdir: 'dist/vendor',
    plugins: [vendorPlugin('./', ['ssh2'])],
  },
  { ...common, entryPoints: { ssh2: 'ssh2' }, outdir: 'dist/vendor' },
  {
    ...common,
    entryPoints: { yaml: 'yaml', 'markdown-it': 'markdown-it', 'tar-stream': 'tar-stream' },
    outdir: 'dist/vendor',
  },
  // The webview's own script runs in the page, not in Node: a browser bundle
  // (its stylesheet beside it), the only folder the panel may load from.
  {
    bundle: true,
    format: 'iife',
    platform: 'browser',
    target: 'chrome120',
    entryPoints: { labPanel: 'webview-ui/labPanel/main.ts', clusterMap: 'webview-ui/clusterMap/main.ts' },
    outdir: 'dist/webview',
    minify: production,
    sourcemap: !production,
    sourcesContent: false,
    metafile: true,
    logLevel: 'warning',
    legalComments: 'none',
  },
];

function report(result) {
  for (const [file, out] of Object.entries(result.metafile.outputs)) {
    if (file.endsWith('.js')) {
      console.log(`${file} ${(out.bytes / 1024).toFixed(0)} kB${production ? ' (production)' : ''}`);
    }
  }
}

/** Marks the start and end of each rebuild for the watch task's problem matcher. */
const watchMarkers = {
  name: 'watch-markers',
  setup(build) {
    build.onStart(() => console.log('[watch] build started'));
    build.onEnd((r) => {
      r.errors.forEach((e) => console.error(`✘ [ERROR] ${e.text} ${e.location?.file ?? ''}:${e.location?.line ?? ''}`));
      console.log('[watch] build finished');
    });
  },
};

if (watch) {
  for (const options of builds) {
    const ctx = await esbuild.context({ ...options, plugins: [...(options.plugins ?? []), watchMarkers] });
    await ctx.watch();
  }
} else {
  for (const result of await Promise.all(builds.map((b) => esbuild.build(b)))) {
    report(result);
  }
}
