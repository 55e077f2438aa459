import type { HostMessage, LabPanelState, WebviewMessage } from '../../src/core/labPanel/protocol';

/** The API VS Code gives a webview's scripts, once per page. */
interface VsCodeApi {
  postMessage(message: WebviewMessage): void;
  getState(): unknown;
  setState(state: LabPanelState): void;
}

declare function acquireVsCodeApi(): VsCodeApi;

export const vscode = acquireVsCodeApi();

export type { HostMessage };
