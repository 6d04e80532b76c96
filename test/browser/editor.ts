/**
 * The n8n editor in a real headless Chromium (Debian's /usr/bin/chromium, driven by playwright-core), for
 * the browser suite (`npm run test:browser`). A small page object: each method is one thing a user does,
 * waits for what the editor shows in answer (selectors, never sleeps) and can be followed by screenshot().
 *
 *   const session = await startEditorSession('my-suite');   // packed package installed in a fresh n8n, Chromium
 *   const { editor } = session;
 *   await editor.login();
 *   await editor.newWorkflow();
 *   await editor.openNodePanel();
 *   const names = await editor.searchNodes('fine tune');
 *   await editor.screenshot('search-fine-tune');            // test-artifacts/browser/my-suite/NN-….png
 *   await session.stop();
 *
 * Selectors are n8n 2.8.4's `data-test-id`s (the same ones n8n's own Playwright tests use).
 */
import { mkdirSync, rmSync } from 'node:fs';
import * as path from 'node:path';
import { chromium, selectors, type Browser, type BrowserContext, type Locator, type Page } from 'playwright-core';
import { CHROMIUM_INSTALL_HINT, chromiumPath } from '../../scripts/browser-path';
import { packPackage, startN8n, type RunningN8n, type StartN8nOptions } from '../n8n/harness';

// Some functions below run inside the page (waitForFunction, evaluateAll). The project compiles without the DOM
// library, so the little of the DOM they touch is declared here.
interface PageElement {
  readonly innerText: string;
  readonly children: ArrayLike<PageElement>;
  getBoundingClientRect(): { x: number; y: number; width: number; height: number };
  readonly complete?: boolean;
  readonly naturalWidth?: number;
  readonly src?: string;
  readonly value?: string;
  readonly parentElement?: PageElement | null;
  closest(selector: string): PageElement | null;
  getAttribute(name: string): string | null;
  querySelector(selector: string): PageElement | null;
}
declare const document: {
  createRange(): { selectNodeContents(node: PageElement): void; getBoundingClientRect(): { x: number; y: number; width: number; height: number } };
  querySelector(selector: string): PageElement | null;
  querySelectorAll(selector: string): ArrayLike<PageElement>;
};

/** Screenshots of every step go below this folder (git-ignored); one sub-folder per suite, emptied when it starts. */
export const ARTIFACTS_DIR = path.join(__dirname, '..', '..', 'test-artifacts', 'browser');

/** How long one step may wait for the editor: generous, the first editor load is several MB of JS on a busy 2-core machine. */
const STEP_TIMEOUT_MS = 30_000;

/**
 * Headless Chromium from Debian's package. The background-networking flags stop Chromium from calling home
 * (component updates, sync, QUIC): on a closed network those connections are refused and only add noise.
 */
export async function launchChromium(): Promise<Browser> {
  const executablePath = chromiumPath();
  selectors.setTestIdAttribute('data-test-id'); // n8n's attribute; getByTestId() reads data-testid otherwise
  try {
    return await chromium.launch({
      executablePath,
      args: [
        '--headless',
        '--no-sandbox',
        '--disable-gpu',
        '--disable-quic',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
      ],
    });
  } catch (error) {
    throw new Error(`could not start ${executablePath} (install it: ${CHROMIUM_INSTALL_HINT}): ${(error as Error).message}`);
  }
}

/** A rectangle on the page, in CSS pixels. */
export interface Box {
  x: number;
  y: number;
  width: number;
  height: number;
}

export class N8nEditor {
  private shots = 0;
  /** Uncaught exceptions in the page since it opened (a form that throws while rendering lands here). */
  readonly pageErrors: string[] = [];

  private constructor(
    readonly context: BrowserContext,
    readonly page: Page,
    readonly n8n: RunningN8n,
    readonly artifactsDir: string,
  ) {}

