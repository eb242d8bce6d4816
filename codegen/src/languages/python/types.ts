import { quicktypeSingle, type SchemaBundle } from "../../quicktype/run.js";
import { EXTRA_MARKER, markOpenObjectsInBundle } from "../../schema/open-objects.js";

const DATETIME_HELPER = `def from_datetime(x: Any) -> datetime:
    assert isinstance(x, str)
    text = re.sub(r"[zZ]$", "+00:00", x)
    match = re.match(r"^(.*T\\d{2}:\\d{2}:\\d{2})(\\.\\d+)?(.*)$", text)
    if match is not None and match.group(2) is not None:
        text = match.group(1) + (match.group(2) + "000000")[:7] + match.group(3)
    return datetime.fromisoformat(text)`;

const MISSING_SENTINEL = `class _Missing:
    """Marks an optional property of unconstrained type that is absent (None means JSON null)."""

    def __repr__(self) -> str:
        return "MISSING"


MISSING: Any = _Missing()`;

/**
 * Makes quicktype's Python output pass `mypy --strict` and keep the wire form:
 * typed helper signatures, `dict[str, Any]`, no python-dateutil (stdlib ISO parsing, `Z` accepted),
 * and a MISSING sentinel for optional properties of unconstrained type, so JSON null and "absent"
 * stay distinct (quicktype drops a null there).
 */
export function fixPythonTypes(source: string): string {
  let s = source
    .replace(/^import dateutil\.parser\n/m, "")
    .replace(
      /^from dataclasses import dataclass\n/m,
      "import re\nfrom collections.abc import Iterable\nfrom dataclasses import dataclass\n",
    )
    .replace(
      /^def from_union\(fs, x\):$/m,
      "def from_union(fs: Iterable[Callable[[Any], Any]], x: Any) -> Any:",
    )
    .replace(/^(\s+)except:$/gm, "$1except Exception:")
    .replace(
      /^def to_enum\(c: Type\[EnumT\], x: Any\) -> EnumT:$/m,
      "def to_enum(c: Type[EnumT], x: Any) -> Any:",
    )
    .replace(
      /^def to_class\(c: Type\[T\], x: Any\) -> dict:\n(.*)\n\s+return cast\(Any, x\)\.to_dict\(\)$/m,
      "def to_class(c: Type[T], x: Any) -> dict[str, Any]:\n$1\n    return cast(dict[str, Any], cast(Any, x).to_dict())",
    )
    .replace(
      /^def from_datetime\(x: Any\) -> datetime:\n\s+return dateutil\.parser\.parse\(x\)$/m,
      DATETIME_HELPER,
    )
    .replace(/-> dict:$/gm, "-> dict[str, Any]:")
    .replace(/result: dict = \{\}/g, "result: dict[str, Any] = {}");
  // Sentinel for optional unconstrained properties, class by class.
  let usesMissing = false;
  s = s.replace(/^@dataclass\nclass (\w+):\n[\s\S]*?(?=\n\n\n|(?![\s\S]))/gm, (block) => {
    const fields = [...block.matchAll(/^ {4}(\w+): Any = None$/gm)].map((m) => m[1] as string);
    let out = block;
    for (const f of fields) {
      usesMissing = true;
      out = out
        .replace(new RegExp(`^( {4}${f}: Any) = None$`, "m"), "$1 = MISSING")
        .replace(new RegExp(`^( {8}${f} = obj\\.get\\("[^"]*")\\)$`, "m"), "$1, MISSING)")
        .replace(new RegExp(`^( {8})if self\\.${f} is not None:$`, "m"), `$1if self.${f} is not MISSING:`);
    }
    return out;
  });
  if (usesMissing) s = s.replace(/^(EnumT = TypeVar\(.*\)\n)/m, `$1\n\n${MISSING_SENTINEL}\n`);
  return s;
}

const MARKER_FIELD = "sfn_extra_members";

/**
 * Open objects (declared properties, other members allowed) keep their undeclared members: the marker
 * field quicktype generated for them (see `markOpenObjects`) becomes `extra: dict[str, Any]`, filled by
 * `from_dict` with the keys the schema does not declare and merged back by `to_dict` (declared
 * properties win on a name clash).
 */
export function pythonExtraMembers(source: string): string {
  let used = false;
  const s = source.replace(/^@dataclass\nclass (\w+):\n[\s\S]*?(?=\n\n\n|(?![\s\S]))/gm, (block) => {
    if (!new RegExp(`^ {4}${MARKER_FIELD}: `, "m").test(block)) return block;
    used = true;
    const declared = [...block.matchAll(/obj\.get\("([^"]*)"/g)]
      .map((m) => m[1] as string)
      .filter((n) => n !== EXTRA_MARKER);
    const name = /^ {4}extra: /m.test(block) ? "extra_members" : "extra";
    const quoted = declared.map((n) => JSON.stringify(n));
    const keys = quoted.length === 1 ? `(${quoted[0]},)` : `(${quoted.join(", ")})`;
    return block
      .replace(
        new RegExp(`^ {4}${MARKER_FIELD}: .*\\n\\n?`, "m"),
        `    ${name}: dict[str, Any] = dataclass_field(default_factory=dict)\n    """Members the schema does not declare (the object is open), kept as parsed JSON."""\n\n`,
      )
      .replace(
        new RegExp(`^( {8})${MARKER_FIELD} = .*$`, "m"),
        `$1${name} = {k: v for k, v in obj.items() if k not in ${keys}}`,
      )
      .replace(new RegExp(`\\b${MARKER_FIELD}\\)$`, "m"), `${name})`)
      .replace(new RegExp(`\\b${MARKER_FIELD}, `, "m"), `${name}, `)
      .replace(new RegExp(`^ {8}if self\\.${MARKER_FIELD} is not None:\\n.*\\n`, "m"), "")
      .replace(
        /^( {8})return result$/m,
        `$1for key, value in self.${name}.items():\n$1    if key not in result:\n$1        result[key] = value\n$1return result`,
      );
  });
  return used
    ? s.replace(
        /^from dataclasses import dataclass$/m,
        "from dataclasses import dataclass\nfrom dataclasses import field as dataclass_field",
      )
    : s;
}

/** Dataclasses with `from_dict`/`to_dict`, Python 3.10 syntax. */
export async function pythonTypes(bundle: SchemaBundle): Promise<string> {
  const raw = await quicktypeSingle(markOpenObjectsInBundle(bundle), "python", { "python-version": "3.10" });
  return pythonExtraMembers(fixPythonTypes(raw));
}
