/**
 * What a workflow occupies on n8n's 2.x canvas: the size n8n draws each node at, the label
 * band below it, a trigger's bolt on its left — and `findCanvasOverlaps`, the check that no two
 * nodes of a positioned workflow cover each other. Pure functions over plain data; the layout
 * (layout.ts) places nodes with these footprints, the tests check every hydrated workflow.
 *
 * Sizes follow n8n's editor (packages/frontend/editor-ui, 2.x: `nodeViewUtils.ts`
 * `calculateNodeSize`, `CanvasNodeDefault.vue`, `CanvasNodeTrigger.vue`), measured in its
 * 16 px grid; a node's `position` is the top-left corner of its body:
 * - default node (triggers too): 96 × 96, 32 taller per main input/output beyond two;
 * - configuration node (an AI sub-node: it has non-`main` outputs): a circle, 80 × 80;
 * - configurable node (an AI root: it has non-`main` inputs, its ports along its bottom edge):
 *   80 + 48 per port beyond the first, at least four ports (224 wide); when it is a
 *   configuration node as well (a vector-store tool) 16 wider and 80 high; its label is inside.
 * - the label (name, subtitle) of the others sits below the body, centred, twice its width.
 * Which kind a node is comes from the catalog's ports; ports computed from parameters
 * (`dynamic`) are read from the connections the workflow makes, and when those do not
 * settle it the footprint covers every shape the node can take.
 */
import type { NodeCatalog } from '../schemas/catalog/catalog';
import type { CatalogPorts } from '../schemas/catalog/types';
import { isObject } from '../schemas/json-value';
import { forEachConnection, isStickyNote } from '../schemas/graph';

/** n8n's canvas grid (16 since n8n-io/n8n#16869, mid-2025; 20 before): positions snap to it when a workflow loads. */
export const CANVAS_GRID = 16;
export const DEFAULT_NODE_SIZE = 96;
export const CONFIGURATION_NODE_SIZE = 80;
/** Extra height per main input or output beyond two. */
export const HANDLE_STEP = 2 * CANVAS_GRID;
/** A configurable node shows at least this many non-`main` input ports. */
export const MIN_CONFIGURABLE_PORTS = 4;
/** Horizontal distance between two non-`main` ports of a configurable node. */
export const PORT_STEP = 3 * CANVAS_GRID;
/**
 * The label band below a node, estimated from its CSS: an 8 px margin, a name of up to two
 * lines, a subtitle line (≈ 65 px in all), rounded up; a disabled node adds a "(Deactivated)" line.
 */
export const LABEL_HEIGHT = 80;
export const DISABLED_LABEL_EXTRA = 16;
/** A trigger's bolt icon, drawn left of its body (padded icon, about 52 px). */
export const TRIGGER_BOLT_WIDTH = 52;

export interface Rect {
  x: number;
  y: number;
  width: number;
  height: number;
}

/** What one node takes on the canvas, relative to its position (the top-left corner of its body). */
export interface NodeFootprint {
  width: number;
  height: number;
  /** The label band below the body; absent for configurable nodes (their label is inside). */
  label?: Rect;
  /** Space left of the body (a trigger's bolt). */
  leftMargin: number;
}

/** A node as the footprint needs it: its type decides its shape. */
export interface CanvasNode {
  name: string;
  type: string;
  typeVersion?: number;
  disabled?: boolean;
  trigger?: boolean;
}

/** The ports a workflow's connections use on one node. */
interface PortUse {
  mainInputs: number;
  mainOutputs: number;
  nonMainInputs: Set<string>;
  nonMainOutput: boolean;
  mainOutput: boolean;
}

const newPortUse = (): PortUse => ({ mainInputs: 0, mainOutputs: 0, nonMainInputs: new Set(), nonMainOutput: false, mainOutput: false });
/** A node no connection touches (read only). */
const UNUSED = newPortUse();

/** Which ports the connections use, per node name (entries in n8n's full `{node, type, index}` form). */
function portUse(connections: unknown): Map<string, PortUse> {
  const use = new Map<string, PortUse>();
  const of = (name: string) => {
    let u = use.get(name);
    if (!u) use.set(name, (u = newPortUse()));
    return u;
  };
  forEachConnection(connections, (source, type, output, _entry, target) => {
    // An output with any entry is used, whatever the entry is.
    const from = of(source);
    if (type === 'main') {
      from.mainOutputs = Math.max(from.mainOutputs, output + 1);
      from.mainOutput = true;
    } else from.nonMainOutput = true;
    if (!isObject(target) || typeof target.node !== 'string') return;
    const inputType = typeof target.type === 'string' ? target.type : type;
    const index = typeof target.index === 'number' && Number.isInteger(target.index) && target.index >= 0 ? target.index : 0;
    const to = of(target.node);
    if (inputType === 'main') to.mainInputs = Math.max(to.mainInputs, index + 1);
    else to.nonMainInputs.add(`${inputType}/${index}`);
  });
  return use;
}

