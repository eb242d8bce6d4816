import { quicktypeSingle, type SchemaBundle } from "../../quicktype/run.js";
import { EXTRA_MARKER, markOpenObjectsInBundle } from "../../schema/open-objects.js";
import { alignGoBlocks, reindentGoFuncs } from "./gofmt-lite.js";

/**
 * Prefixes enum constants with their type (`Pending` → `OrderStatusPending`): quicktype emits them
 * unprefixed, so two enums sharing a value collide (and `ErrorType.ValidationError` would clash
 * with a type of that name).
 */
export function prefixEnumConstants(source: string): string {
  return source.replace(/^const \(\n([\s\S]*?)\n\)$/gm, (block, body: string) =>
    block.replace(
      body,
      body.replace(/^\t(\w+)(\s+)(\w+)(\s+= )/gm, (_m, name: string, sp: string, type: string, eq: string) =>
        name.startsWith(type) ? `\t${name}${sp}${type}${eq}` : `\t${type}${name}${sp}${type}${eq}`,
      ),
    ),
  );
}

/**
 * Keeps "absent" and "empty/null" apart on the wire: optional fields use `omitzero` (Go 1.24) instead of
 * `omitempty` (so `[]` and `{}` survive a round trip), and an optional field of unconstrained type
 * becomes `json.RawMessage` (so an explicit JSON null is kept, not dropped).
 */
export function fixGoOptionality(source: string): string {
  return source
    .replace(/^(\t\w+\s+)interface\{\}(\s+`json:"[^"]*,omitempty"`)$/gm, "$1json.RawMessage$2")
    .replace(/,omitempty"/g, ',omitzero"');
}

export function stripQuicktypeHeader(source: string): string {
  return source.replace(/^(\/\/.*\n)+\n?/, "");
}

function extraMethods(type: string, field: string, declared: string[]): string {
  const keys = declared.map((k) => JSON.stringify(k)).join(", ");
  return `

// UnmarshalJSON decodes the declared members and keeps every other member in ${field}.
func (r *${type}) UnmarshalJSON(data []byte) error {
\ttype plain ${type}
\tvar p plain
\tif err := json.Unmarshal(data, &p); err != nil {
\t\treturn err
\t}
\tvar members map[string]json.RawMessage
\tif err := json.Unmarshal(data, &members); err != nil {
\t\treturn err
\t}
\tfor _, k := range []string{${keys}} {
\t\tdelete(members, k)
\t}
\tif len(members) == 0 {
\t\tmembers = nil
\t}
\tp.${field} = members
\t*r = ${type}(p)
\treturn nil
}

// MarshalJSON encodes the declared members plus the members of ${field} (declared members win on a clash).
func (r ${type}) MarshalJSON() ([]byte, error) {
\ttype plain ${type}
\tdata, err := json.Marshal(plain(r))
\tif err != nil || len(r.${field}) == 0 {
\t\treturn data, err
\t}
\tvar members map[string]json.RawMessage
\tif err := json.Unmarshal(data, &members); err != nil {
\t\treturn nil, err
\t}
\tfor k, v := range r.${field} {
\t\tif _, declared := members[k]; !declared {
\t\t\tmembers[k] = v
\t\t}
\t}
\treturn json.Marshal(members)
}`;
}

/**
 * Open objects (declared properties, other members allowed) keep their undeclared members: the marker
 * field quicktype generated for them (see `markOpenObjects`) becomes `Extra map[string]json.RawMessage`
 * (`json:"-"`), filled and written by generated `UnmarshalJSON`/`MarshalJSON` methods.
 */
export function goExtraMembers(source: string): string {
  return source.replace(/^type (\w+) struct \{\n([\s\S]*?)\n\}$/gm, (block, type: string, body: string) => {
    const marker = new RegExp(`^\\t\\w+\\s+\\S+\\s+\`json:"${EXTRA_MARKER}[",][^\`]*\`\\n?`, "m");
    if (!marker.test(body)) return block;
    const declared = [...body.matchAll(/`json:"([^",]*)[",]/g)]
      .map((m) => m[1] as string)
      .filter((n) => n !== EXTRA_MARKER);
    const field = /^\tExtra\s/m.test(body) ? "ExtraMembers" : "Extra";
    const fields = `${body.replace(marker, "").replace(/\n$/, "")}\n\t// Members the schema does not declare (the object is open), as raw JSON.\n\t${field} map[string]json.RawMessage \`json:"-"\``;
    return `type ${type} struct {\n${fields}\n}${extraMethods(type, field, declared)}`;
  });
}

/** Structs with json tags and typed enum constants for the bundle's types. */
export async function goTypes(bundle: SchemaBundle, packageName: string): Promise<string> {
  const raw = await quicktypeSingle(markOpenObjectsInBundle(bundle), "go", {
    package: packageName,
    "omit-empty": "true",
  });
  return reindentGoFuncs(
    alignGoBlocks(
      prefixEnumConstants(
        fixGoOptionality(goExtraMembers(stripQuicktypeHeader(raw))).replace(/\binterface\{\}/g, "any"),
      ),
    ),
  );
}
