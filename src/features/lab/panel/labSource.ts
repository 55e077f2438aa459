import * as vscode from 'vscode';
import { settingPath } from '../../../editor/settingPath';
import { english, type Localizer } from '../../../core/l10n';
import { loadLab, type Lab, type LabFiles } from '../../../core/lab/labContent';
import type { LabOutline } from '../../../core/report/labOutline';
import { reportHeadings, type ReportHeadings } from '../../../core/report/reportModel';
import { outlineOf } from '../../../core/labPanel/panelModel';

/**
 * The lab the panel shows: the shipped TP1, or a teacher's folder named by
 * swarmLab.labPath, read through vscode.workspace.fs, in the language asked
 * for when that language is complete. With it, what the report needs in the
 * lab's language (which may differ from VS Code's): the outline and the
 * headings the extension writes.
 */

export interface LoadedLab {
  readonly lab: Lab;
  /** Messages in the lab's language (the report's "Other notes", export notes). */
  readonly l10n: Localizer;
  readonly outline: LabOutline;
  readonly headings: ReportHeadings;
}

const SHIPPED_LAB = ['labs', 'tp1'];

/**
 * The lab folder: swarmLab.labPath (`~`, relative to the first workspace
 * folder; a workspace's value must stay in it) or the shipped TP1.
 */
export function labRoot(extensionUri: vscode.Uri): vscode.Uri {
  const configured = settingPath('labPath');
  return configured ? vscode.Uri.file(configured) : vscode.Uri.joinPath(extensionUri, ...SHIPPED_LAB);
}

/** LabFiles over vscode.workspace.fs; paths are the root URI's path plus `/lang/file`. */
function workspaceLabFiles(root: vscode.Uri): LabFiles {
  const uriOf = (p: string): vscode.Uri => root.with({ path: p });
  return {
    async list(dir) {
      try {
        return (await vscode.workspace.fs.readDirectory(uriOf(dir))).map(([name]) => name);
      } catch {
        return undefined;
      }
    },
    async read(file) {
      return new TextDecoder('utf-8').decode(await vscode.workspace.fs.readFile(uriOf(file)));
    },
  };
}

/**
 * Reads the lab; throws LabLoadError (every problem as `file:line: reason`)
 * when its French reference cannot be used.
 */
export async function loadConfiguredLab(extensionUri: vscode.Uri, language: string): Promise<LoadedLab> {
  const root = labRoot(extensionUri);
  const lab = await loadLab({ root: root.path, language, files: workspaceLabFiles(root), l10n: vscode.l10n });
  const l10n = await bundleLocalizer(extensionUri, lab.language);
  return {
    lab,
    l10n,
    outline: outlineOf(lab.sections, l10n.t('Lab report: {0}', lastSegment(root.path))),
    headings: reportHeadings(l10n),
  };
}

function lastSegment(path: string): string {
  return path.replace(/\/+$/, '').split('/').pop() ?? path;
}

const bundles = new Map<string, Promise<Localizer>>();

/**
 * The extension's own messages in a given language, from its l10n bundle:
 * vscode.l10n only speaks VS Code's display language, and the report speaks
 * the lab's. English (the messages themselves) when there is no bundle.
 */
export function bundleLocalizer(extensionUri: vscode.Uri, language: string): Promise<Localizer> {
  const lang = language.toLowerCase();
  let found = bundles.get(lang);
  if (!found) {
    found = (async (): Promise<Localizer> => {
      if (lang === 'en' || lang.startsWith('en-')) {
        return english;
      }
      try {
        const bytes = await vscode.workspace.fs.readFile(
          vscode.Uri.joinPath(extensionUri, 'l10n', `bundle.l10n.${lang}.json`),
        );
        const table = JSON.parse(new TextDecoder('utf-8').decode(bytes)) as Record<string, string>;
        return { t: (message, ...args) => english.t(table[message] ?? message, ...args) };
      } catch {
        return english;
      }
    })();
    bundles.set(lang, found);
  }
  return found;
}