/** What one side's declared ports say, worked out once per catalog entry. */
interface PortFacts {
  /** Ports are computed from parameters: the counts below are what they can be at most (main: unknown, 0). */
  dynamic: boolean;
  main: number;
  nonMain: number;
  /** Some port can be non-`main` (an empty `possible` list means the expression was not understood: anything goes). */
  maybeNonMain: boolean;
}

const portFactsCache = new WeakMap<CatalogPorts, PortFacts>();

function portFacts(ports: CatalogPorts): PortFacts {
  let facts = portFactsCache.get(ports);
  if (!facts) {
    if (ports.dynamic) {
      const possible = ports.possible ?? [];
      const nonMain = new Set(possible.filter((t) => t !== 'main')).size;
      facts = { dynamic: true, main: 0, nonMain, maybeNonMain: possible.length === 0 || nonMain > 0 };
    } else {
      const main = ports.types.filter((t) => t === 'main').length;
      facts = { dynamic: false, main, nonMain: ports.types.length - main, maybeNonMain: ports.types.length > main };
    }
    portFactsCache.set(ports, facts);
  }
  return facts;
}

/** What the catalog and the connections say about one side of a node: yes, no or either. */
type Maybe = boolean | 'either';

function bodyHeight(mainHandles: number): number {
  return DEFAULT_NODE_SIZE + Math.max(0, mainHandles - 2) * HANDLE_STEP;
}

function labelBand(width: number, top: number, disabled: boolean): Rect {
  return { x: -width / 2, y: top, width: 2 * width, height: LABEL_HEIGHT + (disabled ? DISABLED_LABEL_EXTRA : 0) };
}

/** The one shape n8n draws for a settled kind of node. */
function shapeOf(configurable: boolean, configuration: boolean, ports: number, mainHandles: number, disabled: boolean, leftMargin: number): NodeFootprint {
  if (configurable) {
    const portCount = Math.max(MIN_CONFIGURABLE_PORTS, ports);
    const width = CONFIGURATION_NODE_SIZE + (configuration ? CANVAS_GRID : 0) + (portCount - 1) * PORT_STEP;
    return { width, height: configuration ? CONFIGURATION_NODE_SIZE : bodyHeight(mainHandles), leftMargin };
  }
  if (configuration) {
    return { width: CONFIGURATION_NODE_SIZE, height: CONFIGURATION_NODE_SIZE, label: labelBand(CONFIGURATION_NODE_SIZE, CONFIGURATION_NODE_SIZE, disabled), leftMargin };
  }
  const height = bodyHeight(mainHandles);
  return { width: DEFAULT_NODE_SIZE, height, label: labelBand(DEFAULT_NODE_SIZE, height, disabled), leftMargin };
}

function union(a: Rect, b: Rect): Rect {
  const x = Math.min(a.x, b.x);
  const y = Math.min(a.y, b.y);
  return { x, y, width: Math.max(a.x + a.width, b.x + b.width) - x, height: Math.max(a.y + a.height, b.y + b.height) - y };
}

/** A footprint that covers every one of the given shapes. */
function coverAll(shapes: NodeFootprint[]): NodeFootprint {
  return shapes.reduce((acc, s) => ({
    width: Math.max(acc.width, s.width),
    height: Math.max(acc.height, s.height),
    label: acc.label && s.label ? union(acc.label, s.label) : (acc.label ?? s.label),
    leftMargin: Math.max(acc.leftMargin, s.leftMargin),
  }));
}

/** A plain default node (or trigger): what the layout assumes without a catalog. */
export function defaultFootprint(trigger = false): NodeFootprint {
  return shapeOf(false, false, 0, 1, false, trigger ? TRIGGER_BOLT_WIDTH : 0);
}

function resolve(declared: PortFacts | undefined, used: boolean, usedOther: boolean): Maybe {
  if (!declared) return used;
  if (!declared.dynamic) return declared.nonMain > 0;
  if (used) return true;
  if (declared.maybeNonMain) return usedOther ? false : 'either';
  return false;
}

/** The footprint of every node of a workflow (same order), from the catalog's ports and the connections. */
export function nodeFootprints(nodes: CanvasNode[], connections: unknown, catalog: NodeCatalog): NodeFootprint[] {
  const use = portUse(connections);
  return nodes.map((node) => {
    const u = use.get(node.name) ?? UNUSED;
    const info = catalog.get(node.type);
    const variant = info ? (info.variantFor(node.typeVersion ?? info.entry.defaultVersion) ?? info.variantFor(info.entry.defaultVersion)) : undefined;
    // Unknown types: named like a trigger, drawn as one (as hydrate orders them).
    const trigger = node.trigger ?? info?.entry.trigger ?? /trigger$/i.test(node.type);
    const leftMargin = trigger ? TRIGGER_BOLT_WIDTH : 0;
    const disabled = node.disabled === true;
    const inputs = variant ? portFacts(variant.inputs) : undefined;
    const outputs = variant ? portFacts(variant.outputs) : undefined;

    // Configurable: it has non-`main` inputs — as declared, or for computed ports as connected.
    const configurable = resolve(inputs, u.nonMainInputs.size > 0, false);
    // A node whose main output is used is not a sub-node (no node has both kinds of output in one mode).
    const configuration = resolve(outputs, u.nonMainOutput, u.mainOutput);
    // Port counts: as declared; computed ports (and unknown types) as many as the connections reach.
    const declared = (facts: PortFacts | undefined, side: 'main' | 'nonMain', used: number) =>
      facts && !facts.dynamic ? facts[side] : Math.max(facts?.[side] ?? 0, used);
    const ports = declared(inputs, 'nonMain', u.nonMainInputs.size);
    const mainHandles = Math.max(1, declared(inputs, 'main', u.mainInputs), declared(outputs, 'main', u.mainOutputs));
    const shapes: NodeFootprint[] = [];
    for (const a of configurable === 'either' ? [false, true] : [configurable]) {
      for (const b of configuration === 'either' ? [false, true] : [configuration]) shapes.push(shapeOf(a, b, ports, mainHandles, disabled, leftMargin));
    }
    return coverAll(shapes);
  });
}

