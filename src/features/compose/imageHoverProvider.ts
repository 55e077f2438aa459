import * as vscode from 'vscode';
import { ComposeImage, ComposeService } from '../../core/compose/composeImages';
import { serviceAtImage } from '../../core/compose/composeLensPlan';
import { PresenceReport, shortImageId } from '../../core/images/imagePresence';
import { ImagePresenceService } from '../../model/images/imagePresenceService';
import { ComposeAnalyses } from './composeAnalyses';

function created(seconds: number): string {
  const d = new Date(seconds * 1000);
  const pad = (n: number): string => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())} ${pad(d.getHours())}:${pad(d.getMinutes())}`;
}

/**
 * The hover of an `image:` value: on which node the image is, with its ID
 * and creation date, nodes holding another build of the same tag flagged,
 * and why the value cannot be switched when it cannot. Text from the file
 * and from the engines goes in through appendText, never as Markdown.
 */
export class ImageHoverProvider implements vscode.HoverProvider {
  constructor(
    private readonly analyses: ComposeAnalyses,
    private readonly presence: ImagePresenceService,
  ) {}

  async provideHover(document: vscode.TextDocument, position: vscode.Position): Promise<vscode.Hover | undefined> {
    const service = serviceAtImage(await this.analyses.analyze(document), document.offsetAt(position));
    if (!service?.image) {
      return undefined;
    }
    this.presence.activate();
    const r = service.image.range;
    const range = new vscode.Range(r.start.line, r.start.character, r.end.line, r.end.character);
    return new vscode.Hover(this.describe(service, service.image), range);
  }

  private describe(service: ComposeService, image: ComposeImage): vscode.MarkdownString {
    const md = new vscode.MarkdownString(undefined, true);
    md.isTrusted = false;
    md.appendMarkdown('**').appendText(image.value).appendMarkdown('**');
    const users = [service.name, ...image.sharedWith];
    md.appendMarkdown(' — ').appendText(users.join(', ')).appendMarkdown('\n\n');
    if (service.reason !== undefined && !service.flip) {
      md.appendMarkdown('$(info) ').appendText(service.reason).appendMarkdown('\n\n');
    }
    const report = image.reference ? this.presence.model.report(image.reference) : undefined;
    if (report) {
      this.appendNodes(md, report);
    }
    return md;
  }

  private appendNodes(md: vscode.MarkdownString, report: PresenceReport): void {
    if (report.nodes.length === 0) {
      md.appendText(vscode.l10n.t('No machine is connected: start the lab or open the Machines view.'));
      return;
    }
    const byNode = new Map(report.present.map((p) => [p.node, p]));
    for (const node of report.nodes) {
      const image = byNode.get(node);
      md.appendMarkdown('- **').appendText(node).appendMarkdown('**: ');
      if (image) {
        md.appendMarkdown('`').appendText(shortImageId(image.id)).appendMarkdown('` · ');
        md.appendText(vscode.l10n.t('created {0}', created(image.created)));
        if (report.differing.some((d) => d.node === node)) {
          md.appendMarkdown(' · $(warning) ').appendText(vscode.l10n.t('a different build than on the other nodes'));
        }
      } else if (report.missing.includes(node)) {
        md.appendMarkdown('$(circle-slash) ').appendText(vscode.l10n.t('missing'));
      } else {
        md.appendText(vscode.l10n.t('not reachable'));
      }
      md.appendMarkdown('\n');
    }
    if (report.registry !== undefined) {
      md.appendMarkdown('\n').appendText(
        report.registry === 'present'
          ? vscode.l10n.t('In the lab registry.')
          : vscode.l10n.t('Not in the lab registry.'),
      );
    }
  }
}
