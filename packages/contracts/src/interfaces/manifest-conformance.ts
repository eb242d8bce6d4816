// Compile-time proof that the hand-written interfaces and the operation manifests name the same
// operations: `tsc --noEmit` fails on any drift.
import type { FactoryMethods, OperationNames } from "../generated/operation-names.generated.js";
import type { Authenticator, AuthenticatorFactory } from "./authenticator.js";
import type { Authorizer, AuthorizerFactory } from "./authorizer.js";
import type { DataStore, DataStoreFactory } from "./datastore.js";
import type { Messaging, MessagingFactory, Subscription } from "./messaging.js";

type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
type Methods<T> = { [K in keyof T]: T[K] extends (...args: never[]) => unknown ? K : never }[keyof T];

export type InterfacesMatchManifests = [
  Same<Methods<Messaging>, OperationNames["Messaging"]>,
  Same<Methods<Subscription>, OperationNames["Subscription"]>,
  Same<Methods<DataStore>, OperationNames["DataStore"]>,
  Same<Methods<Authorizer>, OperationNames["Authorizer"]>,
  Same<Methods<Authenticator>, OperationNames["Authenticator"]>,
  Same<keyof MessagingFactory, FactoryMethods["MessagingFactory"]>,
  Same<keyof DataStoreFactory, FactoryMethods["DataStoreFactory"]>,
  Same<keyof AuthorizerFactory, FactoryMethods["AuthorizerFactory"]>,
  Same<keyof AuthenticatorFactory, FactoryMethods["AuthenticatorFactory"]>,
];

// Every element must be `true`; a `false` here is a drift between a manifest and its interface.
export const interfacesMatchManifests: InterfacesMatchManifests = [
  true,
  true,
  true,
  true,
  true,
  true,
  true,
  true,
  true,
];
