import { goName } from "../../core/naming.js";
import { embeddedSchema } from "../bundle.js";
import type { Contract } from "../model.js";
import { type ResolvedNames, typeName } from "../options.js";

/** Handlers interface (ctx first), Dispatch (routing body.function with validation) and a typed client. */
export function goGlue(contract: Contract, names: ResolvedNames): string {
  const P = names.pascal;
  const handlers = contract.functions.map(
    (f) =>
      `${f.description ? `\t// ${goName(f.name)}: ${f.description}\n` : ""}\t${goName(f.name)}(ctx context.Context, request ${typeName(f.input)}) (${typeName(f.output)}, error)`,
  );
  const cases = contract.functions.map(
    (f) =>
      `\tcase ${JSON.stringify(f.name)}:\n\t\tvar request ${typeName(f.input)}\n\t\tif err := json.Unmarshal(parameters, &request); err != nil {\n\t\t\treturn nil, err\n\t\t}\n\t\tresult, err := h.${goName(f.name)}(ctx, request)\n\t\tif err != nil {\n\t\t\treturn nil, err\n\t\t}\n\t\treturn json.Marshal(result)`,
  );
  const client = contract.functions.map(
    (f) =>
      `// ${goName(f.name)} calls ${f.name}.\nfunc (c *${P}Client) ${goName(f.name)}(ctx context.Context, request ${typeName(f.input)}) (${typeName(f.output)}, error) {\n\tvar result ${typeName(f.output)}\n\terr := c.call(ctx, ${JSON.stringify(f.name)}, request, &result)\n\treturn result, err\n}`,
  );
  const keyWidth = Math.max(...contract.functions.map((f) => JSON.stringify(f.name).length + 1));
  const table = contract.functions.map(
    (f) =>
      `\t${`${JSON.stringify(f.name)}:`.padEnd(keyWidth)} {${JSON.stringify(f.input)}, ${JSON.stringify(f.output)}},`,
  );
  return `package ${names.goPackage}

import (
	"context"
	"encoding/json"
	"errors"
)

// Service is the service name; calls go to topic service/{Service}.
const Service = ${JSON.stringify(contract.service)}

// SchemaVersion is the contract version this code was generated from.
const SchemaVersion = ${JSON.stringify(contract.schemaVersion)}

const schemaJSON = ${JSON.stringify(embeddedSchema(contract))}

var definitions = func() map[string]any {
	var doc struct {
		Definitions map[string]any \`json:"definitions"\`
	}
	if err := json.Unmarshal([]byte(schemaJSON), &doc); err != nil {
		panic(err)
	}
	return doc.Definitions
}()

var functions = map[string][2]string{
${table.join("\n")}
}

// Validate${P} checks a decoded JSON value against one of the contract's definitions.
func Validate${P}(definition string, value any) []Violation {
	var out []Violation
	validate(definitions, map[string]any{"$ref": "#/definitions/" + definition}, value, "", &out)
	return out
}

func validateRaw(definition string, raw []byte) []Violation {
	var value any
	if err := json.Unmarshal(raw, &value); err != nil {
		return []Violation{{"", "type", "not JSON: " + err.Error()}}
	}
	return Validate${P}(definition, value)
}

// ${P}Handlers are the functions of ${contract.service}: implement these, Dispatch does the rest.
type ${P}Handlers interface {
${handlers.join("\n")}
}

type errorInfo struct {
	Type    string \`json:"type"\`
	Code    string \`json:"code"\`
	Message string \`json:"message"\`
	Details any    \`json:"details,omitempty"\`
}

type replyBody struct {
	Status string          \`json:"status"\`
	Result json.RawMessage \`json:"result,omitzero"\`
	Error  *errorInfo      \`json:"error,omitempty"\`
}

func failure(typ, code, message string, details any) []byte {
	b, _ := json.Marshal(replyBody{Status: "error", Error: &errorInfo{typ, code, message, details}})
	return b
}

func run(ctx context.Context, h ${P}Handlers, name string, parameters []byte) ([]byte, error) {
	switch name {
${cases.join("\n")}
	}
	return nil, errors.New("unknown function " + name)
}

// Dispatch routes a CallBody ({function, parameters}) to the handler, validating the parameters
// against the input schema and the result against the output schema; it returns a ReplyBody.
func Dispatch(ctx context.Context, h ${P}Handlers, body []byte) []byte {
	var call struct {
		Function   *string         \`json:"function"\`
		Parameters json.RawMessage \`json:"parameters"\`
	}
	if err := json.Unmarshal(body, &call); err != nil || call.Function == nil {
		return failure("ValidationError", "SFN_CALL_INVALID", "body must be a CallBody {function, parameters}", nil)
	}
	spec, ok := functions[*call.Function]
	if !ok {
		return failure("NotFound", "SFN_FUNCTION_NOT_FOUND", "unknown function "+*call.Function, nil)
	}
	if call.Parameters == nil {
		call.Parameters = json.RawMessage("null")
	}
	if v := validateRaw(spec[0], call.Parameters); len(v) > 0 {
		return failure("ValidationError", "SFN_PARAMETERS_INVALID", "parameters do not match "+spec[0], map[string]any{"violations": v})
	}
	result, err := run(ctx, h, *call.Function, call.Parameters)
	if err != nil {
		var fe *FunctionError
		if errors.As(err, &fe) {
			return failure(fe.Type, fe.Code, fe.Message, fe.Details)
		}
		return failure("SystemError", "SFN_INTERNAL", "the function failed", nil)
	}
	if v := validateRaw(spec[1], result); len(v) > 0 {
		return failure("SystemError", "SFN_RESULT_INVALID", "result does not match "+spec[1], map[string]any{"violations": v})
	}
	b, _ := json.Marshal(replyBody{Status: "success", Result: result})
	return b
}

// ${P}Transport sends one call and returns the success result (adapts Messaging.SendAndWait).
type ${P}Transport interface {
	Call(ctx context.Context, service, function string, parameters json.RawMessage) (json.RawMessage, error)
}

// ${P}Client is the typed client: it validates requests before sending and results after receiving.
type ${P}Client struct {
	Transport ${P}Transport
}

func (c *${P}Client) call(ctx context.Context, name string, request any, result any) error {
	spec := functions[name]
	params, err := json.Marshal(request)
	if err != nil {
		return err
	}
	if v := validateRaw(spec[0], params); len(v) > 0 {
		return &FunctionError{"ValidationError", "SFN_PARAMETERS_INVALID", "request does not match " + spec[0], map[string]any{"violations": v}}
	}
	raw, err := c.Transport.Call(ctx, Service, name, params)
	if err != nil {
		return err
	}
	if v := validateRaw(spec[1], raw); len(v) > 0 {
		return &FunctionError{"SystemError", "SFN_RESULT_INVALID", "result does not match " + spec[1], map[string]any{"violations": v}}
	}
	return json.Unmarshal(raw, result)
}

${client.join("\n\n")}
`;
}
