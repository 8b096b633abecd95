/**
 * The public API of isavirt: one explicit export list (STYLE.md). Everything else is internal.
 *
 * Pipeline: loadIsa (YAML → Isa model) → checkIsa (semantics → checked IR) → Machine (the ISA
 * executed bare) → auditIsa (Popek–Goldberg classes and theorems) → ControlProgram (the VMM).
 */
export { InputError, formatDiagnostic } from './diagnostic.js';
export type { Diagnostic, DiagnosticCode, SourcePos } from './diagnostic.js';

export { loadIsa, loadIsaText } from './isa/load.js';
export type { Isa, Instruction, StateElement, Role, Cause, Encoding, Mode } from './isa/model.js';
export { createDecoder } from './isa/decoder.js';
export type { Decoded, Decoder } from './isa/decoder.js';
export { assemble, assembleFile, flatImage } from './isa/assembler.js';
export { createDisassembler } from './isa/disassembler.js';

export { checkIsa, loadCheckedIsa } from './semantics/check-isa.js';
export type { CheckedIsa } from './semantics/check-isa.js';
export type { Bits } from './semantics/values.js';

export { Machine } from './machine/machine.js';
export type { MachineOptions, StepResult } from './machine/machine.js';
export { runMachine } from './machine/run.js';
export type { RunOutcome } from './machine/run.js';
export { loadGuestImage, placeImage } from './machine/image.js';
export type { GuestImage } from './machine/image.js';

export { auditIsa } from './check/audit.js';
export type { AuditResult } from './check/result.js';

export { ControlProgram } from './vmm/control-program.js';
export type { ControlProgramOptions, Counters, Strategy } from './vmm/control-program.js';
export type { AllocatorWork, ExitEvent, ExitReason, InterpretReason, PreemptReason } from './vmm/exits.js';
export { chooseStrategy } from './vmm/strategy.js';
