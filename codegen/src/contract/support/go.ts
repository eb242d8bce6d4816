// Static support code emitted into each Go contract package: the schema-subset validator.
export const goSupport = (pkg: string): string =>
  String.raw`package ${pkg}

import (
	"encoding/json"
	"fmt"
	"math"
	"regexp"
	"strings"
	"unicode/utf8"
)

// Violation is one reason a value failed its schema (path is a JSON pointer).
type Violation struct {
	Path    string ` +
  '`json:"path"`' +
  String.raw`
	Keyword string ` +
  '`json:"keyword"`' +
  String.raw`
	Message string ` +
  '`json:"message"`' +
  String.raw`
}

// FunctionError is returned by handlers for typed failures; any other error becomes a SystemError.
type FunctionError struct {
	Type    string
	Code    string
	Message string
	Details any
}

func (e *FunctionError) Error() string { return e.Type + " " + e.Code + ": " + e.Message }

var formats = map[string]*regexp.Regexp{
	"email":     regexp.MustCompile(` +
  "`^[^@\\s]+@[^@\\s]+\\.[^@\\s]+$`" +
  String.raw`),
	"uuid":      regexp.MustCompile(` +
  "`^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$`" +
  String.raw`),
	"date-time": regexp.MustCompile(` +
  "`^\\d{4}-\\d{2}-\\d{2}[Tt]\\d{2}:\\d{2}:\\d{2}(\\.\\d+)?([Zz]|[+-]\\d{2}:\\d{2})$`" +
  String.raw`),
	"date":      regexp.MustCompile(` +
  "`^\\d{4}-\\d{2}-\\d{2}$`" +
  String.raw`),
}

func jsonType(v any) string {
	switch x := v.(type) {
	case nil:
		return "null"
	case bool:
		return "boolean"
	case float64:
		if x == math.Trunc(x) {
			return "integer"
		}
		return "number"
	case string:
		return "string"
	case []any:
		return "array"
	default:
		return "object"
	}
}

func esc(k string) string { return strings.ReplaceAll(strings.ReplaceAll(k, "~", "~0"), "/", "~1") }

func num(s map[string]any, k string) (float64, bool) {
	v, ok := s[k].(float64)
	return v, ok
}

func validate(defs map[string]any, schema map[string]any, value any, path string, out *[]Violation) {
	add := func(p, k, m string) { *out = append(*out, Violation{p, k, m}) }
	if ref, ok := schema["$ref"].(string); ok {
		def, _ := defs[strings.TrimPrefix(ref, "#/definitions/")].(map[string]any)
		validate(defs, def, value, path, out)
		return
	}
	if alts, ok := schema["anyOf"].([]any); ok {
		for _, alt := range alts {
			var errs []Violation
			a, _ := alt.(map[string]any)
			validate(defs, a, value, path, &errs)
			if len(errs) == 0 {
				return
			}
		}
		add(path, "anyOf", "matches no alternative")
		return
	}
	t := jsonType(value)
	if raw, ok := schema["type"]; ok {
		var allowed []string
		switch x := raw.(type) {
		case string:
			allowed = []string{x}
		case []any:
			for _, y := range x {
				allowed = append(allowed, fmt.Sprint(y))
			}
		}
		match := false
		for _, a := range allowed {
			if a == t || (t == "integer" && a == "number") {
				match = true
			}
		}
		if !match {
			add(path, "type", "must be "+strings.Join(allowed, " or "))
			return
		}
	}
	if en, ok := schema["enum"].([]any); ok {
		found := false
		for _, e := range en {
			if e == value {
				found = true
			}
		}
		if !found {
			b, _ := json.Marshal(en)
			add(path, "enum", "must be one of "+string(b))
		}
	}
	if s, ok := value.(string); ok {
		n := float64(utf8.RuneCountInString(s))
		if m, ok := num(schema, "minLength"); ok && n < m {
			add(path, "minLength", fmt.Sprintf("must have at least %v characters", m))
		}
		if m, ok := num(schema, "maxLength"); ok && n > m {
			add(path, "maxLength", fmt.Sprintf("must have at most %v characters", m))
		}
		if p, ok := schema["pattern"].(string); ok && !regexp.MustCompile(p).MatchString(s) {
			add(path, "pattern", "must match "+p)
		}
		if f, ok := schema["format"].(string); ok && formats[f] != nil && !formats[f].MatchString(s) {
			add(path, "format", "must be a valid "+f)
		}
	}
	if x, ok := value.(float64); ok {
		if m, ok := num(schema, "minimum"); ok && x < m {
			add(path, "minimum", fmt.Sprintf("must be >= %v", m))
		}
		if m, ok := num(schema, "maximum"); ok && x > m {
			add(path, "maximum", fmt.Sprintf("must be <= %v", m))
		}
		if m, ok := num(schema, "exclusiveMinimum"); ok && x <= m {
			add(path, "exclusiveMinimum", fmt.Sprintf("must be > %v", m))
		}
		if m, ok := num(schema, "exclusiveMaximum"); ok && x >= m {
			add(path, "exclusiveMaximum", fmt.Sprintf("must be < %v", m))
		}
	}
	if obj, ok := value.(map[string]any); ok {
		props, _ := schema["properties"].(map[string]any)
		if req, ok := schema["required"].([]any); ok {
			for _, r := range req {
				if _, has := obj[fmt.Sprint(r)]; !has {
					add(path+"/"+esc(fmt.Sprint(r)), "required", "is required")
				}
			}
		}
		for k, v := range obj {
			if p, ok := props[k].(map[string]any); ok {
				validate(defs, p, v, path+"/"+esc(k), out)
			} else if extra, ok := schema["additionalProperties"].(bool); ok && !extra {
				add(path+"/"+esc(k), "additionalProperties", "is not allowed")
			} else if extra, ok := schema["additionalProperties"].(map[string]any); ok {
				validate(defs, extra, v, path+"/"+esc(k), out)
			}
		}
	}
	if arr, ok := value.([]any); ok {
		n := float64(len(arr))
		if m, ok := num(schema, "minItems"); ok && n < m {
			add(path, "minItems", fmt.Sprintf("must have at least %v items", m))
		}
		if m, ok := num(schema, "maxItems"); ok && n > m {
			add(path, "maxItems", fmt.Sprintf("must have at most %v items", m))
		}
		if u, ok := schema["uniqueItems"].(bool); ok && u {
			seen := map[string]bool{}
			for _, v := range arr {
				b, _ := json.Marshal(v)
				seen[string(b)] = true
			}
			if len(seen) != len(arr) {
				add(path, "uniqueItems", "must not contain duplicates")
			}
		}
		if items, ok := schema["items"].(map[string]any); ok {
			for i, v := range arr {
				validate(defs, items, v, fmt.Sprintf("%s/%d", path, i), out)
			}
		}
	}
}
`;
