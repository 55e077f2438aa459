import type { Localizer } from '../l10n';
import { DirectiveKind, LabBlock, parseBody } from './labBody';
import { LabContentError, LabLoadError } from './labError';
import { FrontMatter, readFrontMatter, splitFrontMatter } from './labFrontMatter';
import { compareLanguage, crossCheck } from './labLanguages';

/**
 * The lab as data: one Markdown file per section and per language,
 * `<root>/<lang>/NN-slug.md`, French being the reference every other language
 * is checked against. Pure: files are read through an injected LabFiles (the
 * extension passes vscode.workspace.fs, tests and CLIs node:fs).
 */

export type { LabBlock, DirectiveKind } from './labBody';
export type { LabQuestion, LabRequirement } from './labFrontMatter';
export { LabContentError, LabLoadError } from './labError';

export interface LabSection extends FrontMatter {
  /** The path it was read from, as given (messages name it). */
  readonly file: string;
  /** The text in order, cut at each step, check and question. */
  readonly blocks: readonly LabBlock[];
}

export interface LabFiles {
  /** The names in a folder; undefined when it is not a readable folder. */
  list(dir: string): Promise<readonly string[] | undefined>;
  read(file: string): Promise<string>;
}

export interface Lab {
  readonly root: string;
  /** The language folder shown. */
  readonly language: string;
  /** Every complete language (for the panel's switch), the reference first. */
  readonly languages: readonly string[];
  readonly sections: readonly LabSection[];
  /** Problems of the languages not shown: they make a language incomplete. */
  readonly problems: readonly LabContentError[];
  /** Why the language shown is not the one asked for, when it is not. */
  readonly notice?: string;
}

export const REFERENCE_LANGUAGE = 'fr';
const SECTION_FILE = /^(\d{2})-[^/\\]+\.md$/i;
const LANGUAGE_FOLDER = /^[a-z]{2,3}(-[a-z0-9]+)*$/i;

const LIST_FIELD: Record<DirectiveKind, 'steps' | 'checks' | 'questions'> = {
  step: 'steps',
  check: 'checks',
  question: 'questions',
};

export async function parseLabSection(text: string, file: string, l10n: Localizer): Promise<LabSection> {
  const split = splitFrontMatter(text, file, l10n);
  const front = await readFrontMatter(split, file, l10n);
  const prefix = SECTION_FILE.exec(baseName(file))?.[1];
  if (prefix !== undefined && Number(prefix) !== front.number) {
    throw new LabContentError(
      file,
      front.lines.number,
      l10n.t('The file name says section {0} but the front matter says {1}.', prefix, front.number),
    );
  }
  const blocks = parseBody(split.body, split.bodyLine, file, l10n);

  const declared: Record<DirectiveKind, readonly string[]> = {
    step: front.steps,
    check: front.checks,
    question: front.questions.map((q) => q.id),
  };
  const placed = new Set<string>();
  for (const block of blocks) {
    if (block.kind === 'markdown') {
      continue;
    }
    const field = LIST_FIELD[block.kind];
    if (!declared[block.kind].includes(block.id)) {
      throw new LabContentError(
        file,
        block.line,
        l10n.t('"{0}" is placed here but not listed under "{1}" in the front matter.', block.id, field),
      );
    }
    const key = `${block.kind} ${block.id}`;
    if (placed.has(key)) {
      throw new LabContentError(file, block.line, l10n.t('"::: {0}" appears twice in this section.', key));
    }
    placed.add(key);
  }
  for (const kind of Object.keys(declared) as DirectiveKind[]) {
    const missing = declared[kind].find((id) => !placed.has(`${kind} ${id}`));
    if (missing !== undefined) {
      throw new LabContentError(
        file,
        front.questions.find((q) => q.id === missing && kind === 'question')?.line ?? front.lines[LIST_FIELD[kind]],
        l10n.t(
          '"{0}" is listed under "{1}" but no "::: {2} {0}" places it in the text.',
          missing,
          LIST_FIELD[kind],
          kind,
        ),
      );
    }
  }
  return { ...front, file, blocks };
}

export interface LoadLabOptions {
  /** The folder that holds the language folders: the shipped labs/tp1, or swarmLab.labPath. */
  readonly root: string;
  /** VS Code's display language (`fr`, `en`, `pt-br` …) or the one the user switched to. */
  readonly language: string;
  readonly files: LabFiles;
  readonly l10n: Localizer;
}

