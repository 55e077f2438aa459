/**
 * The values a lab Vagrantfile computes from its settings, without running
 * Ruby: machine names (`"%s-%02d" % [$instance_name_prefix, i]`), addresses
 * (`"172.17.8.#{i+100}"`), sizes (`10 * 1024`), the coreos-vagrant helpers
 * (`$vb_memory.nil? ? $vm_memory : $vb_memory`). A tiny evaluator over
 * literals, globals, locals, `+ - * / %`, interpolation, `format`, ternaries
 * and `.to_i`/`.to_s`/`.nil?`; anything else is "cannot tell" (undefined),
 * never a guess.
 */

export type RubyValue = number | string | boolean | null | readonly RubyValue[];

export interface RubyScope {
  /** `$name` → value (null for nil). */
  readonly globals: ReadonlyMap<string, RubyValue>;
  /**
   * Globals whose value cannot be told. When given, any other global absent
   * from `globals` was never assigned: nil, as in Ruby. When not, absent is unknown.
   */
  readonly unknownGlobals?: ReadonlySet<string>;
  /** Block parameters and local variables. */
  readonly locals: ReadonlyMap<string, RubyValue>;
  /** `def name` whose body is one expression. */
  readonly methods?: ReadonlyMap<string, string>;
}

type Token =
  | { readonly t: 'num'; readonly v: number }
  | { readonly t: 'str'; readonly v: string; readonly interpolate: boolean }
  | { readonly t: 'global'; readonly v: string }
  | { readonly t: 'id'; readonly v: string }
  | { readonly t: 'sym'; readonly v: string }
  | { readonly t: 'op'; readonly v: string };

class CannotTell extends Error {}

const OPS = ['||', '&&', '==', '!=', '**', '?', ':', '+', '-', '*', '/', '%', '(', ')', '[', ']', ',', '.', '!'];

function tokenize(src: string): Token[] {
  const out: Token[] = [];
  let i = 0;
  while (i < src.length) {
    const c = src[i];
    if (/\s/.test(c)) {
      i++;
    } else if (/\d/.test(c)) {
      const m = /^\d+(?:_\d+)*/.exec(src.slice(i))![0];
      out.push({ t: 'num', v: Number(m.replace(/_/g, '')) });
      i += m.length;
    } else if (c === '"' || c === "'") {
      const end = stringEnd(src, i);
      out.push({ t: 'str', v: src.slice(i + 1, end), interpolate: c === '"' });
      i = end + 1;
    } else if (c === '$') {
      const m = /^\$\w+/.exec(src.slice(i));
      if (!m) {
        throw new CannotTell();
      }
      out.push({ t: 'global', v: m[0].slice(1) });
      i += m[0].length;
    } else if (c === ':' && /^:[A-Za-z_]/.test(src.slice(i))) {
      const m = /^:\w+/.exec(src.slice(i))![0];
      out.push({ t: 'sym', v: m.slice(1) });
      i += m.length;
    } else if (/[A-Za-z_]/.test(c)) {
      const m = /^[A-Za-z_]\w*[?!]?/.exec(src.slice(i))![0];
      out.push({ t: 'id', v: m });
      i += m.length;
    } else {
      const op = OPS.find((o) => src.startsWith(o, i));
      if (!op) {
        throw new CannotTell();
      }
      out.push({ t: 'op', v: op });
      i += op.length;
    }
  }
  return out;
}

/** The index of the quote closing the string opened at `start` (`#{…}` skipped in double quotes). */
function stringEnd(src: string, start: number): number {
  const quote = src[start];
  let depth = 0;
  for (let i = start + 1; i < src.length; i++) {
    const c = src[i];
    if (c === '\\') {
      i++;
    } else if (quote === '"' && c === '#' && src[i + 1] === '{') {
      depth++;
      i++;
    } else if (depth > 0 && c === '}') {
      depth--;
    } else if (depth === 0 && c === quote) {
      return i;
    }
  }
  throw new CannotTell();
}

class Parser {
  private pos = 0;

  constructor(
    private readonly tokens: readonly Token[],
    private readonly scope: RubyScope,
    private readonly depth: number,
  ) {}

  parse(): RubyValue {
    const v = this.ternary();
    if (this.pos !== this.tokens.length) {
      throw new CannotTell();
    }
    return v;
  }

  private peek(v?: string): Token | undefined {
    const t = this.tokens[this.pos];
    return v === undefined || (t?.t === 'op' && t.v === v) ? t : undefined;
  }

  private eat(v: string): boolean {
    if (this.peek(v)) {
      this.pos++;
      return true;
    }
    return false;
  }

  private expect(v: string): void {
    if (!this.eat(v)) {
      throw new CannotTell();
    }
  }

  private ternary(): RubyValue {
    const cond = this.or();
    if (!this.eat('?')) {
      return cond;
    }
    const a = this.ternary();
    this.expect(':');
    const b = this.ternary();
    return truthy(cond) ? a : b;
  }

  private or(): RubyValue {
    let v = this.and();
    while (this.eat('||')) {
      const r = this.and();
      v = truthy(v) ? v : r;
    }
    return v;
  }

  private and(): RubyValue {
    let v = this.equality();
    while (this.eat('&&')) {
      const r = this.equality();
      v = truthy(v) ? r : v;
    }
    return v;
  }

  private equality(): RubyValue {
    const v = this.additive();
    if (this.eat('==')) {
      return v === this.additive();
    }
    if (this.eat('!=')) {
      return v !== this.additive();
    }
    return v;
  }

