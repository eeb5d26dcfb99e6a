// Which Chromium to drive: CHROMIUM_PATH, else a system Chromium (Debian's `chromium`),
// else Playwright's own download (`npx playwright install chromium`) when there is one.
import { existsSync } from 'node:fs';

const CANDIDATES = ['/usr/bin/chromium', '/usr/bin/chromium-browser', '/usr/bin/google-chrome'];

export function chromiumPath(): string | undefined {
  const explicit = process.env.CHROMIUM_PATH;
  if (explicit) {
    if (!existsSync(explicit)) throw new Error(`CHROMIUM_PATH=${explicit} does not exist`);
    return explicit;
  }
  return CANDIDATES.find((candidate) => existsSync(candidate));
}
