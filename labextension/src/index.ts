/**
 * The AIPO kit's AI-product panel: the workspace of the open notebook (or of the file
 * browser's folder) at a glance, and the kit's commands on it.
 *
 * It decides nothing. It shows what the server extension (aipo_widgets/pipeline/lab.py)
 * answers, which is what `aipo status` reads, and runs the kit's own command line
 * (validate, run, docs) through it, streaming the output into the panel.
 */
import {
  ILabShell,
  JupyterFrontEnd,
  JupyterFrontEndPlugin
} from '@jupyterlab/application';
import { ICommandPalette } from '@jupyterlab/apputils';
import { URLExt } from '@jupyterlab/coreutils';
import { IDefaultFileBrowser } from '@jupyterlab/filebrowser';
import { ServerConnection } from '@jupyterlab/services';
import { Widget } from '@lumino/widgets';

const API = 'aipo/api';
const POLL_MS = 700;
/** How often the panel looks whether aipo.yaml or the reports changed (saved in another tab,
 * by git, by `aipo run` in a terminal): a listing without content, cheap for the server. */
const WATCH_MS = 4000;
const VERDICT_WORDS: Record<string, string> = {
  pass: 'PASS',
  warn: 'WARN',
  fail: 'FAIL',
  error: 'ERROR'
};

interface IGate {
  phase: string;
  name: string;
  verdict: string;
  detail: string;
  evidence: string;
  notebook: string;
}

interface IState {
  workspace: string | null;
  error?: string;
  product?: { name: string; phase: string; owner: string };
  day?: string;
  verdict?: {
    verdict: string;
    colour: string;
    headline: string;
    question: string;
    owner: string;
    due: string | null;
  };
  gates?: IGate[];
  documents?: {
    name: string;
    title: string;
    share: number;
    gaps: number;
    signoff_stale: boolean;
  }[];
  waiting?: { text: string; label: string }[];
  timeline?: {
    milestones: { title: string; due: string; state: string; owner: string }[];
  };
  run?: { id: string; started: string } | null;
}

interface IJob {
  job: string;
  done: boolean;
  exit_code: number | null;
  lines: string[];
  total_lines: number;
}

async function request<T>(path: string, init: RequestInit = {}): Promise<T> {
  const settings = ServerConnection.makeSettings();
  const url = URLExt.join(settings.baseUrl, API, path);
  const response = await ServerConnection.makeRequest(url, init, settings);
  const text = await response.text();
  if (!response.ok) {
    let reason = text;
    try {
      reason = JSON.parse(text).message || text;
    } catch {
      // not JSON: the text as it came
    }
    throw new Error(`${response.status}: ${reason}`);
  }
  return JSON.parse(text) as T;
}

/** An element with text (never HTML: every text comes from a person's aipo.yaml). */
function el(tag: string, text = '', cls = ''): HTMLElement {
  const node = document.createElement(tag);
  if (text) {
    node.textContent = text;
  }
  if (cls) {
    node.className = cls;
  }
  return node;
}

class AipoPanel extends Widget {
  constructor(
    private app: JupyterFrontEnd,
    private currentPath: () => string
  ) {
    super();
    this.id = 'aipo-panel';
    this.addClass('aipo-panel');
    this.title.label = 'AI product';
    this.title.caption = 'AIPO kit: the plan, the verdict and the sign-offs of this product';
    this.node.setAttribute('role', 'region');
    this.node.setAttribute('aria-label', 'AI product panel');
    this.body = el('div', '', 'aipo-panel-body');
    this.output = el('pre', '', 'aipo-panel-output');
    this.output.setAttribute('aria-live', 'polite');
    this.node.append(this.body, this.output);
  }

  /** The workspace path (relative to the server root) of the last refresh. */
  workspace: string | null = null;
  private body: HTMLElement;
  private output: HTMLElement;
  private busy = false;
  /** When aipo.yaml and reports/ were last modified, as of the last refresh. */
  private stamp = '';

  /** What the panel shows depends on: aipo.yaml and what runs write into reports/. */
  private async modified(): Promise<string> {
    if (this.workspace === null) {
      return '';
    }
    const contents = this.app.serviceManager.contents;
    const base = this.workspace ? `${this.workspace}/` : '';
    const stamps = await Promise.all(
      ['aipo.yaml', 'reports'].map(name =>
        contents
          .get(`${base}${name}`, { content: false })
          .then(m => m.last_modified)
          .catch(() => '')
      )
    );
    return stamps.join('|');
  }