  private additive(): RubyValue {
    let v = this.multiplicative();
    for (;;) {
      if (this.eat('+')) {
        const r = this.multiplicative();
        if (typeof v === 'number' && typeof r === 'number') {
          v = v + r;
        } else if (typeof v === 'string' && typeof r === 'string') {
          v = v + r;
        } else {
          throw new CannotTell();
        }
      } else if (this.eat('-')) {
        v = num(v) - num(this.multiplicative());
      } else {
        return v;
      }
    }
  }

  private multiplicative(): RubyValue {
    let v = this.unary();
    for (;;) {
      if (this.eat('*')) {
        v = num(v) * num(this.unary());
      } else if (this.eat('/')) {
        const d = num(this.unary());
        if (d === 0) {
          throw new CannotTell();
        }
        v = Math.trunc(num(v) / d);
      } else if (this.eat('%')) {
        const r = this.unary();
        v = typeof v === 'string' ? format(v, Array.isArray(r) ? r : [r]) : num(v) % num(r);
      } else {
        return v;
      }
    }
  }

  private unary(): RubyValue {
    if (this.eat('-')) {
      return -num(this.unary());
    }
    if (this.eat('!')) {
      return !truthy(this.unary());
    }
    return this.postfix();
  }

  private postfix(): RubyValue {
    let v = this.primary();
    while (this.eat('.')) {
      const m = this.tokens[this.pos++];
      if (m?.t !== 'id') {
        throw new CannotTell();
      }
      v = method(v, m.v);
    }
    return v;
  }

  private primary(): RubyValue {
    const t = this.tokens[this.pos++];
    if (!t) {
      throw new CannotTell();
    }
    switch (t.t) {
      case 'num':
        return t.v;
      case 'str':
        return t.interpolate ? this.interpolate(t.v) : t.v.replace(/\\(['\\])/g, '$1');
      case 'global': {
        if (this.scope.globals.has(t.v)) {
          return this.scope.globals.get(t.v)!;
        }
        if (this.scope.unknownGlobals && !this.scope.unknownGlobals.has(t.v)) {
          return null;
        }
        throw new CannotTell();
      }
      case 'sym':
        return t.v;
      case 'id':
        return this.identifier(t.v);
      case 'op':
        if (t.v === '(') {
          const v = this.ternary();
          this.expect(')');
          return v;
        }
        if (t.v === '[') {
          return this.list(']');
        }
        throw new CannotTell();
    }
  }

  private list(close: string): RubyValue[] {
    const items: RubyValue[] = [];
    if (this.eat(close)) {
      return items;
    }
    do {
      items.push(this.ternary());
    } while (this.eat(','));
    this.expect(close);
    return items;
  }

  private identifier(name: string): RubyValue {
    if (name === 'nil') {
      return null;
    }
    if (name === 'true' || name === 'false') {
      return name === 'true';
    }
    if ((name === 'format' || name === 'sprintf') && this.eat('(')) {
      const [fmt, ...args] = this.list(')');
      if (typeof fmt !== 'string') {
        throw new CannotTell();
      }
      return format(fmt, args);
    }
    if (this.scope.locals.has(name)) {
      return this.scope.locals.get(name)!;
    }
    const body = this.scope.methods?.get(name);
    if (body !== undefined && this.depth < 4) {
      return new Parser(tokenize(body), this.scope, this.depth + 1).parse();
    }
    throw new CannotTell();
  }

  private interpolate(raw: string): string {
    let out = '';
    for (let i = 0; i < raw.length; i++) {
      const c = raw[i];
      if (c === '\\') {
        const n = raw[++i];
        out += n === 'n' ? '\n' : n === 't' ? '\t' : (n ?? '');
      } else if (c === '#' && raw[i + 1] === '{') {
        let depth = 1;
        let j = i + 2;
        for (; j < raw.length && depth > 0; j++) {
          depth += raw[j] === '{' ? 1 : raw[j] === '}' ? -1 : 0;
        }
        const inner = new Parser(tokenize(raw.slice(i + 2, j - 1)), this.scope, this.depth + 1).parse();
        out += show(inner);
        i = j - 1;
      } else {
        out += c;
      }
    }
    return out;
  }
}

function truthy(v: RubyValue): boolean {
  return v !== null && v !== false;
}

function num(v: RubyValue): number {
  if (typeof v !== 'number') {
    throw new CannotTell();
  }
  return v;
}

function show(v: RubyValue): string {
  if (v === null) {
    return '';
  }
  if (Array.isArray(v)) {
    throw new CannotTell();
  }
  return String(v);
}

function method(v: RubyValue, name: string): RubyValue {
  switch (name) {
    case 'to_s':
      return show(v);
    case 'to_i':
      return typeof v === 'number' ? v : typeof v === 'string' ? parseInt(v, 10) || 0 : num(v);
    case 'nil?':
      return v === null;
    default:
      throw new CannotTell();
  }
}

/** Ruby's `format` for what Vagrantfiles use: `%s`, `%d`, `%02d`, `%3d`, `%%`. */
function format(fmt: string, args: readonly RubyValue[]): string {
  let k = 0;
  return fmt.replace(/%(%|(0?)(\d*)([sd]))/g, (_whole, pct: string, zero: string, width: string, kind: string) => {
    if (pct === '%') {
      return '%';
    }
    const arg = args[k++];
    if (arg === undefined) {
      throw new CannotTell();
    }
    const text = kind === 'd' ? String(Math.trunc(num(arg))) : show(arg);
    return text.padStart(Number(width || 0), zero === '0' ? '0' : ' ');
  });
}

/** The value of a Ruby expression in this scope, or undefined when it depends on anything else. */
export function evaluateRuby(expression: string, scope: RubyScope): RubyValue | undefined {
  try {
    return new Parser(tokenize(expression), scope, 0).parse();
  } catch (error) {
    if (error instanceof CannotTell || error instanceof TypeError || error instanceof RangeError) {
      return undefined;
    }
    throw error;
  }
}