  /** A fresh browser context (no cookies) on the n8n at `n8n.url`; screenshots go to ARTIFACTS_DIR/<suite>. */
  static async open(browser: Browser, n8n: RunningN8n, suite: string): Promise<N8nEditor> {
    const artifactsDir = path.join(ARTIFACTS_DIR, suite);
    rmSync(artifactsDir, { recursive: true, force: true });
    mkdirSync(artifactsDir, { recursive: true });
    const context = await browser.newContext({ baseURL: n8n.url, viewport: { width: 1440, height: 900 } });
    context.setDefaultTimeout(STEP_TIMEOUT_MS);
    const page = await context.newPage();
    const editor = new N8nEditor(context, page, n8n, artifactsDir);
    page.on('pageerror', (error) => editor.pageErrors.push(error.message));
    return editor;
  }

  async close(): Promise<void> {
    await this.context.close();
  }

  /** Writes NN-<name>.png (full page) into the suite's artifacts folder and returns its path. An artifact, not an assertion. */
  async screenshot(name: string): Promise<string> {
    const safe = name.trim().replace(/\s+/g, '_').replace(/[^a-z0-9_-]+/gi, '-');
    const file = path.join(this.artifactsDir, `${String(++this.shots).padStart(2, '0')}-${safe}.png`);
    // Finished animations: the node panel slides in, and a screenshot taken mid-slide shows half a panel.
    await this.page.screenshot({ path: file, fullPage: true, animations: 'disabled' });
    return file;
  }

  // ------------------------------------------------------------ sign-in and navigation

  /** Signs in through the sign-in form with the owner the harness created; resolves once the editor left /signin. */
  async login(): Promise<void> {
    await this.page.goto('/signin');
    await this.page.getByTestId('emailOrLdapLoginId').locator('input').fill(this.n8n.email);
    await this.page.getByTestId('password').locator('input').fill(this.n8n.password);
    await this.page.getByTestId('form-submit-button').click();
    await this.page.waitForURL((url) => !url.pathname.startsWith('/signin'));
  }

  /** An empty canvas for a new workflow. */
  async newWorkflow(): Promise<void> {
    await this.page.goto('/workflow/new');
    await this.page.getByTestId('canvas-wrapper').waitFor();
  }

  /** A saved workflow on the canvas; waits until its nodes are drawn. */
  async openWorkflow(id: string): Promise<void> {
    await this.page.goto(`/workflow/${id}`);
    await this.canvasNodes().first().waitFor();
  }

  // ------------------------------------------------------------ node panel (n8n calls it the node creator)

  nodePanel(): Locator {
    return this.page.getByTestId('node-creator');
  }

  /** Opens the node panel with the canvas' "+" button (the one at the top right, present on every canvas). */
  async openNodePanel(): Promise<void> {
    await this.page.getByTestId('node-creator-plus-button').click();
    await this.nodePanel().waitFor();
  }

  /**
   * Opens the node panel from the "+" of one of a node's AI slots (e.g. the AI Agent's Chat Model,
   * `ai_languageModel`): the panel then lists only the sub-nodes that fit that slot.
   */
  async openSlotPanel(node: string, connectionType: string): Promise<void> {
    await this.page
      .locator(`[data-test-id="canvas-node-input-handle"][data-connection-type="${connectionType}"][data-node-name="${node}"]`)
      .getByTestId('canvas-handle-plus')
      .click();
    await this.nodeItems().first().waitFor();
  }

  async closeNodePanel(): Promise<void> {
    await this.page.keyboard.press('Escape');
    await this.nodePanel().waitFor({ state: 'detached' });
  }

  /** The node entries the panel shows now (search results or a category's list), by display name. */
  nodeItems(): Locator {
    return this.nodePanel().getByTestId('node-creator-item-name');
  }

  /** The panel's entry for one node, by its exact display name. */
  nodeItem(displayName: string): Locator {
    return this.nodeItems().getByText(displayName, { exact: true });
  }

