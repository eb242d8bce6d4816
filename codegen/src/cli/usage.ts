export const USAGE = `sfn-codegen — sfn code generator

Usage:
  sfn-codegen platform [--check] [--root DIR] [--lang typescript,python,go,java,csharp,csharp-newtonsoft]
      Regenerate the platform bindings under runtimes/<lang>/**/generated/ from @sfn/contracts.
      --check   exit 1 (listing the files) when regenerating would change anything.

  sfn-codegen contract generate CONTRACT.json --lang LANG[,LANG] --out DIR
              [--namespace NS] [--package PKG] [--module NAME] [--just-types] [--check] [--cache-dir DIR]
      Types, typed client and handler glue (dispatcher + validation) for a service contract.
      LANG: typescript | python | go | java | csharp. With several languages each goes to DIR/<lang>/.

  sfn-codegen contract check CONTRACT.json
      Validate a contract; problems are printed with their JSON pointers (exit 1 when invalid).

  sfn-codegen contract diff OLD.json NEW.json [--json]
      Classify the change: exit 0 none/additive, 1 breaking, 2 usage error or invalid contract.
`;

/** A command-line mistake: printed with the usage, exit code 2. */
export class UsageError extends Error {}
