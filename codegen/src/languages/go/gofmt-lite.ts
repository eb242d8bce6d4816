// A small subset of gofmt for quicktype's Go output: aligns struct fields and const specs the way
// gofmt's tabwriter does (runs of consecutive spec lines; comment lines end a run).

function alignRun(rows: string[][]): string[] {
  const widths: number[] = [];
  for (const row of rows)
    row.slice(0, -1).forEach((cell, i) => {
      widths[i] = Math.max(widths[i] ?? 0, cell.length);
    });
  return rows.map(
    (row) => `\t${row.map((cell, i) => (i < row.length - 1 ? cell.padEnd(widths[i]!) : cell)).join(" ")}`,
  );
}

function splitField(line: string): string[] | undefined {
  // name type `tag`  |  Name Type = "value"
  const field = /^\t(\w+)\s+(\S+)\s+(`[^`]*`)$/.exec(line);
  if (field) return [field[1]!, field[2]!, field[3]!];
  const constSpec = /^\t(\w+)\s+(\w+)\s+(= .*)$/.exec(line);
  if (constSpec) return [constSpec[1]!, constSpec[2]!, constSpec[3]!];
  const plain = /^\t(\w+)\s+(\S+)$/.exec(line);
  if (plain) return [plain[1]!, plain[2]!];
  return undefined;
}

export function alignGoBlocks(source: string): string {
  const lines = source.split("\n");
  const out: string[] = [];
  let run: string[][] = [];
  let inBlock = false;
  const flush = (): void => {
    out.push(...alignRun(run));
    run = [];
  };
  for (const line of lines) {
    if (/^type \w+ struct \{$/.test(line) || /^const \($/.test(line)) {
      inBlock = true;
      out.push(line);
      continue;
    }
    if (inBlock && (line === "}" || line === ")")) {
      flush();
      inBlock = false;
      out.push(line);
      continue;
    }
    const cells = inBlock ? splitField(line) : undefined;
    if (cells) run.push(cells);
    else {
      flush();
      out.push(inBlock ? line.replace(/^\s*\/\//, "\t//").replace(/\s+$/, "") : line);
    }
  }
  flush();
  return out.join("\n");
}

const braceDelta = (line: string): [number, number] => {
  const code = line.replace(/"(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*'|`[^`]*`|\/\/.*$/g, "");
  const leadingClose = /^\s*[})]/.test(code) ? 1 : 0;
  const opens = (code.match(/[{(]/g) ?? []).length;
  const closes = (code.match(/[})]/g) ?? []).length;
  return [leadingClose, opens - closes];
};

/** Re-indents function bodies with one tab per nesting level (`case`/`default` one level out). */
export function reindentGoFuncs(source: string): string {
  const out: string[] = [];
  let depth = 0;
  let inFunc = false;
  for (const line of source.split("\n")) {
    if (!inFunc && /^func .*\{$/.test(line)) {
      inFunc = true;
      depth = 1;
      out.push(line);
      continue;
    }
    if (!inFunc) {
      out.push(line);
      continue;
    }
    const text = line.trim();
    const [leadingClose, delta] = braceDelta(text);
    const level = depth - leadingClose - (/^(case .*|default):$/.test(text) ? 1 : 0);
    out.push(text.length === 0 ? "" : `${"\t".repeat(Math.max(level, 0))}${text}`);
    depth += delta;
    if (depth <= 0) inFunc = false;
  }
  return out.join("\n");
}