  /** Types `term` into the panel's search bar; returns the display names listed once the results are drawn. */
  async searchNodes(term: string): Promise<string[]> {
    // n8n gives every row a fresh data-keyboard-nav-id each time it computes the list, so a row id that was not
    // there before typing means the list now shows this search, not the previous one.
    const rows = '[data-test-id="node-creator"] [data-test-id="item-iterator-item"]';
    const before = await this.page.locator(rows).evaluateAll((els: PageElement[]) => els.map((e) => e.getAttribute('data-keyboard-nav-id')));
    await this.page.getByTestId('node-creator-search-bar').fill(term);
    await this.page.waitForFunction(
      ({ selector, previous }) => {
        if (document.querySelector('[data-test-id="node-creator-no-results"]')) return true;
        const first = document.querySelector(selector)?.getAttribute('data-keyboard-nav-id');
        return first != null && !previous.includes(first);
      },
      { selector: rows, previous: before },
      { timeout: STEP_TIMEOUT_MS },
    );
    return this.listedNodes();
  }

  async clearSearch(): Promise<void> {
    await this.page.getByTestId('node-creator-search-bar').fill('');
  }

  /** Display names of the node entries the panel lists now, in order. */
  async listedNodes(): Promise<string[]> {
    return (await this.nodeItems().allInnerTexts()).map((t) => t.trim());
  }

  /** The panel row of an entry, by exact name: the click target (a view row's overlay catches clicks on the name). */
  private panelRow(name: string): Locator {
    const label = this.page.getByTestId('node-creator-item-name').getByText(name, { exact: true });
    return this.nodePanel().getByTestId('item-iterator-item').filter({ has: label }).first();
  }

  /** The panel's title ("What happens next?", "AI Nodes", "Miscellaneous", …). */
  async panelTitle(): Promise<string> {
    return (await this.nodePanel().getByTestId('nodes-list-header').first().innerText()).trim();
  }

  /**
   * Clicks an entry of the current panel page by its exact name (a node, a category or a view such as "AI" or
   * "Other AI Nodes") and waits for the panel to show what it opens: a new title, or the panel closed when a
   * node was added.
   */
  async openPanelEntry(name: string): Promise<void> {
    const before = await this.panelTitle();
    await this.panelRow(name).click();
    await this.page.waitForFunction(
      (previous) => {
        const header = document.querySelector('[data-test-id="node-creator"] [data-test-id="nodes-list-header"]');
        return !header || header.innerText.trim() !== previous;
      },
      before,
      { timeout: STEP_TIMEOUT_MS },
    );
  }

  /** Adds a node from the open panel by clicking its entry (e.g. "Trigger manually"); waits until it is on the canvas. */
  async addNodeFromPanel(entry: string): Promise<void> {
    const count = await this.canvasNodes().count();
    await this.panelRow(entry).click();
    await this.canvasNodes().nth(count).waitFor();
    // Some nodes open their settings (NDV) when added; close them to get back to the canvas.
    if (await this.page.getByTestId('ndv').isVisible()) {
      await this.page.keyboard.press('Escape');
      await this.page.getByTestId('ndv').waitFor({ state: 'hidden' });
    }
  }

  // ------------------------------------------------------------ import and canvas

  /**
   * Imports a workflow JSON file through the editor's "Import from File…" (its hidden file input) into the
   * open canvas, as a user does; waits until the imported nodes are drawn.
   */
  async importWorkflow(file: string): Promise<void> {
    await this.page.getByTestId('workflow-import-input').setInputFiles(file);
    await this.canvasNodes().first().waitFor();
  }

  /** Saves the workflow on the canvas with the keyboard shortcut; resolves once n8n answered the save. Returns its id. */
  async saveWorkflow(): Promise<string> {
    const saved = this.page.waitForResponse(
      (r) => /\/rest\/workflows(\/[^/?]+)?(\?|$)/.test(new URL(r.url()).pathname) && ['POST', 'PATCH', 'PUT'].includes(r.request().method()),
    );
    await this.page.getByTestId('canvas-wrapper').click({ position: { x: 5, y: 5 } }); // focus the canvas, not an input
    await this.page.keyboard.press('ControlOrMeta+s');
    const response = await saved;
    if (!response.ok()) throw new Error(`saving the workflow failed: ${response.status()} ${await response.text()}`);
    const id = ((await response.json()) as { data?: { id?: unknown } }).data?.id;
    if (typeof id !== 'string') throw new Error(`saving the workflow answered without an id: ${await response.text()}`);
    return id;
  }

