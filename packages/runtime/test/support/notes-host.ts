// A host in its own process, written with the TC39 decorators (run by tsx/esbuild). Used by the
// SIGTERM and kill -9 suites. Argument: the service name; settings come from SFN_* variables.
import {
  type CallContext,
  fn,
  runService,
  type ServiceDependencies,
  service,
  serviceFromClass,
} from "../../src/index.js";
import { notesContract, sleep } from "./notes-service.js";

const name = process.argv[2] ?? "NotesService";
type Note = { text: string; ms?: number };

@service(name)
class Notes {
  constructor(private readonly deps: ServiceDependencies) {}

  @fn("addNote", { input: "NoteInput", output: "NoteId" })
  async addNote(p: Note) {
    return { id: await this.deps.dataStore!.insert("notes", { text: p.text }) };
  }

  @fn("slowAdd")
  async slowAdd(p: Note) {
    await sleep(p.ms ?? 200, this.deps.signal);
    return { id: await this.deps.dataStore!.insert("notes", { text: p.text }) };
  }

  @fn("echo") async echo(p: Note) {
    return p;
  }
  @fn("echoDedup") async echoDedup(p: Note) {
    return p;
  }
  @fn("raise") async raise() {
    return null;
  }
  @fn("slow") async slow(_p: unknown) {
    return (this.deps as CallContext).callId;
  }
  @fn("ping") async ping() {
    return "pong";
  }
  @fn("relay") async relay() {
    return null;
  }
  @fn("pause") async pause(p: Note) {
    return p;
  }
  @fn("flaky") async flaky() {
    return { id: "never" };
  }
  @fn("lateWrite") async lateWrite() {
    return { id: "never" };
  }
}

await runService(serviceFromClass(Notes, notesContract(name)));
process.send?.("ready");
