/**
 * The lab panel's messages, both ways, in the one module that the extension
 * and the webview script both import: a change to a message is a compile
 * error on the side that was not updated. Messages coming from the webview
 * are checked at run time by parseWebviewMessage: the webview renders text
 * that students and lab authors wrote, so what it sends is treated as input,
 * not as trusted code. No Node or VS Code import here (it is bundled for the
 * browser too).
 */

import type { ClusterMapMessage } from '../cluster/clusterMapProtocol';

/** The panel's viewType: the serializer and the `onWebviewPanel:` activation event name it. */
export const LAB_PANEL_VIEW_TYPE = 'swarmLab.lab';

/** What the webview keeps through reloads (its `setState`), handed back to the serializer. */
export interface LabPanelState {
  readonly sectionId?: string;
  /** The language the student switched to, when not VS Code's. */
  readonly language?: string;
  /** Answers typed but not yet written to the report when the webview went away. */
  readonly drafts?: Readonly<Record<string, Draft>>;
  /** The cluster map above the section is unfolded. */
  readonly mapOpen?: boolean;
}

export interface Draft {
  readonly text: string;
  /** The report's answer the draft was typed over (see SetAnswerMessage.base). */
  readonly base: string;
}

export type CheckState = 'pass' | 'fail' | 'unknown';

/** One line a step prints while it runs, per node when it runs on several. */
export interface OutputLine {
  readonly node?: string;
  readonly kind: 'out' | 'err' | 'command' | 'info';
  readonly text: string;
}

export interface SectionSummary {
  readonly id: string;
  readonly number: number;
  readonly title: string;
  readonly questions: number;
  readonly answered: number;
  readonly checks: number;
  readonly checksPassing: number;
}

export interface CheckView {
  readonly state: CheckState;
  readonly why: string;
  /** A fenced block ready to go into an answer, when the check produced evidence. */
  readonly evidence?: string;
}

/** A section's content in order; Markdown is already HTML (markdown-it, raw HTML off). */
export type BlockView =
  | { readonly kind: 'markdown'; readonly html: string }
  | { readonly kind: 'step'; readonly id: string }
  | { readonly kind: 'check'; readonly id: string; readonly check: CheckView }
  | { readonly kind: 'question'; readonly id: string; readonly title: string };

/** Whether a section's steps and checks can run where the lab's machines are now. */
export interface SectionEnvironment {
  /** Where they would run, worded: "the local lab", "the Vagrant VMs"… */
  readonly where: string;
  /** The machines are not there yet: nothing can run until they are. */
  readonly noMachines?: boolean;
  /** Why a step or check of the section cannot run there, by id. */
  readonly unavailable: Readonly<Record<string, string>>;
}

export interface SectionView {
  readonly id: string;
  readonly number: number;
  readonly title: string;
  /** Already-worded requirements the section has beyond the local lab. */
  readonly requires: readonly string[];
  /** Absent when the step engine cannot tell (none plugged in). */
  readonly environment?: SectionEnvironment;
  readonly blocks: readonly BlockView[];
}

export interface ReportStatus {
  /** The report's path as the student knows it (relative to the workspace when inside it). */
  readonly path: string;
  readonly exists: boolean;
  /** Unsaved changes in an editor: the panel edits the document, not the file. */
  readonly dirty: boolean;
  /** Why answers cannot be written (no folder open, …); undefined when they can. */
  readonly problem?: string;
}

/** The panel's own words, in VS Code's display language; `{0}` placeholders filled by the webview. */
export type PanelStringKey =
  | 'sections'
  | 'progress'
  | 'answered'
  | 'checksPassing'
  | 'language'
  | 'previous'
  | 'next'
  | 'keyboardHint'
  | 'report'
  | 'reportMissing'
  | 'createReport'
  | 'openReport'
  | 'reportDirty'
  | 'requires'
  | 'runsHere'
  | 'cannotRunHere'
  | 'noMachines'
  | 'step'
  | 'run'
  | 'cancel'
  | 'running'
  | 'output'
  | 'check'
  | 'checkAgain'
  | 'checking'
  | 'pass'
  | 'fail'
  | 'unknown'
  | 'insertEvidence'
  | 'noQuestionForEvidence'
  | 'answer'
  | 'write'
  | 'preview'
  | 'previewEmpty'
  | 'saving'
  | 'saved'
  | 'saveFailed'
  | 'conflict'
  | 'keepPanel'
  | 'useFile'
  | 'labError'
  | 'clusterMap';
export type PanelStrings = Readonly<Record<PanelStringKey, string>>;

/** Extension → webview. */
export type HostMessage =
  | {
      readonly type: 'lab';
      readonly language: string;
      readonly languages: readonly string[];
      readonly notice?: string;
      readonly sections: readonly SectionSummary[];
      readonly section: SectionView;
      readonly answers: Readonly<Record<string, string>>;
      readonly report: ReportStatus;
      readonly strings: PanelStrings;
    }
  | { readonly type: 'labError'; readonly message: string; readonly strings: PanelStrings }
  | { readonly type: 'answers'; readonly answers: Readonly<Record<string, string>>; readonly report: ReportStatus }
  | { readonly type: 'progress'; readonly sections: readonly SectionSummary[] }
  | { readonly type: 'answerSaved'; readonly questionId: string; readonly seq: number; readonly text: string }
  | { readonly type: 'answerConflict'; readonly questionId: string; readonly seq: number; readonly fileText: string }
  | { readonly type: 'answerFailed'; readonly questionId: string; readonly seq: number; readonly message: string }
  | { readonly type: 'stepStarted'; readonly stepId: string }
  | { readonly type: 'stepOutput'; readonly stepId: string; readonly lines: readonly OutputLine[] }
  | {
      readonly type: 'stepFinished';
      readonly stepId: string;
      readonly ok: boolean;
      readonly summary: string;
      readonly evidence?: string;
    }
  | { readonly type: 'checkState'; readonly checkId: string; readonly check: CheckView }
  | { readonly type: 'preview'; readonly requestId: number; readonly html: string }
  /** The cluster map above the section, sent when the page is ready and on each change of the cluster. */
  | ClusterMapMessage;