  canvasNodes(): Locator {
    return this.page.getByTestId('canvas-node');
  }

  /**
   * How each node on the canvas is drawn: its type, whether n8n marks it as not installed (the "?" node a
   * workflow with an unknown type shows) and the icon it shows (an image's URL once loaded, `svg` for a built-in
   * icon, undefined when there is none). Sticky notes have no icon and are left out.
   */
  async canvasNodeIcons(): Promise<Array<{ name: string; type: string; notInstalled: boolean; icon?: string }>> {
    await this.canvasNodes().first().waitFor();
    // Wait for the node icons' images to finish loading (or fail), so `complete` below is final.
    await this.page.waitForFunction(() =>
      Array.from(document.querySelectorAll('[data-test-id="canvas-node"] .n8n-node-icon img')).every((img) => img.complete),
    );
    return this.canvasNodes().evaluateAll((nodes: PageElement[]) =>
      nodes
        .filter((node) => node.getAttribute('data-node-type') !== 'n8n-nodes-base.stickyNote')
        .map((node) => {
          const img = node.querySelector('.n8n-node-icon img');
          const svg = node.querySelector('.n8n-node-icon svg');
          const icon = img ? (img.naturalWidth ? img.src : undefined) : svg ? 'svg' : undefined;
          return {
            name: node.getAttribute('data-node-name') ?? '',
            type: node.getAttribute('data-node-type') ?? '',
            notInstalled: node.querySelector('[data-test-id="node-not-installed"]') !== null,
            icon,
          };
        }),
    );
  }

  canvasNode(name: string): Locator {
    return this.page.locator(`[data-test-id="canvas-node"][data-node-name="${name}"]`);
  }

  /**
   * The rectangles the canvas draws for each node (sticky notes left out): `body` is the node's own box,
   * `label` the box of its name and subtitle text below it (undefined for nodes that draw their label inside).
   */
  async canvasNodeBoxes(): Promise<Array<{ name: string; body: Box; label?: Box }>> {
    await this.canvasNodes().first().waitFor();
    return this.canvasNodes().evaluateAll((nodes: PageElement[]) => {
      const box = (el: PageElement) => {
        const r = el.getBoundingClientRect();
        return { x: r.x, y: r.y, width: r.width, height: r.height };
      };
      // What the label draws: each line's text (a range over it; its box is wider than the text), cut to
      // the line's box (a long subtitle is clipped with an ellipsis), and the union of the lines.
      const textBox = (el: PageElement | null) => {
        const lines = Array.from(el?.children ?? [])
          .filter((line) => line.innerText.trim() !== '')
          .map((line) => {
            const range = document.createRange();
            range.selectNodeContents(line);
            const text = range.getBoundingClientRect();
            const clip = line.getBoundingClientRect();
            const x = Math.max(text.x, clip.x);
            return { x, y: text.y, right: Math.min(text.x + text.width, clip.x + clip.width), bottom: text.y + text.height };
          });
        if (lines.length === 0) return undefined;
        const x = Math.min(...lines.map((l) => l.x));
        const y = Math.min(...lines.map((l) => l.y));
        return { x, y, width: Math.max(...lines.map((l) => l.right)) - x, height: Math.max(...lines.map((l) => l.bottom)) - y };
      };
      return nodes
        .filter((node) => node.getAttribute('data-node-type') !== 'n8n-nodes-base.stickyNote')
        // The name and subtitle below a node: n8n 2.8.4's CanvasNodeDefault `description` (a CSS-module class).
        .map((node) => ({ name: node.getAttribute('data-node-name') ?? '', body: box(node), label: textBox(node.querySelector('[class*="_description_"]')) }));
    });
  }

