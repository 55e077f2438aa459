import type { Localizer } from '../l10n';
import type { LabSection } from '../lab/labContent';
import type { LabRequirement } from '../lab/labFrontMatter';
import type { LabOutline } from '../report/labOutline';
import type { BlockView, CheckView, SectionEnvironment, SectionSummary, SectionView } from './protocol';

/**
 * What the panel shows, computed from the lab, the report's answers and the
 * checks' last states. Pure, so that progress is tested without a webview.
 */

/** An answer counts once it has any text that is not blank. */
export function isAnswered(text: string | undefined): boolean {
  return text !== undefined && text.trim() !== '';
}

export function summarizeSections(
  sections: readonly LabSection[],
  answers: ReadonlyMap<string, string>,
  checks: ReadonlyMap<string, CheckView>,
): SectionSummary[] {
  return sections.map((s) => ({
    id: s.id,
    number: s.number,
    title: s.title,
    questions: s.questions.length,
    answered: s.questions.filter((q) => isAnswered(answers.get(q.id))).length,
    checks: s.checks.length,
    checksPassing: s.checks.filter((c) => checks.get(c)?.state === 'pass').length,
  }));
}

/** Totals over the lab, for the panel's header. */
export function totalProgress(summaries: readonly SectionSummary[]): {
  answered: number;
  questions: number;
  checksPassing: number;
  checks: number;
} {
  return summaries.reduce(
    (t, s) => ({
      answered: t.answered + s.answered,
      questions: t.questions + s.questions,
      checksPassing: t.checksPassing + s.checksPassing,
      checks: t.checks + s.checks,
    }),
    { answered: 0, questions: 0, checksPassing: 0, checks: 0 },
  );
}

/** The section asked for when the lab has it, else the first one. */
export function pickSection(sections: readonly LabSection[], wanted: string | undefined): LabSection | undefined {
  return sections.find((s) => s.id === wanted) ?? sections[0];
}

/** The next (1) or previous (-1) section, staying at the ends. */
export function neighbourSection(
  sections: readonly LabSection[],
  currentId: string,
  delta: 1 | -1,
): LabSection | undefined {
  const at = sections.findIndex((s) => s.id === currentId);
  if (at < 0) {
    return sections[0];
  }
  return sections[Math.max(0, Math.min(sections.length - 1, at + delta))];
}

/** The report's outline: the lab's sections and questions, in the lab's language. */
export function outlineOf(sections: readonly LabSection[], title?: string): LabOutline {
  return {
    ...(title !== undefined ? { title } : {}),
    sections: sections.map((s) => ({
      number: s.number,
      title: s.title,
      questions: s.questions.map((q) => ({ id: q.id, title: q.title })),
    })),
  };
}

const UNKNOWN: CheckView = { state: 'unknown', why: '' };

/** A section's blocks ready for the webview; Markdown through `render` (markdown-it, HTML off). */
export function sectionView(
  section: LabSection,
  render: (markdown: string) => string,
  checks: ReadonlyMap<string, CheckView>,
  l10n: Localizer,
  environment?: SectionEnvironment,
): SectionView {
  const blocks = section.blocks.map((b): BlockView => {
    switch (b.kind) {
      case 'markdown':
        return { kind: 'markdown', html: render(b.text) };
      case 'step':
        return { kind: 'step', id: b.id };
      case 'check':
        return { kind: 'check', id: b.id, check: checks.get(b.id) ?? UNKNOWN };
      case 'question':
        return {
          kind: 'question',
          id: b.id,
          title: section.questions.find((q) => q.id === b.id)?.title ?? b.id,
        };
    }
  });
  return {
    id: section.id,
    number: section.number,
    title: section.title,
    requires: section.requires.map((r) => describeRequirement(r, l10n)),
    ...(environment ? { environment } : {}),
    blocks,
  };
}

export function describeRequirement(requirement: LabRequirement, l10n: Localizer): string {
  switch (requirement) {
    case 'real-vms':
      return l10n.t('Vagrant VMs (VirtualBox, the extra data disk): not the local lab');
    case 'public-images':
      return l10n.t('images from public registries, or loaded from archives');
    case 'routing-mesh':
      return l10n.t("Swarm's routing mesh (IPVS), which the local lab lacks");
  }
}

/**
 * The answer that evidence from a step or check goes into: the question the
 * student was last typing in on this section, else the first question after
 * the block, else the last one before it; undefined when the section asks none.
 */
export function evidenceTarget(
  blocks: readonly BlockView[],
  blockId: string,
  lastQuestion: string | undefined,
): string | undefined {
  const questions = blocks.filter((b) => b.kind === 'question');
  if (lastQuestion !== undefined && questions.some((q) => q.id === lastQuestion)) {
    return lastQuestion;
  }
  const at = blocks.findIndex((b) => (b.kind === 'step' || b.kind === 'check') && b.id === blockId);
  const after = blocks.slice(at + 1).find((b) => b.kind === 'question');
  const before = blocks
    .slice(0, Math.max(0, at))
    .reverse()
    .find((b) => b.kind === 'question');
  return after?.id ?? before?.id;
}
