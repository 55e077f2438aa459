import * as vscode from 'vscode';
import { notificationText } from '../core/text/notificationText';

/**
 * Every notification of the extension goes through here, so that none
 * pastes a log into the user's face: the text is cut to what a person wrote
 * (notificationText), the full message goes to the log, and Show Log opens
 * it. The architecture test fails the build on a notification shown any
 * other way.
 */

export interface NotifyOptions<A extends string = string> {
  /**
   * Where the full message is written and what Show Log opens; the
   * extension's log (useNotificationLog) when absent. The steps' output
   * channel is a plain OutputChannel: there the message is appended as a line.
   */
  readonly log?: vscode.OutputChannel;
  /** Buttons of the caller's, in this order; the one picked is returned. */
  readonly actions?: readonly A[];
  /** A dialog that waits for an answer: confirmations and questions. */
  readonly modal?: boolean;
  /** The dialog's second paragraph (modal only), written by the caller and shown as it is. */
  readonly detail?: string;
  /** The caller already wrote the full message (or more) to the log: it is not written twice. */
  readonly logged?: boolean;
  /** Show Log even when nothing was left out: the message itself says "see the log". */
  readonly offerLog?: boolean;
}

let defaultLog: vscode.LogOutputChannel | undefined;

/** A notification as shown: its severity and the text the user reads. */
export interface ShownNotification {
  readonly severity: Severity;
  readonly text: string;
}

const shown = new vscode.EventEmitter<ShownNotification>();

/**
 * Fires for every notification shown, with the text shown (the extension's
 * API passes it on: tests read refusals from it, as a user reads them).
 */
export const onDidNotify = shown.event;

/** The log that notifications use when their caller names none; undone by disposing. */
export function useNotificationLog(log: vscode.LogOutputChannel): vscode.Disposable {
  defaultLog = log;
  return new vscode.Disposable(() => {
    if (defaultLog === log) {
      defaultLog = undefined;
    }
  });
}

export function notifyError<A extends string>(message: string, options?: NotifyOptions<A>): Promise<A | undefined> {
  return notify('error', message, options ?? {});
}

export function notifyWarning<A extends string>(message: string, options?: NotifyOptions<A>): Promise<A | undefined> {
  return notify('warning', message, options ?? {});
}

/** Refusals of settings already said: a refused value is said once per window, not at each read. */
const saidOnce = new Set<string>();

/** A warning said once per window (a refused setting's value, read again at each step or render). */
export function notifyWarningOnce(message: string): void {
  if (!saidOnce.has(message)) {
    saidOnce.add(message);
    void notifyWarning(message);
  }
}

export function notifyInfo<A extends string>(message: string, options?: NotifyOptions<A>): Promise<A | undefined> {
  return notify('info', message, options ?? {});
}

export type Severity = 'error' | 'warning' | 'info';

/**
 * Resolves to the caller's action picked, or undefined when the
 * notification is dismissed or Show Log is picked (the log is then shown
 * here; a modal question reads that as "no").
 */
async function notify<A extends string>(
  severity: Severity,
  message: string,
  options: NotifyOptions<A>,
): Promise<A | undefined> {
  const log = options.log ?? defaultLog;
  const { text, shortened } = notificationText(message, vscode.l10n);
  if (shortened && !options.logged) {
    writeFull(log, severity, message);
  }
  const showLog = log && (shortened || options.offerLog) ? vscode.l10n.t('Show Log') : undefined;
  const items: string[] = [...(options.actions ?? [])];
  if (showLog !== undefined) {
    items.push(showLog);
  }
  const messageOptions: vscode.MessageOptions = options.modal
    ? { modal: true, ...(options.detail !== undefined ? { detail: options.detail } : {}) }
    : {};
  shown.fire({ severity, text });
  const pick = await show(severity, text, messageOptions, items);
  if (showLog !== undefined && pick === showLog) {
    log?.show();
    return undefined;
  }
  return pick as A | undefined;
}

function show(
  severity: Severity,
  text: string,
  options: vscode.MessageOptions,
  items: string[],
): Thenable<string | undefined> {
  switch (severity) {
    case 'error':
      return vscode.window.showErrorMessage(text, options, ...items);
    case 'warning':
      return vscode.window.showWarningMessage(text, options, ...items);
    case 'info':
      return vscode.window.showInformationMessage(text, options, ...items);
  }
}

function writeFull(log: vscode.OutputChannel | undefined, severity: Severity, message: string): void {
  if (!log) {
    // Before the features registered their log (or in a test host without one): not lost, at least.
    console.warn(`Swarm Lab: ${message}`);
  } else if (!isLogChannel(log)) {
    log.appendLine(message);
  } else if (severity === 'error') {
    log.error(message);
  } else if (severity === 'warning') {
    log.warn(message);
  } else {
    log.info(message);
  }
}

function isLogChannel(log: vscode.OutputChannel): log is vscode.LogOutputChannel {
  return 'logLevel' in log && typeof (log as Partial<vscode.LogOutputChannel>).error === 'function';
}
