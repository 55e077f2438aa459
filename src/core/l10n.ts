/**
 * Pure modules cannot import `vscode`, yet their messages reach users. They
 * take a Localizer: `vscode.l10n` in the extension, `english` in tests and
 * CLIs. Messages are written as literal first arguments of l10n.t so that the
 * localization test can check each has a French translation.
 */
export interface Localizer {
  t(message: string, ...args: Array<string | number | boolean>): string;
}

export const english: Localizer = {
  t: (message, ...args) =>
    args.length === 0
      ? message
      : message.replace(/\{(\d+)\}/g, (whole, i: string) => (i in args ? String(args[Number(i)]) : whole)),
};
