// ABAC conditions: the subset of casbin's matcher expression language that a rule may carry in
// its `cond` column. The same text runs in casbin (via `eval(p.cond)`, the reference engine) and,
// compiled here to closures, in the indexed engine. Parsing against a whitelist is what turns a
// malformed or dangerous rule into a typed error before anything is stored.

export interface ConditionInput {
  readonly sub: { readonly id: string; readonly roles: readonly string[]; readonly attributes: object };
  readonly obj: object;
  readonly act: string;
  readonly dom: string;
  readonly ctx: object;
}

export type Condition = (input: ConditionInput) => boolean;

export class ConditionSyntaxError extends Error {
  constructor(
    message: string,
    readonly position: number,
  ) {
    super(message);
  }
}

type Literal = string | number | boolean;
type Node =
  | { kind: 'lit'; value: Literal }
  | { kind: 'path'; root: 'sub' | 'obj' | 'act' | 'dom' | 'ctx'; keys: string[] }
  | { kind: 'not'; arg: Node }
  | { kind: 'bin'; op: BinaryOp; left: Node; right: Node }
  | { kind: 'hasRole'; role: string }
  | { kind: 'startsWith'; arg: Node; prefix: string };
type BinaryOp = '||' | '&&' | '==' | '!=' | '<' | '<=' | '>' | '>=';

export const MAX_CONDITION_LENGTH = 512;
const MAX_PATH_DEPTH = 4;
const ROOTS = new Set(['sub', 'obj', 'act', 'dom', 'ctx']);
const SCALAR_ROOTS = new Set(['act', 'dom']);
// Own-property lookup already hides the prototype; these are refused so a rule never looks like it reaches it.
const FORBIDDEN_KEYS = new Set(['__proto__', 'prototype', 'constructor']);

type Token =
  | { t: 'id'; v: string; pos: number }
  | { t: 'str'; v: string; pos: number }
  | { t: 'num'; v: number; pos: number }
  | { t: 'op'; v: string; pos: number }
  | { t: 'end'; pos: number };

function tokenize(src: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < src.length) {
    const c = src[i]!;
    if (c === ' ' || c === '\t' || c === '\n' || c === '\r') {
      i++;
      continue;
    }
    if (/[A-Za-z_]/.test(c)) {
      const m = /^[A-Za-z_][A-Za-z0-9_]*/.exec(src.slice(i))!;
      tokens.push({ t: 'id', v: m[0], pos: i });
      i += m[0].length;
      continue;
    }
    if (/[0-9]/.test(c) || (c === '-' && /[0-9]/.test(src[i + 1] ?? ''))) {
      const m = /^-?[0-9]+(\.[0-9]+)?/.exec(src.slice(i))!;
      tokens.push({ t: 'num', v: Number(m[0]), pos: i });
      i += m[0].length;
      continue;
    }
    if (c === '"' || c === "'") {
      let j = i + 1;
      let value = '';
      while (j < src.length && src[j] !== c) {
        // Escapes are refused rather than interpreted: casbin's escapeAssertion and ours would disagree.
        if (src[j] === '\\') throw new ConditionSyntaxError('escape sequences are not allowed in strings', j);
        value += src[j];
        j++;
      }
      if (j >= src.length) throw new ConditionSyntaxError('unterminated string', i);
      tokens.push({ t: 'str', v: value, pos: i });
      i = j + 1;
      continue;
    }
    const two = src.slice(i, i + 2);
    if (['||', '&&', '==', '!=', '<=', '>='].includes(two)) {
      tokens.push({ t: 'op', v: two, pos: i });
      i += 2;
      continue;
    }
    if ('!<>().,'.includes(c)) {
      tokens.push({ t: 'op', v: c, pos: i });
      i++;
      continue;
    }
    throw new ConditionSyntaxError(`unexpected character '${c}'`, i);
  }
  tokens.push({ t: 'end', pos: src.length });
  return tokens;
}

class Parser {
  private i = 0;
  constructor(private readonly tokens: Token[]) {}

