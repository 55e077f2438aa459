/** A measured figure, by name: what `npm run bench -- --json` prints. */
export interface Figure {
  readonly name: string;
  readonly value: number;
  readonly unit: string;
}

export interface FigureSource {
  /** Names of the figures it produces (for --only). */
  readonly names: readonly string[];
  measure(runs: number): Promise<Figure[]>;
}

export function median(values: number[]): number {
  const s = [...values].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
}

export const round1 = (x: number): number => Math.round(x * 10) / 10;
