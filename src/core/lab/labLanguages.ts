import type { Localizer } from '../l10n';
import type { LabSection } from './labContent';
import { LabContentError } from './labError';

/**
 * Checks that need more than one file: a language's sections together, and a
 * translation against the reference language. The report keys answers by
 * question id and the step engine binds by step id, so every language must
 * name the same ones in the same sections.
 */

/** Section numbers, section ids and question ids are unique across a language. */
export function crossCheck(sections: readonly LabSection[], l10n: Localizer): LabContentError[] {
  const problems: LabContentError[] = [];
  const numbers = new Map<number, string>();
  const ids = new Map<string, string>();
  const questions = new Map<string, string>();
  for (const s of sections) {
    const sameNumber = numbers.get(s.number);
    if (sameNumber !== undefined) {
      problems.push(
        new LabContentError(
          s.file,
          s.lines.number,
          l10n.t('Section number {0} is already used by {1}.', s.number, sameNumber),
        ),
      );
    }
    numbers.set(s.number, s.file);
    const sameId = ids.get(s.id);
    if (sameId !== undefined) {
      problems.push(
        new LabContentError(s.file, s.lines.id, l10n.t('Section id "{0}" is already used by {1}.', s.id, sameId)),
      );
    }
    ids.set(s.id, s.file);
    for (const q of s.questions) {
      const asked = questions.get(q.id);
      if (asked !== undefined) {
        problems.push(
          new LabContentError(s.file, q.line, l10n.t('Question {0} is already asked in {1}.', q.id, asked)),
        );
      }
      questions.set(q.id, s.file);
    }
  }
  return problems;
}

/** What a translation must share with the reference, section by section. */
export function compareLanguage(
  reference: readonly LabSection[],
  other: readonly LabSection[],
  dir: string,
  l10n: Localizer,
): LabContentError[] {
  const problems: LabContentError[] = [];
  const byNumber = new Map(other.map((s) => [s.number, s] as const));
  for (const ref of reference) {
    const tr = byNumber.get(ref.number);
    if (!tr) {
      problems.push(new LabContentError(dir, 0, l10n.t('Section {0} ({1}) is missing here.', ref.number, ref.file)));
      continue;
    }
    byNumber.delete(ref.number);
    if (tr.id !== ref.id) {
      problems.push(
        new LabContentError(
          tr.file,
          tr.lines.id,
          l10n.t('The section id is "{0}" here but "{1}" in {2}.', tr.id, ref.id, ref.file),
        ),
      );
    }
    const lists: ReadonlyArray<readonly [string, readonly string[], readonly string[]]> = [
      ['questions', ref.questions.map((q) => q.id), tr.questions.map((q) => q.id)],
      ['steps', ref.steps, tr.steps],
      ['checks', ref.checks, tr.checks],
      ['requires', ref.requires, tr.requires],
    ];
    for (const [field, want, have] of lists) {
      const line = tr.lines[field] ?? tr.lines.title;
      for (const id of want.filter((x) => !have.includes(x))) {
        problems.push(
          new LabContentError(tr.file, line, l10n.t('"{0}" of {1} is missing under "{2}".', id, ref.file, field)),
        );
      }
      for (const id of have.filter((x) => !want.includes(x))) {
        problems.push(
          new LabContentError(tr.file, line, l10n.t('"{0}" under "{1}" is not in {2}.', id, field, ref.file)),
        );
      }
    }
  }
  for (const extra of byNumber.values()) {
    problems.push(
      new LabContentError(
        extra.file,
        extra.lines.number,
        l10n.t('Section {0} is not in the French version.', extra.number),
      ),
    );
  }
  return problems;
}