/**
 * Changing an answer. `base` is the report's text of that answer the edit
 * was typed over; when the report says something else by the time the edit
 * arrives (changed in the text editor meanwhile), the extension answers with
 * a conflict instead of writing, unless `force` (the student chose to keep the
 * panel's text).
 */
export interface SetAnswerMessage {
  readonly type: 'setAnswer';
  readonly questionId: string;
  readonly text: string;
  readonly base: string;
  readonly seq: number;
  readonly force?: boolean;
}

/** Webview → extension. */
export type WebviewMessage =
  | { readonly type: 'ready'; readonly state?: LabPanelState }
  | { readonly type: 'showSection'; readonly sectionId: string }
  | { readonly type: 'setLanguage'; readonly language: string }
  | SetAnswerMessage
  | { readonly type: 'createReport' }
  | { readonly type: 'openReport' }
  | { readonly type: 'runStep'; readonly stepId: string }
  | { readonly type: 'cancelStep'; readonly stepId: string }
  | { readonly type: 'runCheck'; readonly checkId: string }
  | { readonly type: 'renderPreview'; readonly requestId: number; readonly text: string };

/** Ids are short; an answer may be long, but not unbounded. */
const MAX_ID = 200;
const MAX_TEXT = 1_000_000;

type Fields = Record<string, unknown>;

function isRecord(value: unknown): value is Fields {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function str(v: unknown, max = MAX_ID): v is string {
  return typeof v === 'string' && v.length <= max;
}

function id(v: unknown): v is string {
  return str(v) && v !== '';
}

function seq(v: unknown): v is number {
  return typeof v === 'number' && Number.isSafeInteger(v) && v >= 0;
}

function parseDrafts(v: unknown): Record<string, Draft> | undefined {
  if (!isRecord(v)) {
    return undefined;
  }
  const out: Record<string, Draft> = {};
  for (const [k, d] of Object.entries(v)) {
    if (id(k) && isRecord(d) && str(d['text'], MAX_TEXT) && str(d['base'], MAX_TEXT)) {
      out[k] = { text: d['text'], base: d['base'] };
    }
  }
  return out;
}

/**
 * The panel's saved state, from the webview or from a serializer (both come
 * from the webview's own storage): unknown fields are dropped, bad ones too.
 */
export function parsePanelState(value: unknown): LabPanelState {
  if (!isRecord(value)) {
    return {};
  }
  const drafts = parseDrafts(value['drafts']);
  return {
    ...(id(value['sectionId']) ? { sectionId: value['sectionId'] } : {}),
    ...(id(value['language']) ? { language: value['language'] } : {}),
    ...(drafts && Object.keys(drafts).length > 0 ? { drafts } : {}),
    ...(typeof value['mapOpen'] === 'boolean' ? { mapOpen: value['mapOpen'] } : {}),
  };
}

/** A message from the webview, checked field by field; undefined when it is not one the panel knows. */
export function parseWebviewMessage(value: unknown): WebviewMessage | undefined {
  if (!isRecord(value) || typeof value['type'] !== 'string') {
    return undefined;
  }
  const m = value;
  switch (m['type']) {
    case 'ready':
      return m['state'] === undefined ? { type: 'ready' } : { type: 'ready', state: parsePanelState(m['state']) };
    case 'showSection':
      return id(m['sectionId']) ? { type: 'showSection', sectionId: m['sectionId'] } : undefined;
    case 'setLanguage':
      return id(m['language']) ? { type: 'setLanguage', language: m['language'] } : undefined;
    case 'setAnswer':
      if (!id(m['questionId']) || !str(m['text'], MAX_TEXT) || !str(m['base'], MAX_TEXT) || !seq(m['seq'])) {
        return undefined;
      }
      if (m['force'] !== undefined && typeof m['force'] !== 'boolean') {
        return undefined;
      }
      return {
        type: 'setAnswer',
        questionId: m['questionId'],
        text: m['text'],
        base: m['base'],
        seq: m['seq'],
        ...(m['force'] === true ? { force: true } : {}),
      };
    case 'createReport':
    case 'openReport':
      return { type: m['type'] };
    case 'runStep':
    case 'cancelStep':
      return id(m['stepId']) ? { type: m['type'], stepId: m['stepId'] } : undefined;
    case 'runCheck':
      return id(m['checkId']) ? { type: 'runCheck', checkId: m['checkId'] } : undefined;
    case 'renderPreview':
      return seq(m['requestId']) && str(m['text'], MAX_TEXT)
        ? { type: 'renderPreview', requestId: m['requestId'], text: m['text'] }
        : undefined;
    default:
      return undefined;
  }
}

/** The webview's light check of what the extension sends: the type tag only (the extension is trusted). */
export function isHostMessage(value: unknown): value is HostMessage {
  return isRecord(value) && typeof value['type'] === 'string';
}
