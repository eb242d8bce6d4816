// Static support code emitted into each Java contract package.
export const javaSupport = (pkg: string): Map<string, string> =>
  new Map([
    [
      "Violation.java",
      `package ${pkg};\n\n/** One reason a value failed its schema; path is a JSON pointer. */\npublic record Violation(String path, String keyword, String message) {}\n`,
    ],
    [
      "FunctionError.java",
      `package ${pkg};\n\n/** Thrown by handlers for typed failures; any other exception becomes a SystemError (SFN_INTERNAL). */\npublic class FunctionError extends RuntimeException {\n    private static final long serialVersionUID = 1L;\n    private final String type;\n    private final String code;\n    private final transient Object details;\n\n    public FunctionError(String type, String code, String message, Object details) {\n        super(message);\n        this.type = type;\n        this.code = code;\n        this.details = details;\n    }\n\n    public String type() { return type; }\n\n    public String code() { return code; }\n\n    public Object details() { return details; }\n}\n`,
    ],
    [
      "SfnValidator.java",
      String.raw`package ${pkg};

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/** Validator for the JSON Schema subset @sfn/codegen accepts. */
final class SfnValidator {
    private static final Map<String, Pattern> FORMATS = Map.of(
        "email", Pattern.compile("^[^@\\s]+@[^@\\s]+\\.[^@\\s]+$"),
        "uuid", Pattern.compile("^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$"),
        "date-time", Pattern.compile("^\\d{4}-\\d{2}-\\d{2}[Tt]\\d{2}:\\d{2}:\\d{2}(\\.\\d+)?([Zz]|[+-]\\d{2}:\\d{2})$"),
        "date", Pattern.compile("^\\d{4}-\\d{2}-\\d{2}$"));

    private SfnValidator() {}

    private static String jsonType(JsonNode v) {
        if (v == null || v.isNull()) return "null";
        if (v.isBoolean()) return "boolean";
        if (v.isNumber()) return v.isIntegralNumber() || v.asDouble() == Math.rint(v.asDouble()) ? "integer" : "number";
        if (v.isTextual()) return "string";
        if (v.isArray()) return "array";
        return "object";
    }

    private static String esc(String k) {
        return k.replace("~", "~0").replace("/", "~1");
    }

    static void validate(JsonNode defs, JsonNode schema, JsonNode value, String path, List<Violation> out) {
        if (schema.has("$ref")) {
            validate(defs, defs.path(schema.get("$ref").asText().substring("#/definitions/".length())), value, path, out);
            return;
        }
        if (schema.has("anyOf")) {
            for (JsonNode alt : schema.get("anyOf")) {
                List<Violation> errs = new ArrayList<>();
                validate(defs, alt, value, path, errs);
                if (errs.isEmpty()) return;
            }
            out.add(new Violation(path, "anyOf", "matches no alternative"));
            return;
        }
        String t = jsonType(value);
        if (schema.has("type")) {
            List<String> allowed = new ArrayList<>();
            JsonNode ty = schema.get("type");
            if (ty.isArray()) ty.forEach(x -> allowed.add(x.asText())); else allowed.add(ty.asText());
            if (!allowed.contains(t) && !(t.equals("integer") && allowed.contains("number"))) {
                out.add(new Violation(path, "type", "must be " + String.join(" or ", allowed)));
                return;
            }
        }
        if (schema.has("enum")) {
            boolean found = false;
            for (JsonNode e : schema.get("enum")) if (e.equals(value)) found = true;
            if (!found) out.add(new Violation(path, "enum", "must be one of " + schema.get("enum")));
        }
        if (value != null && value.isTextual()) {
            String s = value.asText();
            int n = s.codePointCount(0, s.length());
            if (schema.has("minLength") && n < schema.get("minLength").asInt()) out.add(new Violation(path, "minLength", "must have at least " + schema.get("minLength") + " characters"));
            if (schema.has("maxLength") && n > schema.get("maxLength").asInt()) out.add(new Violation(path, "maxLength", "must have at most " + schema.get("maxLength") + " characters"));
            if (schema.has("pattern") && !Pattern.compile(schema.get("pattern").asText()).matcher(s).find()) out.add(new Violation(path, "pattern", "must match " + schema.get("pattern").asText()));
            Pattern f = schema.has("format") ? FORMATS.get(schema.get("format").asText()) : null;
            if (f != null && !f.matcher(s).matches()) out.add(new Violation(path, "format", "must be a valid " + schema.get("format").asText()));
        }
        if (value != null && value.isNumber()) {
            double x = value.asDouble();
            if (schema.has("minimum") && x < schema.get("minimum").asDouble()) out.add(new Violation(path, "minimum", "must be >= " + schema.get("minimum")));
            if (schema.has("maximum") && x > schema.get("maximum").asDouble()) out.add(new Violation(path, "maximum", "must be <= " + schema.get("maximum")));
            if (schema.has("exclusiveMinimum") && x <= schema.get("exclusiveMinimum").asDouble()) out.add(new Violation(path, "exclusiveMinimum", "must be > " + schema.get("exclusiveMinimum")));
            if (schema.has("exclusiveMaximum") && x >= schema.get("exclusiveMaximum").asDouble()) out.add(new Violation(path, "exclusiveMaximum", "must be < " + schema.get("exclusiveMaximum")));
        }
        if (value != null && value.isObject()) {
            JsonNode props = schema.path("properties");
            for (JsonNode r : schema.path("required")) if (!value.has(r.asText())) out.add(new Violation(path + "/" + esc(r.asText()), "required", "is required"));
            JsonNode extra = schema.get("additionalProperties");
            Iterator<Map.Entry<String, JsonNode>> fields = value.fields();
            while (fields.hasNext()) {
                Map.Entry<String, JsonNode> e = fields.next();
                String p = path + "/" + esc(e.getKey());
                if (props.has(e.getKey())) validate(defs, props.get(e.getKey()), e.getValue(), p, out);
                else if (extra != null && extra.isBoolean() && !extra.asBoolean()) out.add(new Violation(p, "additionalProperties", "is not allowed"));
                else if (extra != null && extra.isObject()) validate(defs, extra, e.getValue(), p, out);
            }
        }
        if (value != null && value.isArray()) {
            if (schema.has("minItems") && value.size() < schema.get("minItems").asInt()) out.add(new Violation(path, "minItems", "must have at least " + schema.get("minItems") + " items"));
            if (schema.has("maxItems") && value.size() > schema.get("maxItems").asInt()) out.add(new Violation(path, "maxItems", "must have at most " + schema.get("maxItems") + " items"));
            if (schema.path("uniqueItems").asBoolean(false)) {
                Set<JsonNode> seen = new HashSet<>();
                value.forEach(seen::add);
                if (seen.size() != value.size()) out.add(new Violation(path, "uniqueItems", "must not contain duplicates"));
            }
            if (schema.has("items")) {
                for (int i = 0; i < value.size(); i++) validate(defs, schema.get("items"), value.get(i), path + "/" + i, out);
            }
        }
    }
}
`,
    ],
  ]);
