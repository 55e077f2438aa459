/**
 * The images of a compose file, and the edits that move them between the lab
 * registry (`m1.swarm:5000/python-app:latest`) and the local form built on
 * each node (`python-app:latest`). Pure: the lens provider turns the result
 * into code lenses and one WorkspaceEdit.
 *
 * Choices:
 * - An image reached through an alias or a merge key (`<<: *app`) is edited
 *   once, at its anchor: the author chose to share one value, so the value
 *   changes for every service sharing it (listed in `sharedWith`), and a bulk
 *   edit never touches the same scalar twice. Rewriting the alias into a
 *   literal would silently end the sharing.
 * - An image with variable interpolation (`${REGISTRY:-m1.swarm:5000}/app`)
 *   is refused: its value depends on the environment at deployment, and a
 *   registry given through a variable is already the user's own switch.
 * - A block scalar (`image: >-` or `image: |`, the reference on the next
 *   line) is switched like a plain one when its value is that one line: only
 *   the line's text changes, so the style, indentation and chomping stay. A
 *   block over several lines is refused: no reference spans lines.
 * - Quoting is kept, except that a plain scalar gains double quotes when the
 *   new value would not read back as the same text (an IPv6 registry starts
 *   with `[`, a flow sequence; an all-digit name would be a number).
 * - A reference without a registry host is the lab's own (local form) only
 *   when the service builds it or it is in `knownImages`; otherwise it is a
 *   Docker Hub image (`traefik:v2`) and is never moved.
 */
import { formOf, ImageForm, toLocalForm, toRegistryForm } from '../images/imageForms';
import {
  formatImageReference,
  ImageReference,
  parseImageReference,
  ReferenceProblem,
  ReferenceResult,
} from '../images/imageReference';
import { english, Localizer } from '../l10n';
import { LineIndex, TextPosition } from '../text/lineIndex';
import { TextEdit } from '../text/textEdit';
import {
  BlockLine,
  blockScalarLine,
  ImageInsertion,
  insertImage,
  rewriteBlockLine,
  rewriteScalar,
  ScalarStyle,
  scalarStyle,
} from './composeEdits';
import { ComposeDocuments, composeServices, loadYaml, parseCompose, ServiceNodes, YamlModule } from './composeYaml';

export interface TextRange {
  readonly offset: number;
  readonly length: number;
  readonly start: TextPosition;
  readonly end: TextPosition;
}

export interface ComposeDiagnostic {
  readonly severity: 'error' | 'warning';
  readonly message: string;
  readonly range: TextRange;
}

export type FlipTarget = 'registry' | 'local';

export interface ImageFlip {
  readonly to: FlipTarget;
  /** The reference after the flip. */
  readonly reference: string;
  /** Only the bytes of the image scalar change. */
  readonly edits: readonly TextEdit[];
}

export interface ComposeImage {
  /** The scalar's value, as Compose reads it. */
  readonly value: string;
  /** The scalar in the source, quotes included; for a shared image, at its anchor. */
  readonly range: TextRange;
  readonly style: ScalarStyle;
  readonly reference?: ImageReference;
  /** Absent when the value is not a valid reference: then `problem` says why. */
  readonly form?: ImageForm;
  readonly problem?: ReferenceProblem;
  /** The anchor through which the service gets its image (`*app`), when not written in the service. */
  readonly via?: string;
  /** Other services whose image is this same scalar: a flip changes theirs too. */
  readonly sharedWith: readonly string[];
}

export interface ComposeService {
  readonly name: string;
  /** Index of the YAML document (`---`) that holds the service. */
  readonly document: number;
  /** The line of the `image:` key, or of the service's key when the image is inherited or missing. */
  readonly lensAt: TextPosition;
  readonly build: boolean;
  readonly image?: ComposeImage;
  readonly flip?: ImageFlip;
  /** Why the service offers no flip; absent when it does. */
  readonly reason?: string;
  /** For a service that builds but names no image: add `image:` in either form. */
  readonly addImage?: { readonly local: TextEdit; readonly registry: TextEdit };
}