  parse(): Node {
    const node = this.or();
    const tok = this.peek();
    if (tok.t !== 'end') throw new ConditionSyntaxError('unexpected trailing input', tok.pos);
    return node;
  }

  private peek(): Token {
    return this.tokens[this.i]!;
  }
  private next(): Token {
    return this.tokens[this.i++]!;
  }
  private isOp(v: string): boolean {
    const tok = this.peek();
    return tok.t === 'op' && tok.v === v;
  }
  private expectOp(v: string): void {
    const tok = this.next();
    if (tok.t !== 'op' || tok.v !== v) throw new ConditionSyntaxError(`expected '${v}'`, tok.pos);
  }

  private or(): Node {
    let left = this.and();
    while (this.isOp('||')) {
      this.next();
      left = { kind: 'bin', op: '||', left, right: this.and() };
    }
    return left;
  }
  private and(): Node {
    let left = this.comparison();
    while (this.isOp('&&')) {
      this.next();
      left = { kind: 'bin', op: '&&', left, right: this.comparison() };
    }
    return left;
  }
  private comparison(): Node {
    const left = this.unary();
    const tok = this.peek();
    if (tok.t === 'op' && ['==', '!=', '<', '<=', '>', '>='].includes(tok.v)) {
      this.next();
      const right = this.unary();
      // Chained comparisons (a == b == c) mean different things in different evaluators.
      const after = this.peek();
      if (after.t === 'op' && ['==', '!=', '<', '<=', '>', '>='].includes(after.v)) {
        throw new ConditionSyntaxError('chained comparison', after.pos);
      }
      return { kind: 'bin', op: tok.v as BinaryOp, left, right };
    }
    return left;
  }
  private unary(): Node {
    if (this.isOp('!')) {
      this.next();
      return { kind: 'not', arg: this.unary() };
    }
    return this.primary();
  }
  private primary(): Node {
    const tok = this.next();
    if (tok.t === 'str') return { kind: 'lit', value: tok.v };
    if (tok.t === 'num') return { kind: 'lit', value: tok.v };
    if (tok.t === 'op' && tok.v === '(') {
      const inner = this.or();
      this.expectOp(')');
      return inner;
    }
    if (tok.t === 'id') {
      if (tok.v === 'true' || tok.v === 'false') return { kind: 'lit', value: tok.v === 'true' };
      if (tok.v === 'r') return this.path(tok.pos);
      if (tok.v === 'hasRole') return this.hasRole();
      if (tok.v === 'startsWith') return this.startsWith();
      throw new ConditionSyntaxError(`unknown identifier '${tok.v}'`, tok.pos);
    }
    throw new ConditionSyntaxError('expected a value', tok.pos);
  }
  private path(pos: number): Node {
    const keys: string[] = [];
    while (this.isOp('.')) {
      this.next();
      const key = this.next();
      if (key.t !== 'id') throw new ConditionSyntaxError('expected a property name', key.pos);
      if (FORBIDDEN_KEYS.has(key.v)) throw new ConditionSyntaxError(`property '${key.v}' is not allowed`, key.pos);
      keys.push(key.v);
    }
    const [root, ...rest] = keys;
    if (!root || !ROOTS.has(root)) {
      throw new ConditionSyntaxError('a path must start with r.sub, r.obj, r.act, r.dom or r.ctx', pos);
    }
    if (SCALAR_ROOTS.has(root) && rest.length) throw new ConditionSyntaxError(`r.${root} has no properties`, pos);
    if (rest.length > MAX_PATH_DEPTH) throw new ConditionSyntaxError('path too deep', pos);
    if (root === 'sub' && rest[0] === 'roles') {
      throw new ConditionSyntaxError('use hasRole(r.sub, "role") to test roles', pos);
    }
    return { kind: 'path', root: root as 'sub', keys: rest };
  }
  private hasRole(): Node {
    this.expectOp('(');
    const r = this.next();
    if (r.t !== 'id' || r.v !== 'r') throw new ConditionSyntaxError('hasRole takes r.sub as its first argument', r.pos);
    const sub = this.path(r.pos);
    if (sub.kind !== 'path' || sub.root !== 'sub' || sub.keys.length) {
      throw new ConditionSyntaxError('hasRole takes r.sub as its first argument', r.pos);
    }
    this.expectOp(',');
    const role = this.next();
    if (role.t !== 'str') throw new ConditionSyntaxError('hasRole takes a string role name', role.pos);
    this.expectOp(')');
    return { kind: 'hasRole', role: role.v };
  }
  private startsWith(): Node {
    this.expectOp('(');
    const arg = this.unary();
    this.expectOp(',');
    const prefix = this.next();
    if (prefix.t !== 'str') throw new ConditionSyntaxError('startsWith takes a string prefix', prefix.pos);
    this.expectOp(')');
    return { kind: 'startsWith', arg, prefix: prefix.v };
  }
}

