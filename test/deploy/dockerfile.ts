// Checks of the Dockerfile: dockerfile-utils (the validator behind the VS Code Docker extension)
// for syntax, then the image rules of issue 9 on the parsed stages.
import { validate } from 'dockerfile-utils';

interface Instruction {
  keyword: string;
  args: string;
}
interface Stage {
  from: string;
  name?: string;
  instructions: Instruction[];
}

/** Instructions with line continuations joined and comments dropped. */
export function parseDockerfile(content: string): Instruction[] {
  const logical = content
    .split('\n')
    .filter((l) => !/^\s*#/.test(l))
    .join('\n')
    .replace(/\\\n/g, ' ');
  return logical
    .split('\n')
    .map((l) => l.trim())
    .filter(Boolean)
    .map((l) => {
      const [keyword, ...rest] = l.split(/\s+/);
      return { keyword: keyword!.toUpperCase(), args: rest.join(' ') };
    });
}

function stages(instructions: Instruction[]): { args: Record<string, string>; stages: Stage[] } {
  const args: Record<string, string> = {};
  const out: Stage[] = [];
  for (const ins of instructions) {
    if (ins.keyword === 'ARG' && !out.length) {
      const [k, v] = ins.args.split('=');
      if (v !== undefined) args[k!] = v;
    } else if (ins.keyword === 'FROM') {
      const [image, as, name] = ins.args.replace(/--platform=\S+\s+/, '').split(/\s+/);
      out.push({ from: image!, name: as?.toUpperCase() === 'AS' ? name : undefined, instructions: [] });
    } else if (out.length) {
      out[out.length - 1]!.instructions.push(ins);
    }
  }
  return { args, stages: out };
}

export function dockerfileViolations(content: string, scripts: Record<string, string>, apps: readonly string[]): string[] {
  const out = validate(content)
    .filter((d) => d.severity === 1)
    .map((d) => `line ${d.range.start.line + 1}: ${d.message}`);
  const { args, stages: all } = stages(parseDockerfile(content));
  if (all.length < 2) out.push('not a multi-stage build');
  for (const stage of all) {
    const image = stage.from.replace(/^\$\{?(\w+)\}?$/, (_, name: string) => args[name] ?? `$${name}`);
    const tag = image.includes('@') ? 'digest' : image.split('/').pop()!.split(':')[1];
    if (!tag || tag === 'latest' || image.startsWith('$')) out.push(`FROM ${stage.from} (${image}) is not pinned`);
  }
  const final = all[all.length - 1];
  if (!final) return out;
  const stageNames = new Set(all.map((s) => s.name));
  const user = final.instructions.filter((i) => i.keyword === 'USER').pop()?.args;
  if (!user || /^(root|0)(:|$)/.test(user)) out.push(`final stage runs as ${user ?? 'root (no USER)'}`);
  for (const ins of final.instructions) {
    if (ins.keyword === 'RUN') out.push(`final stage runs "${ins.args}" (the runtime image has no shell)`);
    if (ins.keyword === 'ADD') out.push('final stage uses ADD');
    if (ins.keyword === 'COPY') {
      const from = /--from=(\S+)/.exec(ins.args)?.[1];
      const source = ins.args.replace(/--\S+\s+/g, '').split(/\s+/)[0] ?? '';
      if (!from || !stageNames.has(from)) out.push(`final stage copies ${source} from the build context, not from a build stage`);
      else if (!/^\/src\/(node_modules|dist\/bundle\/)/.test(source))
        out.push(`final stage copies ${source}, not a bundle or production node_modules`);
    }
    if ((ins.keyword === 'ENTRYPOINT' || ins.keyword === 'CMD') && !ins.args.startsWith('['))
      out.push(`${ins.keyword} is not in exec form`);
  }
  const text = all.flatMap((s) => s.instructions.map((i) => `${i.keyword} ${i.args}`)).join('\n');
  if (!/npm ci --omit=dev/.test(text)) out.push('production dependencies are not installed with npm ci --omit=dev');
  for (const [, script] of text.matchAll(/npm run "?([\w:${}-]+)"?/g)) {
    const names = script!.includes('${APP}') ? apps.map((a) => script!.replace('${APP}', a)) : [script!];
    for (const name of names) if (!scripts[name]) out.push(`runs npm script ${name}, which package.json does not define`);
  }
  return out;
}