export interface ComposeAnalysis {
  /** False for malformed YAML: then there are no services and nothing may be edited. */
  readonly valid: boolean;
  readonly diagnostics: readonly ComposeDiagnostic[];
  readonly services: readonly ComposeService[];
}

export interface ComposeOptions {
  /** The lab registry host, e.g. `m1.swarm:5000`. */
  readonly registry: string;
  readonly l10n?: Localizer;
  /**
   * Repository paths (`python-app`) known to be the lab's own although no
   * service builds them, e.g. found in the lab registry: they get a local form.
   */
  readonly knownImages?: ReadonlySet<string>;
}

export async function analyzeCompose(text: string, options: ComposeOptions): Promise<ComposeAnalysis> {
  return analyzeWith(await loadYaml(), text, options);
}

function rangeOf(lines: LineIndex, offset: number, end: number): TextRange {
  return { offset, length: end - offset, start: lines.positionAt(offset), end: lines.positionAt(end) };
}

/** yaml appends " at line L, column C:" and a source excerpt; the range already says where. */
function yamlMessage(message: string): string {
  return message.split('\n')[0].replace(/ at line \d+, column \d+:?$/, '');
}

export function analyzeWith(Y: YamlModule, text: string, options: ComposeOptions): ComposeAnalysis {
  return analyzeDocuments(Y, text, parseCompose(Y, text), options);
}

/** The analysis of `text` from its parse (see composeVersions: one parse per document version). */
export function analyzeDocuments(
  Y: YamlModule,
  text: string,
  { documents, errors }: ComposeDocuments,
  options: ComposeOptions,
): ComposeAnalysis {
  const l10n = options.l10n ?? english;
  const lines = new LineIndex(text);
  if (errors.length > 0) {
    return {
      valid: false,
      services: [],
      diagnostics: errors.map((e) => ({
        severity: 'error',
        message: l10n.t('Not valid YAML, so Swarm Lab leaves this file untouched: {0}', yamlMessage(e.message)),
        range: rangeOf(lines, e.pos[0], Math.max(e.pos[0], e.pos[1])),
      })),
    };
  }
  const nodes = composeServices(Y, documents);
  const diagnostics: ComposeDiagnostic[] = [];
  const users = new Map<unknown, string[]>();
  for (const s of nodes) {
    if (s.image?.node) {
      const names = users.get(s.image.node);
      if (names) {
        names.push(s.name);
      } else {
        users.set(s.image.node, [s.name]);
      }
    }
  }
  const ctx: Context = { Y, text, lines, options, l10n, diagnostics, users };
  const services = nodes.map((s) => describeService(ctx, s));
  return { valid: true, diagnostics, services };
}

interface Context {
  readonly Y: YamlModule;
  readonly text: string;
  readonly lines: LineIndex;
  readonly options: ComposeOptions;
  readonly l10n: Localizer;
  readonly diagnostics: ComposeDiagnostic[];
  /** Services by the image node they use, to find shared anchors. */
  readonly users: ReadonlyMap<unknown, readonly string[]>;
}