  /** Refresh when aipo.yaml or the reports changed since the last refresh (not while a
   * command of the panel runs: it refreshes at its end). */
  async watch(): Promise<void> {
    if (this.busy || this.workspace === null || !this.isVisible) {
      return;
    }
    const now = await this.modified();
    if (this.stamp && now !== this.stamp) {
      await this.refresh();
    }
  }

  async refresh(): Promise<void> {
    const path = this.currentPath();
    this.body.replaceChildren(el('p', 'Reading the workspace…', 'aipo-muted'));
    // The files are dated before the workspace is read: a change made while it is read (a
    // save, a run's reports) then still differs from the stamp, and the next look refreshes.
    const stamp = this.workspace === null ? '' : await this.modified();
    let state: IState;
    try {
      state = await request<IState>(
        `workspace?path=${encodeURIComponent(path)}`
      );
    } catch (err) {
      this.body.replaceChildren(el('p', `Could not read it: ${err}`, 'aipo-error'));
      return;
    }
    const moved = state.workspace !== this.workspace;
    this.workspace = state.workspace;
    this.stamp = moved ? await this.modified() : stamp;
    this.render(state);
  }

  private render(state: IState): void {
    const parts: HTMLElement[] = [];
    if (state.workspace === null) {
      parts.push(
        el(
          'p',
          'No aipo.yaml in this folder or above it. Open a notebook of a workspace ' +
            '(aipo init makes one) or browse to its folder.',
          'aipo-muted'
        )
      );
      this.body.replaceChildren(...parts);
      return;
    }
    if (state.error) {
      parts.push(el('h2', state.workspace));
      parts.push(el('p', state.error, 'aipo-error'));
      parts.push(this.buttons());
      this.body.replaceChildren(...parts);
      return;
    }
    const v = state.verdict!;
    parts.push(el('h2', state.product!.name));
    parts.push(
      el('p', `${state.day} · phase ${state.product!.phase} · owner ${state.product!.owner}`,
        'aipo-muted')
    );
    const banner = el('div', '', `aipo-verdict aipo-verdict-${v.verdict}`);
    banner.append(
      el('strong', VERDICT_WORDS[v.verdict] || v.verdict.toUpperCase()),
      el('span', ` ${v.headline}`)
    );
    banner.setAttribute('data-verdict', v.verdict);
    banner.style.borderLeftColor = v.colour;
    parts.push(banner);
    const due = v.due ? ` by ${v.due}` : '';
    parts.push(el('p', `${v.question} Decides: ${v.owner || 'the product owner'}${due}.`));
    parts.push(this.buttons());

    const gates = state.gates || [];
    parts.push(el('h3', `Open gates (${gates.length})`));
    const list = el('ul', '', 'aipo-gates');
    for (const g of gates) {
      const item = el('li', '', `aipo-gate aipo-gate-${g.verdict}`);
      const link = el('button', `${VERDICT_WORDS[g.verdict] || g.verdict} ${g.phase}: ${g.name}`,
        'aipo-link');
      link.title = g.notebook ? `Open ${g.notebook}` : '';
      link.addEventListener('click', () => {
        if (g.notebook && state.workspace !== null) {
          void this.app.commands.execute('docmanager:open', {
            path: URLExt.join(state.workspace, g.notebook)
          });
        }
      });
      item.append(link);
      if (g.detail) {
        item.append(el('div', g.detail, 'aipo-detail'));
      }
      if (g.evidence) {
        item.append(el('div', g.evidence, 'aipo-muted'));
      }
      list.append(item);
    }
    if (!gates.length) {
      list.append(el('li', state.run ? 'Every gate passed.' : 'No run yet: run the phases.',
        'aipo-muted'));
    }
    parts.push(list);

    const milestones = state.timeline?.milestones || [];
    const open = milestones.filter(m => m.state !== 'done' && m.state !== 'dropped');
    if (open.length) {
      parts.push(el('h3', 'Milestones'));
      const ms = el('ul');
      for (const m of open) {
        ms.append(el('li', `${m.state}: ${m.title} (due ${m.due}, ${m.owner})`));
      }
      parts.push(ms);
    }
    const waiting = state.waiting || [];
    parts.push(el('h3', 'Sign-offs'));
    const ws = el('ul');
    for (const w of waiting) {
      ws.append(el('li', `${w.label}: ${w.text}`, 'aipo-waiting'));
    }
    if (!waiting.length) {
      ws.append(el('li', 'Nobody to wait for.', 'aipo-muted'));
    }
    parts.push(ws);

    parts.push(el('h3', 'Documents'));
    const docs = el('ul');
    for (const d of state.documents || []) {
      const stale = d.signoff_stale ? ' · signed, changed since' : '';
      docs.append(
        el('li', `${d.title}: ${Math.round(d.share * 100)} % filled, ${d.gaps} gap(s)${stale}`)
      );
    }
    parts.push(docs);
    parts.push(
      el('p', state.run ? `Evidence from run ${state.run.id}` : 'No run yet.', 'aipo-muted')
    );
    this.body.replaceChildren(...parts);
  }