  // ------------------------------------------------------------ node settings (n8n calls them the NDV)

  ndv(): Locator {
    return this.page.getByTestId('ndv');
  }

  /** Opens a canvas node's settings by double-clicking it, as users do; waits until its parameters are drawn. */
  async openNodeSettings(name: string): Promise<void> {
    await this.canvasNode(name).dblclick();
    await this.ndv().getByTestId('node-parameters').waitFor();
  }

  async closeNodeSettings(): Promise<void> {
    await this.page.keyboard.press('Escape');
    await this.ndv().waitFor({ state: 'hidden' });
  }

  /** The row of one parameter in the open settings: its label, input and issue icon. */
  parameterItem(name: string): Locator {
    // `has` is matched inside each row, so it starts from the page, not from ndv().
    return this.parameterItems().filter({ has: this.page.getByTestId(`parameter-input-${name}`) });
  }

  /** The parameter fields the open settings show (n8n's `parameter-item` rows). */
  parameterItems(): Locator {
    return this.ndv().getByTestId('parameter-item');
  }

  /** One parameter's input (the field of `parameters.<name>`). */
  parameterInput(name: string): Locator {
    return this.ndv().getByTestId(`parameter-input-${name}`);
  }

  /**
   * The fields of the open settings that n8n marks with an issue (its warning icon), with their labels and the
   * values they hold: a required field left empty holds ''. A credential slot counts as a field.
   */
  async flaggedFields(): Promise<Array<{ label: string; value: string }>> {
    return this.ndv()
      .getByTestId('parameter-issues')
      .evaluateAll((icons: PageElement[]) =>
        icons.map((icon) => {
          const row = icon.closest('[data-test-id="parameter-item"]') ?? icon.closest('[data-test-id="node-credentials-select"]')?.parentElement ?? null;
          // A resource locator's first input is its mode ("From list"); its value is in the input of its container.
          const input = row?.querySelector('[data-test-id="rlc-input-container"] input') ?? row?.querySelector('input, textarea');
          return { label: row?.querySelector('label')?.innerText.trim() ?? '', value: input?.value ?? '' };
        }),
      );
  }

  /** Titles and texts of the error toasts shown now. */
  async errorToasts(): Promise<string[]> {
    return this.page.locator('.el-notification').filter({ has: this.page.locator('.el-notification--error') }).allInnerTexts();
  }

  /** Switches a yes/no parameter on (clicks its switch); resolves once the switch shows it on. */
  async switchOn(name: string): Promise<void> {
    const toggle = this.parameterInput(name).locator('.el-switch');
    await toggle.click();
    await this.parameterInput(name).locator('.el-switch.is-checked').waitFor();
  }

  /** The credential selector of the open settings for one credential slot, found by its label (e.g. "Credential for Flowtune n8n API"). */
  credentialSelect(label: string): Locator {
    // The label wraps its selector.
    return this.ndv()
      .getByTestId('credentials-label')
      .filter({ has: this.page.getByText(label, { exact: true }) })
      .getByTestId('node-credentials-select');
  }

  /** Opens "Create new credential" of one credential slot of the open settings; resolves to the credential dialog. */
  async createCredentialFrom(slotLabel: string): Promise<Locator> {
    await this.credentialSelect(slotLabel).click();
    await this.page.getByTestId('node-credentials-select-item-new').filter({ visible: true }).click();
    // The whole modal: its header (name, type, Save, close) sits outside the `credential-edit-dialog` body.
    const dialog = this.page.locator('.el-dialog').filter({ has: this.page.getByTestId('credential-edit-dialog') });
    await dialog.getByTestId('credential-connection-parameter').first().waitFor();
    return dialog;
  }

  /** Labels of the fields of a credential dialog's form. */
  async credentialFieldLabels(dialog: Locator): Promise<string[]> {
    // Each field's first label; its text's first line (the rest is the Fixed / Expression switch).
    const labels = await dialog.getByTestId('credential-connection-parameter').evaluateAll((rows: PageElement[]) => rows.map((row) => row.querySelector('label')?.innerText ?? ''));
    return labels.map((l) => l.split('\n')[0].trim()).filter((l) => l !== '');
  }

