import { Browser, chromium } from 'playwright-core';
import { markedEnv } from './processes';

/**
 * Debian's Chromium, headless, with nothing that reaches out to the network.
 * Playwright gives it a fresh temporary profile and removes it on close.
 */
export async function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: process.env['CHROMIUM_PATH'] ?? '/usr/bin/chromium',
    headless: true,
    env: { ...process.env, ...markedEnv() },
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--disable-dev-shm-usage',
    ],
  });
}
