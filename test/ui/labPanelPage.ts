import * as assert from 'node:assert/strict';
import type { Frame, Locator, Page } from 'playwright-core';
import { waitFor } from '../harness/waitFor';

/** The lab panel's page as the UI tests drive it: found, navigated, read, as a student does. */

/** What these helpers need of a VS Code in a browser: its page. */
export interface WorkbenchPage {
  readonly page: Page;
}

/**
 * The panel's page: code-server nests it in two iframes (the webview host,
 * then `#active-frame`); the one that holds the panel's `#app` is it.
 */
export async function labFrame(session: WorkbenchPage, timeoutMs = 60_000): Promise<Frame> {
  return waitFor(
    'the lab panel page',
    async () => {
      for (const frame of session.page.frames()) {
        if (await frame.$('#app nav.sections').catch(() => null)) {
          return frame;
        }
      }
      return undefined;
    },
    timeoutMs,
    200,
  );
}

/**
 * The palette lists an extension's commands once the remote extension host
 * has reported them; a palette opened before that never shows them. So the
 * command is looked for again in a new palette, a bounded number of times.
 * The same when F1 did not open it (a quick input was still closing).
 */
export async function runCommandOnceListed(session: WorkbenchPage, title: string): Promise<void> {
  const page = session.page;
  for (let attempt = 1; ; attempt++) {
    await page.keyboard.press('F1');
    const input = page.locator('.quick-input-widget input');
    // The row whose label is the title itself: "Color Theme" must not pick "Browse Color Themes…".
    const row = page
      .locator('.quick-input-list .monaco-list-row')
      .filter({ has: page.locator('.label-name', { hasText: new RegExp(`^${title}$`) }) })
      .first();
    try {
      await input.waitFor({ timeout: 10_000 });
      await input.fill(`>${title}`, { timeout: 10_000 });
      await row.waitFor({ timeout: 10_000 });
      await row.click();
      return;
    } catch (error) {
      await page.keyboard.press('Escape');
      if (attempt >= 6) {
        throw error;
      }
    }
  }
}

export async function sectionHeading(frame: Frame): Promise<string> {
  return (await frame.locator('main h1').textContent()) ?? '';
}

/** Goes to a section by its button in the section list, as a student clicks it. */
export async function goToSection(frame: Frame, id: string, number: number): Promise<void> {
  await frame.locator(`nav.sections button[data-section="${id}"]`).click();
  await waitFor(`section ${number}`, async () => (await sectionHeading(frame)).startsWith(`${number}. `), 30_000);
}

/**
 * Waits for a check to show a state. A check evaluated before the extension
 * had found the lab's machines says it cannot tell: it is asked again with
 * its own button, as a student would, a bounded number of times.
 */
export async function waitForCheck(frame: Frame, id: string, state: 'pass' | 'fail', timeoutMs: number): Promise<void> {
  const block = frame.locator(`[data-check="${id}"]`);
  let asked = Date.now();
  let seen = '';
  await waitFor(
    `the check ${id} ${state === 'pass' ? 'passing' : 'failing'}`,
    async () => {
      const cls = (await block.getAttribute('class', { timeout: 5_000 })) ?? '';
      seen = `${cls}: ${(await block.textContent({ timeout: 5_000 })) ?? ''}`;
      if (cls.split(' ').includes(state)) {
        return true;
      }
      if (cls.split(' ').includes('unknown') && Date.now() - asked > 10_000) {
        asked = Date.now();
        await block.locator('button').click({ timeout: 5_000 });
      }
      return false;
    },
    timeoutMs,
    250,
  ).catch((error: unknown) => {
    throw new Error(`${error instanceof Error ? error.message : String(error)}; the panel shows ${seen}`);
  });
}

/** The text under a question's heading in the report, up to the next heading. */
export function answerInReport(report: string, questionId: string): string {
  const start = report.indexOf(`### ${questionId} — `);
  assert.ok(start >= 0, `no heading for ${questionId} in the report`);
  const body = report.slice(report.indexOf('\n', start) + 1);
  const next = body.search(/^#{1,3} /m);
  return next < 0 ? body : body.slice(0, next);
}

/**
 * Scrolls to a block for the screenshot. A check's block is rebuilt when
 * the check is evaluated again (the swarm's events settle after a step), so
 * the element found may be replaced before the scroll: find it again.
 */
export async function scrollIntoView(locator: Locator): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    try {
      await locator.scrollIntoViewIfNeeded({ timeout: 10_000 });
      return;
    } catch (error) {
      if (attempt >= 5 || !/not attached to the DOM/.test(String(error))) {
        throw error;
      }
    }
  }
}
