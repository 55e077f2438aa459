/**
 * Which lenses a compose file gets, where, and what each does, from an
 * analysis (cached per document version) and the image-presence model. Pure
 * and cheap (no parsing here), so that presence changes can redraw lenses of
 * a 300-service file without re-reading its YAML; the provider only maps
 * each planned lens to a vscode.CodeLens.
 */
import { PresenceReport, presenceIcon, presenceSummary } from '../images/imagePresence';
import { ImageReference } from '../images/imageReference';
import { english, Localizer } from '../l10n';
import { ComposeAnalysis, ComposeService, flipAll, FlipScope, FlipTarget } from './composeImages';

export type LensAction =
  | { readonly kind: 'flip'; readonly service: string; readonly to: FlipTarget }
  | { readonly kind: 'flipAll'; readonly to: FlipTarget; readonly scope: FlipScope }
  | { readonly kind: 'addImage'; readonly service: string; readonly form: FlipTarget }
  /** Build on every node, build once and distribute, push: offered together. */
  | { readonly kind: 'imageActions'; readonly service: string }
  /** A lens that only informs. */
  | { readonly kind: 'info' };

export interface PlannedLens {
  /** Zero-based line the lens sits above. */
  readonly line: number;
  readonly title: string;
  readonly tooltip?: string;
  readonly action: LensAction;
}

export type PresenceLookup = (reference: ImageReference) => PresenceReport | undefined;

export function planLenses(
  analysis: ComposeAnalysis,
  presence: PresenceLookup | undefined,
  l10n: Localizer = english,
): PlannedLens[] {
  if (!analysis.valid) {
    return [];
  }
  const lenses: PlannedLens[] = [...fileLenses(analysis, l10n)];
  for (const service of analysis.services) {
    lenses.push(...serviceLenses(service, presence, l10n));
  }
  return lenses;
}

function fileLenses(analysis: ComposeAnalysis, l10n: Localizer): PlannedLens[] {
  const out: PlannedLens[] = [];
  for (const to of ['registry', 'local'] as const) {
    const built = flipAll(analysis, to, 'built');
    const all = flipAll(analysis, to, 'all');
    if (built.edits.length > 0) {
      out.push({
        line: 0,
        title: to === 'registry' ? l10n.t('All images → registry') : l10n.t('All images → local'),
        tooltip: l10n.t('Services that build their image: {0}', built.services.map((s) => s.name).join(', ')),
        action: { kind: 'flipAll', to, scope: 'built' },
      });
    }
    // The wider scope only earns a lens when it changes more than the default.
    if (all.edits.length > built.edits.length) {
      out.push({
        line: 0,
        title:
          to === 'registry'
            ? l10n.t('All, including images not built here → registry')
            : l10n.t('All, including images not built here → local'),
        tooltip: l10n.t('Every service with a switchable image: {0}', all.services.map((s) => s.name).join(', ')),
        action: { kind: 'flipAll', to, scope: 'all' },
      });
    }
  }
  return out;
}

function serviceLenses(service: ComposeService, presence: PresenceLookup | undefined, l10n: Localizer): PlannedLens[] {
  const line = service.lensAt.line;
  const out: PlannedLens[] = [];
  const image = service.image;
  if (!image) {
    if (service.addImage) {
      out.push(
        {
          line,
          title: l10n.t('Add image: (local form)'),
          tooltip: service.addImage.local.newText.trim(),
          action: { kind: 'addImage', service: service.name, form: 'local' },
        },
        {
          line,
          title: l10n.t('Add image: (registry form)'),
          tooltip: service.addImage.registry.newText.trim(),
          action: { kind: 'addImage', service: service.name, form: 'registry' },
        },
      );
    }
    return out;
  }
  if (service.flip) {
    const shared = image.sharedWith.length > 0 ? ` ${l10n.t('(shared with {0})', image.sharedWith.join(', '))}` : '';
    out.push({
      line,
      title: service.flip.to === 'registry' ? l10n.t('→ registry form') : l10n.t('→ local form'),
      tooltip: l10n.t('Change the image to {0}', service.flip.reference) + shared,
      action: { kind: 'flip', service: service.name, to: service.flip.to },
    });
  } else if (service.reason !== undefined && image.form !== 'other') {
    // Docker Hub and other registries' images are never switched: saying so
    // above each of them would be noise (the hover says why).
    out.push({
      line,
      title: `$(circle-slash) ${l10n.t('not switchable')}`,
      tooltip: service.reason,
      action: { kind: 'info' },
    });
  }
  const report = image.reference ? presence?.(image.reference) : undefined;
  const summary = report ? presenceSummary(report, l10n) : '';
  if (report && summary) {
    out.push({
      line,
      title: `$(${presenceIcon(report)}) ${summary}`,
      tooltip: service.build
        ? l10n.t('Build it on every node, build once and distribute, or push it to the registry…')
        : l10n.t('Where {0} is', image.value),
      action: service.build ? { kind: 'imageActions', service: service.name } : { kind: 'info' },
    });
  } else if (service.build) {
    out.push({
      line,
      title: `$(server-process) ${l10n.t('Build or push…')}`,
      tooltip: l10n.t('Build it on every node, build once and distribute, or push it to the registry…'),
      action: { kind: 'imageActions', service: service.name },
    });
  }
  return out;
}

/** The service whose image value is under `offset` (what the hover describes). */
export function serviceAtImage(analysis: ComposeAnalysis, offset: number): ComposeService | undefined {
  if (!analysis.valid) {
    return undefined;
  }
  return analysis.services.find(
    (s) => s.image && offset >= s.image.range.offset && offset <= s.image.range.offset + s.image.range.length,
  );
}

/** The images in registry form, whose presence in the lab registry the lenses ask about. */
export function registryImages(analysis: ComposeAnalysis): string[] {
  return analysis.valid ? analysis.services.flatMap((s) => (s.image?.form === 'registry' ? [s.image.value] : [])) : [];
}
