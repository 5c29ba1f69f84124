// Fails the browser tests early, with the fix, when Debian's Chromium is not installed.
import { existsSync } from 'node:fs';

const path = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
if (!existsSync(path)) {
  console.error(
    `No Chromium at ${path}. The browser tests use Debian's Chromium (no browser download is possible here).\n` +
      'Install it with:  sudo apt-get update && sudo apt-get install -y chromium\n' +
      'or point CHROMIUM_PATH at another Chromium binary.',
  );
  process.exit(1);
}
