import { pascalCase } from "../../core/naming.js";
import { embeddedSchema } from "../bundle.js";
import type { Contract } from "../model.js";
import { type ResolvedNames, typeName } from "../options.js";

/** Handlers interface (Task + CancellationToken), dispatcher and typed client (Newtonsoft, C# 6). */
export function csharpGlue(contract: Contract, names: ResolvedNames): string {
  const P = names.pascal;
  const handlers = contract.functions.map(
    (f) =>
      `${f.description ? `        /// <summary>${f.description}</summary>\n` : ""}        Task<${typeName(f.output)}> ${pascalCase(f.name)}Async(${typeName(f.input)} request, CancellationToken cancellationToken);`,
  );
  const cases = contract.functions.map(
    (f) =>
      `                case ${JSON.stringify(f.name)}:\n                    return Serialize.ToJson(await handlers.${pascalCase(f.name)}Async(${typeName(f.input)}.FromJson(parameters), cancellationToken).ConfigureAwait(false));`,
  );
  const client = contract.functions.map(
    (f) =>
      `${f.description ? `        /// <summary>${f.description}</summary>\n` : ""}        public async Task<${typeName(f.output)}> ${pascalCase(f.name)}Async(${typeName(f.input)} request, CancellationToken cancellationToken = default(CancellationToken))\n        {\n            return ${typeName(f.output)}.FromJson(await CallAsync(${JSON.stringify(f.name)}, Serialize.ToJson(request), cancellationToken).ConfigureAwait(false));\n        }`,
  );
  const table = contract.functions.map(
    (f) =>
      `            { ${JSON.stringify(f.name)}, new[] { ${JSON.stringify(f.input)}, ${JSON.stringify(f.output)} } },`,
  );
  return `namespace ${names.namespace}
{
    using System;
    using System.Collections.Generic;
    using System.Threading;
    using System.Threading.Tasks;
    using Newtonsoft.Json.Linq;

    /// <summary>Service name, schema and validation of ${contract.service} ${contract.schemaVersion}.</summary>
    public static class ${P}Contract
    {
        public const string Service = ${JSON.stringify(contract.service)};
        public const string SchemaVersion = ${JSON.stringify(contract.schemaVersion)};
        internal static readonly Dictionary<string, string[]> Functions = new Dictionary<string, string[]>
        {
${table.join("\n")}
        };
        static readonly JObject Definitions = (JObject)JObject.Parse(${JSON.stringify(embeddedSchema(contract))})["definitions"];

        /// <summary>Checks a JSON value against one of the contract's definitions (maxLength, formats, required, ...).</summary>
        public static List<Violation> Validate(string definition, JToken value)
        {
            var output = new List<Violation>();
            SfnValidator.Validate(Definitions, new JObject { { "$ref", "#/definitions/" + definition } }, value, "", output);
            return output;
        }

        internal static JObject Violations(List<Violation> violations)
        {
            var list = new JArray();
            foreach (var v in violations) list.Add(v.ToJson());
            return new JObject { { "violations", list } };
        }

        internal static JToken Parse(string json)
        {
            var reader = new Newtonsoft.Json.JsonTextReader(new System.IO.StringReader(json)) { DateParseHandling = Newtonsoft.Json.DateParseHandling.None };
            return JToken.ReadFrom(reader);
        }
    }

    /// <summary>The functions of ${contract.service}: implement these, the dispatcher does the rest.</summary>
    public interface I${P}Handlers
    {
${handlers.join("\n\n")}
    }

    /// <summary>Routes a CallBody to the handler with input and output validation; returns a ReplyBody (JSON).</summary>
    public class ${P}Dispatcher
    {
        readonly I${P}Handlers handlers;

        public ${P}Dispatcher(I${P}Handlers handlers) { this.handlers = handlers; }

        static string Failure(string type, string code, string message, JToken details = null)
        {
            var error = new JObject { { "type", type }, { "code", code }, { "message", message } };
            if (details != null) error["details"] = details;
            return new JObject { { "status", "error" }, { "error", error } }.ToString(Newtonsoft.Json.Formatting.None);
        }

        async Task<string> RunAsync(string name, string parameters, CancellationToken cancellationToken)
        {
            switch (name)
            {
${cases.join("\n")}
                default:
                    throw new InvalidOperationException("unknown function " + name);
            }
        }

        public async Task<string> DispatchAsync(string callBodyJson, CancellationToken cancellationToken = default(CancellationToken))
        {
            JObject body = null;
            try { body = ${P}Contract.Parse(callBodyJson) as JObject; } catch (Newtonsoft.Json.JsonException) { }
            if (body == null || body["function"] == null || body["function"].Type != JTokenType.String)
                return Failure("ValidationError", "SFN_CALL_INVALID", "body must be a CallBody {function, parameters}");
            var name = body["function"].Value<string>();
            string[] spec;
            if (!${P}Contract.Functions.TryGetValue(name, out spec)) return Failure("NotFound", "SFN_FUNCTION_NOT_FOUND", "unknown function " + name);
            var parameters = body["parameters"];
            var violations = ${P}Contract.Validate(spec[0], parameters);
            if (violations.Count > 0) return Failure("ValidationError", "SFN_PARAMETERS_INVALID", "parameters do not match " + spec[0], ${P}Contract.Violations(violations));
            string json;
            try
            {
                json = await RunAsync(name, parameters.ToString(Newtonsoft.Json.Formatting.None), cancellationToken).ConfigureAwait(false);
            }
            catch (FunctionError e) { return Failure(e.Type, e.Code, e.Message, e.Details); }
            catch (Exception) { return Failure("SystemError", "SFN_INTERNAL", "the function failed"); }
            var result = ${P}Contract.Parse(json);
            var bad = ${P}Contract.Validate(spec[1], result);
            if (bad.Count > 0) return Failure("SystemError", "SFN_RESULT_INVALID", "result does not match " + spec[1], ${P}Contract.Violations(bad));
            return new JObject { { "status", "success" }, { "result", result } }.ToString(Newtonsoft.Json.Formatting.None);
        }
    }

    /// <summary>Sends one call (parameters as JSON) and returns the success result as JSON.</summary>
    public interface I${P}Transport
    {
        Task<string> CallAsync(string service, string function, string parametersJson, CancellationToken cancellationToken);
    }

    /// <summary>Typed client: validates requests before sending and results after receiving.</summary>
    public class ${P}Client
    {
        readonly I${P}Transport transport;

        public ${P}Client(I${P}Transport transport) { this.transport = transport; }

        async Task<string> CallAsync(string name, string parametersJson, CancellationToken cancellationToken)
        {
            var spec = ${P}Contract.Functions[name];
            var violations = ${P}Contract.Validate(spec[0], ${P}Contract.Parse(parametersJson));
            if (violations.Count > 0) throw new FunctionError("ValidationError", "SFN_PARAMETERS_INVALID", "request does not match " + spec[0], ${P}Contract.Violations(violations));
            var json = await transport.CallAsync(${P}Contract.Service, name, parametersJson, cancellationToken).ConfigureAwait(false);
            var bad = ${P}Contract.Validate(spec[1], ${P}Contract.Parse(json));
            if (bad.Count > 0) throw new FunctionError("SystemError", "SFN_RESULT_INVALID", "result does not match " + spec[1], ${P}Contract.Violations(bad));
            return json;
        }

${client.join("\n\n")}
    }
}
`;
}
