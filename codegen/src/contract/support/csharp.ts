// Static support code emitted into each C# contract namespace (Newtonsoft, C# 6 so Mono can compile it).
export const csharpSupport = (ns: string): string => String.raw`namespace ${ns}
{
    using System;
    using System.Collections.Generic;
    using System.Linq;
    using System.Text.RegularExpressions;
    using Newtonsoft.Json.Linq;

    /// <summary>One reason a value failed its schema; Path is a JSON pointer.</summary>
    public class Violation
    {
        public Violation(string path, string keyword, string message) { Path = path; Keyword = keyword; Message = message; }
        public string Path { get; private set; }
        public string Keyword { get; private set; }
        public string Message { get; private set; }
        public JObject ToJson() { return new JObject { { "path", Path }, { "keyword", Keyword }, { "message", Message } }; }
    }

    /// <summary>Thrown by handlers for typed failures; any other exception becomes a SystemError (SFN_INTERNAL).</summary>
    public class FunctionError : Exception
    {
        public FunctionError(string type, string code, string message, JToken details = null) : base(message) { Type = type; Code = code; Details = details; }
        public string Type { get; private set; }
        public string Code { get; private set; }
        public JToken Details { get; private set; }
    }

    /// <summary>Validator for the JSON Schema subset @sfn/codegen accepts.</summary>
    internal static class SfnValidator
    {
        static readonly Dictionary<string, Regex> Formats = new Dictionary<string, Regex>
        {
            { "email", new Regex(@"^[^@\s]+@[^@\s]+\.[^@\s]+$") },
            { "uuid", new Regex(@"^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$") },
            { "date-time", new Regex(@"^\d{4}-\d{2}-\d{2}[Tt]\d{2}:\d{2}:\d{2}(\.\d+)?([Zz]|[+-]\d{2}:\d{2})$") },
            { "date", new Regex(@"^\d{4}-\d{2}-\d{2}$") },
        };

        static string JsonType(JToken v)
        {
            if (v == null || v.Type == JTokenType.Null) return "null";
            switch (v.Type)
            {
                case JTokenType.Boolean: return "boolean";
                case JTokenType.Integer: return "integer";
                case JTokenType.Float: var d = v.Value<double>(); return d == Math.Floor(d) ? "integer" : "number";
                case JTokenType.String: case JTokenType.Date: case JTokenType.Guid: case JTokenType.Uri: case JTokenType.TimeSpan: return "string";
                case JTokenType.Array: return "array";
                default: return "object";
            }
        }

        static string Esc(string k) { return k.Replace("~", "~0").Replace("/", "~1"); }

        public static void Validate(JObject defs, JObject schema, JToken value, string path, List<Violation> output)
        {
            Action<string, string, string> add = (p, k, m) => output.Add(new Violation(p, k, m));
            JToken tok;
            if (schema.TryGetValue("$ref", out tok))
            {
                Validate(defs, (JObject)defs[tok.Value<string>().Substring("#/definitions/".Length)], value, path, output);
                return;
            }
            if (schema.TryGetValue("anyOf", out tok))
            {
                foreach (var alt in tok)
                {
                    var errs = new List<Violation>();
                    Validate(defs, (JObject)alt, value, path, errs);
                    if (errs.Count == 0) return;
                }
                add(path, "anyOf", "matches no alternative");
                return;
            }
            var t = JsonType(value);
            if (schema.TryGetValue("type", out tok))
            {
                var allowed = tok.Type == JTokenType.Array ? tok.Select(x => x.Value<string>()).ToList() : new List<string> { tok.Value<string>() };
                if (!allowed.Contains(t) && !(t == "integer" && allowed.Contains("number")))
                {
                    add(path, "type", "must be " + string.Join(" or ", allowed));
                    return;
                }
            }
            if (schema.TryGetValue("enum", out tok) && !tok.Any(e => JToken.DeepEquals(e, value ?? JValue.CreateNull())))
                add(path, "enum", "must be one of " + tok.ToString(Newtonsoft.Json.Formatting.None));
            if (t == "string")
            {
                var s = value.Value<string>();
                var n = new System.Globalization.StringInfo(s).LengthInTextElements;
                if (schema.TryGetValue("minLength", out tok) && n < tok.Value<int>()) add(path, "minLength", "must have at least " + tok + " characters");
                if (schema.TryGetValue("maxLength", out tok) && n > tok.Value<int>()) add(path, "maxLength", "must have at most " + tok + " characters");
                if (schema.TryGetValue("pattern", out tok) && !Regex.IsMatch(s, tok.Value<string>())) add(path, "pattern", "must match " + tok);
                Regex f;
                if (schema.TryGetValue("format", out tok) && Formats.TryGetValue(tok.Value<string>(), out f) && !f.IsMatch(s)) add(path, "format", "must be a valid " + tok);
            }
            if (t == "integer" || t == "number")
            {
                var x = value.Value<double>();
                if (schema.TryGetValue("minimum", out tok) && x < tok.Value<double>()) add(path, "minimum", "must be >= " + tok);
                if (schema.TryGetValue("maximum", out tok) && x > tok.Value<double>()) add(path, "maximum", "must be <= " + tok);
                if (schema.TryGetValue("exclusiveMinimum", out tok) && x <= tok.Value<double>()) add(path, "exclusiveMinimum", "must be > " + tok);
                if (schema.TryGetValue("exclusiveMaximum", out tok) && x >= tok.Value<double>()) add(path, "exclusiveMaximum", "must be < " + tok);
            }
            if (t == "object")
            {
                var obj = (JObject)value;
                var props = schema["properties"] as JObject ?? new JObject();
                if (schema.TryGetValue("required", out tok))
                    foreach (var r in tok) if (obj[r.Value<string>()] == null) add(path + "/" + Esc(r.Value<string>()), "required", "is required");
                var extra = schema["additionalProperties"];
                foreach (var p in obj.Properties())
                {
                    var at = path + "/" + Esc(p.Name);
                    if (props[p.Name] != null) Validate(defs, (JObject)props[p.Name], p.Value, at, output);
                    else if (extra != null && extra.Type == JTokenType.Boolean && !extra.Value<bool>()) add(at, "additionalProperties", "is not allowed");
                    else if (extra is JObject) Validate(defs, (JObject)extra, p.Value, at, output);
                }
            }
            if (t == "array")
            {
                var arr = (JArray)value;
                if (schema.TryGetValue("minItems", out tok) && arr.Count < tok.Value<int>()) add(path, "minItems", "must have at least " + tok + " items");
                if (schema.TryGetValue("maxItems", out tok) && arr.Count > tok.Value<int>()) add(path, "maxItems", "must have at most " + tok + " items");
                if (schema.TryGetValue("uniqueItems", out tok) && tok.Value<bool>() && arr.Select(v => v.ToString(Newtonsoft.Json.Formatting.None)).Distinct().Count() != arr.Count)
                    add(path, "uniqueItems", "must not contain duplicates");
                if (schema["items"] is JObject)
                    for (var i = 0; i < arr.Count; i++) Validate(defs, (JObject)schema["items"], arr[i], path + "/" + i, output);
            }
        }
    }
}
`;