function describeService(ctx: Context, s: ServiceNodes): ComposeService {
  const { Y, lines, l10n } = ctx;
  const keyOffset = s.imagePair && Y.isScalar(s.imagePair.key) ? s.imagePair.key.range?.[0] : undefined;
  const base = {
    name: s.name,
    document: s.document,
    lensAt: lines.positionAt(keyOffset ?? s.keyOffset),
    build: s.build,
  };
  if (s.unresolvedAlias !== undefined) {
    const { name, offset = s.keyOffset } = s.unresolvedAlias;
    const reason = l10n.t('The alias *{0} in service {1} has no anchor &{0} before it.', name, s.name);
    ctx.diagnostics.push({
      severity: 'error',
      message: reason,
      range: rangeOf(lines, offset, offset + name.length + 1),
    });
    return { ...base, reason };
  }
  if (!s.image) {
    return { ...base, ...missingImage(ctx, s) };
  }
  const node = s.image.node;
  if (!Y.isScalar(node) || !node.range || typeof node.value !== 'string') {
    return { ...base, reason: l10n.t('The image of {0} is not a text value.', s.name) };
  }
  const [start, end] = node.range;
  const style = scalarStyle(node.type);
  const line = style === 'block' ? blockScalarLine(ctx.text, start, end, node.value) : undefined;
  const parsed = parseImageReference(line?.text ?? node.value, l10n);
  const ownImage = s.build || (parsed.ok && (ctx.options.knownImages?.has(parsed.ref.path) ?? false));
  const form = parsed.ok ? formOf(parsed.ref, ctx.options.registry, { ownImage }) : undefined;
  const image: ComposeImage = {
    value: node.value,
    range: rangeOf(lines, start, end),
    style,
    ...(parsed.ok ? { reference: parsed.ref } : { problem: parsed.problem }),
    ...(form !== undefined ? { form } : {}),
    ...(s.image.via !== undefined ? { via: s.image.via } : {}),
    sharedWith: shared(ctx.users.get(node), s.name),
  };
  const described = { ...base, image };
  if (!parsed.ok) {
    if (parsed.problem.code !== 'interpolation') {
      ctx.diagnostics.push({
        severity: 'error',
        message: parsed.problem.message,
        range: problemRange(ctx, image, parsed, line),
      });
    }
    return { ...described, reason: parsed.problem.message };
  }
  // How the scalar is rewritten: in its quotes, or through its one content line.
  const rewrite =
    style === 'block'
      ? line && ((value: string): TextEdit => rewriteBlockLine(line, value))
      : (value: string): TextEdit => rewriteScalar(ctx.text, start, end, style, value);
  if (!rewrite) {
    return {
      ...described,
      reason: l10n.t('The image of {0} is a block scalar (| or >): only one-line images are switched.', s.name),
    };
  }
  if (form === 'other') {
    return { ...described, reason: otherReason(ctx, parsed.ref) };
  }
  const to: FlipTarget = form === 'local' ? 'registry' : 'local';
  const moved =
    to === 'registry'
      ? toRegistryForm(parsed.ref, ctx.options.registry, l10n)
      : toLocalForm(parsed.ref, ctx.options.registry, l10n);
  if (!moved.ok) {
    return { ...described, reason: moved.problem.message };
  }
  return {
    ...described,
    flip: { to, reference: moved.text, edits: [rewrite(moved.text)] },
  };
}

/** The offending part of a reference when the scalar holds it verbatim, else the whole scalar. */
function problemRange(ctx: Context, image: ComposeImage, parsed: ReferenceResult, line?: BlockLine): TextRange {
  const r = image.range;
  if (parsed.ok) {
    return r;
  }
  if (line) {
    const offset = line.offset + parsed.problem.start;
    return rangeOf(ctx.lines, offset, offset + Math.max(parsed.problem.length, 0));
  }
  const quote = image.style === 'plain' ? 0 : 1;
  const inner = ctx.text.slice(r.offset + quote, r.offset + r.length - quote);
  if (image.style === 'block' || inner !== image.value) {
    return r;
  }
  const offset = r.offset + quote + parsed.problem.start;
  return rangeOf(ctx.lines, offset, offset + Math.max(parsed.problem.length, 0));
}

/** The other services sharing an image node with `name`. */
function shared(users: readonly string[] | undefined, name: string): string[] {
  return users && users.length > 1 ? users.filter((u) => u !== name) : [];
}

function otherReason(ctx: Context, ref: ImageReference): string {
  const text = formatImageReference(ref);
  if (ref.domain === undefined) {
    return ctx.l10n.t(
      '{0} is a Docker Hub image: no service here builds it, so it has no local or registry form to switch to.',
      text,
    );
  }
  return ctx.l10n.t(
    '{0} is in another registry ({1}): only images of {2} are switched.',
    text,
    ref.domain,
    ctx.options.registry,
  );
}

