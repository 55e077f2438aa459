/**
 * One parse per version of each open compose file, shared by everything
 * that reads it: lenses, hovers, diagnostics, the image-presence checks and
 * the commands all take the analysis from here, and the analysis is made
 * from the one parse (a registry change analyses again without parsing).
 * Kept per document (URI) and version, dropped when the document closes.
 */
import { analyzeDocuments, ComposeAnalysis, ComposeOptions } from './composeImages';
import { ComposeDocuments, loadYaml, parseCompose, YamlModule } from './composeYaml';

/** A compose text parsed once: its documents, their errors, and the yaml module that made them. */
export interface ParsedCompose extends ComposeDocuments {
  readonly Y: YamlModule;
  readonly text: string;
}

export type ComposeParser = (text: string) => Promise<ParsedCompose>;

export const parseComposeText: ComposeParser = async (text) => {
  const Y = await loadYaml();
  return { Y, text, ...parseCompose(Y, text) };
};

export function analyzeParsed(parsed: ParsedCompose, options: ComposeOptions): ComposeAnalysis {
  return analyzeDocuments(parsed.Y, parsed.text, parsed, options);
}

/** What the cache needs of an editor's document. */
export interface VersionedText {
  /** The document's URI, as a string. */
  readonly key: string;
  readonly version: number;
  getText(): string;
}

interface Entry {
  version: number;
  /** The text parsed: an undo back to it is a new version with the same text. */
  readonly text: string;
  readonly parsed: Promise<ParsedCompose>;
  /** The analysis, for the registry it was made with. */
  analysis?: { readonly registry: string; readonly result: Promise<ComposeAnalysis> };
}

export class ComposeVersions {
  /** Per document, most recent first: the current version and the one before (what an undo goes back to). */
  private readonly entries = new Map<string, Entry[]>();
  /** Texts really parsed (not served from the cache). */
  parses = 0;

  constructor(
    private readonly parse: ComposeParser = parseComposeText,
    private readonly kept = 2,
  ) {}

  /** The parse of the document as it is now. */
  parsed(document: VersionedText): Promise<ParsedCompose> {
    return this.entry(document).parsed;
  }

  /**
   * The analysis of the document as it is now, made once per version (or
   * per text) and registry, from the version's one parse. Options other
   * than the registry are the same for every call of a cache.
   */
  analyze(document: VersionedText, options: ComposeOptions): Promise<ComposeAnalysis> {
    const entry = this.entry(document);
    if (entry.analysis?.registry !== options.registry) {
      const result = entry.parsed.then((p) => analyzeParsed(p, options));
      entry.analysis = { registry: options.registry, result };
    }
    return entry.analysis.result;
  }

  /** Whether `analysis` is the one of the document's current version. */
  isCurrent(key: string, analysis: Promise<ComposeAnalysis>): boolean {
    return this.entries.get(key)?.[0]?.analysis?.result === analysis;
  }

  forget(key: string): void {
    this.entries.delete(key);
  }

  clear(): void {
    this.entries.clear();
  }

  private entry(document: VersionedText): Entry {
    const kept = this.entries.get(document.key) ?? [];
    const current = kept[0];
    if (current?.version === document.version) {
      return current;
    }
    const text = document.getText();
    const again = kept.find((e) => e.text === text);
    if (again) {
      again.version = document.version;
      this.entries.set(document.key, [again, ...kept.filter((e) => e !== again)]);
      return again;
    }
    this.parses++;
    const entry: Entry = { version: document.version, text, parsed: this.parse(text) };
    this.entries.set(document.key, [entry, ...kept].slice(0, this.kept));
    return entry;
  }
}