  /** Types a value into the credential dialog's field with this label. */
  async fillCredentialField(dialog: Locator, label: string, value: string): Promise<void> {
    const row = dialog.getByTestId('credential-connection-parameter').filter({ has: this.page.locator('label', { hasText: label }) });
    await row.locator('input, textarea').first().fill(value);
  }

  /** Saves the credential dialog and closes it; resolves once it is gone. */
  async saveCredential(dialog: Locator): Promise<void> {
    await dialog.getByTestId('credential-save-button').click();
    // Saved: the button turns into "Saved" (n8n keeps the dialog open to show the connection test).
    await dialog.getByTestId('credential-save-button').filter({ hasText: /saved/i }).waitFor();
    await dialog.locator('.el-dialog__headerbtn, [aria-label="Close this dialog"]').first().click();
    await dialog.waitFor({ state: 'hidden' });
  }

  // ------------------------------------------------------------ running workflows

  /** Runs the open workflow with the canvas' "Execute workflow" button; resolves once `node` shows it ran successfully. */
  async executeWorkflow(node: string): Promise<void> {
    await this.page.getByTestId('execute-workflow-button').click();
    // A run that fails shows an error toast instead: wait for whichever comes, and say which.
    const success = this.canvasNode(node).getByTestId('canvas-node-status-success');
    const failure = this.page.locator('.el-notification').filter({ has: this.page.locator('.el-notification--error') });
    await success.or(failure).first().waitFor({ timeout: 120_000 });
    if (!(await success.isVisible())) throw new Error(`the workflow failed: ${(await this.errorToasts()).join(' | ')}`);
  }

  /** n8n's chat for a workflow with a Chat Trigger ("Open chat" on the canvas); resolves once its input is drawn. */
  async openChat(): Promise<Locator> {
    await this.page.getByTestId('workflow-chat-button').click();
    const chat = this.page.getByTestId('canvas-chat');
    await chat.locator('.chat-inputs textarea').waitFor();
    return chat;
  }

  /** Sends a chat message; resolves with the next message the chat shows after it (the workflow's answer). */
  async sendChatMessage(chat: Locator, text: string): Promise<string> {
    const messages = chat.locator('.chat-messages-list .chat-message');
    const before = await messages.count();
    await chat.locator('.chat-inputs textarea').fill(text);
    await chat.locator('.chat-input-send-button').click();
    // The user's own message is drawn first, the answer after it; the "typing…" dots in between are a message without text.
    const answer = messages.filter({ hasText: /\S/ }).nth(before + 1);
    await answer.waitFor({ timeout: 120_000 });
    return (await answer.innerText()).trim();
  }
}

export interface EditorSession {
  n8n: RunningN8n;
  browser: Browser;
  editor: N8nEditor;
  /** Closes the browser, stops n8n, removes the packed tarball. Safe to call after a failed start. */
  stop(): Promise<void>;
}

/**
 * Everything a browser suite needs: this checkout packed (`npm pack`; build it first) and installed into a fresh
 * n8n the way users install it (harness `packageTarball`), headless Chromium, and an editor page for `suite`.
 */
export async function startEditorSession(suite: string, n8nOptions: StartN8nOptions = {}): Promise<EditorSession> {
  const tarball = packPackage();
  let n8n: RunningN8n | undefined;
  let browser: Browser | undefined;
  const stop = async (): Promise<void> => {
    await browser?.close().catch(() => undefined);
    await n8n?.stop();
    rmSync(path.dirname(tarball), { recursive: true, force: true });
  };
  try {
    n8n = await startN8n({ packageTarball: tarball, ...n8nOptions });
    browser = await launchChromium();
    const editor = await N8nEditor.open(browser, n8n, suite);
    return { n8n, browser, editor, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}