/** A service that builds but names no image gets edits that add one. */
function missingImage(ctx: Context, s: ServiceNodes): Pick<ComposeService, 'reason' | 'addImage'> {
  const { l10n } = ctx;
  if (!s.build) {
    return { reason: l10n.t('{0} has no image: and no build: key.', s.name) };
  }
  const at = insertionPoint(ctx, s);
  if (!at) {
    return { reason: l10n.t('{0} is defined through an alias: add its image: where the alias points.', s.name) };
  }
  const local = parseImageReference(`${s.name.toLowerCase()}:latest`, l10n);
  if (!local.ok) {
    return { reason: l10n.t('{0} cannot be used as an image name: {1}', s.name, local.problem.message) };
  }
  const registry = toRegistryForm(local.ref, ctx.options.registry, l10n);
  if (!registry.ok) {
    return { reason: registry.problem.message };
  }
  return {
    reason: l10n.t('{0} builds an image but gives it no name: add image: to deploy it on the swarm.', s.name),
    addImage: {
      local: insertImage(ctx.text, ctx.lines, at, local.text),
      registry: insertImage(ctx.text, ctx.lines, at, registry.text),
    },
  };
}

function insertionPoint(ctx: Context, s: ServiceNodes): ImageInsertion | undefined {
  const { Y } = ctx;
  const map = s.map;
  if (!map || s.mapVia !== undefined) {
    return undefined;
  }
  const first = map.items.find((p) => Y.isScalar(p.key) && p.key.range);
  const firstKey = first && Y.isScalar(first.key) ? first.key.range?.[0] : undefined;
  if (firstKey === undefined) {
    return undefined;
  }
  if (map.flow) {
    return { kind: 'flow', keyOffset: firstKey };
  }
  const build = s.buildPair;
  const buildKey = build && Y.isScalar(build.key) ? build.key.range : undefined;
  if (build && buildKey) {
    const valueEnd = Y.isNode(build.value) ? build.value.range?.[1] : undefined;
    return { kind: 'block', afterOffset: valueEnd ?? buildKey[1], keyOffset: buildKey[0] };
  }
  // `build:` comes through a merge key: the new line goes first.
  return { kind: 'block', beforeOffset: firstKey, keyOffset: firstKey };
}

export type FlipScope = 'built' | 'all';

export interface BulkFlip {
  /** Edits to apply together; a scalar shared through an anchor appears once. */
  readonly edits: readonly TextEdit[];
  readonly services: readonly ComposeService[];
  /** Services in scope that stay as they are, with the reason. */
  readonly skipped: readonly { readonly service: ComposeService; readonly reason: string }[];
}

/**
 * "All images → registry" / "→ local". By default only the services that
 * build their image; `all` adds every other service with a flip (images of
 * the lab registry that no service builds, or listed in `knownImages`).
 * Missing `image:` keys are not added here: that stays a per-service choice,
 * so that flipping there and back gives the file back.
 */
export function flipAll(analysis: ComposeAnalysis, to: FlipTarget, scope: FlipScope = 'built'): BulkFlip {
  const edits = new Map<number, TextEdit>();
  const services: ComposeService[] = [];
  const skipped: { service: ComposeService; reason: string }[] = [];
  for (const service of analysis.services) {
    if (scope === 'built' && !service.build) {
      continue;
    }
    if (service.flip?.to === to) {
      services.push(service);
      for (const edit of service.flip.edits) {
        edits.set(edit.offset, edit);
      }
    } else if (!service.flip && service.reason !== undefined && (service.build || service.image?.form !== 'other')) {
      skipped.push({ service, reason: service.reason });
    }
  }
  return { edits: [...edits.values()].sort((a, b) => a.offset - b.offset), services, skipped };
}
