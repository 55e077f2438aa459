import { totalProgress } from '../../src/core/labPanel/panelModel';
import type { PanelStrings, ReportStatus, SectionEnvironment, SectionSummary } from '../../src/core/labPanel/protocol';
import { button, format, h } from './dom';
import { vscode } from './vscodeApi';

/**
 * Around the section: the list of sections with their progress (left), the
 * lab's total and language switch (top), the report's state (above the
 * text).
 */

export function sectionNav(
  sections: readonly SectionSummary[],
  currentId: string | undefined,
  s: PanelStrings,
  go: (sectionId: string) => void,
): HTMLElement {
  return h(
    'nav',
    { class: 'sections', attrs: { 'aria-label': s.sections } },
    h(
      'ol',
      {},
      ...sections.map((sec) => {
        const current = sec.id === currentId;
        const progress = [
          sec.questions > 0 ? format(s.answered, sec.answered, sec.questions) : undefined,
          sec.checks > 0 ? format(s.checksPassing, sec.checksPassing, sec.checks) : undefined,
        ].filter((x): x is string => x !== undefined);
        const done = progress.length > 0 && sec.answered === sec.questions && sec.checksPassing === sec.checks;
        return h(
          'li',
          {},
          h(
            'button',
            {
              class: `section-link${current ? ' current' : ''}${done ? ' done' : ''}`,
              attrs: { type: 'button', 'data-section': sec.id, ...(current ? { 'aria-current': 'page' } : {}) },
              on: { click: () => go(sec.id) },
            },
            h('span', { class: 'title', text: `${sec.number}. ${sec.title}` }),
            progress.length > 0 && h('span', { class: 'progress', text: progress.join(' · ') }),
          ),
        );
      }),
    ),
  );
}

export function toolbar(
  sections: readonly SectionSummary[],
  language: string,
  languages: readonly string[],
  s: PanelStrings,
): HTMLElement {
  const t = totalProgress(sections);
  const select = h(
    'select',
    {
      on: {
        change: (e) => vscode.postMessage({ type: 'setLanguage', language: (e.target as HTMLSelectElement).value }),
      },
    },
    ...languages.map((l) =>
      h('option', { text: languageName(l), attrs: { value: l, ...(l === language ? { selected: '' } : {}) } }),
    ),
  );
  return h(
    'header',
    { class: 'toolbar' },
    h('span', {
      class: 'total',
      attrs: { 'data-total': '' },
      text: format(s.progress, t.answered, t.questions, t.checksPassing, t.checks),
    }),
    languages.length > 1 && h('label', { class: 'language' }, `${s.language} `, select),
  );
}

/** `fr` → "French" in the page's language (VS Code's), the code itself where the browser cannot name it. */
function languageName(code: string): string {
  try {
    const names = new Intl.DisplayNames([document.documentElement.lang || 'en'], { type: 'language' });
    const name = names.of(code);
    return name && name !== code ? `${name} (${code})` : code;
  } catch {
    return code;
  }
}

export function reportBanner(report: ReportStatus | undefined, s: PanelStrings): HTMLElement | undefined {
  if (!report) {
    return undefined;
  }
  if (report.problem !== undefined) {
    return h('div', { class: 'banner warning', attrs: { role: 'status', 'data-report': '' }, text: report.problem });
  }
  if (!report.exists) {
    return h(
      'div',
      { class: 'banner', attrs: { role: 'status', 'data-report': '' } },
      h('span', { text: format(s.reportMissing, report.path) }),
      button(s.createReport, () => vscode.postMessage({ type: 'createReport' }), {
        attrs: { 'data-action': 'create-report' },
      }),
    );
  }
  return h(
    'div',
    { class: `banner${report.dirty ? ' warning' : ' quiet'}`, attrs: { role: 'status', 'data-report': '' } },
    h('span', { text: report.dirty ? format(s.reportDirty, report.path) : format(s.report, report.path) }),
    button(s.openReport, () => vscode.postMessage({ type: 'openReport' }), { class: 'secondary' }),
  );
}

/** Whether the section can run where the lab's machines are now; each step or check that cannot, with why. */
export function environmentBanner(env: SectionEnvironment | undefined, s: PanelStrings): HTMLElement | undefined {
  if (!env) {
    return undefined;
  }
  const attrs = { role: 'status', 'data-environment': '' };
  if (env.noMachines) {
    return h('div', { class: 'banner quiet', attrs, text: s.noMachines });
  }
  const reasons = Object.entries(env.unavailable);
  if (reasons.length === 0) {
    return h('div', { class: 'banner quiet', attrs, text: format(s.runsHere, env.where) });
  }
  return h(
    'div',
    { class: 'banner warning environment', attrs },
    h('span', { text: format(s.cannotRunHere, env.where) }),
    h('ul', {}, ...reasons.map(([id, why]) => h('li', {}, h('code', { text: id }), h('span', { text: ` — ${why}` })))),
  );
}
