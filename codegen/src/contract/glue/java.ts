import { camelCase } from "../../core/naming.js";
import { embeddedSchema } from "../bundle.js";
import type { Contract } from "../model.js";
import { type ResolvedNames, typeName } from "../options.js";

const head = (pkg: string, imports: string[]): string =>
  `package ${pkg};\n\n${imports.map((i) => `import ${i};`).join("\n")}\n\n`;

/** Handlers interface (CompletableFuture results), dispatcher and typed client, one file each. */
export function javaGlue(contract: Contract, names: ResolvedNames): Map<string, string> {
  const P = names.pascal;
  const pkg = names.javaPackage;
  const files = new Map<string, string>();
  files.set(
    `${P}Handlers.java`,
    `${head(pkg, ["java.util.concurrent.CompletableFuture"])}/** The functions of ${contract.service}: implement these, the dispatcher does the rest. */\npublic interface ${P}Handlers {\n${contract.functions
      .map(
        (f) =>
          `${f.description ? `    /** ${f.description} */\n` : ""}    CompletableFuture<${typeName(f.output)}> ${camelCase(f.name)}(${typeName(f.input)} request);`,
      )
      .join("\n\n")}\n}\n`,
  );
  files.set(
    `${P}Transport.java`,
    `${head(pkg, ["java.util.concurrent.CompletableFuture"])}/** Sends one call (parameters as JSON) and completes with the success result as JSON. */\npublic interface ${P}Transport {\n    CompletableFuture<String> call(String service, String function, String parametersJson);\n}\n`,
  );
  const table = contract.functions.map(
    (f) =>
      `        Map.entry(${JSON.stringify(f.name)}, new String[] {${JSON.stringify(f.input)}, ${JSON.stringify(f.output)}})`,
  );
  const cases = contract.functions.map(
    (f) =>
      `            case ${JSON.stringify(f.name)}:\n                return handlers.${camelCase(f.name)}(Converter.${typeName(f.input)}FromJsonString(parameters)).thenApply(r -> unchecked(() -> Converter.${typeName(f.output)}ToJsonString(r)));`,
  );
  files.set(
    `${P}Contract.java`,
    `${head(pkg, ["com.fasterxml.jackson.databind.JsonNode", "com.fasterxml.jackson.databind.ObjectMapper", "java.util.ArrayList", "java.util.List", "java.util.Map"])}/** Service name, schema and validation of ${contract.service} ${contract.schemaVersion}. */
public final class ${P}Contract {
    public static final String SERVICE = ${JSON.stringify(contract.service)};
    public static final String SCHEMA_VERSION = ${JSON.stringify(contract.schemaVersion)};
    static final ObjectMapper MAPPER = new ObjectMapper();
    static final Map<String, String[]> FUNCTIONS = Map.ofEntries(
${table.join(",\n")});
    private static final JsonNode DEFINITIONS = parse(${JSON.stringify(embeddedSchema(contract))}).get("definitions");

    private ${P}Contract() {}

    static JsonNode parse(String json) {
        try {
            return MAPPER.readTree(json);
        } catch (Exception e) {
            throw new IllegalArgumentException("not JSON: " + e.getMessage(), e);
        }
    }

    /** Checks a JSON value against one of the contract's definitions (maxLength, formats, required, ...). */
    public static List<Violation> validate(String definition, JsonNode value) {
        List<Violation> out = new ArrayList<>();
        SfnValidator.validate(DEFINITIONS, MAPPER.createObjectNode().put("$ref", "#/definitions/" + definition), value, "", out);
        return out;
    }
}
`,
  );
  files.set(
    `${P}Dispatcher.java`,
    `${head(pkg, ["com.fasterxml.jackson.databind.JsonNode", "com.fasterxml.jackson.databind.node.ObjectNode", "java.util.List", "java.util.Map", "java.util.concurrent.CompletableFuture", "java.util.concurrent.CompletionException"])}/** Routes a CallBody to the handler with input and output validation; completes with a ReplyBody (JSON). */
public final class ${P}Dispatcher {
    private final ${P}Handlers handlers;

    public ${P}Dispatcher(${P}Handlers handlers) {
        this.handlers = handlers;
    }

    interface Json {
        String get() throws Exception;
    }

    static String unchecked(Json f) {
        try {
            return f.get();
        } catch (Exception e) {
            throw new CompletionException(e);
        }
    }

    static String failure(String type, String code, String message, Object details) {
        ObjectNode error = ${P}Contract.MAPPER.createObjectNode().put("type", type).put("code", code).put("message", message);
        if (details != null) error.set("details", ${P}Contract.MAPPER.valueToTree(details));
        ObjectNode reply = ${P}Contract.MAPPER.createObjectNode().put("status", "error");
        reply.set("error", error);
        return reply.toString();
    }

    private CompletableFuture<String> run(String name, String parameters) throws Exception {
        switch (name) {
${cases.join("\n")}
            default:
                throw new IllegalStateException("unknown function " + name);
        }
    }

    public CompletableFuture<String> dispatch(String callBodyJson) {
        JsonNode body;
        try {
            body = ${P}Contract.parse(callBodyJson);
        } catch (IllegalArgumentException e) {
            body = null;
        }
        if (body == null || !body.isObject() || !body.path("function").isTextual())
            return CompletableFuture.completedFuture(failure("ValidationError", "SFN_CALL_INVALID", "body must be a CallBody {function, parameters}", null));
        String name = body.get("function").asText();
        String[] spec = ${P}Contract.FUNCTIONS.get(name);
        if (spec == null) return CompletableFuture.completedFuture(failure("NotFound", "SFN_FUNCTION_NOT_FOUND", "unknown function " + name, null));
        JsonNode parameters = body.get("parameters");
        List<Violation> violations = ${P}Contract.validate(spec[0], parameters);
        if (!violations.isEmpty())
            return CompletableFuture.completedFuture(failure("ValidationError", "SFN_PARAMETERS_INVALID", "parameters do not match " + spec[0], Map.of("violations", violations)));
        CompletableFuture<String> result;
        try {
            result = run(name, parameters.toString());
        } catch (Exception e) {
            result = CompletableFuture.failedFuture(e);
        }
        return result.handle((json, error) -> {
            if (error != null) {
                Throwable cause = error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
                if (cause instanceof FunctionError fe) return failure(fe.type(), fe.code(), fe.getMessage(), fe.details());
                return failure("SystemError", "SFN_INTERNAL", "the function failed", null);
            }
            JsonNode value = ${P}Contract.parse(json);
            List<Violation> bad = ${P}Contract.validate(spec[1], value);
            if (!bad.isEmpty()) return failure("SystemError", "SFN_RESULT_INVALID", "result does not match " + spec[1], Map.of("violations", bad));
            ObjectNode reply = ${P}Contract.MAPPER.createObjectNode().put("status", "success");
            reply.set("result", value);
            return reply.toString();
        });
    }
}
`,
  );
  const methods = contract.functions.map(
    (f) =>
      `${f.description ? `    /** ${f.description} */\n` : ""}    public CompletableFuture<${typeName(f.output)}> ${camelCase(f.name)}(${typeName(f.input)} request) {\n        return call(${JSON.stringify(f.name)}, ${P}Dispatcher.unchecked(() -> Converter.${typeName(f.input)}ToJsonString(request)))\n            .thenApply(json -> { try { return Converter.${typeName(f.output)}FromJsonString(json); } catch (Exception e) { throw new CompletionException(e); } });\n    }`,
  );
  files.set(
    `${P}Client.java`,
    `${head(pkg, ["java.util.List", "java.util.Map", "java.util.concurrent.CompletableFuture", "java.util.concurrent.CompletionException"])}/** Typed client: validates requests before sending and results after receiving. */
public final class ${P}Client {
    private final ${P}Transport transport;

    public ${P}Client(${P}Transport transport) {
        this.transport = transport;
    }

    private CompletableFuture<String> call(String name, String parametersJson) {
        String[] spec = ${P}Contract.FUNCTIONS.get(name);
        List<Violation> violations = ${P}Contract.validate(spec[0], ${P}Contract.parse(parametersJson));
        if (!violations.isEmpty())
            return CompletableFuture.failedFuture(new FunctionError("ValidationError", "SFN_PARAMETERS_INVALID", "request does not match " + spec[0], Map.of("violations", violations)));
        return transport.call(${P}Contract.SERVICE, name, parametersJson).thenApply(json -> {
            List<Violation> bad = ${P}Contract.validate(spec[1], ${P}Contract.parse(json));
            if (!bad.isEmpty()) throw new FunctionError("SystemError", "SFN_RESULT_INVALID", "result does not match " + spec[1], Map.of("violations", bad));
            return json;
        });
    }

${methods.join("\n\n")}
}
`,
  );
  return files;
}