function ownGet(value: unknown, key: string): unknown {
  if (value === null || typeof value !== 'object') return undefined;
  return Object.hasOwn(value, key) ? (value as Record<string, unknown>)[key] : undefined;
}

type Eval = (input: ConditionInput) => unknown;

function compileNode(node: Node): Eval {
  switch (node.kind) {
    case 'lit': {
      const v = node.value;
      return () => v;
    }
    case 'path': {
      const { root, keys } = node;
      if (root === 'act') return (i) => i.act;
      if (root === 'dom') return (i) => i.dom;
      return (i) => {
        let v: unknown = i[root];
        for (const k of keys) v = ownGet(v, k);
        return v;
      };
    }
    case 'not': {
      const arg = compileNode(node.arg);
      return (i) => !arg(i);
    }
    case 'hasRole': {
      const role = node.role;
      return (i) => i.sub.roles.includes(role);
    }
    case 'startsWith': {
      const arg = compileNode(node.arg);
      const prefix = node.prefix;
      return (i) => {
        const v = arg(i);
        return typeof v === 'string' && v.startsWith(prefix);
      };
    }
    case 'bin': {
      const l = compileNode(node.left);
      const r = compileNode(node.right);
      switch (node.op) {
        case '||':
          return (i) => Boolean(l(i)) || Boolean(r(i));
        case '&&':
          return (i) => Boolean(l(i)) && Boolean(r(i));
        // Strict equality: a missing attribute (undefined) never equals a literal.
        case '==':
          return (i) => l(i) === r(i);
        case '!=':
          return (i) => l(i) !== r(i);
        default:
          return compileOrdering(node.op, l, r);
      }
    }
  }
}

// Ordering only between two numbers or two strings; anything else (missing attribute) is false.
function compileOrdering(op: '<' | '<=' | '>' | '>=', l: Eval, r: Eval): Eval {
  const cmp = {
    '<': (a: number | string, b: number | string) => a < b,
    '<=': (a: number | string, b: number | string) => a <= b,
    '>': (a: number | string, b: number | string) => a > b,
    '>=': (a: number | string, b: number | string) => a >= b,
  }[op];
  return (i) => {
    const a = l(i);
    const b = r(i);
    if (typeof a === 'number' && typeof b === 'number') return cmp(a, b);
    if (typeof a === 'string' && typeof b === 'string') return cmp(a, b);
    return false;
  };
}

/** Parses and compiles a condition; throws ConditionSyntaxError with a position when it is not in the language. */
export function compileCondition(source: string): Condition {
  if (source.length > MAX_CONDITION_LENGTH) {
    throw new ConditionSyntaxError(`condition longer than ${MAX_CONDITION_LENGTH} characters`, MAX_CONDITION_LENGTH);
  }
  const ev = compileNode(new Parser(tokenize(source)).parse());
  return (input) => Boolean(ev(input));
}

/** Role names a condition refers to through hasRole, so rule validation can check they exist. */
export function conditionRoles(source: string): string[] {
  const roles: string[] = [];
  const walk = (n: Node): void => {
    if (n.kind === 'hasRole') roles.push(n.role);
    else if (n.kind === 'not') walk(n.arg);
    else if (n.kind === 'startsWith') walk(n.arg);
    else if (n.kind === 'bin') {
      walk(n.left);
      walk(n.right);
    }
  };
  walk(new Parser(tokenize(source)).parse());
  return roles;
}
