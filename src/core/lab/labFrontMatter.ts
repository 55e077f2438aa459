import type * as Yaml from 'yaml';
import type { Localizer } from '../l10n';
import { LabContentError } from './labError';

/**
 * The front matter of a section file: the YAML between the first two `---`
 * lines. It is checked field by field so that a teacher's typo names its line
 * instead of silently hiding a step or a question.
 */

export interface LabQuestion {
  /** `Q4`, `QB1`: the key of the answer in the report. */
  readonly id: string;
  readonly title: string;
  /** Where the question is declared in its file. */
  readonly line: number;
}

/** What a whole section needs from the machines, beyond the local lab. */
export type LabRequirement = 'real-vms' | 'public-images' | 'routing-mesh';
export const LAB_REQUIREMENTS: readonly LabRequirement[] = ['real-vms', 'public-images', 'routing-mesh'];

export interface FrontMatter {
  readonly id: string;
  readonly number: number;
  readonly title: string;
  readonly steps: readonly string[];
  readonly checks: readonly string[];
  readonly questions: readonly LabQuestion[];
  readonly requires: readonly LabRequirement[];
  /** The line of each field present, for messages about the whole field. */
  readonly lines: Readonly<Record<string, number>>;
}

export interface SplitFile {
  /** The YAML text, without its `---` lines. */
  readonly yaml: string;
  /** The file's line of the YAML's first line. */
  readonly yamlLine: number;
  readonly body: string;
  /** The file's line of the body's first line. */
  readonly bodyLine: number;
}

const FIELDS = ['id', 'number', 'title', 'steps', 'checks', 'questions', 'requires'];
const SECTION_ID = /^[a-z0-9]+(-[a-z0-9]+)*$/;
/** `swarm.init-join`: a lowercase family, a dot, a lowercase name (more dots allowed). */
export const STEP_ID = /^[a-z][a-z0-9-]*(\.[a-z0-9][a-z0-9-]*)+$/;
export const QUESTION_ID = /^[A-Za-z][A-Za-z0-9_-]*$/;

export function splitFrontMatter(text: string, file: string, l10n: Localizer): SplitFile {
  const lines = text.replace(/^\uFEFF/, '').split(/\r?\n/);
  if (lines[0]?.trimEnd() !== '---') {
    throw new LabContentError(
      file,
      1,
      l10n.t('The file must start with a front matter: a line "---", the fields, then another line "---".'),
    );
  }
  const end = lines.findIndex((l, i) => i > 0 && l.trimEnd() === '---');
  if (end < 0) {
    throw new LabContentError(
      file,
      1,
      l10n.t('The front matter opened on line {0} is never closed by a line "---".', 1),
    );
  }
  return {
    yaml: lines.slice(1, end).join('\n'),
    yamlLine: 2,
    body: lines.slice(end + 1).join('\n'),
    bodyLine: end + 2,
  };
}

let yamlModule: Promise<typeof Yaml> | undefined;
/** The yaml package is loaded on the first lab file, never at activation. */
function loadYaml(): Promise<typeof Yaml> {
  return (yamlModule ??= import('yaml'));
}

