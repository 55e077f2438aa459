// Bundles the extension into one dist/extension.js with esbuild.
// `vscode` is provided by the host; ssh2's optional native parts are left
// out (ssh2 falls back to pure JavaScript without them).
import * as esbuild from 'esbuild';

const production = process.argv.includes('--production');
const watch = process.argv.includes('--watch');

const options = {
  entryPoints: ['src/extension.ts'],
  bundle: true,
  outfile: 'dist/extension.js',
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
};

if (watch) {
  const ctx = await esbuild.context(options);
  await ctx.watch();
  console.log('watching src/ …');
} else {
  const result = await esbuild.build(options);
  const bytes = Object.values(result.metafile.outputs).reduce((n, o) => n + o.bytes, 0);
  console.log(`dist/extension.js ${(bytes / 1024).toFixed(0)} kB${production ? ' (production)' : ''}`);
}
