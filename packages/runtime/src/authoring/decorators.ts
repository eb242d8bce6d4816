import type { ServiceContract } from "@sfn/contracts";
import { ValidationError } from "@sfn/contracts";
import type { CallContext } from "./call-context.js";
import { defineService, type ServiceDefinition } from "./define-service.js";

/** What a decorated class's constructor receives, per call (bound to the caller). */
export type ServiceDependencies<Config = Record<string, unknown>> = Omit<CallContext<Config>, "function">;

export interface FunctionOptions {
  /** Name of the contract definition of the parameters (documentation; the contract is authoritative). */
  input?: string;
  /** Name of the contract definition of the result. */
  output?: string;
}

interface ServiceMeta {
  name?: string;
  functions: Map<string, string | symbol>;
}

// TC39 decorators: method decorators run before the class decorator and share context.metadata.
// Node 22 lacks Symbol.metadata, so the methods are also collected through addInitializer-free state.
const pending = new WeakMap<object, Map<string, string | symbol>>();
const registry = new WeakMap<object, ServiceMeta>();
let collecting: Map<string, string | symbol> | undefined;

type AnyClass = abstract new (...args: never[]) => object;
type ServiceClass = new (deps: ServiceDependencies) => object;

/** Marks a class as the implementation of service `name` (TC39 standard class decorator). */
export function service(name: string) {
  return <C extends AnyClass>(target: C, context: ClassDecoratorContext<C>): void => {
    const functions = (context.metadata && pending.get(context.metadata)) ?? collecting ?? new Map();
    collecting = undefined;
    registry.set(target, { name, functions });
  };
}

/** Marks a method as contract function `name` (TC39 standard method decorator). */
export function fn(name: string, _options: FunctionOptions = {}) {
  return (_method: unknown, context: ClassMethodDecoratorContext): void => {
    if (context.static || context.private) {
      throw new ValidationError(`@fn("${name}") must decorate a public instance method`);
    }
    let functions: Map<string, string | symbol>;
    if (context.metadata) {
      functions = pending.get(context.metadata) ?? new Map();
      pending.set(context.metadata, functions);
    } else {
      collecting ??= new Map();
      functions = collecting;
    }
    functions.set(name, context.name);
  };
}

/**
 * Turns a decorated class into a ServiceDefinition. A new instance is constructed for every call with
 * that caller's dependencies, so instance state never leaks between callers.
 */
export function serviceFromClass(cls: ServiceClass, contract: ServiceContract): ServiceDefinition {
  const meta = registry.get(cls);
  if (!meta?.name) {
    throw new ValidationError(`class ${cls.name} has no @service decorator`);
  }
  const functions: Record<string, (p: unknown, ctx: CallContext) => unknown> = {};
  for (const [fnName, method] of meta.functions) {
    functions[fnName] = (parameters, ctx) => {
      // The context's members minus `function`, copied as property descriptors: the interfaces the
      // host builds on first use (dataStore, messaging, logger, …) stay lazy for the instance too.
      const { function: _f, ...descriptors } = Object.getOwnPropertyDescriptors(ctx);
      const deps = Object.defineProperties({}, descriptors) as ServiceDependencies;
      const instance = new cls(deps) as Record<string | symbol, unknown>;
      const impl = instance[method] as (p: unknown) => unknown;
      return impl.call(instance, parameters);
    };
  }
  return defineService({ name: meta.name, contract, functions });
}
