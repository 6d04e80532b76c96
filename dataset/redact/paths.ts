/**
 * User names inside home-folder paths: `/Users/<name>/…` (macOS), `/home/<name>/…` (Linux, also
 * `/mnt/c/Users/<name>` under WSL), `C:\Users\<name>\…` and `C:/Users/<name>/…` (Windows, also with
 * JSON- or code-escaped `\\`), `C:\Documents and Settings\<name>\…`. Only the name segment is
 * replaced (`/Users/<USER_1>/Documents/report.pdf`); the rest of the path stays. Service accounts
 * and placeholders (`/home/node/.n8n`, `/home/ubuntu`, `/Users/yourname`, `/home/$USER`) stay.
 */

import { isPlaceholderValue } from './classifiers';
import type { Redactor } from './placeholders';

/** A name segment: letters (any script), digits, `.`, `_`, `-`. */
const NAME = '[\\p{L}\\p{N}._-]{1,64}';
/**
 * A Unix home-folder root: not in the middle of a URL or a longer path (`https://x.io/home/about`,
 * `/api/v1.0/Users/42`, `{your-n8n-url}/home/chat`), except after `file://`.
 */
const UNIX_HOME = new RegExp(`(?:(?<=file://)|(?<![\\p{L}\\p{N}_.~%/\\\\)\\]}-]))((?:/mnt/[a-z])?/(?:Users|home)/)(${NAME})(?=$|[/\\\\\\s"'\`,;:)\\]}>|])`, 'gu');
/** A Windows profile folder; a name with one space (`John Smith`) only when a separator follows. */
const WINDOWS_HOME = new RegExp(
  `(?<![\\p{L}\\p{N}_])([A-Za-z]:(?:\\\\{1,2}|/)(?:Users|Documents and Settings)(?:\\\\{1,2}|/))(${NAME} ${NAME}(?=\\\\|/)|${NAME})(?=$|[/\\\\\\s"'\`,;:)\\]}>|])`,
  'giu',
);

/** Accounts that belong to no person (containers, clouds, CI, the OS) and generic profile folders. */
const NON_PERSONAL = new Set(
  [
    'node', 'n8n', 'root', 'admin', 'administrator', 'ubuntu', 'ec2-user', 'centos', 'debian', 'fedora', 'opc', 'azureuser', 'bitnami',
    'pi', 'vagrant', 'app', 'apps', 'docker', 'runner', 'jovyan', 'vscode', 'codespace', 'codespaces', 'coder', 'gitpod', 'www-data',
    'nobody', 'daemon', 'linuxbrew', 'git', 'build', 'jenkins', 'ci', 'shared', 'public', 'default', 'default user', 'all users',
    'guest', 'user', 'users', 'username', 'user1', 'myuser', 'myusername', 'me', 'you', 'name', 'yourname', 'someone', 'dev',
    'developer', 'test', 'tester', 'demo', 'example', 'john', 'jane', 'johndoe', 'janedoe', 'john.doe', 'jane.doe', 'john_doe',
    'foo', 'bar', 'x', 'xxx', 'sammy', 'deploy', 'deployer', 'ftp', 'ftpuser', 'postgres', 'mysql', 'redis', 'ollama', 'steam',
    // n8n's own UI routes (`/home/workflows`, `/home/chat`).
    'workflows', 'credentials', 'executions', 'chat', 'projects', 'templates', 'variables',
  ].map((n) => n.toLowerCase()),
);

const ROOT_HINT = /sers|\/home\/|Documents and/;

function isPersonal(name: string): boolean {
  const lower = name.toLowerCase();
  if (NON_PERSONAL.has(lower) || /^\.+$/.test(name) || /^[0-9._-]+$/.test(name)) return false;
  // `your_user`, `YOUR_USERNAME`, `<user>`, `user-name`, `my-user` …
  if (isPlaceholderValue(name) || /^(?:your|my)[._-]?/i.test(name) || /^user[._-]?name$/i.test(name)) return false;
  return true;
}

export function redactPathUsers(text: string, redactor: Redactor): string {
  // One cheap look for the roots before the regexes (`sers`: `/Users/`, `C:\Users\`).
  if (!ROOT_HINT.test(text)) return text;
  let s = text;
  if (text.includes('/home/') || text.includes('/Users/')) {
    UNIX_HOME.lastIndex = 0;
    s = s.replace(UNIX_HOME, (match: string, root: string, name: string) => (isPersonal(name) ? root + redactor.replace('path_user', 'USER', name) : match));
  }
  if (/[A-Za-z]:[\\/]{1,2}(?:Users|Documents and Settings)/i.test(s)) {
    WINDOWS_HOME.lastIndex = 0;
    s = s.replace(WINDOWS_HOME, (match: string, root: string, name: string) => (isPersonal(name) ? root + redactor.replace('path_user', 'USER', name) : match));
  }
  return s;
}