/** The rectangles a node covers at `position`: its body (with a trigger's bolt) and its label band. */
export function footprintRects(position: readonly [number, number], footprint: NodeFootprint): Rect[] {
  const [x, y] = position;
  const rects: Rect[] = [{ x: x - footprint.leftMargin, y, width: footprint.width + footprint.leftMargin, height: footprint.height }];
  if (footprint.label) rects.push({ x: x + footprint.label.x, y: y + footprint.label.y, width: footprint.label.width, height: footprint.label.height });
  return rects;
}

/** How far the footprint's outline (body, bolt, label) reaches from the position: left (≤ 0), right and down. */
export function footprintExtent(footprint: NodeFootprint): { left: number; right: number; bottom: number } {
  let left = -footprint.leftMargin;
  let right = footprint.width;
  let bottom = footprint.height;
  if (footprint.label) {
    left = Math.min(left, footprint.label.x);
    right = Math.max(right, footprint.label.x + footprint.label.width);
    bottom = Math.max(bottom, footprint.label.y + footprint.label.height);
  }
  return { left, right, bottom };
}

export interface CanvasOverlap {
  /** The two nodes, in workflow order. */
  nodes: [string, string];
  /** Which parts meet (`body` or `label` of the first, then of the second): the most serious, body on body first. */
  parts: [Part, Part];
}

type Part = 'body' | 'label';

/** A positioned workflow, as hydrate writes it or n8n exports it. */
export interface PositionedWorkflow {
  nodes: Array<CanvasNode & { position?: unknown }>;
  connections?: unknown;
}

const isPosition = (p: unknown): p is [number, number] => Array.isArray(p) && p.length === 2 && p.every((v) => typeof v === 'number' && Number.isFinite(v));

/** Side of the square cells the overlap check buckets rectangles into. */
const CELL = 256;

/**
 * Every pair of nodes whose bodies or labels cover each other on n8n's canvas. Sticky notes
 * (drawn behind nodes on purpose) and nodes without a position are left out; edges that only
 * touch do not count. Rectangles are bucketed in a grid of cells, so only neighbours are
 * compared: linear for any shape of workflow (a column of 10,000 sub-nodes too).
 */
export function findCanvasOverlaps(workflow: PositionedWorkflow, catalog: NodeCatalog): CanvasOverlap[] {
  const nodes = workflow.nodes.filter((n) => isObject(n) && !isStickyNote(n) && isPosition(n.position));
  const footprints = nodeFootprints(nodes, workflow.connections, catalog);
  const rects: Array<Rect & { node: number; part: Part }> = [];
  nodes.forEach((n, i) => {
    footprintRects(n.position as [number, number], footprints[i]).forEach((r, k) => rects.push({ ...r, node: i, part: k === 0 ? 'body' : 'label' }));
  });
  const cells = new Map<string, number[]>();
  const found = new Map<string, CanvasOverlap>();
  rects.forEach((a, i) => {
    const seen = new Set<number>();
    for (let cx = Math.floor(a.x / CELL); cx * CELL < a.x + a.width; cx++) {
      for (let cy = Math.floor(a.y / CELL); cy * CELL < a.y + a.height; cy++) {
        const key = `${cx},${cy}`;
        let cell = cells.get(key);
        if (!cell) cells.set(key, (cell = []));
        for (const j of cell) {
          if (seen.has(j)) continue;
          seen.add(j);
          const b = rects[j];
          if (a.node === b.node || !(a.x < b.x + b.width && b.x < a.x + a.width && a.y < b.y + b.height && b.y < a.y + a.height)) continue;
          const [first, second] = a.node < b.node ? [a, b] : [b, a];
          const pair = `${first.node},${second.node}`;
          const known = found.get(pair);
          // One entry per pair, naming the most serious meeting: body on body first.
          if (!known || bodies(known.parts) < bodies([first.part, second.part])) {
            found.set(pair, { nodes: [nodes[first.node].name, nodes[second.node].name], parts: [first.part, second.part] });
          }
        }
        cell.push(i);
      }
    }
  });
  return [...found.values()].sort((x, y) => compare(x.nodes[0], y.nodes[0]) || compare(x.nodes[1], y.nodes[1]));
}

const bodies = (parts: [Part, Part]) => parts.filter((p) => p === 'body').length;
const compare = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