  private buttons(): HTMLElement {
    const row = el('div', '', 'aipo-actions');
    const add = (label: string, command: string, phase?: string): void => {
      const b = el('button', label, 'jp-Button aipo-button') as HTMLButtonElement;
      b.addEventListener('click', () => void this.start(command, phase));
      row.append(b);
    };
    add('Validate', 'validate');
    add('Run all phases', 'run');
    for (const phase of ['discovery', 'experiments', 'rollout', 'operate']) {
      add(`Run ${phase}`, 'run', phase);
    }
    add('Render documents', 'docs');
    add('Refresh', 'refresh');
    return row;
  }

  /** Run one of the kit's commands on the workspace, streaming its output into the panel. */
  async start(command: string, phase?: string): Promise<void> {
    if (command === 'refresh') {
      return this.refresh();
    }
    if (this.busy) {
      return;
    }
    if (this.workspace === null) {
      await this.refresh();
      if (this.workspace === null) {
        return;
      }
    }
    this.busy = true;
    this.output.textContent = `aipo ${command}${phase ? ` --phase ${phase}` : ''}\n`;
    try {
      let job = await request<IJob>('jobs', {
        method: 'POST',
        body: JSON.stringify({ path: this.workspace, command, phase })
      });
      let seen = 0;
      for (;;) {
        this.output.textContent += job.lines.map(l => `${l}\n`).join('');
        seen = job.total_lines;
        if (job.done) {
          this.output.textContent += `(exit ${job.exit_code})\n`;
          break;
        }
        await new Promise(resolve => setTimeout(resolve, POLL_MS));
        job = await request<IJob>(`jobs/${job.job}?since=${seen}`);
      }
    } catch (err) {
      this.output.textContent += `${err}\n`;
    } finally {
      this.busy = false;
    }
    await this.refresh();
  }
}

const plugin: JupyterFrontEndPlugin<void> = {
  id: 'aipo-kit-panel:plugin',
  description: 'The AI-product panel: plan, verdict, gates, documents and sign-offs.',
  autoStart: true,
  requires: [ILabShell],
  optional: [ICommandPalette, IDefaultFileBrowser],
  activate: (
    app: JupyterFrontEnd,
    shell: ILabShell,
    palette: ICommandPalette | null,
    browser: IDefaultFileBrowser | null
  ) => {
    const currentPath = (): string => {
      const widget = shell.currentWidget as { context?: { path?: string } } | null;
      if (widget?.context?.path) {
        return widget.context.path;
      }
      return browser?.model.path || '';
    };
    const panel = new AipoPanel(app, currentPath);
    shell.add(panel, 'left', { rank: 600 });
    let last = '';
    const follow = (): void => {
      const path = currentPath();
      if (path !== last && panel.isVisible) {
        last = path;
        void panel.refresh();
      }
    };
    shell.currentChanged.connect(follow);
    browser?.model.pathChanged.connect(follow);
    // aipo.yaml saved in this browser refreshes at once; elsewhere (another tab, git, a
    // terminal's aipo run) within WATCH_MS
    app.serviceManager.contents.fileChanged.connect((_, change) => {
      const path = change.newValue?.path ?? '';
      if (panel.workspace !== null && change.type === 'save' &&
          path === (panel.workspace ? `${panel.workspace}/aipo.yaml` : 'aipo.yaml')) {
        void panel.refresh();
      }
    });
    window.setInterval(() => void panel.watch(), WATCH_MS);
    panel.node.addEventListener('focusin', () => undefined);
    app.restored.then(() => void panel.refresh());

    const commands: [string, string, string, string?][] = [
      ['aipo:refresh', 'AI product: refresh the panel', 'refresh'],
      ['aipo:validate', 'AI product: validate aipo.yaml', 'validate'],
      ['aipo:run', 'AI product: run all phases', 'run'],
      ['aipo:docs', 'AI product: render the documents', 'docs']
    ];
    for (const [id, label, command, phase] of commands) {
      app.commands.addCommand(id, {
        label,
        execute: () => {
          shell.activateById(panel.id);
          return panel.start(command, phase);
        }
      });
      palette?.addItem({ command: id, category: 'AI product' });
    }
  }
};

export default plugin;
