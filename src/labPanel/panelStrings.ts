import * as vscode from 'vscode';
import type { PanelStrings } from '../core/labPanel/protocol';

/** The panel's words in VS Code's display language; the webview fills the `{n}` placeholders. */
export function panelStrings(): PanelStrings {
  return {
    sections: vscode.l10n.t('Sections'),
    progress: vscode.l10n.t('{0}/{1} questions answered, {2}/{3} checks passing'),
    answered: vscode.l10n.t('{0}/{1} answered'),
    checksPassing: vscode.l10n.t('{0}/{1} checks'),
    language: vscode.l10n.t('Lab language'),
    previous: vscode.l10n.t('Previous section'),
    next: vscode.l10n.t('Next section'),
    keyboardHint: vscode.l10n.t('Alt+Page Up / Alt+Page Down: previous / next section'),
    report: vscode.l10n.t('Report: {0}'),
    reportMissing: vscode.l10n.t('Your answers go into {0}, which does not exist yet.'),
    createReport: vscode.l10n.t('Create the report'),
    openReport: vscode.l10n.t('Open the report'),
    reportDirty: vscode.l10n.t(
      '{0} has unsaved changes in an editor: answers are written there; save it to keep them.',
    ),
    requires: vscode.l10n.t('This section needs: {0}.'),
    step: vscode.l10n.t('Step {0}'),
    run: vscode.l10n.t('Run'),
    cancel: vscode.l10n.t('Cancel'),
    running: vscode.l10n.t('Running…'),
    output: vscode.l10n.t('Output of {0}'),
    check: vscode.l10n.t('Check {0}'),
    checkAgain: vscode.l10n.t('Check again'),
    checking: vscode.l10n.t('Checking…'),
    pass: vscode.l10n.t('passing'),
    fail: vscode.l10n.t('failing'),
    unknown: vscode.l10n.t('unknown'),
    insertEvidence: vscode.l10n.t('Insert as evidence in {0}'),
    noQuestionForEvidence: vscode.l10n.t('This section has no question to put evidence in.'),
    answer: vscode.l10n.t('Your answer to {0} (Markdown)'),
    write: vscode.l10n.t('Write'),
    preview: vscode.l10n.t('Preview'),
    previewEmpty: vscode.l10n.t('Nothing written yet.'),
    saving: vscode.l10n.t('Saving…'),
    saved: vscode.l10n.t('Saved in {0}'),
    saveFailed: vscode.l10n.t('Not saved: {0}'),
    conflict: vscode.l10n.t('This answer was also changed in the report file. Which text should stay?'),
    keepPanel: vscode.l10n.t("Keep the panel's text"),
    useFile: vscode.l10n.t("Use the file's text"),
    labError: vscode.l10n.t('The lab cannot be shown'),
  };
}
