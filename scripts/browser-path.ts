/** Where the browser suite's Chromium lives: FLOWTUNE_CHROMIUM, default Debian's /usr/bin/chromium. */
export function chromiumPath(env: NodeJS.ProcessEnv = process.env): string {
  return env.FLOWTUNE_CHROMIUM?.trim() || '/usr/bin/chromium';
}

/** The command that installs it, for error messages. */
export const CHROMIUM_INSTALL_HINT = 'npm run build && node dist/scripts/browser-install.js';