export async function readFrontMatter(split: SplitFile, file: string, l10n: Localizer): Promise<FrontMatter> {
  const yaml = await loadYaml();
  const counter = new yaml.LineCounter();
  const doc = yaml.parseDocument(split.yaml, { lineCounter: counter, prettyErrors: false });
  const lineOf = (offset: number | undefined): number =>
    offset === undefined ? split.yamlLine - 1 : counter.linePos(offset).line + split.yamlLine - 1;
  const fail = (node: Yaml.Node | null | undefined, reason: string): never => {
    throw new LabContentError(file, lineOf(node?.range?.[0]), reason);
  };

  const yamlError = doc.errors[0];
  if (yamlError) {
    throw new LabContentError(file, lineOf(yamlError.pos[0]), l10n.t('Invalid front matter: {0}', yamlError.message));
  }
  if (!yaml.isMap(doc.contents)) {
    return fail(doc.contents, l10n.t('The front matter must be a list of fields ("name: value").'));
  }
  const fields = new Map<string, Yaml.Node | null>();
  const lines: Record<string, number> = {};
  for (const pair of doc.contents.items) {
    const key = yaml.isScalar(pair.key) ? String(pair.key.value) : '';
    if (!FIELDS.includes(key)) {
      fail(pair.key, l10n.t('Unknown field "{0}" in the front matter (known: {1}).', key, FIELDS.join(', ')));
    }
    fields.set(key, pair.value);
    lines[key] = lineOf(pair.key?.range?.[0]);
  }

  const required = (name: string): Yaml.Node => {
    const node = fields.get(name);
    if (node === undefined || node === null || (yaml.isScalar(node) && node.value === null)) {
      throw new LabContentError(file, lines[name] ?? 1, l10n.t('The front matter has no "{0}" field.', name));
    }
    return node;
  };
  const text = (node: Yaml.Node, name: string): string => {
    if (!yaml.isScalar(node) || typeof node.value !== 'string' || node.value.trim() === '') {
      return fail(node, l10n.t('"{0}" must be text.', name));
    }
    return node.value.trim();
  };
  const list = (name: string): Yaml.Node[] => {
    const node = fields.get(name);
    if (node === undefined || node === null) {
      return [];
    }
    if (!yaml.isSeq(node)) {
      return fail(node, l10n.t('"{0}" must be a list.', name));
    }
    return node.items as Yaml.Node[];
  };
  const once = (seen: Set<string>, value: string, node: Yaml.Node): void => {
    if (seen.has(value)) {
      fail(node, l10n.t('"{0}" is listed twice.', value));
    }
    seen.add(value);
  };
  const ids = (name: 'steps' | 'checks'): string[] => {
    const seen = new Set<string>();
    return list(name).map((node) => {
      const id = text(node, name);
      if (!STEP_ID.test(id)) {
        fail(
          node,
          l10n.t('"{0}" is not a valid step or check id: use lowercase dotted names such as "swarm.init-join".', id),
        );
      }
      once(seen, id, node);
      return id;
    });
  };

  const idNode = required('id');
  const id = text(idNode, 'id');
  if (!SECTION_ID.test(id)) {
    fail(idNode, l10n.t('"{0}" is not a valid section id: use lowercase letters, digits and dashes.', id));
  }
  const numberNode = required('number');
  const number = yaml.isScalar(numberNode) ? numberNode.value : undefined;
  if (typeof number !== 'number' || !Number.isInteger(number) || number < 1 || number > 99) {
    fail(numberNode, l10n.t('The section number must be a whole number from 1 to 99, not {0}.', String(numberNode)));
  }
  const title = text(required('title'), 'title');

  const questionIds = new Set<string>();
  const questions = list('questions').map((node): LabQuestion => {
    const entry = yaml.isMap(node) ? node : undefined;
    const qid = entry?.get('id', true);
    const qtitle = entry?.get('title', true);
    const extra = entry?.items.find((p) => !['id', 'title'].includes(String((p.key as Yaml.Scalar | null)?.value)));
    if (!entry || !qid || !qtitle || extra) {
      return fail(node, l10n.t('A question is written "- id: Q4" then "title: …", and nothing else.'));
    }
    const questionId = text(qid, 'id');
    if (!QUESTION_ID.test(questionId)) {
      fail(qid, l10n.t('"{0}" is not a valid question id: use letters and digits such as "Q4".', questionId));
    }
    once(questionIds, questionId, qid);
    return { id: questionId, title: text(qtitle, 'title'), line: lineOf(node.range?.[0]) };
  });

  const requirementSeen = new Set<string>();
  const requires = list('requires').map((node) => {
    const value = text(node, 'requires');
    if (!(LAB_REQUIREMENTS as readonly string[]).includes(value)) {
      fail(node, l10n.t('Unknown requirement "{0}" (known: {1}).', value, LAB_REQUIREMENTS.join(', ')));
    }
    once(requirementSeen, value, node);
    return value as LabRequirement;
  });

  return {
    id,
    number: number as number,
    title,
    steps: ids('steps'),
    checks: ids('checks'),
    questions,
    requires,
    lines,
  };
}
