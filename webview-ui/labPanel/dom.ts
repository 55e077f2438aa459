/**
 * Building the panel's elements. Text always goes in as text (textContent,
 * attributes); the only HTML set as such is markdown-it's output, rendered by
 * the extension with raw HTML off.
 */

type Child = Node | string | undefined | false;

export interface Props {
  readonly class?: string;
  readonly text?: string;
  readonly attrs?: Readonly<Record<string, string | undefined>>;
  readonly on?: { readonly [K in keyof HTMLElementEventMap]?: (e: HTMLElementEventMap[K]) => void };
}

export function h<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  props: Props = {},
  ...children: Child[]
): HTMLElementTagNameMap[K] {
  const el = document.createElement(tag);
  if (props.class) {
    el.className = props.class;
  }
  if (props.text !== undefined) {
    el.textContent = props.text;
  }
  for (const [name, value] of Object.entries(props.attrs ?? {})) {
    if (value !== undefined) {
      el.setAttribute(name, value);
    }
  }
  for (const [type, listener] of Object.entries(props.on ?? {})) {
    el.addEventListener(type, listener as EventListener);
  }
  for (const child of children) {
    if (child !== undefined && child !== false) {
      el.append(child);
    }
  }
  return el;
}

/** A real button: Enter and Space work, it is in the tab order, screen readers name it. */
export function button(label: string, onClick: () => void, props: Props = {}): HTMLButtonElement {
  return h('button', { ...props, text: label, attrs: { type: 'button', ...props.attrs }, on: { click: onClick } });
}

/** `{0}` placeholders, as vscode.l10n.t fills them. */
export function format(template: string, ...args: Array<string | number>): string {
  return template.replace(/\{(\d+)\}/g, (whole, i: string) =>
    Number(i) < args.length ? String(args[Number(i)]) : whole,
  );
}

export function byData(root: ParentNode, name: string, value: string): HTMLElement | undefined {
  return (
    [...root.querySelectorAll<HTMLElement>(`[data-${name}]`)].find((el) => el.dataset[camel(name)] === value) ??
    undefined
  );
}

function camel(name: string): string {
  return name.replace(/-([a-z])/g, (_, c: string) => c.toUpperCase());
}