/**
 * Reads every language of a lab and shows the one asked for if it is
 * complete (each French section, with the same ids), else French. Problems
 * in French make the lab unusable (LabLoadError); problems in another
 * language only keep that language out.
 */
export async function loadLab(options: LoadLabOptions): Promise<Lab> {
  const { files, l10n } = options;
  const root = options.root.replace(/[\\/]+$/, '');
  const names = await files.list(root);
  if (names === undefined) {
    throw new LabLoadError([new LabContentError(root, 0, l10n.t('The lab folder does not exist or cannot be read.'))]);
  }
  const languages = names.filter((n) => LANGUAGE_FOLDER.test(n));
  if (!languages.includes(REFERENCE_LANGUAGE)) {
    throw new LabLoadError([
      new LabContentError(
        root,
        0,
        l10n.t('The lab has no "{0}" folder: French is the reference language.', REFERENCE_LANGUAGE),
      ),
    ]);
  }
  const read = await Promise.all(languages.map((lang) => readLanguage(`${root}/${lang}`, files, l10n)));
  const byLanguage = new Map(languages.map((lang, i) => [lang.toLowerCase(), read[i]] as const));
  const reference = byLanguage.get(REFERENCE_LANGUAGE)!;
  if (reference.problems.length > 0) {
    throw new LabLoadError(reference.problems);
  }

  const problems: LabContentError[] = [];
  const complete = [REFERENCE_LANGUAGE];
  for (const [lang, other] of byLanguage) {
    if (lang === REFERENCE_LANGUAGE || other === undefined) {
      continue;
    }
    const found = [...other.problems, ...compareLanguage(reference.sections, other.sections, `${root}/${lang}`, l10n)];
    problems.push(...found);
    if (found.length === 0) {
      complete.push(lang);
    }
  }

  const wanted = languageCandidates(options.language).find((c) => byLanguage.has(c));
  const language = wanted !== undefined && complete.includes(wanted) ? wanted : REFERENCE_LANGUAGE;
  const notice =
    wanted !== undefined && language !== wanted
      ? l10n.t(
          'The "{0}" version of this lab is incomplete, so it is shown in French. Problems found: {1}.',
          wanted,
          problems.filter((p) => p.file.startsWith(`${root}/${wanted}`)).length,
        )
      : undefined;
  return {
    root,
    language,
    languages: complete,
    sections: byLanguage.get(language)!.sections,
    problems,
    ...(notice !== undefined ? { notice } : {}),
  };
}

/** `pt-BR` → `pt-br`, then `pt`. */
export function languageCandidates(language: string): string[] {
  const exact = language.trim().toLowerCase();
  const primary = exact.split('-')[0];
  return exact === '' ? [] : exact === primary ? [exact] : [exact, primary];
}

interface LanguageRead {
  readonly sections: LabSection[];
  readonly problems: LabContentError[];
}

/** One language folder: every section file parsed, in number order, then checked as a whole. */
async function readLanguage(dir: string, files: LabFiles, l10n: Localizer): Promise<LanguageRead | undefined> {
  const names = await files.list(dir);
  if (names === undefined) {
    return undefined;
  }
  const sectionFiles = names.filter((n) => SECTION_FILE.test(n)).sort();
  const problems: LabContentError[] = [];
  if (sectionFiles.length === 0) {
    problems.push(new LabContentError(dir, 0, l10n.t('No section files (NN-name.md) in this folder.')));
  }
  const parsed = await Promise.all(
    sectionFiles.map(async (name) => {
      const file = `${dir}/${name}`;
      try {
        return await parseLabSection(await files.read(file), file, l10n);
      } catch (e) {
        problems.push(
          e instanceof LabContentError
            ? e
            : new LabContentError(
                file,
                0,
                l10n.t('Cannot read the file: {0}', e instanceof Error ? e.message : String(e)),
              ),
        );
        return undefined;
      }
    }),
  );
  const sections = parsed.filter((s): s is LabSection => s !== undefined).sort((a, b) => a.number - b.number);
  problems.push(...crossCheck(sections, l10n));
  return { sections, problems: problems.sort(byPlace) };
}

function byPlace(a: LabContentError, b: LabContentError): number {
  return a.file < b.file ? -1 : a.file > b.file ? 1 : a.line - b.line;
}

function baseName(file: string): string {
  return file.split(/[\\/]/).pop() ?? file;
}
