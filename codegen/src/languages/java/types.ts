import { quicktypeFiles, type SchemaBundle } from "../../quicktype/run.js";
import { EXTRA_MARKER, markOpenObjectsInBundle } from "../../schema/open-objects.js";
import { SfnJavaTargetLanguage } from "./jackson-language.js";

const MARKER_ACCESSOR = EXTRA_MARKER.charAt(0).toUpperCase() + EXTRA_MARKER.slice(1);

/**
 * Open objects (declared properties, other members allowed) keep their undeclared members: the marker
 * property quicktype generated for them (see `markOpenObjects`) becomes a `Map<String, JsonNode>` filled
 * by a `@JsonAnySetter` and written by a `@JsonAnyGetter` (JsonNode keeps an explicit JSON null and the
 * exact number text).
 */
export function javaExtraMembers(source: string): string {
  const field = new RegExp(`^( {4})private Map<String, JsonNode> ${EXTRA_MARKER};$`, "m");
  if (!field.test(source)) return source;
  const accessors = new RegExp(
    `^ {4}@JsonProperty\\("${EXTRA_MARKER}"\\)\\n.*get${MARKER_ACCESSOR}\\(\\).*\\n {4}@JsonProperty\\("${EXTRA_MARKER}"\\)\\n.*set${MARKER_ACCESSOR}\\(.*\\n`,
    "m",
  );
  const members = [
    "    /**",
    "     * Members the schema does not declare (the object is open), kept for the round trip.",
    "     */",
    "    @JsonAnyGetter",
    "    public Map<String, JsonNode> getAdditionalProperties() { return additionalProperties; }",
    "    @JsonAnySetter",
    "    public void setAdditionalProperty(String name, JsonNode value) { this.additionalProperties.put(name, value); }",
    "",
  ].join("\n");
  let s = source.replace(
    field,
    "$1private Map<String, JsonNode> additionalProperties = new LinkedHashMap<>();",
  );
  s = accessors.test(s) ? s.replace(accessors, "") : s;
  s = s.replace(/\n\}\s*$/, `\n\n${members}}\n`).replace(/\n\n\n+/g, "\n\n");
  if (!/^import java\.util\.(\*|LinkedHashMap);$/m.test(s))
    s = s.replace(/^(import java\.util\.Map;)$/m, "import java.util.LinkedHashMap;\n$1");
  return s;
}

function fixJavaFile(source: string): string {
  let s = source;
  if (/\bJsonNode\b/.test(s) && !/import com\.fasterxml\.jackson\.databind\.(\*|JsonNode);/.test(s))
    s = s.replace(/^(package [\w.]+;\n)/m, "$1\nimport com.fasterxml.jackson.databind.JsonNode;");
  return s;
}

/** One Jackson POJO or enum per file, plus quicktype's `Converter` (`XFromJsonString`/`XToJsonString`). */
export async function javaTypes(bundle: SchemaBundle, packageName: string): Promise<Map<string, string>> {
  const files = await quicktypeFiles(markOpenObjectsInBundle(bundle), new SfnJavaTargetLanguage(), {
    package: packageName,
    "datetime-provider": "java8",
    "array-type": "list",
  });
  return new Map([...files].map(([name, text]) => [name, fixJavaFile(javaExtraMembers(text))]));
}
